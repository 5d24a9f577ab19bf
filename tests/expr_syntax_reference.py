"""The expression parser as it was before its speed-up (main e4fc937, src/kremlin_tui/expr_syntax.py):
one method per grammar level over a list of (kind, value, offset) tokens. Kept ONLY as the oracle
of tests/test_expr_syntax_oracle.py, which checks that the faster parser builds the very same trees
and raises the very same errors (message, offset, code) for every input. Do not import it from src/."""

from __future__ import annotations

import functools
import re
from typing import Any

from kremlin_tui.expr_ast import And, Arith, Ast, Call, Cmp, Const, Neg, Not, Or, Ref, Var, ast_depth
from kremlin_tui.expr_base import KEYWORDS, MAX_DIGITS, MAX_EXPR_CHARS, MAX_EXPR_DEPTH, ExprError
from kremlin_tui.expr_builtins import BUILTINS

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?)
   |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
   |(?P<str>'[^']*'|"[^"]*")
   |(?P<op>==|!=|<=|>=|[-+*/%()<>,])
   |(?P<bad>\S)
    )""",
    re.VERBOSE,
)


def _cut(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} digits)"


def tokenize(source: str) -> list[tuple[str, Any, int]]:
    if len(source) > MAX_EXPR_CHARS:
        raise ExprError(f"the expression is too long: {len(source):,} characters (at most {MAX_EXPR_CHARS:,})", 0, "too-long")
    tokens: list[tuple[str, Any, int]] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
        kind = match.lastgroup
        if kind is None:
            break
        text = match.group(kind)
        start = match.start(kind)
        if kind == "num":
            whole = text.split(".", 1)[0]
            if len(whole) > MAX_DIGITS:
                raise ExprError(f"the number {_cut(text)} is too large: at most {MAX_DIGITS} digits before the point", start, "number")
            tokens.append(("num", float(text) if "." in text else int(text), start))
        elif kind == "str":
            tokens.append(("str", text[1:-1], start))
        elif kind == "name":
            tokens.append(("kw" if text in KEYWORDS else "name", text, start))
        elif kind == "op":
            tokens.append(("op", text, start))
        else:
            if text == "=":
                raise ExprError("'=' compares nothing here: write '==' to compare", start)
            if text in "'\"":
                raise ExprError("this string has no closing quote", start)
            raise ExprError(f"unexpected character '{text}'", start)
    tokens.append(("end", None, len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.i = 0
        self.nesting = 0  # recursion guard: brackets, calls, `not` and signs

    def enter(self, offset: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_EXPR_DEPTH:
            raise ExprError(_too_deep(), offset, "too-deep")

    def peek(self) -> tuple[str, Any, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, Any, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def accept(self, kind: str, value: Any = None) -> bool:
        token = self.peek()
        if token[0] == kind and (value is None or token[1] == value):
            self.i += 1
            return True
        return False

    def expect(self, kind: str, value: str, what: str) -> None:
        if not self.accept(kind, value):
            token = self.peek()
            found = "the end" if token[0] == "end" else f"'{token[1]}'"
            raise ExprError(f"expected {what}, found {found}", token[2])

    def parse(self) -> Ast:
        if self.peek()[0] == "end":
            raise ExprError("the expression is empty", 0)
        node = self.or_expr()
        token = self.peek()
        if token[0] != "end":
            raise ExprError(f"unexpected '{token[1]}' (missing 'and'/'or' or an operator?)", token[2])
        return node

    def or_expr(self) -> Ast:
        items = [self.and_expr()]
        while self.accept("kw", "or"):
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Ast:
        items = [self.not_expr()]
        while self.accept("kw", "and"):
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self) -> Ast:
        if self.accept("kw", "not"):
            self.enter(self.tokens[self.i - 1][2])
            node = Not(self.not_expr())
            self.nesting -= 1
            return node
        return self.comparison()

    def comparison(self) -> Ast:
        first = self.sum()
        ops: list[str] = []
        operands = [first]
        while self.peek()[0] == "op" and self.peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            ops.append(self.take()[1])
            operands.append(self.sum())
        return first if not ops else Cmp(tuple(ops), tuple(operands))

    def sum(self) -> Ast:
        node = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            node = Arith(self.take()[1], node, self.term())
        return node

    def term(self) -> Ast:
        node = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/", "%"):
            node = Arith(self.take()[1], node, self.unary())
        return node

    def unary(self) -> Ast:
        if self.peek()[0] == "op" and self.peek()[1] in ("-", "+"):
            sign = self.take()
            self.enter(sign[2])
            inner = self.unary()
            self.nesting -= 1
            return Neg(inner) if sign[1] == "-" else inner
        return self.primary()

    def primary(self) -> Ast:
        kind, value, offset = self.take()
        if kind in ("num", "str"):
            return Const(value)
        if kind == "kw" and value in ("true", "false"):
            return Const(value == "true")
        if kind == "op" and value == "(":
            self.enter(offset)
            node = self.or_expr()
            self.expect("op", ")", "')'")
            self.nesting -= 1
            return node
        if kind == "name":
            if self.accept("op", "("):
                self.enter(offset)
                entry = BUILTINS.get(value)
                takes_name = entry is not None and entry.takes_name
                args: list[Ast] = []
                if not self.accept("op", ")"):
                    while True:
                        if takes_name and self.peek()[0] == "name":
                            ref = self.take()
                            args.append(Ref(ref[1], ref[2]))
                        else:
                            args.append(self.or_expr())
                        if self.accept("op", ")"):
                            break
                        self.expect("op", ",", "',' or ')'")
                self.nesting -= 1
                return Call(value, tuple(args), offset)
            if "." in value:
                raise ExprError(f"'{value}': a dotted name is only allowed inside chose(...)", offset)
            return Var(value, offset)
        found = "the end of the expression" if kind == "end" else f"'{value}'"
        raise ExprError(f"expected a value, found {found}{self.doubled_hint(kind, value)}", offset)

    def doubled_hint(self, kind: str, value: Any) -> str:
        """`party >> 5`, `a && b`: an operator typed twice, or one from another language."""
        if kind != "op" or self.i < 2:
            return ""
        before = self.tokens[self.i - 2]
        if before[0] != "op":
            return ""
        pair = f"{before[1]}{value}"
        if before[1] == value and value in ("<", ">", "+", "-", "*", "/", "%"):
            return f" (did you mean '{value}'?)"
        if pair in ("=<", "=>"):
            return f" (did you mean '{pair[::-1]}'?)"
        return ""


@functools.lru_cache(maxsize=8192)
def parse(source: str) -> Ast:
    """Parse an expression; raises ExprError with the offending offset.

    Memoised: stories repeat the same small expressions ({year}, `party >= 40`) many times,
    and the tree is immutable, safe to share."""
    parser = _Parser(source)
    ast = parser.parse()
    # A long chain such as 1 + 1 + ... nests one level per operator. Every node takes at least
    # one token of its own, so a tree of few tokens cannot be too deep: only long ones are walked.
    if len(parser.tokens) > MAX_EXPR_DEPTH and ast_depth(ast) > MAX_EXPR_DEPTH:
        raise ExprError(_too_deep(), 0, "too-deep")
    return ast


def _too_deep() -> str:
    return (f"the expression nests too deeply: at most {MAX_EXPR_DEPTH} levels "
            "(each bracket, call, 'not', sign and chained operator is one)")

