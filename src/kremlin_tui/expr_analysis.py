"""What an expression can be before the game runs: names and types are checked, and each
expression is given the values it can take (an interval of numbers, or a set of flag values),
so `party > 100` is reported as never true and `x / (2 - 2)` as a division by zero."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from kremlin_tui.expr_ast import And, Arith, Ast, Call, Cmp, Const, Neg, Not, Or, Ref, Var
from kremlin_tui.expr_base import BOOL, NUM, STR, Abs, ExprError, Scope, cap, node_offset, numeric, truth_abs, unknown_name
from kremlin_tui.expr_builtins import BUILTINS, builtin


def analyze(ast: Ast, scope: Scope) -> Abs:
    """Check names and types; return what values the expression can take. Raises ExprError.
    (Inside a tree, each node's check is looked up and called directly: `_of`.)"""
    return _ANALYSES[type(ast)](ast, scope)


def _unsupported(ast: Any, _scope: Scope) -> Abs:
    raise ExprError(f"unsupported expression {type(ast).__name__}")


class _Checks(dict):  # type: ignore[type-arg]
    """Each node class's check; anything else gets `_unsupported` (a dict's own lookup stays C)."""

    def __missing__(self, _kind: type) -> Callable[[Any, Scope], Abs]:
        return _unsupported


# A story's expressions repeat their literals and names, and an `Abs` is frozen: each literal's
# (by type and value: 1, 1.0 and true are told apart; 0.0 and -0.0 are equal keys, so floats
# are not kept) and each name's (per scope) is made once.
_CONSTS: dict[tuple[type, Any], Abs] = {}
_MAX_CONSTS = 10_000  # the language server reads many stories' literals: start afresh past this


def forget_literals() -> None:
    """Drop the literals' analyses (loader.forget: a benchmark's fresh-process rounds)."""
    _CONSTS.clear()


def _const(ast: Const, _scope: Scope) -> Abs:
    value = ast.value
    key = (type(value), value)
    known = _CONSTS.get(key)
    if known is None:
        if isinstance(value, bool):
            known = Abs(BOOL, values=frozenset({value}))
        elif isinstance(value, str):
            known = Abs(STR, values=frozenset({value}))
        else:
            known = Abs(NUM, value, value)
        if len(_CONSTS) >= _MAX_CONSTS:
            _CONSTS.clear()
        if type(value) is not float:
            _CONSTS[key] = known
    return known


def _var(ast: Var, scope: Scope) -> Abs:
    known = scope.names.get(ast.name)
    if known is None:
        info = scope.variables.get(ast.name)
        if info is None:
            raise ExprError(unknown_name(ast.name, scope.variables), ast.offset, "unknown-name")
        known = scope.names[ast.name] = Abs(info.kind, info.lo, info.hi, info.values)
    return known


def _not(ast: Not, scope: Scope) -> Abs:
    truth = _of[type(ast.operand)](ast.operand, scope).truth()
    return _TRUTHS[False in truth, True in truth]


def _and(ast: And, scope: Scope) -> Abs:
    can_true, can_false = True, False  # true if every item can be, false if any can be
    for item in ast.items:
        truth = _of[type(item)](item, scope).truth()
        can_true = can_true and True in truth
        can_false = can_false or False in truth
    return _TRUTHS[can_true, can_false]


def _or(ast: Or, scope: Scope) -> Abs:
    can_true, can_false = False, True  # true if any item can be, false if every one can be
    for item in ast.items:
        truth = _of[type(item)](item, scope).truth()
        can_true = can_true or True in truth
        can_false = can_false and False in truth
    return _TRUTHS[can_true, can_false]


# the four answers to "can it be true, can it be false" (made once: an Abs is frozen)
_TRUTHS = {(t, f): truth_abs([v for v, ok in ((True, t), (False, f)) if ok]) for t in (True, False) for f in (True, False)}


def _neg(ast: Neg, scope: Scope) -> Abs:
    inner = numeric(_of[type(ast.operand)](ast.operand, scope), ast.operand, "'-'")
    return Abs(NUM, -inner.hi, -inner.lo)


_QUOTED = {op: f"'{op}'" for op in ("+", "-", "*", "/", "%")}  # an operator as messages quote it


def _arith_node(ast: Arith, scope: Scope) -> Abs:
    left, right = ast.left, ast.right
    a = _of[type(left)](left, scope)
    if a.kind != NUM:  # (text is an error, true/false count as 1/0; a number, the usual, is itself)
        a = numeric(a, left, _QUOTED.get(ast.op) or f"'{ast.op}'")
    b = _of[type(right)](right, scope)
    if b.kind != NUM:
        b = numeric(b, right, _QUOTED.get(ast.op) or f"'{ast.op}'")
    return _arith(ast.op, a, b)


def _cmp(ast: Cmp, scope: Scope) -> Abs:
    operands = ast.operands
    ops = ast.ops
    if len(ops) == 1:  # (most comparisons: no list made)
        left, right = operands
        # (the usual `name op literal`: a name's value looked up here, a literal's by the call)
        value = (type(left) is Var and scope.names.get(left.name)) or _of[type(left)](left, scope)
        return _TRUTHS[_compare(ops[0], value, _of[type(right)](right, scope), right)]
    values = [_of[type(item)](item, scope) for item in operands]  # every operand first: its errors come first
    can_true, can_false = True, False
    for op, a, b, node in zip(ops, values, values[1:], operands[1:], strict=False):
        truth = _compare(op, a, b, node)
        can_true = can_true and truth[0]
        can_false = can_false or truth[1]
    return _TRUTHS[can_true, can_false]


def _ref(ast: Ref, _scope: Scope) -> Abs:
    raise ExprError(f"'{ast.name}' is not a value here", ast.offset)


def _arith(op: str, a: Abs, b: Abs) -> Abs:
    if op == "+":
        return _capped(a.lo + b.lo, a.hi + b.hi)
    if op == "-":
        return _capped(a.lo - b.hi, a.hi - b.lo)
    if op == "*":
        products = [x * y for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
        products = [p for p in products if p == p]  # inf * 0 is NaN: no bound
        return _capped(min(products, default=-math.inf), max(products, default=math.inf))
    if op == "%":
        bound = max(abs(b.lo), abs(b.hi))
        return Abs(NUM, min(0, -bound), bound)
    return Abs(NUM)  # division: any value


def _capped(lo: float, hi: float) -> Abs:
    """The run-time cap (see `cap`), applied to an interval; infinite bounds stay unbounded."""
    lo = -math.inf if lo != lo else lo if lo in (math.inf, -math.inf) else cap(lo)
    hi = math.inf if hi != hi else hi if hi in (math.inf, -math.inf) else cap(hi)
    return Abs(NUM, lo, hi)


def _compare(op: str, a: Abs, b: Abs, node: Ast) -> tuple[bool, bool]:
    """Whether comparing values of `a` with values of `b` can give true, and whether false."""
    a_kind, b_kind = a.kind, b.kind
    if a_kind != NUM or b_kind != NUM:  # (two numbers, the usual, pass every check below)
        if (a_kind == STR) != (b_kind == STR):
            raise ExprError("compares text with a number or a boolean", node_offset(node), "type")
        if a_kind == STR or (a_kind == BOOL and b_kind == BOOL):
            if op not in ("==", "!="):
                raise ExprError(f"'{op}' compares numbers; use '==' or '!=' here", node_offset(node), "type")
            return _equality(op, a.values, b.values)
        a, b = numeric(a, node, f"'{op}'"), numeric(b, node, f"'{op}'")
    if op == ">=":
        return a.hi >= b.lo, a.lo < b.hi
    if op == "<=":
        return a.lo <= b.hi, a.hi > b.lo
    if op == "<":
        return a.lo < b.hi, a.hi >= b.lo
    if op == ">":
        return a.hi > b.lo, a.lo <= b.hi
    overlap = a.lo <= b.hi and b.lo <= a.hi  # they can be equal
    single = a.lo == a.hi == b.lo == b.hi  # they are always equal
    return (overlap, not single) if op == "==" else (not single, overlap)


def _equality(op: str, a: frozenset[Any] | None, b: frozenset[Any] | None) -> tuple[bool, bool]:
    """`==` or `!=` of two sets of flag values: equal if some value is in both; different if
    either has two values (no one value equals both) or their single values differ."""
    if a is None or b is None:
        return True, True
    if not a or not b:
        return False, False
    equal = not a.isdisjoint(b)
    differ = len(a) > 1 or len(b) > 1 or not equal
    return (equal, differ) if op == "==" else (differ, equal)


def _call(ast: Call, scope: Scope) -> Abs:
    name, args, offset = ast.name, ast.args, ast.offset
    entry = BUILTINS.get(name) or builtin(name, offset)  # (an unknown name: the error)
    if not entry.min_args <= len(args) <= entry.max_args:
        raise ExprError(entry.arity_problem(len(args)) or "", offset, "arguments")
    if entry.of_name is not None:
        arg = args[0]
        if type(arg) is not Ref:
            raise ExprError(f"{name}() takes a name, not an expression", offset, "arguments")
        return entry.of_name(arg.name, arg, scope)
    assert entry.of_values is not None
    return entry.of_values([_of[type(arg)](arg, scope) for arg in args], args, offset)


_ANALYSES: dict[type, Callable[[Any, Scope], Abs]] = _Checks({
    Const: _const, Var: _var, Not: _not, And: _and, Or: _or, Neg: _neg, Arith: _arith_node, Cmp: _cmp, Call: _call,
    Ref: _ref,
})
_of = _ANALYSES
