"""Outcomes the state decides: a choice whose outcomes are never left to chance.

A writer routes a choice by the situation with weights such as `if(C, 1, 0)` and `if(C, 0, 1)`,
or a partition (`if(A, 1, 0)`, `if(not A and B, 1, 0)`, `if(not A and not B, 1, 0)`): in any
state at most one outcome has a weight, so the player's choice has one possible result, and
its label must not call it "a gamble" (the preview shows it as certain). `check` reads this
statically: each outcome's weight gives the condition under which it *may* be nonzero (its
gate), and the choice is decided by the state when no two gates can hold at once.

Conditions are read as formulas over their comparisons, each an unknown true or false, with
two facts of the language: `a < b` is `not (a >= b)` (likewise `>`/`<=`, `!=`/`==`), and a
flag equals one value at a time. Anything else (an arithmetic weight, `max(...)`) may be
nonzero in any state, so a real gamble is never mistaken for a decided one."""

from __future__ import annotations

from typing import Any

from kremlin_tui.expr import And, Arith, Ast, Call, Cmp, Const, Not, Or, Var
from kremlin_tui.model import Choice

Formula = Any  # True, False, ("atom", key), ("not", f), ("and", fs), ("or", fs)
MAX_STEPS = 4_000  # assignments tried per pair of outcomes; beyond that, not decided
_OPPOSITE = {"<": ">=", ">": "<=", "!=": "=="}


def decided_by_state(choice: Choice) -> bool:
    """True if the choice has two or more outcomes and, in any state, one at most can be drawn."""
    if len(choice.outcomes) < 2:
        return False
    gates = [gate for gate in (_gate(outcome.weight.ast) for outcome in choice.outcomes) if gate is not False]
    if len(gates) < 2:
        return len(gates) == 1
    if True in gates or len(set(gates)) < len(gates):
        return False  # two outcomes that may both be drawn in any state, or in the same states
    return all(not _satisfiable(("and", (a, b)))
               for i, a in enumerate(gates) for b in gates[i + 1:])


def _key(ast: Ast) -> Any:
    """The shape of an expression without its offsets: the same comparison written twice is
    one unknown."""
    match ast:
        case Const(value):
            return ("const", type(value).__name__, value)
        case Var(name):
            return ("var", name)
        case _:
            return (type(ast).__name__, getattr(ast, "op", None) or getattr(ast, "ops", None)
                    or getattr(ast, "name", None), tuple(_key(child) for child in ast.children()))


def _formula(ast: Ast) -> Formula:
    match ast:
        case Const(value):
            return bool(value)
        case Not(operand):
            return ("not", _formula(operand))
        case And(items):
            return ("and", tuple(_formula(item) for item in items))
        case Or(items):
            return ("or", tuple(_formula(item) for item in items))
        case Cmp((op,), (left, right)) if op in _OPPOSITE:
            return ("not", _formula(Cmp((_OPPOSITE[op],), (left, right))))
        case Cmp(("==",), (Var(name), Const(value))) | Cmp(("==",), (Const(value), Var(name))):
            return ("atom", ("eq", name, value))
        case _:
            return ("atom", _key(ast))


def _gate(weight: Ast) -> Formula:
    """When `weight` may be nonzero: False for a zero constant, the branch conditions of
    `if(...)` and both factors of a product; True for anything this reading cannot bound."""
    match weight:
        case Const(value):
            return value != 0
        case Call("if", (condition, then, other)):
            test = _formula(condition)
            return ("or", (("and", (test, _gate(then))), ("and", (("not", test), _gate(other)))))
        case Arith("*", left, right):
            return ("and", (_gate(left), _gate(right)))
        case Arith("/", left, _):
            return _gate(left)
        case _:
            return True


def _atoms(formula: Formula, out: dict[Any, None]) -> None:
    if isinstance(formula, tuple):
        if formula[0] == "atom":
            out[formula[1]] = None
        elif formula[0] == "not":
            _atoms(formula[1], out)
        else:
            for item in formula[1]:
                _atoms(item, out)


def _value(formula: Formula, truth: dict[Any, bool]) -> bool | None:
    """The formula's value where `truth` assigns some of its unknowns (None: not decided yet)."""
    if not isinstance(formula, tuple):
        return bool(formula)
    kind, body = formula
    if kind == "atom":
        return truth.get(body)
    if kind == "not":
        inner = _value(body, truth)
        return None if inner is None else not inner
    values = [_value(item, truth) for item in body]
    if kind == "and":
        return False if False in values else None if None in values else True
    return True if True in values else None if None in values else False


def _satisfiable(formula: Formula) -> bool:
    """Whether some assignment of the unknowns makes `formula` true: a search that assigns one
    unknown at a time and drops a branch as soon as the formula is false on it (complementary
    conditions fail after a few unknowns). Past `MAX_STEPS` it answers True: not shown decided."""
    found: dict[Any, None] = {}
    _atoms(formula, found)
    atoms = list(found)
    steps = 0

    def search(truth: dict[Any, bool], index: int) -> bool:
        nonlocal steps
        steps += 1
        value = _value(formula, truth)
        if value is not None or steps > MAX_STEPS:
            return value is not False
        atom = atoms[index]
        for guess in (False, True):
            truth[atom] = guess
            if (not guess or _one_value_each(truth, atom)) and search(truth, index + 1):
                return True
        del truth[atom]
        return False

    return search({}, 0)


def _one_value_each(truth: dict[Any, bool], atom: Any) -> bool:
    """A flag equals one value at a time: `V == 'a'` and `V == 'b'` cannot both hold."""
    if atom[0] != "eq":
        return True
    return not any(value and other[0] == "eq" and other[1] == atom[1] and other[2] != atom[2]
                   for other, value in truth.items())
