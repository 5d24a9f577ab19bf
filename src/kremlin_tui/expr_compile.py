"""Expressions compiled to closures the engine calls with a context `c` that has `.vars`,
`.visits` and `.chosen`. Arithmetic is capped and never raises: `x / 0` is 0 while playing
(the checker reports a divisor that is always 0).

Every decision runs dozens of these (choice conditions, event conditions, outcome weights), so
the common shapes get closures of their own instead of one closure per node: `party >= 40` is
one call that reads the variable and compares, not four (the comparison, the variable, the
constant and the operator); `army / 4` likewise; `and`/`or` of more than two parts loop without
a generator; constant operands are folded. Each specialised closure computes exactly what the
general one computes, in the same order (tests/test_expr_compile.py checks them against a plain
tree-walking evaluator on every story expression and on generated ones).
"""

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


def arith(op: str, a: Any, b: Any) -> Any:
    """One arithmetic operation as the compiled closures compute it (for folding and for tests)."""
    return _ARITH[op](a, b)


_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: cap(a + b),
    "-": lambda a, b: cap(a - b),
    "*": lambda a, b: cap(a * b),
    "/": _div,
    "%": _mod,
}
# both operands computed: one closure per operator, so no operator function is called
_ARITH_FN: dict[str, Callable[[Fn, Fn], Fn]] = {
    "+": lambda f, g: lambda c: cap(f(c) + g(c)),
    "-": lambda f, g: lambda c: cap(f(c) - g(c)),
    "*": lambda f, g: lambda c: cap(f(c) * g(c)),
    "/": lambda f, g: lambda c: _div(f(c), g(c)),
    "%": lambda f, g: lambda c: _mod(f(c), g(c)),
}
# the right operand a constant that is not 0 (0 divides to 0: left to `_ARITH_FN`)
_ARITH_K: dict[str, Callable[[Fn, Any], Fn]] = {
    "+": lambda f, k: lambda c: cap(f(c) + k),
    "-": lambda f, k: lambda c: cap(f(c) - k),
    "*": lambda f, k: lambda c: cap(f(c) * k),
    "/": lambda f, k: lambda c: cap(f(c) / k),
    "%": lambda f, k: lambda c: f(c) % k,
}
# a variable and a constant that is not 0: `army / 4`
_ARITH_VK: dict[str, Callable[[str, Any], Fn]] = {
    "+": lambda n, k: lambda c: cap(c.vars[n] + k),
    "-": lambda n, k: lambda c: cap(c.vars[n] - k),
    "*": lambda n, k: lambda c: cap(c.vars[n] * k),
    "/": lambda n, k: lambda c: cap(c.vars[n] / k),
    "%": lambda n, k: lambda c: c.vars[n] % k,
}
_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_CMP_FN: dict[str, Callable[[Fn, Fn], Fn]] = {
    "==": lambda f, g: lambda c: f(c) == g(c),
    "!=": lambda f, g: lambda c: f(c) != g(c),
    "<": lambda f, g: lambda c: f(c) < g(c),
    "<=": lambda f, g: lambda c: f(c) <= g(c),
    ">": lambda f, g: lambda c: f(c) > g(c),
    ">=": lambda f, g: lambda c: f(c) >= g(c),
}
# a variable against a constant: `party >= 40`, `course == 'fortress'`
_CMP_VK: dict[str, Callable[[str, Any], Fn]] = {
    "==": lambda n, k: lambda c: c.vars[n] == k,
    "!=": lambda n, k: lambda c: c.vars[n] != k,
    "<": lambda n, k: lambda c: c.vars[n] < k,
    "<=": lambda n, k: lambda c: c.vars[n] <= k,
    ">": lambda n, k: lambda c: c.vars[n] > k,
    ">=": lambda n, k: lambda c: c.vars[n] >= k,
}


# -- shared closures ----------------------------------------------------------------------------
# The same small expression recurs all over a story (`party >= 40`, a weight `army`, a constant
# weight `1`), and a closure is three objects the cyclic GC walks at every full collection: at
# 100 times the campaign's size a game compiles tens of thousands. So each closure is made once per
# key and shared: a leaf's or a variable-vs-constant shape's key is (kind, operator, name,
# constant), a compound's holds its parts' (shared) closures themselves, compared by identity and
# kept alive by the key. A constant's key holds its type (1, 1.0 and true compare equal but are
# different values) and a float's repr (0.0 == -0.0); a closure depends on nothing but its key.
# Bounded: cleared when full.
MAX_SHARED = 20_000
_shared: dict[tuple[Any, ...], Fn] = {}


