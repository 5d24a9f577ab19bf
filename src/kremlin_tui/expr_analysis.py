"""What an expression can be before the game runs: names and types are checked, and each
expression is given the values it can take (an interval of numbers, or a set of flag values),
so `party > 100` is reported as never true and `x / (2 - 2)` as a division by zero."""

from __future__ import annotations

import math

from kremlin_tui.expr_base import BOTH, Abs, Ast, ExprError, Scope, cap, node_offset, numeric, truth_abs, unknown_name
from kremlin_tui.expr_builtins import builtin


def analyze(ast: Ast, scope: Scope) -> Abs:
    """Check names and types; return what values the expression can take. Raises ExprError."""
    kind = ast[0]
    if kind == "const":
        value = ast[1]
        if isinstance(value, bool):
            return Abs("bool", values=frozenset({value}))
        if isinstance(value, str):
            return Abs("str", values=frozenset({value}))
        return Abs("num", value, value)
    if kind == "var":
        info = scope.variables.get(ast[1])
        if info is None:
            raise ExprError(unknown_name(ast[1], scope.variables), ast[2], "unknown-name")
        return Abs(info.kind, info.lo, info.hi, info.values)
    if kind == "not":
        inner = analyze(ast[1], scope)
        return truth_abs(not v for v in inner.truth())
    if kind in ("and", "or"):
        truths = [analyze(item, scope).truth() for item in ast[1]]
        if kind == "and":
            can_true = all(True in t for t in truths)
            can_false = any(False in t for t in truths)
        else:
            can_true = any(True in t for t in truths)
            can_false = all(False in t for t in truths)
        return truth_abs([v for v, ok in ((True, can_true), (False, can_false)) if ok])
    if kind == "neg":
        inner = numeric(analyze(ast[1], scope), ast[1], "'-'")
        return Abs("num", -inner.hi, -inner.lo)
    if kind == "arith":
        return _arith(ast[1], numeric(analyze(ast[2], scope), ast[2], f"'{ast[1]}'"),
                      numeric(analyze(ast[3], scope), ast[3], f"'{ast[1]}'"))
    if kind == "cmp":
        operands = [analyze(item, scope) for item in ast[2]]
        can_true, can_false = True, False
        for op, left, right, node in zip(ast[1], operands, operands[1:], ast[2][1:], strict=False):
            truth = _compare(op, left, right, node)
            can_true = can_true and True in truth
            can_false = can_false or False in truth
        return truth_abs([v for v, ok in ((True, can_true), (False, can_false)) if ok])
    if kind == "call":
        return _call(ast, scope)
    if kind == "ref":
        raise ExprError(f"'{ast[1]}' is not a value here", ast[2])
    raise ExprError(f"unsupported expression {kind}")


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
        return Abs("num", min(0, -bound), bound)
    return Abs("num")  # division: any value


def _capped(lo: float, hi: float) -> Abs:
    """The run-time cap (see `cap`), applied to an interval; infinite bounds stay unbounded."""
    lo = -math.inf if lo != lo else lo if lo in (math.inf, -math.inf) else cap(lo)
    hi = math.inf if hi != hi else hi if hi in (math.inf, -math.inf) else cap(hi)
    return Abs("num", lo, hi)


def _compare(op: str, a: Abs, b: Abs, node: Ast) -> frozenset[bool]:
    if (a.kind == "str") != (b.kind == "str"):
        raise ExprError("compares text with a number or a boolean", node_offset(node), "type")
    if a.kind == "str" or (a.kind == "bool" and b.kind == "bool"):
        if op not in ("==", "!="):
            raise ExprError(f"'{op}' compares numbers; use '==' or '!=' here", node_offset(node), "type")
        if a.values is None or b.values is None:
            return BOTH
        pairs = [(x == y) for x in a.values for y in b.values]
        truth = frozenset(pairs if op == "==" else [not p for p in pairs])
        return truth
    a, b = numeric(a, node, f"'{op}'"), numeric(b, node, f"'{op}'")
    results: set[bool] = set()
    if op == "<":
        results |= {True} if a.lo < b.hi else set()
        results |= {False} if a.hi >= b.lo else set()
    elif op == "<=":
        results |= {True} if a.lo <= b.hi else set()
        results |= {False} if a.hi > b.lo else set()
    elif op == ">":
        results |= {True} if a.hi > b.lo else set()
        results |= {False} if a.lo <= b.hi else set()
    elif op == ">=":
        results |= {True} if a.hi >= b.lo else set()
        results |= {False} if a.lo < b.hi else set()
    else:
        overlap = a.lo <= b.hi and b.lo <= a.hi
        single = a.lo == a.hi == b.lo == b.hi
        equal = {True} if overlap else set()
        differ = set() if single else {False}
        results = equal | differ if op == "==" else {not v for v in equal | differ}
    return frozenset(results)


def _call(ast: Ast, scope: Scope) -> Abs:
    name, args, offset = ast[1], ast[2], ast[3]
    entry = builtin(name, offset)
    problem = entry.arity_problem(len(args))
    if problem is not None:
        raise ExprError(problem, offset, "arguments")
    if entry.of_name is not None:
        arg = args[0]
        if arg[0] != "ref":
            raise ExprError(f"{name}() takes a name, not an expression", offset, "arguments")
        return entry.of_name(arg[1], arg, scope)
    assert entry.of_values is not None
    return entry.of_values([analyze(arg, scope) for arg in args], args, offset)
