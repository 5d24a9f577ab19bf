"""Applying effect statements to a game state, and the chances of outcomes.

`Game.choose` applies a choice's effects for real and `preview` applies them to a scratch copy
to tell the player, before a choice, exactly what it will do: both run the story's compiled
steps (`engine_plan`), so a preview can never disagree with the game about clamping, rounding
or the order of effects.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from kremlin_tui.engine_plan import apply_steps
from kremlin_tui.model import Effect, Story

if TYPE_CHECKING:
    from kremlin_tui.engine import GameState


def apply_effects(story: Story, state: GameState, effects: tuple[Effect, ...], before: dict[str, Any]) -> None:
    """Apply `effects` in order; `before` collects the old value of every variable touched
    (the first time it is touched), from which the changes are computed. The effects run as the
    story's compiled steps (`engine_plan.StoryPlan.steps`), the very ones `Game.choose` runs."""
    apply_steps(story.plan.steps(effects), state, before)


def clean_weights(weights: list[Any]) -> list[float]:
    """Outcome weights as the draw uses them: negative (and NaN) weights count as 0; if any
    weight is infinite, the infinite ones share the chances equally and the rest count as 0."""
    clean = [max(0.0, float(w)) for w in weights]
    if math.inf in clean:  # only +inf is left: max(0.0, ...) made -inf and NaN 0.0
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
