"""What a front end shows, computed once: plain data that the TUI and plain mode both render.

The engine says what happened; this module decides what is worth showing and how a value reads
(numbers, ▲/▼ with an amount, good or bad news, pluralised counts, wrapped lines), so the two
front ends cannot drift apart. No Textual or Rich here (see tests/test_import_hygiene.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from kremlin_tui import cells
from kremlin_tui.attitudes import attitude_word
from kremlin_tui.cells import cell_width
from kremlin_tui.dates import GameDate
from kremlin_tui.engine import Change, ChoiceView, Game, TurnResult
from kremlin_tui.expr import format_value
from kremlin_tui.model import CodexEntry, Story
from kremlin_tui.preview import ChoicePreview, Preview
from kremlin_tui.safetext import safe_line
from kremlin_tui.spec import Polarity
from kremlin_tui.stat_thresholds import NEAR, Threshold
from kremlin_tui.state import ChangeKind

UP, DOWN = "▲", "▼"
_UP, _NEUTRAL = Polarity.UP, Polarity.NEUTRAL  # bound once: an enum member's lookup costs ~0.5 µs in 3.11
SHOWN_KINDS = (ChangeKind.STAT, ChangeKind.RELATION)  # hidden stats and flags never show as numbers
_HIDDEN = ChangeKind.HIDDEN


class Verdict(StrEnum):
    """Whether a change is good news for the player, judged by the stat's polarity."""

    GOOD = "good"
    BAD = "bad"
    NEUTRAL = "neutral"


def number(value: Any) -> str:
    """A stat's value as a player reads it: 87, not 87.0; 2.5 stays 2.5."""
    return format_value(float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value)


def arrow(delta: float) -> str:
    """▲5 or ▼3."""
    return (UP if delta > 0 else DOWN) + number(abs(float(delta)))


def verdict(delta: float, polarity: str) -> Verdict:
    if polarity == _NEUTRAL or not delta:
        return Verdict.NEUTRAL
    return Verdict.GOOD if (delta > 0) == (polarity == _UP) else Verdict.BAD


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 time", "2 times"."""
    return f"{count} {word if count == 1 else many or word + 's'}"


@dataclass(frozen=True)
class Delta:
    """One change, shown or foreseen: "Party standing ▲5 (45 → 50)"."""

    label: str
    delta: float
    verdict: Verdict
    old: Any = None
    new: Any = None

    @property
    def short(self) -> str:
        return f"{self.label} {arrow(self.delta)}"

    @property
    def line(self) -> str:
        if self.old is None:
            return self.short
        return f"{self.short} ({number(self.old)} → {number(self.new)})"


def worth_showing(changes: Iterable[Change]) -> list[Change]:
    """The changes a player sees as numbers: stats and relations that moved."""
    return [c for c in changes if c.kind in SHOWN_KINDS and c.delta]


def change_deltas(changes: Iterable[Change]) -> tuple[Delta, ...]:
    return tuple(Delta(c.label, c.delta, verdict(c.delta, c.polarity), c.old, c.new) for c in worth_showing(changes))


def preview_deltas(previews: Iterable[Preview]) -> tuple[Delta, ...]:
    """Foreseen changes with an amount (a flag's preview has none to show)."""
    return tuple(Delta(p.label, p.delta, verdict(p.delta, p.polarity)) for p in previews if p.delta)


def choice_costs(choice: ChoiceView) -> tuple[Delta, ...]:
    """The certain changes shown with a choice (the engine's preview)."""
    return preview_deltas(choice.preview)


def costs_text(deltas: Iterable[Delta]) -> str:
    """"Party standing ▲6, Workers' support ▲2": each change stays whole when wrapped."""
    return ", ".join(unbreakable(d.short) for d in deltas)


# -- chances and gambles (the engine's odds, in words) ---------------------------------------


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
    best = min((Fraction(k, n) for n in range(2, 11) for k in range(1, n)), key=lambda f: (abs(float(f) - chance), f.denominator))
    return f"about {best.numerator} in {best.denominator}"


def changes_words(previews: tuple[Preview, ...]) -> str:
    """Party standing ▲5, Britain ▼3 (stats and relations; flags have no delta to show)."""
    return costs_text(preview_deltas(previews))


