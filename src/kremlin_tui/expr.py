"""The story's expression language: parsed once, checked against the story, run as closures.

Story text is never handed to `eval`: expressions become a tree of frozen node classes (`expr_ast`, built by `expr_syntax`),
the checker walks that AST (`expr_analysis`: names, types, and value ranges, so `party > 100`
is reported as never true), and the engine runs closures compiled from it (`expr_compile`).
Each built-in function is one entry of `expr_builtins.BUILTINS`. This module is the facade the
rest of the program imports, and holds `Expr`, a parsed expression with its source.
"""

from __future__ import annotations

from typing import Any

from kremlin_tui.attitudes import ATTITUDES, attitude_word
from kremlin_tui.calendar import CALENDAR
from kremlin_tui.expr_analysis import analyze
from kremlin_tui.expr_ast import NODE_CLASSES, And, Arith, Call, Cmp, Const, Neg, Not, Or, Ref, Var, ast_depth, reads, walk
from kremlin_tui.expr_base import (
    BOOL,
    BOTH,
    KEYWORDS,
    MAX_DIGITS,
    MAX_EXPR_CHARS,
    MAX_EXPR_DEPTH,
    NUM,
    NUMBER_LIMIT,
    STR,
    Abs,
    Ast,
    ExprError,
    Fn,
    Scope,
    ValueKind,
    VarInfo,
    cap,
    unknown_name,
)
from kremlin_tui.expr_builtins import BUILTINS, FUNCTIONS
from kremlin_tui.expr_compile import compile_ast
from kremlin_tui.expr_syntax import parse, tokenize

__all__ = [
    "ATTITUDES",
    "BOOL",
    "BOTH",
    "BUILTINS",
    "CALENDAR",
    "FUNCTIONS",
    "KEYWORDS",
    "MAX_DIGITS",
    "MAX_EXPR_CHARS",
    "MAX_EXPR_DEPTH",
    "NODE_CLASSES",
    "NUM",
    "NUMBER_LIMIT",
    "RESERVED",
    "STR",
    "Abs",
    "And",
    "Arith",
    "Ast",
    "Call",
    "Cmp",
    "Const",
    "Expr",
    "ExprError",
    "Fn",
    "LaterPos",
    "Neg",
    "Not",
    "Or",
    "Ref",
    "Scope",
    "ValueKind",
    "Var",
    "VarInfo",
    "analyze",
    "ast_depth",
    "attitude_word",
    "cap",
    "compile_ast",
    "format_value",
    "parse",
    "reads",
    "tokenize",
    "unknown_name",
    "walk",
]

RESERVED = KEYWORDS | set(CALENDAR) | set(FUNCTIONS)


class LaterPos(tuple):  # type: ignore[type-arg]
    """Where an expression is, worked out when first asked for (`Expr.pos`): (find, scalar, offset).

    A position inside a scalar (an effect's value after `party += `, an expression in a `|`
    text) takes decoding the file's line; a load needs none of them unless it reports a problem
    there, so the builder hands over what to compute it from. `find(scalar, offset)` holds the
    builder's reader (the file's lines) until every position it gave is resolved. A tuple, made
    with `tuple.__new__(LaterPos, (find, scalar, offset))`: a load makes thousands."""

    __slots__ = ()


class Expr:
    """A parsed expression with its source and position; compiled on first use.

    The compiled closure is not pickled, so a cached story stays a plain data structure.
    """

    __slots__ = ("_fn", "_pos", "ast", "source")

    def __init__(self, source: str, ast: Ast, pos: Any) -> None:
        self.source = source
        self.ast = ast
        self._pos = pos  # a Pos, or a LaterPos until asked for
        self._fn: Fn | None = None

    @property
    def pos(self) -> Any:
        pos = self._pos
        if type(pos) is LaterPos:  # two threads asking at once both compute the same place
            find, scalar, offset = pos
            pos = self._pos = find(scalar, offset)
        return pos

    def __getstate__(self) -> tuple[str, Ast, Any]:
        return (self.source, self.ast, self.pos)

    def __setstate__(self, state: tuple[str, Ast, Any]) -> None:
        self.source, self.ast, self._pos = state
        self._fn = None

    def __call__(self, ctx: Any) -> Any:
        fn = self._fn
        if fn is None:
            fn = self._fn = compile_ast(self.ast)
        return fn(ctx)

    @property
    def fn(self) -> Fn:
        """The compiled closure itself: the engine keeps it per story and calls it without
        going through `__call__` (one Python call fewer per test, dozens of tests a decision)."""
        fn = self._fn
        if fn is None:
            fn = self._fn = compile_ast(self.ast)
        return fn

    def constant(self) -> Any:
        """The value if the expression is a literal (used for effect previews), else None."""
        ast = self.ast
        if type(ast) is Const:
            return ast.value
        if type(ast) is Neg and type(ast.operand) is Const:
            return -ast.operand.value  # type: ignore[operator]
        return None

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"


def format_value(value: Any) -> str:
    """How an interpolated value reads in the text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        rounded = round(value, 1)  # 86.99999 reads as 87, not 87.0
        return str(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}"
    return str(value)
