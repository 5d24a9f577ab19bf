"""Scene text with `{expr}` interpolation and `{if}`/`{elif}`/`{else}`/`{end}` passages.

A template is parsed once into parts. Static parts remember which codex entries they mention,
so the engine learns what a scene unlocks without scanning rendered text at run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kremlin_tui.expr import Expr, ExprError, format_value, parse


@dataclass
class Text:
    text: str
    codex: frozenset[str] = frozenset()


@dataclass
class Interp:
    expr: Expr


@dataclass
class Cond:
    branches: list[tuple[Expr | None, list[Part]]]  # None: the {else} branch


Part = Text | Interp | Cond

MAX_IF_DEPTH = 20  # {if} inside {if}: rendering recurses once per level


# `{{`, `}}`, a whole `{...}` on one line (quotes may hold braces), or a stray brace
_BRACES = re.compile(r"""\{\{|\}\}|\{(?:'[^'\n]*'|"[^"\n]*"|[^{}'"\n])*\}|[{}]""")


class TemplateError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Template:
    """A parsed text; `pos_of(offset)` maps an offset in the source to a file position."""

    __slots__ = ("exprs", "parts", "source")

    def __init__(self, source: str, parts: list[Part], exprs: list[tuple[Expr, int]]) -> None:
        self.source = source
        self.parts = parts
        self.exprs = exprs  # every expression with its offset, for the checker

    def __getstate__(self) -> tuple[str, list[Part], list[tuple[Expr, int]]]:
        return (self.source, self.parts, self.exprs)

    def __setstate__(self, state: tuple[str, list[Part], list[tuple[Expr, int]]]) -> None:
        self.source, self.parts, self.exprs = state

    def render(self, ctx: Any) -> str:
        out: list[str] = []
        _render(self.parts, ctx, out)
        return "".join(out)

    def mentions(self, ctx: Any) -> set[str]:
        """The codex ids mentioned by the passages that this state would show."""
        found: set[str] = set()
        _mentions(self.parts, ctx, found)
        return found

    def is_static(self) -> bool:
        return all(isinstance(p, Text) for p in self.parts)


def _render(parts: list[Part], ctx: Any, out: list[str]) -> None:
    for part in parts:
        if isinstance(part, Text):
            out.append(part.text)
        elif isinstance(part, Interp):
            out.append(format_value(part.expr(ctx)))
        else:
            for cond, body in part.branches:
                if cond is None or cond(ctx):
                    _render(body, ctx, out)
                    break


def _mentions(parts: list[Part], ctx: Any, found: set[str]) -> None:
    for part in parts:
        if isinstance(part, Text):
            found |= part.codex
        elif isinstance(part, Cond) and _holds_mentions(part):  # no condition evaluated for nothing
            for cond, body in part.branches:
                if cond is None or cond(ctx):
                    _mentions(body, ctx, found)
                    break


def _holds_mentions(cond: Cond) -> bool:
    """Whether any passage of this {if} mentions a codex entry (worked out once per Cond)."""
    known = cond.__dict__.get("_holds_mentions")
    if known is None:
        known = False
        stack: list[Part] = [part for _cond, body in cond.branches for part in body]
        while stack and not known:
            part = stack.pop()
            if isinstance(part, Text):
                known = bool(part.codex)
            elif isinstance(part, Cond):
                stack.extend(p for _c, body in part.branches for p in body)
        cond.__dict__["_holds_mentions"] = known
    return known


def parse_template(
    source: str,
    make_pos: Callable[[int], Any],
    codex_of: Callable[[str], frozenset[str]] | None = None,
) -> Template:
    """Parse text; raises TemplateError (or ExprError with an absolute offset)."""
    root: list[Part] = []
    stack: list[tuple[Cond, list[Part], int]] = []
    current = root
    exprs: list[tuple[Expr, int]] = []
    buf: list[str] = []
    position, n = 0, len(source)

    def flush() -> None:
        if buf:
            text = "".join(buf)
            current.append(Text(text, codex_of(text) if codex_of else frozenset()))
            buf.clear()

    def expression(text: str, offset: int) -> Expr:
        stripped_from = offset + (len(text) - len(text.lstrip()))
        try:
            ast = parse(text)
        except ExprError as exc:
            raise ExprError(exc.message, stripped_from + exc.offset, exc.code) from None
        expr = Expr(text.strip(), ast, make_pos(stripped_from))
        exprs.append((expr, stripped_from))
        return expr

    if "{" not in source and "}" not in source:
        current.append(Text(source, codex_of(source) if codex_of else frozenset()))
        return Template(source, root, exprs)
    for match in _BRACES.finditer(source):
        token = match.group()
        i = match.start()
        if i > position:
            buf.append(source[position:i])
        position = match.end()
        if token == "{{":
            buf.append("{")
            continue
        if token == "}}":
            buf.append("}")
            continue
        if token == "}":
            raise TemplateError("'}' without '{' (write '}}' for a literal brace)", i)
        if token == "{":
            raise TemplateError("'{' is never closed (write '{{' for a literal brace)", i)
        inner = token[1:-1]
        word = inner.strip().split(None, 1)
        head = word[0] if word else ""
        flush()
        if head == "if" and len(word) == 2:
            if len(stack) >= MAX_IF_DEPTH:
                raise TemplateError(f"{{if}} passages nest too deeply: at most {MAX_IF_DEPTH} levels", i)
            cond = Cond([])
            body: list[Part] = []
            start = inner.index("if") + 2
            cond.branches.append((expression(inner[start:], i + 1 + start), body))
            current.append(cond)
            stack.append((cond, current, i))
            current = body
        elif head == "elif" and len(word) == 2:
            if not stack or stack[-1][0].branches[-1][0] is None:
                raise TemplateError("{elif} without a matching {if}", i)
            body = []
            start = inner.index("elif") + 4
            stack[-1][0].branches.append((expression(inner[start:], i + 1 + start), body))
            current = body
        elif head == "else" and len(word) == 1:
            if not stack or stack[-1][0].branches[-1][0] is None:
                raise TemplateError("{else} without a matching {if}", i)
            body = []
            stack[-1][0].branches.append((None, body))
            current = body
        elif head == "end" and len(word) == 1:
            if not stack:
                raise TemplateError("{end} without a matching {if}", i)
            _, current, _ = stack.pop()
        elif not inner.strip():
            raise TemplateError("empty '{}' (write '{{' for a literal brace)", i)
        else:
            current.append(Interp(expression(inner, i + 1)))
    if position < n:
        buf.append(source[position:])
    if stack:
        raise TemplateError("{if} is never closed with {end}", stack[-1][2])
    flush()
    return Template(source, root, exprs)
