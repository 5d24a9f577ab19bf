"""The template parser (template.py) against the plain one it replaced (tests/template_reference.py):
the same parts, literal texts, conditions, expressions with their offsets and positions, and the
same error (type, message, offset) for every text of the shipped story, the mini fixture, the mod
example, and generated texts full of braces, escapes, odd spacing and broken passages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import MINI
from tests.template_reference import parse_template as reference

from kremlin_tui.diagnostics import Collector
from kremlin_tui.expr import ExprError
from kremlin_tui.template import Cond, Interp, Part, Template, TemplateError, Text, parse_template
from kremlin_tui.yamlsource import YMap, YNode, YScalar, YSeq, parse_yaml_bytes

ROOT = Path(__file__).resolve().parent.parent
YAML_FILES = sorted([*(ROOT / "story").rglob("*.yaml"), *MINI.rglob("*.yaml"), *(ROOT / "examples").rglob("*.yaml")])


def _codex_of(text: str) -> frozenset[str]:
    return frozenset({"mentioned"}) if "Lenin" in text else frozenset()


def _parts(parts: list[Part]) -> list[Any]:
    shaped: list[Any] = []
    for part in parts:
        if isinstance(part, Text):
            assert part._codex_of is _codex_of and part._codex is None  # mentions are found when asked for
            shaped.append(("text", part.text, part.codex))
        elif isinstance(part, Interp):
            shaped.append(("interp", part.expr.source, part.expr.ast, part.expr.pos))
        else:
            assert isinstance(part, Cond) and part.mentions is False
            shaped.append(("cond", [(None if e is None else (e.source, e.ast, e.pos), _parts(body)) for e, body in part.branches]))
    return shaped


def _shape(parse: Any, source: str) -> Any:
    """What a parser makes of `source` (positions: ("at", offset)), or the error it raises."""
    try:
        template: Template = parse(source, lambda offset: ("at", offset), _codex_of)
    except (TemplateError, ExprError) as exc:
        return (type(exc).__name__, str(exc), exc.offset, getattr(exc, "code", None))
    assert template.source == source
    exprs = [(expr.source, expr.ast, expr.pos, offset) for expr, offset in template.exprs]
    fresh = _parts(template.parts)  # (before anything asks for mentions)
    mentions = [[branch[0] and branch[0].source for branch in cond.branches] for cond in template.mention_conds]
    return fresh, exprs, template.codex, mentions, _marks(template.parts)


def _marks(parts: list[Part]) -> list[Any]:
    """Which passages are marked as mentioning a codex entry, nested ones too."""
    return [(part.mentions, [_marks(body) for _e, body in part.branches]) for part in parts if isinstance(part, Cond)]


def _same(source: str) -> None:
    assert _shape(parse_template, source) == _shape(reference, source), source


def _scalars(node: YNode | None) -> list[YScalar]:
    if isinstance(node, YScalar):
        return [node]
    if isinstance(node, YSeq):
        return [s for item in node.items for s in _scalars(item)]
    if isinstance(node, YMap):
        return [s for item in node.items.values() for s in _scalars(item)]
    return []


def test_every_text_of_the_story_the_fixture_and_the_mod_example_parses_alike() -> None:
    texts = {s.text for path in YAML_FILES for s in _scalars(parse_yaml_bytes(path.read_bytes(), str(path), Collector()))}
    braced = [text for text in texts if "{" in text or "}" in text]
    assert len(braced) > 300
    for text in sorted(texts):
        _same(text)


@pytest.mark.parametrize("source", [
    "", "plain", "{{", "}}", "a {{b}} c", "{", "}", "a } b", "{}", "{ }", "{\t}", "{{}", "{}}", "{{{x}}}",
    "{if x}a{end}", "{ if  x }a{ end }", "{if\tx}a{\tend\t}", "{if\u2003x}a{end\u2003}", "{if x}a{elif y}b{else}c{end}",
    "{if}", "{if x}", "{end}", "{else}", "{elif x}", "{if x}a{else}b{else}c{end}", "{if x}a{else}b{elif y}c{end}",
    "{if x}{if y}{end}{end}", "{if x}a{end}{end}", "{ifx}", "{endx}", "{end x}", "{else x}", "{x}", "{ x + 1 }",
    "{'}'}", "{\"{\"}", "{'a\nb'}", "{if x\n}a{end}", "{if 1 +}a{end}", "{if x}a{elif}b{end}", "{if x}{{}}{end}",
    "a{{{if x}}}b{end}", "Lenin {if x}Lenin{end}", "{if x}Lenin{else}no{end}", "x}}y{{z", "{if if}a{end}",
    "{if x}" * 21 + "{end}" * 21, "{if x}" * 20 + "a" + "{end}" * 20, "{elif}", "{if elif}a{end}", "{end}{if x}",
])
def test_usual_and_unusual_texts_parse_alike(source: str) -> None:
    _same(source)


_PIECES = st.sampled_from([
    "{", "}", "{{", "}}", "{if x}", "{if y}", "{ if  x }", "{if\tx}", "{elif y}", "{ elif x }", "{elif}", "{else}",
    "{ else }", "{else x}", "{end}", "{ end }", "{end x}", "{x}", "{ y + 1 }", "{x +}", "{'}'}", '{"{"}', "{''}",
    "{if}", "{}", "{ }", "a", "b c", "Lenin", "\n", " ", "\t", "\u2003", "'", '"', "é", "x", "if", "end", "{if x\n}",
])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_generated_texts_parse_alike(source: str) -> None:
    _same(source)
