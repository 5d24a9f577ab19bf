"""Reading an expression: tokens, then a tree of `expr_ast` nodes, e.g. `Call(name, args, offset)`.

Story text is never handed to `eval`; the parser only builds trees, and limits each one's
length, numbers and depth so a hostile story cannot exhaust the stack.

Why it is shaped this way: a fresh process (`check`, a game's first start) parses every distinct
expression of the story once (~1,300 of them), so the parser is on the load's critical path.
The parser reads the tokens' texts, which a few C-level passes make (one `findall`, `str.lstrip`,
`accumulate` for where each ends: no Python loop per token); an operator's or keyword's text is
its kind, so it tests `toks[i] == "or"` instead of calling a peek/accept method per level, and
tells a name, number or text by its first character only where it takes a value. The
tokenizer's own checks (`_lex`) run only when a parse fails, and its error, coming first in the
source's order as before, wins. Literal nodes are shared by text. The levels of the grammar
(or/and, not and comparison, sum and term, value and sign) are four methods instead of eight
nested calls per value, and a value that no operator follows skips the arithmetic level. The
grammar, the trees and every error's message, offset and code are those of the first,
one-method-per-level parser (kept as the oracle in tests/expr_syntax_reference.py)."""

from __future__ import annotations

import functools
import re
from itertools import accumulate
from typing import Any

from kremlin_tui.expr_ast import And, Arith, Ast, Call, Cmp, Const, Neg, Not, Or, Ref, Var, ast_depth
from kremlin_tui.expr_base import KEYWORDS, MAX_DIGITS, MAX_EXPR_CHARS, MAX_EXPR_DEPTH, ExprError
from kremlin_tui.expr_builtins import BUILTINS

# One token: a name, a number, a quoted text, a two-character comparison, or any other single
# non-blank character (a one-character operator, or a character the language does not know).
# `split` with this one group alternates blanks and tokens: [blank, token, blank, ..., blank].
_TOKEN = re.compile(r"""([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|\d+(?:\.\d+)?|'[^']*'|"[^"]*"|[=!<>]=|\S)""")
# The same tokens, each with the blanks before it (findall's pieces): possessive, as nothing
# here needs to give characters back.
_BLANK_TOKEN = re.compile(r"""\s*+(?:[A-Za-z_][A-Za-z0-9_]*+(?:\.[A-Za-z_][A-Za-z0-9_]*+)*+|\d++(?:\.\d++)?+
                              |'[^']*+'|"[^"]*+"|[=!<>]=|\S)""", re.VERBOSE)
_OPS = frozenset(("==", "!=", "<=", ">=", "-", "+", "*", "/", "%", "(", ")", "<", ">", ","))
# A token's kind by its whole text (operators, keywords: the text itself) or by its first
# character (names, numbers, quoted texts; a lone quote is a string left open).
_FIXED = {text: text for text in (*_OPS, *KEYWORDS)}
_FIXED[""] = ""  # (the end, for `_Parser`; `_lex` never sees an empty token)
_FIRST = {**dict.fromkeys("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_", "name"),
          **dict.fromkeys("0123456789", "num"), "'": "str", '"': "str"}
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_QUOTES = frozenset("'\"")
_JOIN = frozenset(("and", "or"))
_ARG_END = frozenset((",", ")"))
_NESTS = frozenset((*_OPS, "not", "and", "or")) - {")", ","}  # the tokens that make a node above the leaves
_COMPARE = frozenset(("==", "!=", "<", "<=", ">", ">="))
_MUL = frozenset(("*", "/", "%"))
_SIGNS = frozenset(("-", "+"))
_ARITH = _MUL | _SIGNS


def _cut(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} digits)"


def _number(text: str, start: int) -> int | float:
    if len(text.split(".", 1)[0]) > MAX_DIGITS:
        raise ExprError(f"the number {_cut(text)} is too large: at most {MAX_DIGITS} digits before the point", start, "number")
    return float(text) if "." in text else int(text)


