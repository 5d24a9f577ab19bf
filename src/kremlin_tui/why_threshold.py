"""Why? for a number: the decision that made a threshold hold ("OGPU power at least 60").

`why.causes_of` names, for each variable a condition reads, the last decision that changed it.
For a test of one stat or relation alone that answer can be false: the last decision may have
moved the number the other way ("OGPU power at least 60 ← OGPU power ▼5 (67 → 62)"). For such
tests the cause is the decision after which the test last came to hold.
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
    """What a compiled test reads: one variable's value."""

    vars: dict[str, Any]


def number_tests(ast: Ast, story: Story) -> dict[str, Ast]:
    """The parts of a condition (itself, or the items of its `and`/`or`) that read one stat or
    relation and nothing else (`police >= 60`, `britain < -20`), by the name they test."""
    found: dict[str, Ast] = {}
    for item in ast.items if type(ast) in (And, Or) else (ast,):
        names = list(reads(item))
        if len(names) == 1 and names[0][1] == "var" and (names[0][0] in story.stats or names[0][0] in story.relations):
            found.setdefault(names[0][0], item)
    return found


def made_true(history: list[Step], name: str, test: Ast, upto: int) -> int | None:
    """The decision (1-based, ≤ upto) whose change to `name` turned `test` from false to true;
    None when no decision did (it held from the start)."""
    holds = compile_ast(test)
    for index in range(min(upto, len(history)) - 1, -1, -1):
        moved = [change for change in history[index].changes if change.name == name]
        if moved and not _true(holds, name, moved[0].old) and _true(holds, name, moved[-1].new):
            return index + 1
    return None


def _true(holds: Any, name: str, value: Any) -> bool:
    try:
        return bool(holds(_Values({name: value})))
    except Exception:  # a test that cannot be evaluated names no cause
        return False
