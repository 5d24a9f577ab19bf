"""The template parser as it was before its speed-up (main 39f1ff4, src/kremlin_tui/template.py's
`_Parser`), written the plain way: the brace regex's own scan (`finditer`, a character per step)
and a buffer of literal pieces. Kept ONLY as the oracle of tests/test_template_oracle.py, which
checks that the faster parser builds the very same parts, expressions and offsets and raises the
very same errors (type, message, offset) for every input. Do not import it from src/."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kremlin_tui.expr import Expr, ExprError, parse
from kremlin_tui.template import MAX_IF_DEPTH, Cond, Interp, Part, Template, TemplateError, Text

PLAIN_BRACES = re.compile(r"""\{(?:\{|(?:'[^'\n]*'|"[^"\n]*"|[^{}'"\n])*\}|)|\}\}?""")


def parse_template(source: str, make_pos: Callable[[int], Any], codex_of: Callable[[str], frozenset[str]] | None = None) -> Template:
    if "{" not in source and "}" not in source:
        return Template(source, [Text(source, frozenset(), codex_of)], [])
    return _Parser(source, make_pos, codex_of).parse()


class _Parser:
    def __init__(self, source: str, make_pos: Callable[[int], Any], codex_of: Callable[[str], frozenset[str]] | None) -> None:
        self.source = source
        self.make_pos = make_pos
        self.codex_of = codex_of
        self.root: list[Part] = []
        self.stack: list[tuple[Cond, list[Part], int]] = []
        self.current = self.root
        self.exprs: list[tuple[Expr, int]] = []
        self.buf: list[str] = []

    def parse(self) -> Template:
        source, position = self.source, 0
        for match in PLAIN_BRACES.finditer(source):
            i, end = match.start(), match.end()
            if i > position:
                self.buf.append(source[position:i])
            position = end
            token = match.group()
            if token[-1] == "}" and token[0] == "{" and len(token) > 1:
                if self.buf:
                    self.flush()
                self.braces(token[1:-1], i)
            elif len(token) == 2:
                self.buf.append(token[0])
            elif token == "}":
                raise TemplateError("'}' without '{' (write '}}' for a literal brace)", i)
            else:
                raise TemplateError("'{' is never closed (write '{{' for a literal brace)", i)
        if position < len(source):
            self.buf.append(source[position:])
        if self.stack:
            raise TemplateError("{if} is never closed with {end}", self.stack[-1][2])
        if self.buf:
            self.flush()
        return Template(source, self.root, self.exprs)

    def flush(self) -> None:
        self.current.append(Text("".join(self.buf), codex_of=self.codex_of))
        self.buf.clear()

    def expression(self, text: str, offset: int) -> Expr:
        source = text.strip()
        offset += len(text) - len(text.lstrip())
        try:
            ast = parse(source)
        except ExprError as exc:
            raise ExprError(exc.message, offset + exc.offset, exc.code) from None
        expr = Expr(source, ast, self.make_pos(offset))
        self.exprs.append((expr, offset))
        return expr

    def braces(self, inner: str, i: int) -> None:
        word = inner.split(None, 1)
        head = word[0] if word else ""
        if head == "if" and len(word) == 2:
            if len(self.stack) >= MAX_IF_DEPTH:
                raise TemplateError(f"{{if}} passages nest too deeply: at most {MAX_IF_DEPTH} levels", i)
            cond = Cond([])
            self.current.append(cond)
            self.stack.append((cond, self.current, i))
            self.branch(inner, i, "if")
        elif head == "elif" and len(word) == 2:
            self.open_branch("{elif}", i)
            self.branch(inner, i, "elif")
        elif head == "else" and len(word) == 1:
            self.open_branch("{else}", i)
            self.current = []
            self.stack[-1][0].branches.append((None, self.current))
        elif head == "end" and len(word) == 1:
            if not self.stack:
                raise TemplateError("{end} without a matching {if}", i)
            _, self.current, _ = self.stack.pop()
        elif not word:
            raise TemplateError("empty '{}' (write '{{' for a literal brace)", i)
        else:
            self.current.append(Interp(self.expression(inner, i + 1)))

    def open_branch(self, what: str, i: int) -> None:
        if not self.stack or self.stack[-1][0].branches[-1][0] is None:
            raise TemplateError(f"{what} without a matching {{if}}", i)

    def branch(self, inner: str, i: int, keyword: str) -> None:
        start = inner.index(keyword) + len(keyword)
        body: list[Part] = []
        self.stack[-1][0].branches.append((self.expression(inner[start:], i + 1 + start), body))
        self.current = body
