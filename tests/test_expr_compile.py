"""The compiled closures (`expr_compile`, with its shapes specialised for speed) compute exactly
what a plain walk of the tree computes: the same value of the same type, or the same kind of
error, on every expression of the campaign in the states random games reach, and on generated
trees of every node kind (constants folded or not, divisors of 0, chains, long and/or lists)."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kremlin_tui.attitudes import attitude_word
from kremlin_tui.engine import Game
from kremlin_tui.expr import Expr, cap, compile_ast
from kremlin_tui.expr_ast import And, Arith, Ast, Call, Cmp, Const, Neg, Not, Or, Ref, Var
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.paths import default_story_dir


def _arith(op: str, a: Any, b: Any) -> Any:
    if op == "+":
        return cap(a + b)
    if op == "-":
        return cap(a - b)
    if op == "*":
        return cap(a * b)
    if op == "/":
        return cap(a / b) if b else 0
    return a % b if b else 0


_COMPARE = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def evaluate(ast: Ast, c: Any) -> Any:
    """The reference: the tree walked node by node, as the language defines it."""
    match ast:
        case Const(value):
            return value
        case Var(name):
            return c.vars[name]
        case Not(operand):
            return not evaluate(operand, c)
        case Neg(operand):
            return -evaluate(operand, c)
        case And(items):
            return all(evaluate(item, c) for item in items)
        case Or(items):
            return any(evaluate(item, c) for item in items)
        case Arith(op, left, right):
            a = evaluate(left, c)
            return _arith(op, a, evaluate(right, c))
        case Cmp(ops, operands):
            values = [evaluate(item, c) for item in operands]
            return all(_COMPARE[op](values[i], values[i + 1]) for i, op in enumerate(ops))
        case Call(name, args):
            return _call(name, args, c)
    raise AssertionError(ast)


def _call(name: str, args: tuple[Ast, ...], c: Any) -> Any:
    if name in ("visited", "chose", "attitude"):
        ref = args[0]
        assert isinstance(ref, Ref)
        if name == "visited":
            return c.visits.get(ref.name, 0)
        if name == "chose":
            return ref.name in c.chosen
        return attitude_word(c.vars[ref.name])
    if name == "if":
        return evaluate(args[1], c) if evaluate(args[0], c) else evaluate(args[2], c)
    values = [evaluate(arg, c) for arg in args]
    if name == "min":
        return min(values)
    if name == "max":
        return max(values)
    if name == "abs":
        return abs(values[0])
    value, low, high = values
    return max(low, min(high, value))


def _outcome(run: Any) -> tuple[Any, ...]:
    try:
        value = run()
    except Exception as exc:
        return ("error", type(exc))
    return ("value", type(value), value)


def agree(ast: Ast, ctx: Any) -> None:
    expected = _outcome(lambda: evaluate(ast, ctx))
    got = _outcome(lambda: compile_ast(ast)(ctx))
    assert got == expected, ast


@dataclass
class Ctx:
    vars: dict[str, Any]
    visits: dict[str, int] = field(default_factory=dict)
    chosen: set[str] = field(default_factory=set)


# -- generated trees ----------------------------------------------------------------------------

_NAMES = ["party", "army", "ratio", "flag", "mood", "britain"]
_constants = st.one_of(st.integers(-3, 100), st.sampled_from([0, 0.0, 2.5, -0.5, 1e15, True, False, "calm", "war"]))
_leaves = st.one_of(_constants.map(Const), st.sampled_from(_NAMES).map(lambda n: Var(n, 0)),
                    _constants.map(lambda v: Neg(Const(v))),
                    st.sampled_from(["seen", "unseen"]).map(lambda n: Call("visited", (Ref(n, 0),), 0)),
                    st.sampled_from(["a.b", "a.c"]).map(lambda n: Call("chose", (Ref(n, 0),), 0)),
                    st.just(Call("attitude", (Ref("britain", 0),), 0)))


def _branch(children: st.SearchStrategy[Ast]) -> st.SearchStrategy[Ast]:
    ops = st.sampled_from(["+", "-", "*", "/", "%"])
    compare = st.sampled_from(list(_COMPARE))
    return st.one_of(
        children.map(Not), children.map(Neg),
        st.lists(children, min_size=2, max_size=5).map(lambda items: And(tuple(items))),
        st.lists(children, min_size=2, max_size=5).map(lambda items: Or(tuple(items))),
        st.builds(Arith, ops, children, children),
        st.builds(Arith, ops, children, _constants.map(Const)),
        st.builds(lambda op, n, k: Arith(op, Var(n, 0), Const(k)), ops, st.sampled_from(_NAMES), _constants),
        st.builds(lambda op, a, b: Cmp((op,), (a, b)), compare, children, children),
        st.builds(lambda op, n, k: Cmp((op,), (Var(n, 0), k)), compare, st.sampled_from(_NAMES),
                  st.one_of(_constants.map(Const), _constants.map(lambda v: Neg(Const(v))))),
        st.builds(lambda o1, o2, a, b, c: Cmp((o1, o2), (a, b, c)), compare, compare, children, children, children),
        st.builds(lambda a, b, c: Call("if", (a, b, c), 0), children, children, children),
        st.lists(children, min_size=1, max_size=3).map(lambda a: Call("min", tuple(a), 0)),
        st.lists(children, min_size=1, max_size=3).map(lambda a: Call("max", tuple(a), 0)),
        children.map(lambda a: Call("abs", (a,), 0)),
        st.builds(lambda a, b, c: Call("clamp", (a, b, c), 0), children, children, children),
    )


_trees = st.recursive(_leaves, _branch, max_leaves=12)


@given(_trees, st.integers(-5, 100), st.floats(-200, 200, allow_nan=False), st.integers(-100, 100),
       st.booleans(), st.sampled_from(["calm", "war"]))
@settings(max_examples=1500, deadline=None)
def test_generated_trees_compile_to_what_the_tree_means(ast: Ast, party: int, ratio: float, britain: int,
                                                         flag: bool, mood: str) -> None:
    ctx = Ctx({"party": party, "army": 0, "ratio": ratio, "flag": flag, "mood": mood, "britain": britain},
              {"seen": 2}, {"a.b"})
    agree(ast, ctx)


def test_the_specialised_shapes_keep_their_edge_cases() -> None:
    ctx = Ctx({"party": 7, "army": 2.5, "ratio": 0.5, "flag": True, "mood": "calm", "britain": -30})
    for source in (Arith("/", Var("party", 0), Const(0)), Arith("%", Var("army", 0), Const(0.0)),
                   Arith("+", Const(1), Const(True)), Arith("+", Const("a"), Const(1)),
                   Arith("*", Var("party", 0), Const(1e15)), Neg(Const("calm")), Cmp(("<",), (Var("mood", 0), Const(3))),
                   Cmp((">=",), (Var("party", 0), Neg(Const(7)))), Not(Var("flag", 0)),
                   Or((Const(0), Const(0.0), Var("mood", 0))), And((Var("flag", 0), Const(1), Const(""), Var("x", 0)))):
        agree(source, ctx)


# -- the campaign's own expressions ------------------------------------------------------------


@functools.cache
def _campaign() -> Story:
    return load_story([str(default_story_dir())])


def _expressions(story: Story) -> list[Expr]:
    found: list[Expr] = []
    for node in story.nodes.values():
        for template in (node.text, node.divergence):
            if template is not None:
                found.extend(expr for expr, _ in template.exprs)
        for choice in node.choices:
            found.extend(e for e in (choice.condition,) if e is not None)
            found.extend(expr for expr, _ in choice.label.exprs)
            for effects in (choice.effects, *(o.effects for o in choice.outcomes)):
                found.extend(effect.value for effect in effects if effect.value is not None)
            found.extend(o.weight for o in choice.outcomes)
        if node.event is not None and node.event.condition is not None:
            found.append(node.event.condition)
    return found


def test_every_campaign_expression_compiles_to_what_it_means() -> None:
    story = _campaign()
    expressions = _expressions(story)
    assert len(expressions) > 4000
    compiled = [(e.ast, compile_ast(e.ast)) for e in expressions]
    states = 0
    for seed in range(12):
        game = Game.new(story, seed)
        picker = random.Random(seed)
        while not game.ended:
            if game.state.decisions % 6 == 0:
                states += 1
                for ast, fn in compiled:
                    assert _outcome(lambda: fn(game.state)) == _outcome(lambda: evaluate(ast, game.state)), ast  # noqa: B023
            game.choose(picker.choice(game.available_ids()), render=False)
    assert states > 50


def _exactly(run: Any) -> tuple[Any, ...]:
    """An outcome with the value's repr: 0.0 and -0.0 are equal but not the same value."""
    outcome = _outcome(run)
    return (*outcome, repr(outcome[-1])) if outcome[0] == "value" else outcome