# A story writes the same few literals hundreds of times (`0`, `1`, `'nazi'`): a Const is frozen,
# so each literal's node is made once, by its token's text ("1", "1.0" and "01" apart), and shared.
_LITERALS: dict[str, Const] = {}  # numbers and quoted texts (true and false are _TRUE and _FALSE)
_TRUE, _FALSE = Const(True), Const(False)
_MAX_LITERALS = 5_000  # the language server reads many stories: start afresh past this


def _literal_of(text: str, value: bool | int | float | str) -> Const:
    if len(_LITERALS) >= _MAX_LITERALS:
        forget_literals()
    node = _LITERALS[text] = Const(value)
    return node


def forget_literals() -> None:
    """Drop the shared literal nodes (loader.forget: a benchmark's fresh-process rounds). (Only
    ever read with .get: a parse in another thread meanwhile makes its own node.)"""
    _LITERALS.clear()


def _unlisted(text: str, start: int) -> str:
    """The kind of a token whose first character is not an ASCII letter, digit or quote: a number
    in other decimal digits (`\\d` is any Unicode digit, as `str.isdecimal`), else a bad character."""
    if len(text) > 1 or text.isdecimal():
        return "num"
    raise _bad(text, start)


def _bad(text: str, start: int) -> ExprError:
    if text == "=":
        return ExprError("'=' compares nothing here: write '==' to compare", start)
    if text in "'\"":
        return ExprError("this string has no closing quote", start)
    return ExprError(f"unexpected character '{text}'", start)


def _lex(source: str) -> tuple[list[str], list[Any], list[int]]:
    """Kinds, values and offsets of a source's tokens, ending with ("end", None, len(source)).

    A kind is "num", "name", "str", "end", a keyword's text or an operator's text; a value is
    the number, the name, the quoted text without its quotes, or the keyword/operator text."""
    if len(source) > MAX_EXPR_CHARS:
        raise ExprError(f"the expression is too long: {len(source):,} characters (at most {MAX_EXPR_CHARS:,})", 0, "too-long")
    kinds: list[str] = []
    values: list[Any] = []
    offsets: list[int] = []
    pieces = iter(_TOKEN.split(source))
    pos = 0
    for blank, text in zip(pieces, pieces):
        if blank:
            pos += len(blank)
        offsets.append(pos)
        kind = _FIXED.get(text)
        if kind is None:
            kind = _FIRST.get(text[0]) or _unlisted(text, pos)
            if kind == "num":
                values.append(_number(text, pos))
            elif kind == "str":
                if len(text) == 1:
                    raise _bad(text, pos)
                values.append(text[1:-1])
            else:
                values.append(text)
        else:
            values.append(text)
        kinds.append(kind)
        pos += len(text)
    kinds.append("end")
    values.append(None)
    offsets.append(len(source))
    return kinds, values, offsets


def _texts(source: str) -> tuple[list[str], list[int]]:
    """The texts of a source's tokens and where each ends, ending with ("", len(source)): no
    kinds, values or checks (see `_Parser`); a few C-level passes instead of a loop per token."""
    if len(source) > MAX_EXPR_CHARS:
        raise ExprError(f"the expression is too long: {len(source):,} characters (at most {MAX_EXPR_CHARS:,})", 0, "too-long")
    pieces = _BLANK_TOKEN.findall(source)
    toks = list(map(str.lstrip, pieces))  # (what `\s` matches is what str.isspace calls blank)
    ends = list(accumulate(map(len, pieces)))
    toks.append("")
    ends.append(len(source))
    return toks, ends


def tokenize(source: str) -> list[tuple[str, Any, int]]:
    """The tokens as (kind, value, offset) with kinds "num", "str", "name", "kw", "op", "end"."""
    kinds, values, offsets = _lex(source)
    return [("op" if kind in _OPS else "kw" if kind in KEYWORDS else kind, value, offset)
            for kind, value, offset in zip(kinds, values, offsets)]


