"""Applying effect statements to a game state: the one place where a stat, relation or flag moves.

Shared by `Game.choose` (which applies them for real) and `preview` (which applies them to a
scratch copy to tell the player, before a choice, exactly what it will do): one function, so a
preview can never disagree with the game about clamping, rounding or the order of effects.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from kremlin_tui.model import Effect, Story

if TYPE_CHECKING:
    from kremlin_tui.engine import GameState


def apply_effects(story: Story, state: GameState, effects: tuple[Effect, ...], before: dict[str, Any]) -> None:
    """Apply `effects` in order; `before` collects the old value of every variable touched
    (the first time it is touched), from which the changes are computed."""
    for effect in effects:
        op = effect.op
        if op == "schedule":
            when = effect.on or state.date.plus(*effect.delay)  # type: ignore[misc]
            state.scheduled[effect.target] = when.iso()
            continue
        if op == "unlock":
            if effect.target not in state.codex:
                state.codex.append(effect.target)
            continue
        target = effect.target
        if target not in before:
            before[target] = state.vars[target]
        value = effect.value(state)  # type: ignore[misc]
        bounds = story.bounds(target)
        if bounds is None:
            state.vars[target] = value
            continue
        current = state.vars[target]
        new = current + value if op == "+=" else current - value if op == "-=" else value
        low, high = bounds
        new = low if new < low else high if new > high else new
        if isinstance(new, float):
            # stats and relations are whole numbers: `workers -= hunger / 15` must not show
            # the player "76 → 70.7"; halves round away from zero, the same on every machine
            new = math.floor(new + 0.5) if new >= 0 else -math.floor(-new + 0.5)
        state.vars[target] = new


def clean_weights(weights: list[Any]) -> list[float]:
    """Outcome weights as the draw uses them: negative (and NaN) weights count as 0; if any
    weight is infinite, the infinite ones share the chances equally and the rest count as 0."""
    clean = [max(0.0, float(w)) for w in weights]
    if any(math.isinf(w) for w in clean):
        return [1.0 if math.isinf(w) else 0.0 for w in clean]
    return clean


def outcome_chances(weights: list[Any]) -> list[float]:
    """The chance of each outcome given its weight, exactly as `Game._draw` picks: when no
    weight is positive, every outcome is equally likely."""
    clean = clean_weights(weights)
    total = sum(clean)
    if total <= 0:
        return [1 / len(clean)] * len(clean)
    return [w / total for w in clean]
