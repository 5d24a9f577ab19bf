"""Expressions compiled to closures the engine calls with a context `c` that has `.vars`,
`.visits` and `.chosen`. Arithmetic is capped and never raises: `x / 0` is 0 while playing
(the checker reports a divisor that is always 0)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kremlin_tui.expr_ast import And, Arith, Ast, Call, Cmp, Const, Neg, Not, Or, Ref, Var
from kremlin_tui.expr_base import ExprError, Fn, cap
from kremlin_tui.expr_builtins import builtin


def _div(a: float, b: float) -> float:
    # x / 0 gives 0 (documented): a story's arithmetic never stops the game; `check` reports a
    # divisor that is always 0.
    return cap(a / b) if b else 0


def _mod(a: float, b: float) -> float:
    return a % b if b else 0


_ARITH = {
    "+": lambda a, b: cap(a + b),
    "-": lambda a, b: cap(a - b),
    "*": lambda a, b: cap(a * b),
    "/": _div,
    "%": _mod,
}
_CMP = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def compile_ast(ast: Ast) -> Fn:
    build = _COMPILERS.get(type(ast))
    if build is None:
        raise ExprError(f"cannot compile {type(ast).__name__}")
    return build(ast)


def _const(ast: Const) -> Fn:
    value = ast.value
    return lambda c: value


def _var(ast: Var) -> Fn:
    name = ast.name
    return lambda c: c.vars[name]


def _not(ast: Not) -> Fn:
    inner = compile_ast(ast.operand)
    return lambda c: not inner(c)


def _and(ast: And) -> Fn:
    return _junction(ast.items, every=True)


def _or(ast: Or) -> Fn:
    return _junction(ast.items, every=False)


def _junction(items: tuple[Ast, ...], every: bool) -> Fn:
    """`and` (every part holds) or `or` (any does), short-circuiting; two parts, the usual case,
    without a generator."""
    parts = [compile_ast(item) for item in items]
    if len(parts) == 2:
        a, b = parts
        return (lambda c: bool(a(c) and b(c))) if every else (lambda c: bool(a(c) or b(c)))
    return (lambda c: all(p(c) for p in parts)) if every else (lambda c: any(p(c) for p in parts))


def _neg(ast: Neg) -> Fn:
    inner = compile_ast(ast.operand)
    return lambda c: -inner(c)


def _arith(ast: Arith) -> Fn:
    op, left, right = _ARITH[ast.op], compile_ast(ast.left), compile_ast(ast.right)
    return lambda c: op(left(c), right(c))


def _cmp(ast: Cmp) -> Fn:
    ops = [_CMP[o] for o in ast.ops]
    operands = [compile_ast(item) for item in ast.operands]
    if len(ops) == 1:
        op, left, right = ops[0], operands[0], operands[1]
        return lambda c: op(left(c), right(c))

    def chain(c: Any) -> bool:
        values = [f(c) for f in operands]
        return all(op(values[i], values[i + 1]) for i, op in enumerate(ops))

    return chain


def _compile_call(ast: Call) -> Fn:
    entry = builtin(ast.name, ast.offset)
    if entry.run_name is not None:
        arg = ast.args[0]
        if type(arg) is not Ref:
            raise ExprError(f"{ast.name}() takes a name, not an expression", ast.offset, "arguments")
        return entry.run_name(arg.name)
    assert entry.run is not None
    return entry.run([compile_ast(arg) for arg in ast.args])


_COMPILERS: dict[type, Callable[[Any], Fn]] = {
    Const: _const, Var: _var, Not: _not, And: _and, Or: _or, Neg: _neg, Arith: _arith, Cmp: _cmp, Call: _compile_call,
}
