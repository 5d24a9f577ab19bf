"""Scene text with `{expr}` interpolation and `{if}`/`{elif}`/`{else}`/`{end}` passages.

A template is parsed once into parts. Static parts remember which codex entries they mention,
so the engine learns what a scene unlocks without scanning rendered text at run time. Which
entries a passage mentions is worked out the first time anyone asks (scanning every text for
codex words was the largest single cost of loading a story, and a game shows a few of its
hundreds of texts); the answer depends only on the text and the story's codex words, so asking
early or late gives the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from kremlin_tui.expr import Expr, ExprError, format_value, parse
from kremlin_tui.records import dataclass


class Text:
    """Literal text; `codex`: the entries it mentions (given, or found by `codex_of` on first use)."""

    __slots__ = ("_codex", "_codex_of", "text")
    __hash__ = None  # type: ignore[assignment]  # compared by value, like the other parts

    def __init__(self, text: str, codex: frozenset[str] = frozenset(),
                 codex_of: Callable[[str], frozenset[str]] | None = None) -> None:
        self.text = text
        self._codex: frozenset[str] | None = None if codex_of is not None else codex
        self._codex_of = codex_of

    @property
    def codex(self) -> frozenset[str]:
        codex = self._codex
        if codex is None:  # two threads asking at once both compute the same answer
            codex = self._codex = self._codex_of(self.text)  # type: ignore[misc]
        return codex

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return self.text == other.text and self.codex == other.codex

    def __repr__(self) -> str:
        return f"Text(text={self.text!r}, codex={self.codex!r})"


@dataclass
class Interp:
    """`{expr}` in a text: the expression's value, shown in its place."""

    expr: Expr


@dataclass
class Cond:
    """`{if}...{elif}...{else}...{end}` in a text: the first branch whose condition holds is shown."""

    branches: list[tuple[Expr | None, list[Part]]]  # None: the {else} branch
    mentions: bool = False  # whether a passage inside mentions a codex entry (set by Template)


Part = Text | Interp | Cond

MAX_IF_DEPTH = 20  # {if} inside {if}: rendering recurses once per level


# `{{`, `}}`, a whole `{...}` on one line (quotes may hold braces), or a stray brace. Every
# branch starts with a literal brace, so the regex engine skips to the next brace at C speed.
# Inside the braces, a run of plain characters is taken in one step, and nothing taken is ever
# given back (possessive: no backtracking, whatever the text): ~40% faster than a character
# per step, and the same matches (tests/test_load_fast_paths.py keeps the plain form as the oracle).
_BRACES = re.compile(r"""\{(?:\{|(?:[^{}'"\n]++|'[^'\n]*+'|"[^"\n]*+")*+\}|)|\}\}?""")