def test_closures_are_shared_only_between_trees_that_compute_the_same() -> None:
    """`expr_compile` makes one closure per distinct shape and shares it. Trees that differ in
    one part of a key only (a constant's type, zero's sign, the operator, `and`/`or`, the name)
    must each compute what their own tree means, whichever was compiled first; equal trees at
    other offsets share."""
    ctx = Ctx({"party": 7, "army": 2.5, "flag": True, "mood": "", "britain": -30})
    party, army = Var("party", 0), Var("army", 0)
    trees: list[Ast] = []
    for k in (1, 1.0, True, 0.0, -0.0, "1"):
        trees += [Const(k), Neg(Const(k)), Arith("+", party, Const(k)), Arith("*", Arith("-", party, army), Const(k)),
                  Cmp(("==",), (party, Const(k))), Cmp(("<",), (Arith("+", army, party), Const(k)))]
    for op in ("+", "-", "*", "/", "%"):
        trees += [Arith(op, party, Const(2)), Arith(op, army, party), Arith(op, Neg(army), Const(3))]
    for op in _COMPARE:
        trees += [Cmp((op,), (party, Const(7))), Cmp((op,), (army, party))]
    for name in ("flag", "mood"):
        trees += [Var(name, 0), Not(Var(name, 0)), Neg(Not(Var(name, 0))), Not(Cmp(("==",), (Var(name, 0), Const(True))))]
        trees += [And((Var(name, 0), party)), Or((Var(name, 0), party)), And((Var(name, 0), party, army)),
                  Or((Var(name, 0), party, army))]
    for ast in [*trees, *reversed(trees)]:
        assert _exactly(lambda: compile_ast(ast)(ctx)) == _exactly(lambda: evaluate(ast, ctx)), ast  # noqa: B023
    assert compile_ast(Arith("+", Var("party", 5), Const(2))) is compile_ast(Arith("+", Var("party", 9), Const(2)))
    assert compile_ast(And((Var("flag", 1), Cmp((">",), (party, Const(3)))))) is \
        compile_ast(And((Var("flag", 7), Cmp((">",), (Var("party", 2), Const(3))))))