def join_words(items: tuple[str, ...] | list[str]) -> str:
    """a, b and c."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Odds:
    """One possible result of a gamble, as shown: "1 in 4", what it changes, and whether it ends
    the game (a player must never learn that from the result alone)."""

    chance: str
    changes: tuple[Delta, ...]
    ends: bool = False

    @property
    def lead(self) -> str:
        """"about 2 in 7" or "about 2 in 7, your game ends": what comes before the changes."""
        return self.chance + (ENDS_WORDS if self.ends else "")


ENDS_WORDS = ", your game ends"
ENDS_CERTAIN = "your game ends here"  # a choice that certainly leads to an ending


def gamble_odds(gamble: ChoicePreview) -> list[Odds]:
    """The possible results, likeliest first."""
    return [Odds(chance_words(o.chance), preview_deltas(o.changes), o.ends)
            for o in sorted(gamble.outcomes, key=lambda o: -o.chance)]


def gamble_words(gamble: ChoicePreview) -> str:
    """One line for a choice whose result is not certain, e.g. "A gamble: 1 in 4: Party standing
    ▼5; 3 in 4: Workers' support ▲3 (depends on Workers' support)", or "A gamble: about 5 in 7
    or about 2 in 7, your game ends" when the changes are hidden."""
    odds = gamble_odds(gamble)
    shown_any = any(o.changes for o in odds)
    if shown_any:
        parts = [o.lead + ": " + costs_text(o.changes) if o.changes else
                 o.lead if o.ends else o.chance + ": no change you can see" for o in odds]
    else:
        parts = [o.lead for o in odds]
    text = "A gamble: " + ("; " if shown_any else " or ").join(parts)
    if gamble.depends_on:
        text += f" (depends on {join_words(gamble.depends_on)})"
    return text


# -- wrapping -------------------------------------------------------------------------------


NBSP = "\u00a0"  # a space a line is never broken at (textwrap splits on ASCII white space only)


def unbreakable(text: str) -> str:
    """Keep `text` (e.g. "Party standing ▲6") on one line when it is wrapped by `hang`."""
    return text.replace(" ", NBSP)


def hang(text: str, width: int, first: str = "", indent: int | None = None) -> list[str]:
    """Wrap `text` after the prefix `first`; continuation lines start under the text, never
    under the prefix (a hanging indent). Words are never broken unless one is wider than a line."""
    room = max(8, width)
    if cell_width(first) + cell_width(text) <= room and text and text == text.strip() and text.isprintable():
        # fits as it is (most titles and labels): wrapping would return it unchanged, only slower
        return [(first + text).replace(NBSP, " ")]
    pad = " " * (cell_width(first) if indent is None else indent)
    lines = cells.wrap(text, room, initial_indent=first, subsequent_indent=pad, break_on_hyphens=False)
    return [line.replace(NBSP, " ") for line in lines] or [first.rstrip()]


def pack(items: list[str], width: int, first: str = "", sep: str = "  ") -> list[list[int]]:
    """Fill lines with whole items (e.g. "Party standing ▲5"): which items go on each line, so
    that no item is split; continuation lines start under the first item, after `first`."""
    lines: list[list[int]] = [[]]
    used = cell_width(first)
    for index, item in enumerate(items):
        extra = cell_width(item) + (cell_width(sep) if lines[-1] else 0)
        if lines[-1] and used + extra > width:
            lines.append([])
            used, extra = cell_width(first), cell_width(item)
        lines[-1].append(index)
        used += extra
    return lines


# -- a decision's consequences --------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one decision did, as a player is told it."""

    label: str
    result: str  # Markdown from the story
    changes: tuple[Delta, ...]
    hidden_shift: bool  # something the player cannot measure moved
    codex: tuple[str, ...]  # titles newly unlocked
    events: tuple[str, ...]  # titles of the events it set off


def outcome(story: Story, result: TurnResult) -> Outcome:
    from kremlin_tui.why import without_hint

    return Outcome(
        label=without_hint(result.label),
        result=result.result,
        changes=change_deltas(result.changes),
        hidden_shift=any(c.kind == _HIDDEN for c in result.changes),
        codex=tuple(story.codex[c].title for c in result.codex if c in story.codex),
        events=tuple(result.events),
    )


# -- the journal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalEntry:
    chapter: str  # the chapter's title when this entry opens a chapter, else ""
    date: str
    title: str
    label: str
    is_event: bool
    changes: tuple[Delta, ...]
    set_off: tuple[str, ...]  # titles of the events this decision set off
    causes: tuple[str, ...] = ()  # an event's entry: the decisions that set it off ("Why?")


def journal(game: Game) -> list[JournalEntry]:
    """Every decision so far, oldest first, grouped by chapter."""
    story = game.story
    entries: list[JournalEntry] = []
    chapter = None
    from kremlin_tui.why import event_causes, without_hint

    for number, step in enumerate(game.state.history, start=1):
        node = story.nodes.get(step.node)
        opens = ""
        if node is not None and node.chapter != chapter:
            chapter = node.chapter
            opens = story.chapter_title(chapter)
        set_off = tuple(event.title for event in (story.nodes.get(e) for e in step.events) if event is not None)
        is_event = node is not None and node.event is not None
        causes = tuple(c.short() for c in event_causes(game, node, number - 1)) if is_event else ()  # type: ignore[arg-type]
        # a step's title and label are read back from the save file: shown escaped, never raw
        label = safe_line(without_hint(step.label))  # as Why? words it: the real changes are listed under it
        entries.append(JournalEntry(opens, GameDate.parse(step.date).display(), safe_line(step.title), label,
                                    is_event, change_deltas(step.changes), set_off, causes))
    return entries


