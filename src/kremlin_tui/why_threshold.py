"""Why? for numbers: the decision that made a threshold hold ("OGPU power at least 60").

`why.causes_of` names, for each variable a condition reads, the last decision that changed it.
For a test of stats and relations alone that answer can be false: the last decision may have
moved a number the other way ("OGPU power at least 60 ← OGPU power ▼5 (67 → 62)"). For such
tests (`police >= 60`, and `party + workers > 100`, which two numbers decide together) the
cause is the decision after which the test last came to hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kremlin_tui.expr import And, Ast, Or, compile_ast, reads
from kremlin_tui.model import Story

if TYPE_CHECKING:
    from kremlin_tui.engine import Step


@dataclass(frozen=True, slots=True)
class _Values:
    """What a compiled test reads: the values of the numbers it tests."""

    vars: dict[str, Any]


def number_tests(ast: Ast, story: Story) -> dict[str, Ast]:
    """The parts of a condition (itself, or the items of its `and`/`or`) that read stats and
    relations and nothing else (`police >= 60`, `britain < -20`, `party + workers > 100`),
    under each name they test (a part that tests two numbers is found under both)."""
    found: dict[str, Ast] = {}
    for item in ast.items if type(ast) in (And, Or) else (ast,):
        names = list(reads(item))
        if names and all(how == "var" and (name in story.stats or name in story.relations) for name, how in names):
            for name, _ in names:
                found.setdefault(name, item)
    return found


def made_true(history: list[Step], values: dict[str, Any], test: Ast, upto: int) -> tuple[int, str] | None:
    """The decision (1-based, ≤ upto) whose changes turned `test` from false to true, with the
    number it moved that the test reads; None when no decision did (it held from the start).
    `values`: the numbers now; each step's changes are undone going back, so a test of two
    numbers is evaluated on both as they were."""
    holds = compile_ast(test)
    names = {name for name, _ in reads(test)}
    now = {name: values.get(name) for name in names}
    for step in reversed(history[upto:]):
        _undo(step, names, now)
    for index in range(min(upto, len(history)) - 1, -1, -1):
        after = dict(now)
        moved = _undo(history[index], names, now)
        if moved and not _true(holds, now) and _true(holds, after):
            return index + 1, moved[0]
    return None


def _undo(step: Step, names: set[str], values: dict[str, Any]) -> list[str]:
    """Take `step`'s changes to `names` back out of `values`; the names it moved, in order."""
    moved: list[str] = []
    for change in reversed(step.changes):
        if change.name in names:
            values[change.name] = change.old
            if change.name not in moved:
                moved.insert(0, change.name)
    return moved


def _true(holds: Any, values: dict[str, Any]) -> bool:
    try:
        return bool(holds(_Values(values)))
    except Exception:  # a test that cannot be evaluated names no cause
        return False
