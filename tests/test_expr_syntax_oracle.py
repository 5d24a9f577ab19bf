"""The fast expression parser (expr_syntax) against the one it replaced (tests/expr_syntax_reference.py):
on every expression of the shipped story, the fixtures and the example mod, on generated expressions
and on generated garbage, both give the very same tree (node classes, field values and their
types: 1, 1.0 and true are told apart) or the very same error (message, offset, code)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURES

import expr_syntax_reference as reference
from kremlin_tui import expr_syntax
from kremlin_tui.builder import exprs as builder_exprs
from kremlin_tui.expr_ast import Const
from kremlin_tui.expr_base import MAX_EXPR_CHARS, MAX_EXPR_DEPTH, ExprError
from kremlin_tui.expr_builtins import BUILTINS
from kremlin_tui.loader import load_story_with_diagnostics

ROOT = Path(__file__).resolve().parent.parent


def _outcome(parse: Callable[[str], Any], source: str) -> tuple[Any, ...]:
    try:
        return ("tree", repr(parse(source)))  # a dataclass repr shows every field, with its type's repr
    except ExprError as exc:
        return ("error", exc.message, exc.offset, exc.code)


def _same(source: str) -> None:
    assert _outcome(expr_syntax.parse.__wrapped__, source) == _outcome(reference.parse.__wrapped__, source), source
    assert _outcome(expr_syntax.tokenize, source) == _outcome(reference.tokenize, source), source


def _sources_read_by_loading(monkeypatch: pytest.MonkeyPatch, dirs: list[list[str]]) -> list[str]:
    """Every expression the loader parses (conditions, weights, effects, `{…}` in texts)."""
    seen: dict[str, None] = {}

    def record(source: str) -> Any:
        seen[source] = None
        return expr_syntax.parse(source)

    monkeypatch.setattr(builder_exprs, "parse", record)
    monkeypatch.setattr("kremlin_tui.template.parse", record)
    for story in dirs:
        load_story_with_diagnostics(story, cache=False)
    return list(seen)


def test_every_expression_of_the_stories_parses_as_the_reference_parses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    stories = [[str(ROOT / "story")], [str(FIXTURES / "mini")], [str(ROOT / "story"), str(ROOT / "examples" / "mod-example")]]
    sources = _sources_read_by_loading(monkeypatch, stories)
    assert len(sources) > 1_000
    for source in sources:
        _same(source)


# -- generated expressions: well formed and nearly so ----------------------------------------------

_NAMES = st.sampled_from(["party", "a", "x_1", "_", "scene.choice", "a.b.c", "and", "or", "not", "true", "false",
                          "year", "Party", *sorted(BUILTINS)])
_NUMBERS = st.sampled_from(["0", "7", "40", "1.5", "1.50", "007", "3.0", "9" * 15, "9" * 16, "1" * 15 + ".25",
                            "٣", "٣.٥", "1.", ".5"])
_STRINGS = st.sampled_from(["'calm'", '"angry"', "''", "'and'", "'1'", "'", '"', "'a\"b'"])
_BLANKS = st.sampled_from(["", " ", "  ", "\t", "\n", "\u3000", "\xa0"])
_BINARY = st.sampled_from(["and", "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "=", "<<", ">>",
                           "&&", "=<", "=>", "!"])


def _joined(parts: list[str], blanks: list[str]) -> str:
    return "".join(part + blank for part, blank in zip(parts, blanks + [""] * len(parts)))


@st.composite
def _expression(draw: st.DrawFn, depth: int = 0) -> str:
    """An expression, mostly well formed: values, operators, signs, `not`, brackets and calls."""
    blank = draw(_BLANKS)
    choice = draw(st.integers(0, 9 if depth < 4 else 2))
    if choice <= 2:
        return draw(st.one_of(_NAMES, _NUMBERS, _STRINGS))
    if choice <= 4:
        return _joined([draw(_expression(depth + 1)), draw(_BINARY), draw(_expression(depth + 1))], [blank, blank])
    if choice == 5:
        return draw(st.sampled_from(["-", "+", "not ", "- ", "not", "--"])) + draw(_expression(depth + 1))
    if choice == 6:
        return "(" + blank + draw(_expression(depth + 1)) + draw(st.sampled_from([")", "", "))", ","]))
    args = draw(st.lists(_expression(depth + 1), max_size=3))
    close = draw(st.sampled_from([")", ")", "", ",)", " )"]))
    return draw(_NAMES) + draw(st.sampled_from(["(", " (", "("])) + ("," + blank).join(args) + close


@settings(max_examples=1500, deadline=None)
@given(_expression())
def test_generated_expressions_parse_as_the_reference_parses_them(source: str) -> None:
    _same(source)


_PIECES = st.sampled_from(["(", ")", ",", "==", "=", "!", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", ".", "'",
                           '"', "and", "or", "not", "true", "false", "party", "chose", "visited", "if", "max", "a.b",
                           "1", "2.5", "٣", "²", "?", "é", "$", " ", "\t", "\u3000", "_x", "9" * 16, "'t'"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join) | st.lists(_PIECES, max_size=12).map(" ".join) | st.text(max_size=40))
def test_generated_garbage_fails_or_parses_as_the_reference_does(source: str) -> None:
    _same(source)


_NESTED: list[Callable[[int], str]] = [
    lambda n: "(" * n + "1" + ")" * n, lambda n: "not " * n + "a", lambda n: "-" * n + "1", lambda n: "- +" * n + "2",
    lambda n: "1" + " + 1" * n, lambda n: "max(" * n + "1" + ")" * n, lambda n: "a and " * n + "b",
    lambda n: "-(" * n + "x" + ")" * n, lambda n: "not (" * n + "a" + ")" * n, lambda n: "1 < " * n + "2",
    lambda n: "2 * " * n + "3", lambda n: "(" * n + "1", lambda n: "visited(" * n + "x" + ")" * n,
    # each level released when its operand ends: many in a row never add up
    lambda n: "not a and " * n + "b", lambda n: "-a + " * n + "1", lambda n: "max(1) + " * n + "2",
    lambda n: "(1) * " * n + "2", lambda n: "not -(a) or " * n + "b",
]


@pytest.mark.parametrize("count", [MAX_EXPR_DEPTH - 2, MAX_EXPR_DEPTH - 1, MAX_EXPR_DEPTH, MAX_EXPR_DEPTH + 1, MAX_EXPR_DEPTH + 5])
@pytest.mark.parametrize("shape", range(len(_NESTED)))
def test_nesting_at_and_past_the_limit_is_treated_as_the_reference_treats_it(shape: int, count: int) -> None:
    _same(_NESTED[shape](count))


@pytest.mark.parametrize("source", [
    "visited(true)", "visited(not)", "chose(and)", "visited(x, true)", "chose(a.b)", "attitude(britain)", "visited()",
    "visited(a b)", "visited(a,)", "max(a b)", "if(a, 1, 2", "a.b", "a.b(1)", "not", "not not a", "- - 1", "+ - 1",
    "a >> 5", "a && b", "a => 1", "a =< 1", "a = 1", "a ! b", "a == == b", "1 2", "(a) (b)", "a < b < c", "-a * -b % c",
    "1.50 x", "'quoted' x", "true x", "x)", ")", ",", "a,", "f(", "f(1,", "'open", '"open', "a.", "a..b", "1.2.3",
])
def test_chosen_edge_cases_parse_as_the_reference_parses_them(source: str) -> None:
    _same(source)


def test_limits_of_length_and_digits_are_those_of_the_reference() -> None:
    for source in ["1" * 16, "x + " + "9" * 40, "a" * (MAX_EXPR_CHARS + 1), "1 " * (MAX_EXPR_CHARS // 2), "' " + "9" * 20,
                   "9" * 16 + " $", "$ " + "9" * 16, "", "   ", "\t\n"]:
        _same(source)


# -- the usual short shapes, read by one regex (expr_syntax._short) ---------------------------------

_CALLED = st.sampled_from([*sorted(BUILTINS), "nope"]).flatmap(
    lambda name: st.tuples(_NAMES, _BLANKS).map(lambda arg: f"{name}({arg[1]}{arg[0]}{arg[1]})"))
_OPERAND = _NAMES | _NUMBERS | _STRINGS | _CALLED


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["", "not ", "not  ", "not\t", "not", "nota "]), _OPERAND, _BLANKS,
       st.sampled_from(["", "", "==", "!=", "<", "<=", ">", ">=", "=", "=>", "<<"]), _BLANKS, _OPERAND, _BLANKS)
def test_short_shapes_read_by_the_regex_parse_as_the_reference_parses_them(negation: str, left: str, blank: str, op: str,
                                                                          blank2: str, right: str, edge: str) -> None:
    _same(edge + negation + left + (blank + op + blank2 + right if op else "") + edge)


@pytest.mark.parametrize("source", ["party", " party ", "not party", "party >= 40", "x==y", "stance == 'hard'", 'a != ""',
                                    "chose(scene.choice)", "visited( scene ) > 0", "not chose(a.b)", "40", "1.5", "'calm'",
                                    "true", "false", "not visited(a) < 'x'"])
def test_the_usual_shapes_take_the_short_way(source: str) -> None:
    assert expr_syntax._short(source) is not None
    _same(source)


# -- the token texts (expr_syntax._texts) and the parser over them ----------------------------------

_EVERY_BLANK = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def test_what_the_token_pattern_calls_blank_is_what_str_strip_strips() -> None:
    """`_texts` cuts each token's blanks off with str.lstrip: the two must agree on every character."""
    import re

    blank = re.compile(r"\s")
    assert [chr(c) for c in range(0x110000) if blank.match(chr(c))] == _EVERY_BLANK


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_EVERY_BLANK), _PIECES), max_size=12).map(lambda pairs: "".join(b + p for b, p in pairs)))
def test_any_blanks_between_tokens_parse_as_the_reference_parses_them(source: str) -> None:
    _same(source)
    _same(source + source[:1])


