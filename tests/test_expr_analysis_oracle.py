"""The faster expression analysis (expr_analysis, Abs.truth) against the one it replaced
(tests/expr_analysis_reference.py): the same value (kind, bounds with their types, values) or the
same error (message, offset, code) for the shipped story's expressions and generated ones, and
the same truths and comparisons for generated abstract values."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import expr_analysis_reference as reference
from kremlin_tui import analysed, expr_analysis
from kremlin_tui.expr import Abs, ExprError, Scope, VarInfo, parse
from kremlin_tui.expr_ast import Const, Var
from kremlin_tui.loader import load_story

STORY = Path(__file__).resolve().parent.parent / "story"


def _key(value: Any) -> tuple[Any, ...]:
    """A value told apart strictly: 1, 1.0 and True differ; a set's members in a fixed order."""
    if isinstance(value, ExprError):
        return ("error", value.message, value.offset, value.code)
    values = None if value.values is None else sorted(map(repr, value.values))
    return (value.kind, repr(value.lo), repr(value.hi), values)


def _both(ast: Any, scope: Scope) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    results = []
    for analyze in (expr_analysis.analyze, reference.analyze):
        scope.names.clear()
        expr_analysis._CONSTS.clear()
        reference._CONSTS.clear()
        try:
            results.append(_key(analyze(ast, scope)))
        except ExprError as exc:
            results.append(_key(exc))
    return results[0], results[1]


def test_the_story_s_expressions_analyse_as_the_reference_analyses_them() -> None:
    analysed.forget()
    story = load_story([str(STORY)], cache=False)
    scope = analysed._LAST[0]
    assert story is not None and scope.analysed
    for source in scope.analysed:
        new, old = _both(parse(source), scope)
        assert new == old, source


def _scope() -> Scope:
    return Scope({"party": VarInfo("num", 0, 100), "zero": VarInfo("num", 0, 0), "debt": VarInfo("num", -50, -1),
                  "any": VarInfo("num"), "britain": VarInfo("num", -100, 100),
                  "flag_a": VarInfo("bool", values=frozenset({True, False})), "set_on": VarInfo("bool", values=frozenset({True})),
                  "mood": VarInfo("str", values=frozenset({"calm", "angry"})), "blank": VarInfo("str", values=frozenset({""})),
                  "free": VarInfo("str")},
                 {"a", "b"}, {"a.go", "b.stay"}, {"britain"})


_VALUES = st.sampled_from(["party", "zero", "debt", "any", "britain", "flag_a", "set_on", "mood", "blank", "free", "nobody",
                           "0", "1", "-1", "2.5", "0.0", "100", "1000000000000000", "true", "false", "'calm'", "''", "'x'",
                           "visited(a)", "visited(z)", "chose(a.go)", "chose(a)", "chose(q.r)", "attitude(britain)",
                           "attitude(france)", "year", "month", "britain"])
_OPS = st.sampled_from(["and", "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"])


@st.composite
def _expression(draw: st.DrawFn, depth: int = 0) -> str:
    choice = draw(st.integers(0, 7 if depth < 3 else 1))
    if choice <= 1:
        return draw(_VALUES)
    if choice <= 3:
        return f"{draw(_expression(depth + 1))} {draw(_OPS)} {draw(_expression(depth + 1))}"
    if choice == 4:
        return f"{draw(st.sampled_from(['not ', '-', '']))}({draw(_expression(depth + 1))})"
    if choice == 5:
        return f"{draw(_expression(depth + 1))} {draw(_OPS)} {draw(_expression(depth + 1))} {draw(_OPS)} {draw(_VALUES)}"
    name = draw(st.sampled_from(["if", "min", "max", "abs", "clamp", "round", "visited"]))
    args = draw(st.lists(_expression(depth + 1), min_size=1, max_size=3))
    return f"{name}({', '.join(args)})"


@settings(max_examples=1500, deadline=None)
@given(_expression())
def test_generated_expressions_analyse_as_the_reference_analyses_them(source: str) -> None:
    try:
        ast = parse(source)
    except ExprError:
        return
    new, old = _both(ast, _scope())
    assert new == old, source


_BOUNDS = st.sampled_from([-math.inf, math.inf, 0, 0.0, -0.0, 1, -1, 0.5, 100, -100, 10**15, True, False])
_ABS = st.one_of(
    st.builds(lambda lo, hi: Abs("num", lo, hi), _BOUNDS, _BOUNDS),
    st.builds(lambda values: Abs("bool", values=values), st.none() | st.frozensets(st.booleans() | st.sampled_from([0, 1]))),
    st.builds(lambda values: Abs("str", values=values), st.none() | st.frozensets(st.sampled_from(["", "a", "calm", "angry"]))),
)


@settings(max_examples=1500, deadline=None)
@given(_ABS)
def test_truths_are_those_of_the_reference(value: Abs) -> None:
    new, old = value.truth(), reference._truth_of(value)
    assert new == old and sorted(map(repr, new)) == sorted(map(repr, old))
    assert value.truth() == new  # asked again (remembered sets): the same


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), _ABS, _ABS)
def test_comparisons_of_any_values_are_those_of_the_reference(op: str, a: Abs, b: Abs) -> None:
    node = Var("x", 7)
    try:
        can_true, can_false = expr_analysis._compare(op, a, b, node)
        new: Any = frozenset(v for v, possible in ((True, can_true), (False, can_false)) if possible)
    except ExprError as exc:
        new = _key(exc)
    try:
        old: Any = reference._compare(op, a, b, node)
    except ExprError as exc:
        old = _key(exc)
    assert new == old


def test_a_constant_keeps_its_type_in_both() -> None:
    for value in (1, 1.0, True, "1", 0, -0.0):
        new, old = _both(Const(value), Scope({}, set(), set(), set()))
        assert new == old


def test_a_node_the_analysis_does_not_know_is_refused_alike_at_the_root_and_inside() -> None:
    from kremlin_tui.expr_ast import Arith, Not

    scope = _scope()
    for ast in (object(), Not(object()), Arith("+", Const(1), object()), Arith("^", Const(2), Const(3))):  # type: ignore[arg-type]
        new, old = _both(ast, scope)
        assert new == old
    assert _both(Not(object()), scope)[0][:2] == ("error", "unsupported expression object")  # type: ignore[arg-type]