class _Parser:
    """The parser over a source's token texts (see `_texts`): a keyword's or an operator's kind
    is its text, so `toks[i] == "or"` is the test; a value's kind is read from its first
    character where the parser takes a value (`operand`). A token the tokenizer would refuse
    (a stray character, a lone quote, a number of too many digits) is never taken as a value,
    so it fails the parse; `parse` then asks `_lex` for the tokenizer's error, which comes first."""

    __slots__ = ("ends", "i", "nesting", "toks")

    def __init__(self, source: str) -> None:
        self.toks, self.ends = _texts(source)
        self.i = 0
        self.nesting = 0  # recursion guard: brackets, calls, `not` and signs

    def at(self, i: int) -> int:
        """Where token `i` starts."""
        return self.ends[i] - len(self.toks[i])

    def enter(self, i: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_EXPR_DEPTH:
            raise ExprError(_too_deep(), self.at(i), "too-deep")

    def value(self, i: int) -> Any:
        """Token `i`'s value: a number, a quoted text without its quotes, else its text."""
        tok = self.toks[i]
        if tok in _FIXED:
            return tok
        first = tok[:1]
        if first in _QUOTES:
            return tok[1:-1]
        return _number(tok, self.at(i)) if first.isdecimal() else tok

    def found(self, i: int, end: str) -> str:
        return end if self.toks[i] == "" else f"'{self.value(i)}'"

    def expect(self, tok: str, what: str) -> None:
        i = self.i
        if self.toks[i] != tok:
            raise ExprError(f"expected {what}, found {self.found(i, 'the end')}", self.at(i))
        self.i = i + 1

    def parse(self) -> Ast:
        if self.toks[0] == "":
            raise ExprError("the expression is empty", 0)
        node = self.disjunction()
        i = self.i
        if self.toks[i] != "":
            raise ExprError(f"unexpected '{self.value(i)}' (missing 'and'/'or' or an operator?)", self.at(i))
        return node

    def disjunction(self) -> Ast:
        """`a or b and c`: Or of And groups of `not`/comparison operands."""
        toks = self.toks
        node = self.negation()
        if toks[self.i] not in _JOIN:
            return node
        groups: list[Ast] = []
        group = [node]
        while (tok := toks[self.i]) in _JOIN:
            self.i += 1
            if tok == "or":
                groups.append(group[0] if len(group) == 1 else And(tuple(group)))
                group = []
            group.append(self.negation())
        last = group[0] if len(group) == 1 else And(tuple(group))
        if not groups:
            return last
        groups.append(last)
        return Or(tuple(groups))

    def negation(self) -> Ast:
        """Any number of `not`, then a comparison (possibly chained) of sums."""
        toks = self.toks
        nots = 0
        while toks[self.i] == "not":
            self.enter(self.i)
            self.i += 1
            nots += 1
        node = self.operand()
        tok = toks[self.i]
        if tok in _ARITH:
            node = self.arithmetic(node)
            tok = toks[self.i]
        if tok in _COMPARE:
            ops: list[str] = []
            operands = [node]
            while tok in _COMPARE:
                self.i += 1
                ops.append(tok)
                right = self.operand()
                if toks[self.i] in _ARITH:
                    right = self.arithmetic(right)
                operands.append(right)
                tok = toks[self.i]
            node = Cmp(tuple(ops), tuple(operands))
        if nots:
            for _ in range(nots):
                node = Not(node)
            self.nesting -= nots
        return node

    def arithmetic(self, node: Ast) -> Ast:
        """The rest of a sum whose first operand is `node`: terms joined by + and -, each term
        operands joined by *, / and %; left to right."""
        toks = self.toks
        tok = toks[self.i]
        while tok in _MUL:
            self.i += 1
            node = Arith(tok, node, self.operand())
            tok = toks[self.i]
        while tok in _SIGNS:
            self.i += 1
            right = self.operand()
            while (mul := toks[self.i]) in _MUL:
                self.i += 1
                right = Arith(mul, right, self.operand())
            node = Arith(tok, node, right)
            tok = toks[self.i]
        return node

    def operand(self) -> Ast:
        """A value: a literal, a bracket, a call or a name, or a signed operand."""
        i = self.i
        toks = self.toks
        tok = toks[i]
        self.i = i + 1
        if tok not in _FIXED:  # (nor the end: "")
            first = tok[0]
            if first in _NAME_START:
                if toks[i + 1] == "(":
                    return self.call(i)
                if "." in tok:
                    raise ExprError(f"'{tok}': a dotted name is only allowed inside chose(...)", self.at(i))
                return Var(tok, self.ends[i] - len(tok))
            known = _LITERALS.get(tok)
            if known is not None:
                return known
            if first in _QUOTES:
                if len(tok) > 1:
                    return _literal_of(tok, tok[1:-1])
            elif first.isdecimal():
                return _literal_of(tok, _number(tok, self.at(i)))
        elif tok == "true" or tok == "false":
            return _TRUE if tok == "true" else _FALSE
        elif tok == "(":
            self.enter(i)
            node = self.disjunction()
            self.expect(")", "')'")
            self.nesting -= 1
            return node
        elif tok in _SIGNS:
            self.enter(i)
            node = self.operand()
            self.nesting -= 1
            return Neg(node) if tok == "-" else node
        raise ExprError(f"expected a value, found {self.found(i, 'the end of the expression')}{self.doubled_hint(i)}",
                        self.at(i))

    def call(self, i: int) -> Call:
        """`name(args)`; a built-in that takes a name gets a bare name as a Ref, not a Var."""
        toks = self.toks
        name = toks[i]
        self.i = i + 2
        self.enter(i)
        entry = BUILTINS.get(name)
        takes_name = entry is not None and entry.takes_name
        args: list[Ast] = []
        if toks[self.i] == ")":
            self.i += 1
        else:
            while True:
                j = self.i
                arg = toks[j]
                # (a name or a literal alone, the usual argument, is taken here: the same node)
                if arg[:1] in _NAME_START and arg not in _FIXED:
                    if takes_name:
                        args.append(Ref(arg, self.ends[j] - len(arg)))
                        self.i = j + 1
                    elif toks[j + 1] in _ARG_END and "." not in arg:
                        args.append(Var(arg, self.ends[j] - len(arg)))
                        self.i = j + 1
                    else:
                        args.append(self.disjunction())
                elif (known := _LITERALS.get(arg)) is not None and toks[j + 1] in _ARG_END:
                    args.append(known)
                    self.i = j + 1
                else:
                    args.append(self.disjunction())
                if toks[self.i] == ")":
                    self.i += 1
                    break
                self.expect(",", "',' or ')'")
        self.nesting -= 1
        return Call(name, tuple(args), self.ends[i] - len(name))

    def doubled_hint(self, i: int) -> str:
        """`party >> 5`, `a && b`: an operator typed twice, or one from another language."""
        value = self.toks[i]
        if value not in _OPS or i < 1 or self.toks[i - 1] not in _OPS:
            return ""
        before = self.toks[i - 1]
        pair = f"{before}{value}"
        if before == value and value in ("<", ">", "+", "-", "*", "/", "%"):
            return f" (did you mean '{value}'?)"
        if pair in ("=<", "=>"):
            return f" (did you mean '{pair[::-1]}'?)"
        return ""


# The shapes half of a story's expressions take (`flag`, `not flag`, `party >= 40`,
# `stance == 'hard'`, `chose(scene.choice)`, `visited(scene) > 0`, a literal), read by one regex
# instead of the tokenizer and the parser: the same tree, offsets included. Anything else, a
# keyword in a name's place, and so every error, takes the long way.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*+"  # (possessive, as every repeat here: a source of another shape fails at once)
_SHORT = re.compile(rf"""\s*+(?:
    (?P<not>not\s++)?+(?:(?P<call>{_NAME})\(\s*+(?P<arg>{_NAME}(?:\.{_NAME})*+)\s*+\)|(?P<name>{_NAME}))
        (?:\s*+(?P<op>[=!<>]=|<|>)\s*+(?:(?P<num>[0-9]++(?:\.[0-9]++)?+)|'(?P<one>[^']*+)'|"(?P<two>[^"]*+)"|(?P<right>{_NAME})))?+
  | (?P<number>[0-9]++(?:\.[0-9]++)?+)|'(?P<single>[^']*+)'|"(?P<double>[^"]*+)"
)\s*+""", re.VERBOSE)


def _short(source: str) -> Ast | None:
    """The tree of a source of one of the usual shapes (see _SHORT), or None."""
    match = _SHORT.fullmatch(source)
    if match is None:
        return None
    name, call, right = match.group("name", "call", "right")
    if name is not None or call is not None:
        if name in KEYWORDS or right in KEYWORDS or match.group("arg") in KEYWORDS:
            bare = name in ("true", "false") and not match.group("op") and not match.group("not")
            return (_TRUE if name == "true" else _FALSE) if bare else None
        if call is not None:
            entry = BUILTINS.get(call)
            if entry is None or not entry.takes_name:
                return None  # (its argument is an expression)
            node: Ast = Call(call, (Ref(match.group("arg"), match.start("arg")),), match.start("call"))
        else:
            node = Var(name, match.start("name"))
        op = match.group("op")
        if op is not None:
            operand = _literal(match.group("num"), match.group("one"), match.group("two"))
            if operand is None:
                if right is None:
                    return None
                operand = Var(right, match.start("right"))
            node = Cmp((op,), (node, operand))
        return Not(node) if match.group("not") else node
    return _literal(match.group("number"), match.group("single"), match.group("double"))


def _literal(number: str | None, single: str | None, double: str | None) -> Const | None:
    """A number (None if it has too many digits: an error the long way reports), or a text."""
    if number is not None:
        if len(number.split(".", 1)[0]) > MAX_DIGITS:
            return None
        return _LITERALS.get(number) or _literal_of(number, float(number) if "." in number else int(number))
    if single is not None:
        text = f"'{single}'"
        return _LITERALS.get(text) or _literal_of(text, single)
    if double is None:
        return None
    text = f'"{double}"'
    return _LITERALS.get(text) or _literal_of(text, double)


@functools.lru_cache(maxsize=8192)
def parse(source: str) -> Ast:
    """Parse an expression; raises ExprError with the offending offset.

    Memoised: stories repeat the same small expressions ({year}, `party >= 40`) many times,
    and the tree is immutable, safe to share."""
    if source.count(" ") <= 3 and "," not in source and len(source) <= 200:  # (a longer one may be too long)
        tree = _short(source)
        if tree is not None:
            return tree
    parser = _Parser(source)
    try:
        ast = parser.parse()
    except ExprError:
        _lex(source)  # the tokenizer's error, if it has one, is the one to report (it came first)
        raise
    # A long chain such as 1 + 1 + ... nests one level per operator. Every node above a leaf has
    # a token of its own among _NESTS (an operator, `not`, `and`/`or`, a call's bracket), so a tree
    # with few of them cannot be too deep: only such trees are walked.
    toks = parser.toks
    if len(toks) > MAX_EXPR_DEPTH and sum(map(_NESTS.__contains__, toks)) >= MAX_EXPR_DEPTH and ast_depth(ast) > MAX_EXPR_DEPTH:
        raise ExprError(_too_deep(), 0, "too-deep")
    return ast


def _too_deep() -> str:
    return (f"the expression nests too deeply: at most {MAX_EXPR_DEPTH} levels "
            "(each bracket, call, 'not', sign and chained operator is one)")