@settings(max_examples=1500, deadline=None)
@given(_expression(), st.sampled_from(["$", "é", "=", "!", ".", "'", '"', "9" * 16, "²", "٣", "?"]), st.data())
def test_a_tokenizer_error_anywhere_wins_over_the_parser_s_error_as_in_the_reference(source: str, bad: str,
                                                                                       data: st.DataObject) -> None:
    """The parser reads token texts and leaves the tokenizer's checks to `_lex`, asked only when the parse
    fails: an unknown character, a lone quote or a long number after a syntax error is still the error."""
    at = data.draw(st.integers(0, len(source)))
    _same(source[:at] + bad + source[at:])
    _same(source[:at] + " ) " + source[at:] + " " + bad)


def test_shared_literal_nodes_are_made_again_past_the_limit_and_after_forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Literal nodes are shared by token text (expr_syntax._LITERALS): 1, 1.0, 01 and true stay apart,
    a full memo starts afresh, and true and false are right after `forget_literals`."""
    monkeypatch.setattr(expr_syntax, "_MAX_LITERALS", 4)
    expr_syntax.forget_literals()
    sources = ["if(a, 1, 0) + if(b, 1.0, 01)", "x == 'a' or y == \"a\" or z == true", "max(1, 2, 3, 4, 5, 6.5, 7)",
               "1", "1.0", "01", "'a'", "true", "false", "(1) * 2 - 3.50 / 'q'"] * 3
    for source in sources:
        _same(source)
        assert len(expr_syntax._LITERALS) <= 4
    expr_syntax.forget_literals()
    assert expr_syntax.parse.__wrapped__("true") == Const(True)
    assert expr_syntax.parse.__wrapped__("x == false").operands[1].value is False  # type: ignore[union-attr]
    tree = expr_syntax.parse.__wrapped__("if(a, 1, 1) + 1")
    assert tree.left.args[1] is tree.left.args[2] is tree.right  # type: ignore[union-attr]
