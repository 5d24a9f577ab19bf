"""The values at which the story reacts to a stat by itself: `grain < 30` in an event's
condition makes 30 a threshold of grain, which the sidebar marks as the stat nears it.

Apart from `present` (which re-exports these names) because front ends work them out as soon as
the story is loaded, on the title screen: this reads only the events' conditions, so it needs the
expression tree and nothing of the engine (issue 19: memory after start).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kremlin_tui.expr_ast import Cmp, Const, Var, walk

if TYPE_CHECKING:
    from kremlin_tui.expr import Expr
    from kremlin_tui.expr_ast import Ast
    from kremlin_tui.model import Story

NEAR = 3  # within this many points of a threshold, a stat is marked


class Side(StrEnum):
    """Which side of a threshold the story's comparison asks about."""

    BELOW = "below"  # `grain < 30`, `grain <= 30`
    ABOVE = "above"  # `grain > 30`, `grain >= 30`


@dataclass(frozen=True)
class Threshold:
    """A comparison the story makes on a stat: `grain < 30` is Threshold(30, Side.BELOW)."""

    value: float
    side: Side


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _comparisons(ast: Ast) -> Iterator[tuple[str, str, float]]:
    """(variable, operator, constant) for every `var OP number` in an expression tree."""
    for node in walk(ast):
        if type(node) is not Cmp:
            continue
        for op, left, right in zip(node.ops, node.operands, node.operands[1:], strict=False):
            match left, right:
                case Var(name), Const(int() | float() as value):
                    yield name, op, float(value)
                case Const(int() | float() as value), Var(name):
                    yield name, _FLIP[op], float(value)


def _story_exprs(story: Story) -> Iterator[Expr]:
    """The conditions of events: what happens by itself when a stat crosses a value (a choice's
    condition only opens or locks that choice). From `story.triggers`: no scene is decoded."""
    for trigger in story.triggers.values():
        if trigger.condition is not None:
            yield trigger.condition


def thresholds(story: Story) -> dict[str, tuple[Threshold, ...]]:
    """Every value at which an event's condition on a visible stat changes its answer.
    Reads every event, so front ends compute it once per story, off the UI thread."""
    visible = {s.id for s in story.stats.values() if not s.hidden}
    found: dict[str, set[Threshold]] = {}
    for expr in _story_exprs(story):
        for name, op, value in _comparisons(expr.ast):
            if name in visible and op in ("<", "<=", ">", ">="):
                found.setdefault(name, set()).add(Threshold(value, Side.BELOW if op.startswith("<") else Side.ABOVE))
    return {name: tuple(sorted(ts, key=lambda t: t.value)) for name, ts in found.items()}