class TemplateError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class Template:
    """A parsed text; `pos_of(offset)` maps an offset in the source to a file position.

    What it mentions is worked out once, on first use: `codex` holds the entries its
    unconditional passages mention, and `mention_conds` the `{if}` passages that mention any,
    so a scene's entry evaluates only the conditions that can unlock something."""

    __slots__ = ("_codex", "_mention_conds", "exprs", "parts", "source")

    def __init__(self, source: str, parts: list[Part], exprs: list[tuple[Expr, int]]) -> None:
        self.source = source
        self.parts = parts
        self.exprs = exprs  # every expression with its offset, for the checker
        self._codex: frozenset[str] | None = None
        self._mention_conds: tuple[Cond, ...] | None = None

    @property
    def codex(self) -> frozenset[str]:
        if self._codex is None:
            self._codex = frozenset(c for p in self.parts if isinstance(p, Text) for c in p.codex)
        return self._codex

    @property
    def mention_conds(self) -> tuple[Cond, ...]:
        if self._mention_conds is None:
            self._mention_conds = tuple(p for p in self.parts if isinstance(p, Cond) and _mark_mentions(p))
        return self._mention_conds

    def __getstate__(self) -> tuple[str, list[Part], list[tuple[Expr, int]]]:
        return (self.source, self.parts, self.exprs)

    def __setstate__(self, state: tuple[str, list[Part], list[tuple[Expr, int]]]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def render(self, ctx: Any) -> str:
        out: list[str] = []
        _render(self.parts, ctx, out)
        return "".join(out)

    def is_static(self) -> bool:
        return all(isinstance(p, Text) for p in self.parts)

    def passages(self) -> Iterator[tuple[Expr, list[Part]]]:
        """Every conditional passage, nested ones too: its condition and its parts."""
        stack = list(self.parts)
        while stack:
            part = stack.pop()
            if isinstance(part, Cond):
                for expr, body in part.branches:
                    if expr is not None:
                        yield expr, body
                    stack.extend(body)


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


def _mark_mentions(cond: Cond) -> bool:
    """Set `mentions` on this {if} and every one inside it; whether this one mentions any."""
    for _expr, body in cond.branches:
        for part in body:
            if isinstance(part, Text):
                cond.mentions = cond.mentions or bool(part.codex)
            elif isinstance(part, Cond):
                cond.mentions = _mark_mentions(part) or cond.mentions
    return cond.mentions


def parse_template(
    source: str,
    make_pos: Callable[[int], Any],
    codex_of: Callable[[str], frozenset[str]] | None = None,
) -> Template:
    """Parse text; raises TemplateError (or ExprError with an absolute offset)."""
    if "{" not in source and "}" not in source:
        return plain_template(source, codex_of)
    return _Parser(source, make_pos, codex_of).parse()


_NO_CODEX: frozenset[str] = frozenset()


def plain_template(source: str, codex_of: Callable[[str], frozenset[str]] | None = None) -> Template:
    """The template of a text without braces (most of a story's texts): one literal part."""
    return Template(source, [Text(source, _NO_CODEX, codex_of)], [])


class _Parser:
    """One pass over a text's braces: literal text between them, `{expr}` and the passages."""

    def __init__(self, source: str, make_pos: Callable[[int], Any], codex_of: Callable[[str], frozenset[str]] | None) -> None:
        self.source = source
        self.make_pos = make_pos
        self.codex_of = codex_of
        self.root: list[Part] = []
        self.stack: list[tuple[Cond, list[Part], int]] = []  # open {if}s: the passage, its parent, offset
        self.current = self.root
        self.exprs: list[tuple[Expr, int]] = []
        self.escaped: list[str] = []  # literal text before `{{` or `}}` not yet in a part

    def parse(self) -> Template:
        # What `_BRACES.finditer` gives, found faster: a match can only start at a brace and
        # there always is one at a brace, so `str.find` (a memchr scan, many times faster than
        # the regex engine's walk through the text between braces) picks where to try it.
        # The literal text before a token is one slice of the source (`position` to the token),
        # after whatever `escaped` holds when the text had `{{` or `}}`.
        source, position, escaped = self.source, 0, self.escaped
        find, match = source.find, _BRACES.match
        opening, closing = find("{"), find("}")
        while opening >= 0 or closing >= 0:
            i = opening if closing < 0 or 0 <= opening < closing else closing
            end = match(source, i).end()  # type: ignore[union-attr]
            if opening < end:
                opening = find("{", end)
            if closing < end:
                closing = find("}", end)
            if end - i > 2 or source[i:end] == "{}":  # `{...}`, the usual token (`{}`: an empty one)
                if i > position or escaped:
                    self.text(source[position:i])
                self.braces(source[i + 1:end - 1], i)
            elif end - i == 2:  # `{{` or `}}`
                escaped.append(source[position:i + 1])
            elif source[i] == "}":
                raise TemplateError("'}' without '{' (write '}}' for a literal brace)", i)
            else:
                raise TemplateError("'{' is never closed (write '{{' for a literal brace)", i)
            position = end
        if self.stack:
            raise TemplateError("{if} is never closed with {end}", self.stack[-1][2])
        if position < len(source) or escaped:
            self.text(source[position:])
        return Template(source, self.root, self.exprs)

    def text(self, last: str) -> None:
        """A literal part: `last`, after the text held back at a `{{` or `}}`."""
        escaped = self.escaped
        if escaped:
            escaped.append(last)
            last = "".join(escaped)
            escaped.clear()
        self.current.append(Text(last, _NO_CODEX, self.codex_of))

    def expression(self, text: str, offset: int) -> Expr:
        source = text.strip()  # what is parsed is the expression's source: offsets count from its start
        if source is not text:
            offset += len(text) - len(text.lstrip())
        try:
            ast = parse(source)
        except ExprError as exc:
            raise ExprError(exc.message, offset + exc.offset, exc.code) from None
        expr = Expr(source, ast, self.make_pos(offset))
        self.exprs.append((expr, offset))
        return expr

    def braces(self, inner: str, i: int) -> None:
        """`{if c}`, `{elif c}`, `{else}`, `{end}` or an interpolated `{expr}` at offset i."""
        stack = self.stack
        if inner == "end" and stack:  # (the usual spellings first: what the general way gives)
            self.current = stack.pop()[1]
            return
        word = inner.split(None, 1)
        head = word[0] if word else ""
        if len(word) == 2 and (head == "if" or head == "elif"):
            if head == "if":
                if len(stack) >= MAX_IF_DEPTH:
                    raise TemplateError(f"{{if}} passages nest too deeply: at most {MAX_IF_DEPTH} levels", i)
                cond = Cond([])
                self.current.append(cond)
                stack.append((cond, self.current, i))
            else:
                cond = self.open_branch("{elif}", i)
            # the condition: what follows the keyword and its spaces, a suffix of `inner`
            body: list[Part] = []
            cond.branches.append((self.expression(word[1], i + 1 + len(inner) - len(word[1])), body))
            self.current = body
        elif head == "else" and len(word) == 1:
            self.current = []
            self.open_branch("{else}", i).branches.append((None, self.current))
        elif head == "end" and len(word) == 1:
            if not stack:
                raise TemplateError("{end} without a matching {if}", i)
            self.current = stack.pop()[1]
        elif not word:
            raise TemplateError("empty '{}' (write '{{' for a literal brace)", i)
        else:
            self.current.append(Interp(self.expression(inner, i + 1)))

    def open_branch(self, what: str, i: int) -> Cond:
        """The innermost {if}, which must still be open to another branch."""
        if not self.stack or self.stack[-1][0].branches[-1][0] is None:
            raise TemplateError(f"{what} without a matching {{if}}", i)
        return self.stack[-1][0]
