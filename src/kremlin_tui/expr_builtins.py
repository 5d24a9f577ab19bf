"""The built-in functions of the expression language, one registry entry each.

Everything the language knows about a built-in is in its entry: how many arguments it takes,
whether its argument is a name (`visited(scene)`) rather than an expression, what values it
can return (for the checker), the closure it runs as, and the line the documentation and the
language server show. The parser, the analysis and the compiler only look entries up.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from kremlin_tui.attitudes import ATTITUDES, attitude_word
from kremlin_tui.expr_ast import Ast, Ref
from kremlin_tui.expr_base import BOOL, NUM, STR, Abs, ExprError, Fn, Scope, numeric, unknown_name
from kremlin_tui.records import dataclass

NameCheck = Callable[[str, Ref, Scope], Abs]  # (the name, its `ref` node, scope) -> the result's values
ValueCheck = Callable[[list[Abs], tuple[Ast, ...], int], Abs]  # (argument values, argument nodes, offset)


@dataclass(frozen=True)
class Builtin:
    """One built-in function: all the language knows of it (arity, checks, how it runs, its documentation) in one entry."""

    name: str
    usage: str  # how the documentation writes a call
    doc: str  # what it gives
    min_args: int
    max_args: int
    # a built-in of a name (`visited(scene)`) has `of_name` and `run_name`; the others, whose
    # arguments are expressions, have `of_values` and `run`
    of_name: NameCheck | None = None
    run_name: Callable[[str], Fn] | None = None
    of_values: ValueCheck | None = None
    run: Callable[[list[Fn]], Fn] | None = None
    names: str = ""  # what a built-in of a name names: "scene", "choice" (scene.choice) or "relation"

    @property
    def takes_name(self) -> bool:
        return self.of_name is not None

    def arity_problem(self, count: int) -> str | None:
        """Why `count` arguments are wrong, or None."""
        low, high = self.min_args, self.max_args
        if low <= count <= high:
            return None
        if low == high:
            wanted = f"{low} argument{'s' if low > 1 else ''}"
        elif count > high:
            wanted = f"at most {high} arguments"
        else:
            wanted = f"at least {low} argument{'s' if low > 1 else ''}"
        return f"{self.name}() takes {wanted}, not {count}"


# -- names ------------------------------------------------------------------------------------

# What a built-in of a name gives never depends on the name: one frozen value each.
_VISITS = Abs(NUM, 0, math.inf)
_CHOSEN = Abs(BOOL, values=frozenset({True, False}))
_ATTITUDES = Abs(STR, values=frozenset(ATTITUDES))
_ONLY_TRUE, _ONLY_FALSE = frozenset({True}), frozenset({False})


def _visited(ref: str, arg: Ref, scope: Scope) -> Abs:
    if ref not in scope.nodes:
        raise ExprError(unknown_name(ref, scope.nodes).replace("name", "scene", 1), arg.offset, "unknown-node")
    return _VISITS


def _chose(ref: str, arg: Ref, scope: Scope) -> Abs:
    if "." not in ref:
        raise ExprError("chose() takes scene.choice, e.g. chose(tiflis_telegram.turn_back)", arg.offset, "arguments")
    if ref not in scope.choices:
        node = ref.split(".", 1)[0]
        what = "scene" if node not in scope.nodes else "choice"
        raise ExprError(f"unknown {what} in '{ref}'", arg.offset, "unknown-choice")
    return _CHOSEN


def _attitude(ref: str, arg: Ref, scope: Scope) -> Abs:
    if ref not in scope.relations:
        raise ExprError(unknown_name(ref, scope.relations).replace("name", "country", 1), arg.offset, "unknown-name")
    return _ATTITUDES


def _run_visited(node: str) -> Fn:
    return lambda c: c.visits.get(node, 0)


def _run_chose(key: str) -> Fn:
    return lambda c: key in c.chosen


def _run_attitude(country: str) -> Fn:
    return lambda c: attitude_word(c.vars[country])


# -- values -----------------------------------------------------------------------------------


def _numbers(name: str, values: list[Abs], args: tuple[Ast, ...]) -> list[Abs]:
    return [numeric(v, arg, f"{name}()") for v, arg in zip(values, args, strict=True)]


def _of_min(values: list[Abs], args: tuple[Ast, ...], _offset: int) -> Abs:
    nums = _numbers("min", values, args)
    return Abs(NUM, min(v.lo for v in nums), min(v.hi for v in nums))


def _of_max(values: list[Abs], args: tuple[Ast, ...], _offset: int) -> Abs:
    nums = _numbers("max", values, args)
    return Abs(NUM, max(v.lo for v in nums), max(v.hi for v in nums))


def _of_abs(values: list[Abs], args: tuple[Ast, ...], _offset: int) -> Abs:
    (v,) = _numbers("abs", values, args)
    lo = 0 if v.lo <= 0 <= v.hi else min(abs(v.lo), abs(v.hi))
    return Abs(NUM, lo, max(abs(v.lo), abs(v.hi)))


def _of_clamp(values: list[Abs], args: tuple[Ast, ...], _offset: int) -> Abs:
    v, lo, hi = _numbers("clamp", values, args)
    return Abs(NUM, max(v.lo, lo.lo), min(v.hi, hi.hi))


def _of_if(values: list[Abs], args: tuple[Ast, ...], offset: int) -> Abs:
    a, b = values[1], values[2]
    if (a.kind == STR) != (b.kind == STR):
        raise ExprError("if(): both results must be text, or both numbers", offset, "type")
    if a.kind == STR:
        merged = None if a.values is None or b.values is None else a.values | b.values
        return Abs(STR, values=merged)
    truth = values[0].truth()
    na, nb = numeric(a, args[1], "if()"), numeric(b, args[2], "if()")
    if truth == _ONLY_TRUE:
        return na
    if truth == _ONLY_FALSE:
        return nb
    return Abs(NUM, min(na.lo, nb.lo), max(na.hi, nb.hi))


def _run_if(fns: list[Fn]) -> Fn:
    cond, yes, no = fns
    return lambda c: yes(c) if cond(c) else no(c)


def _run_min(fns: list[Fn]) -> Fn:
    if len(fns) == 2:  # the usual `min(a, b)`: no generator (min of two returns the first smallest, as of many)
        a, b = fns
        return lambda c: min(a(c), b(c))
    return lambda c: min(f(c) for f in fns)


def _run_max(fns: list[Fn]) -> Fn:
    if len(fns) == 2:
        a, b = fns
        return lambda c: max(a(c), b(c))
    return lambda c: max(f(c) for f in fns)


def _run_abs(fns: list[Fn]) -> Fn:
    (inner,) = fns
    return lambda c: abs(inner(c))


def _run_clamp(fns: list[Fn]) -> Fn:
    value, lo, hi = fns
    return lambda c: max(lo(c), min(hi(c), value(c)))


BUILTINS: dict[str, Builtin] = {b.name: b for b in (
    Builtin("visited", "visited(scene)", "how many times the scene (or event, or ending) has been shown", 1, 1,
            of_name=_visited, run_name=_run_visited, names="scene"),
    Builtin("chose", "chose(scene.choice)", "whether that choice was ever taken", 1, 1,
            of_name=_chose, run_name=_run_chose, names="choice"),
    Builtin("min", "min(a, b, ...)", "the smallest", 1, 99, of_values=_of_min, run=_run_min),
    Builtin("max", "max(a, b, ...)", "the largest", 1, 99, of_values=_of_max, run=_run_max),
    Builtin("abs", "abs(x)", "the absolute value", 1, 1, of_values=_of_abs, run=_run_abs),
    Builtin("clamp", "clamp(x, lo, hi)", "x limited to lo..hi", 3, 3, of_values=_of_clamp, run=_run_clamp),
    Builtin("if", "if(cond, a, b)", "a when cond holds, else b", 3, 3, of_values=_of_if, run=_run_if),
    Builtin("attitude", "attitude(country)", "a word for a relation's value: " + ", ".join(ATTITUDES), 1, 1,
            of_name=_attitude, run_name=_run_attitude, names="relation"),
)}
FUNCTIONS: dict[str, tuple[int, int]] = {b.name: (b.min_args, b.max_args) for b in BUILTINS.values()}


def builtin(name: str, offset: int) -> Builtin:
    """The entry for a call's name; an unknown name is an error at the call."""
    entry = BUILTINS.get(name)
    if entry is None:
        raise ExprError(unknown_name(name, BUILTINS), offset, "unknown-function")
    return entry