# -- standing: stats and relations ----------------------------------------------------------


@dataclass(frozen=True)
class StatRow:
    id: str
    label: str
    value: float
    low: float
    high: float
    description: str
    last: Delta | None  # the last decision's change, if any
    near: str = ""  # why the story may soon react ("falls below 30"), else ""


@dataclass(frozen=True)
class RelationRow:
    id: str
    name: str
    value: float
    attitude: str
    description: str
    last: Delta | None


def _last_changes(game: Game) -> dict[str, Change]:
    history = game.state.history
    return {c.name: c for c in worth_showing(history[-1].changes)} if history else {}


def stat_rows(game: Game, thresholds: dict[str, tuple[Threshold, ...]] | None = None) -> list[StatRow]:
    last = _last_changes(game)
    rows = []
    for stat in game.story.stats.values():
        if stat.hidden:
            continue
        value = float(game.state.vars[stat.id])
        change = last.get(stat.id)
        delta = Delta(stat.label, change.delta, verdict(change.delta, stat.polarity)) if change else None
        near = nearest(value, thresholds.get(stat.id, ())) if thresholds else ""
        rows.append(StatRow(stat.id, stat.label, value, stat.min, stat.max, stat.description, delta, near))
    return rows


def relation_rows(game: Game) -> list[RelationRow]:
    last = _last_changes(game)
    rows = []
    for rel in game.story.relations.values():
        value = float(game.state.vars[rel.id])
        change = last.get(rel.id)
        delta = Delta(rel.name, change.delta, verdict(change.delta, "up")) if change else None
        rows.append(RelationRow(rel.id, rel.name, value, attitude_word(value), rel.description, delta))
    return rows


# -- thresholds the story reads (worked out in stat_thresholds; NEAR marks a stat near one) ------


def nearest(value: float, marks: Iterable[Threshold]) -> str:
    """How the nearest threshold within NEAR points would be crossed: "falls below 30" for a
    value at or above it, "reaches 30" for one below it ("" when none is near)."""
    best: tuple[float, str] | None = None
    for mark in marks:
        gap = abs(value - mark.value)
        if gap <= NEAR and (best is None or gap < best[0]):
            best = (gap, f"falls below {number(mark.value)}" if value >= mark.value else f"reaches {number(mark.value)}")
    return best[1] if best else ""


# -- the ending -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    label: str
    value: str
    attitude: str = ""


def final_standing(game: Game) -> list[Standing]:
    rows = [Standing(label, number(value)) for _sid, label, value in game.visible_stats()]
    rows += [Standing(name, number(value), attitude_word(value)) for _rid, name, value in game.relations()]
    return rows


def endings_found(story: Story, found: dict[str, dict[str, Any]]) -> list[tuple[str, int]]:
    """Each ending with how often it was reached ("" and 0 for one not yet found)."""
    out = []
    for node in story.nodes.values():
        if node.is_ending:
            seen = found.get(node.id)
            out.append((node.title, int(seen.get("count", 1))) if seen else ("", 0))
    return out


# -- the codex ------------------------------------------------------------------------------


SEARCH_CHARS, SEARCH_WORDS = 200, 12  # what a codex search reads of what was typed


def search_codex(entries: Iterable[CodexEntry], query: str) -> list[CodexEntry]:
    """Entries matching `query`, best first: the title itself, a title starting with it, a word
    of the title starting with it, the title containing it, then the text (most mentions first)."""
    # each word once, at most SEARCH_WORDS of them: a pasted page of text searched every entry
    # for each of its 20,000 words on every keystroke (11.7 s for 80 KB)
    words = list(dict.fromkeys(query.lower()[:SEARCH_CHARS].split()))[:SEARCH_WORDS]
    if not words:
        return sorted(entries, key=lambda e: e.title)
    ranked: list[tuple[int, int, str, CodexEntry]] = []
    for entry in entries:
        title = entry.title.lower()
        text = entry.text.source.lower()
        if not all(w in title or w in text for w in words):
            continue
        phrase = " ".join(words)
        title_words = title.replace("-", " ").split()
        if title == phrase:
            rank = 0
        elif title.startswith(phrase):
            rank = 1
        elif any(t.startswith(phrase) for t in title_words) or all(any(t.startswith(w) for t in title_words) for w in words):
            rank = 2
        elif phrase in title:
            rank = 3
        else:
            rank = 4
        ranked.append((rank, -sum(text.count(w) for w in words), entry.title, entry))
    return [entry for *_key, entry in sorted(ranked, key=lambda r: r[:3])]
