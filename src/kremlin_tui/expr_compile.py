"""Expressions compiled to closures the engine calls with a context `c` that has `.vars`,
`.visits` and `.chosen`. Arithmetic is capped and never raises: `x / 0` is 0 while playing
(the checker reports a divisor that is always 0)."""

from __future__ import annotations

from typing import Any

from kremlin_tui.expr_base import Ast, ExprError, Fn, cap
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
    kind = ast[0]
    if kind == "const":
        value = ast[1]
        return lambda c: value
    if kind == "var":
        name = ast[1]
        return lambda c: c.vars[name]
    if kind == "not":
        inner = compile_ast(ast[1])
        return lambda c: not inner(c)
    if kind == "and":
        parts = [compile_ast(item) for item in ast[1]]
        if len(parts) == 2:
            a, b = parts
            return lambda c: bool(a(c) and b(c))
        return lambda c: all(p(c) for p in parts)
    if kind == "or":
        parts = [compile_ast(item) for item in ast[1]]
        if len(parts) == 2:
            a, b = parts
            return lambda c: bool(a(c) or b(c))
        return lambda c: any(p(c) for p in parts)
    if kind == "neg":
        inner = compile_ast(ast[1])
        return lambda c: -inner(c)
    if kind == "arith":
        op, left, right = _ARITH[ast[1]], compile_ast(ast[2]), compile_ast(ast[3])
        return lambda c: op(left(c), right(c))
    if kind == "cmp":
        ops = [_CMP[o] for o in ast[1]]
        operands = [compile_ast(item) for item in ast[2]]
        if len(ops) == 1:
            op, left, right = ops[0], operands[0], operands[1]
            return lambda c: op(left(c), right(c))

        def chain(c: Any) -> bool:
            values = [f(c) for f in operands]
            return all(op(values[i], values[i + 1]) for i, op in enumerate(ops))

        return chain
    if kind == "call":
        return _compile_call(ast)
    raise ExprError(f"cannot compile {kind}")


def _compile_call(ast: Ast) -> Fn:
    name, args = ast[1], ast[2]
    entry = builtin(name, ast[3])
    if entry.run_name is not None:
        return entry.run_name(args[0][1])
    assert entry.run is not None
    return entry.run([compile_ast(arg) for arg in args])