def _constant_key(value: Any) -> tuple[Any, ...]:
    return (type(value), repr(value) if type(value) is float else value)


def _share(key: tuple[Any, ...], make: Callable[[], Fn]) -> Fn:
    fn = _shared.get(key)
    if fn is None:
        if len(_shared) >= MAX_SHARED:
            _shared.clear()
        fn = _shared[key] = make()
    return fn


def compile_ast(ast: Ast) -> Fn:
    build = _COMPILERS.get(type(ast))
    if build is None:
        raise ExprError(f"cannot compile {type(ast).__name__}")
    return build(ast)


def constant_of(ast: Ast) -> tuple[bool, Any]:
    """(True, value) when a node is a literal or a sign before one (folded), else (False, None).
    A sign before a text is not folded: it fails when run, as it always did."""
    if type(ast) is Const:
        return True, ast.value
    if type(ast) is Neg and type(ast.operand) is Const and not isinstance(ast.operand.value, str):
        return True, -ast.operand.value
    return False, None


def _const(ast: Const) -> Fn:
    return _constant(ast.value)


def _constant(value: Any) -> Fn:
    return _share(("const", *_constant_key(value)), lambda: lambda c: value)


def _var(ast: Var) -> Fn:
    name = ast.name
    return _share(("var", name), lambda: lambda c: c.vars[name])


def _not(ast: Not) -> Fn:
    if type(ast.operand) is Var:
        name = ast.operand.name
        return _share(("not", name), lambda: lambda c: not c.vars[name])
    inner = compile_ast(ast.operand)
    return _share(("not", inner), lambda: lambda c: not inner(c))


def _and(ast: And) -> Fn:
    return _junction(ast.items, every=True)


def _or(ast: Or) -> Fn:
    return _junction(ast.items, every=False)


def _junction(items: tuple[Ast, ...], every: bool) -> Fn:
    """`and` (every part holds) or `or` (any does), short-circuiting, as `all`/`any` would."""
    parts = tuple(compile_ast(item) for item in items)
    return _share(("and" if every else "or", parts), lambda: _junction_of(parts, every))


def _junction_of(parts: tuple[Fn, ...], every: bool) -> Fn:
    if len(parts) == 2:
        a, b = parts
        return (lambda c: bool(a(c) and b(c))) if every else (lambda c: bool(a(c) or b(c)))

    def all_hold(c: Any) -> bool:
        for part in parts:  # noqa: SIM110 - a loop, not all() of a generator: a third of the time
            if not part(c):
                return False
        return True

    def any_holds(c: Any) -> bool:
        for part in parts:  # noqa: SIM110 - as above
            if part(c):
                return True
        return False

    return all_hold if every else any_holds


def _neg(ast: Neg) -> Fn:
    folded, value = constant_of(ast)
    if folded:
        return _constant(value)
    inner = compile_ast(ast.operand)
    return _share(("neg", inner), lambda: lambda c: -inner(c))


def _arith(ast: Arith) -> Fn:
    left_const, a = constant_of(ast.left)
    right_const, k = constant_of(ast.right)
    if left_const and right_const:
        try:
            value = arith(ast.op, a, k)
        except TypeError:  # text in arithmetic (the checker rejects it): fails when run, as before
            pass
        else:
            return _constant(value)
    if right_const and (k or ast.op in "+-*"):
        if type(ast.left) is Var:
            name, op = ast.left.name, ast.op
            return _share(("arith", op, name, *_constant_key(k)), lambda: _ARITH_VK[op](name, k))
        f, op = compile_ast(ast.left), ast.op
        return _share(("arith", op, f, *_constant_key(k)), lambda: _ARITH_K[op](f, k))
    f, g, op = compile_ast(ast.left), compile_ast(ast.right), ast.op
    return _share(("arith", op, f, g), lambda: _ARITH_FN[op](f, g))


def _cmp(ast: Cmp) -> Fn:
    if len(ast.ops) == 1:
        left, right = ast.operands
        right_const, k = constant_of(right)
        if type(left) is Var and right_const:
            name, op = left.name, ast.ops[0]
            return _share(("cmp", op, name, *_constant_key(k)), lambda: _CMP_VK[op](name, k))
        f, g, op = compile_ast(left), compile_ast(right), ast.ops[0]
        return _share(("cmp", op, f, g), lambda: _CMP_FN[op](f, g))
    ops = [_CMP[o] for o in ast.ops]
    operands = [compile_ast(item) for item in ast.operands]

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
