"""Engine facts in words a player reads: chances, previews and gambles.

Headless and shared: plain mode and the TUI word a preview the same way, so a transcript and a
screen never disagree about the odds.
"""

from __future__ import annotations

from fractions import Fraction

from kremlin_tui.expr import format_value
from kremlin_tui.preview import ChoicePreview, Preview


def format_delta(delta: float) -> str:
    """▲5 or ▼3."""
    return ("▲" if delta > 0 else "▼") + format_value(abs(float(delta)))


def chance_words(chance: float) -> str:
    """A chance as people say it: "1 in 4", "about 2 in 3", "about 1 in 20", "almost certain".
    Exact when the chance is a simple fraction; otherwise the nearest simple one, "about"."""
    if chance <= 0:
        return "no chance"
    if chance >= 1:
        return "certain"
    if chance < 0.01:
        return "less than 1 in 100"
    if chance > 0.99:
        return "almost certain"
    exact = Fraction(chance).limit_denominator(10)
    if abs(float(exact) - chance) < 1e-9:
        return f"{exact.numerator} in {exact.denominator}"
    if chance < 0.1:
        return f"about 1 in {round(1 / chance)}"
    best = min((Fraction(k, n) for n in range(2, 11) for k in range(1, n)),
               key=lambda f: (abs(float(f) - chance), f.denominator))
    return f"about {best.numerator} in {best.denominator}"


def changes_words(previews: tuple[Preview, ...]) -> str:
    """Party standing ▲5, Britain ▼3 (stats and relations; flags have no delta to show)."""
    return ", ".join(f"{p.label} {format_delta(p.delta)}" for p in previews if p.delta)


def join_words(items: tuple[str, ...] | list[str]) -> str:
    """a, b and c."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def gamble_words(gamble: ChoicePreview) -> str:
    """One line for a choice whose result is not certain, e.g. "A gamble: 1 in 4: Party standing
    ▼5; 3 in 4: Workers' support ▲3 (depends on Workers' support)"."""
    parts = []
    shown_any = any(changes_words(o.changes) for o in gamble.outcomes)
    for outcome in sorted(gamble.outcomes, key=lambda o: -o.chance):
        chance = chance_words(outcome.chance)
        if shown_any:
            chance += ": " + (changes_words(outcome.changes) or "no change you can see")
        parts.append(chance)
    text = "A gamble: " + ("; " if shown_any else " or ").join(parts)
    if gamble.depends_on:
        text += f" (depends on {join_words(gamble.depends_on)})"
    return text
