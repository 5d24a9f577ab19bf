"""The loader's fast paths give exactly what the plain ways of computing the same thing give.

Issue 19 made a cold load faster with shortcuts: a hand-written walk over libyaml's events, an
effect built once per distinct text, analyses of literals and names made once. Each is checked
here against an independent or unshortened computation, on the shipped story and on generated
input, so a shortcut that drifts fails a test instead of changing a position or a message.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import MINI

from kremlin_tui import expr_analysis, template
from kremlin_tui.builder import choices as choice_builder
from kremlin_tui.builder.reader import NULL, Reader
from kremlin_tui.diagnostics import Collector, Pos, article
from kremlin_tui.expr import ExprError, Scope, analyze, parse
from kremlin_tui.loader import load_story, load_story_with_diagnostics
from kremlin_tui.model import Story
from kremlin_tui.spec import OBJECTS
from kremlin_tui.template import _BRACES
from kremlin_tui.yamlsource import YMap, YNode, YScalar, YSeq, decode, parse_yaml_bytes, parse_yaml_text

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "story"
YAML_FILES = sorted([*STORY.rglob("*.yaml"), *MINI.rglob("*.yaml"), *(ROOT / "examples").rglob("*.yaml")])


# -- the YAML walk against libyaml's own composer -----------------------------------------------

def _same_tree(ours: YNode, node: yaml.Node, path: str) -> None:
    """Our node and libyaml's composed node: same kind, text, style and start position."""
    mark = node.start_mark
    assert ours.pos == Pos(path, mark.line + 1, mark.column + 1), (ours, mark)
    if isinstance(node, yaml.ScalarNode):
        assert type(ours) is YScalar
        assert ours.text == node.value
        assert ours.block == (node.style in ("|", ">"))
        assert ours.quote == (node.style if node.style in ('"', "'") else "")
        assert ours.plain == (not node.style)  # (the files have no explicit tags)
    elif isinstance(node, yaml.SequenceNode):
        assert type(ours) is YSeq
        assert len(ours.items) == len(node.value)
        for mine, theirs in zip(ours.items, node.value, strict=True):
            _same_tree(mine, theirs, path)
    else:
        assert type(ours) is YMap
        keys = [key.value for key, _ in node.value]
        assert ours.order == keys == list(ours.items) == list(ours.key_marks)
        for key, value in node.value:
            assert ours.key_pos(key.value) == Pos(path, key.start_mark.line + 1, key.start_mark.column + 1)
            _same_tree(ours.items[key.value], value, path)


def _compare(data: bytes, path: str) -> None:
    out = Collector()
    ours = parse_yaml_bytes(data, path, out)
    assert out.items == []
    node = yaml.compose(data, Loader=yaml.CSafeLoader)
    if node is None:
        assert isinstance(ours, YScalar) and ours.text == "" and ours.pos == Pos(path, 1, 1)
        return
    assert ours is not None
    _same_tree(ours, node, path)
    # the same file given as text (the language server's unsaved files, tests) reads alike
    from_text = parse_yaml_text(data.decode("utf-8-sig"), path, out)
    assert from_text is not None and out.items == []
    _same_tree(from_text, node, path)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_story_file_reads_as_libyaml_composes_it(path: Path) -> None:
    _compare(path.read_bytes(), str(path))


_TEXT = st.text(st.sampled_from(list("ab z:#-'\"\\\n\té{}[],")), max_size=12)
_KEYS = st.text("abc_", min_size=1, max_size=4)
_DATA = st.recursive(_TEXT | st.integers(-5, 5) | st.booleans(),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_DATA, st.sampled_from([None, True, False]), st.sampled_from([None, '"', "'", "|", ">"]), st.integers(10, 60))
def test_generated_documents_read_as_libyaml_composes_them(data: Any, flow: bool | None, style: str | None, width: int) -> None:
    source = yaml.dump(data, default_flow_style=flow, default_style=style, width=width, allow_unicode=True)
    _compare(source.encode("utf-8"), "gen.yaml")


def _decoded_first(data: bytes, path: str) -> tuple[YNode | None, list[Any]]:
    """What reading a file gave when every file was decoded before libyaml read it."""
    out = Collector()
    text = decode(data, path, out)
    return (None if text is None else parse_yaml_text(text, path, out, data)), out.items


_PIECES = st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\x80", b"\xf5\x80\x80\x80", b"\xef\xbb\xbf", b"\x01",
                           b"\xe2\x80\xa8", b'"\\e"', b"&a ", b"*a", b"!!x ", b"[", b"\n\t", b"\na: 1\na: 2\n", b"\xc3\xa9", b"- "])


@settings(max_examples=300, deadline=None)
@given(_DATA, st.sampled_from([None, True, False]), st.lists(st.tuples(st.integers(0, 400), _PIECES), max_size=3),
       st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_a_file_read_as_bytes_reports_what_decoding_it_first_reported(data: Any, flow: bool | None,
                                                                     inserts: list[tuple[int, bytes]], start: bytes) -> None:
    """libyaml checks the UTF-8 as it reads, so a file that reads cleanly is not decoded; one
    with any problem is, so bad bytes are reported as before, even after a syntax error."""
    source = bytearray(yaml.dump(data, default_flow_style=flow, allow_unicode=True).encode())
    for at, piece in inserts:
        source[at:at] = piece
    raw = start + bytes(source)
    out = Collector()
    tree = parse_yaml_bytes(raw, "f.yaml", out)
    expected, reported = _decoded_first(raw, "f.yaml")
    assert out.items == reported
    assert (tree is None) == (expected is None)
    if tree is not None:
        node = yaml.compose(raw, Loader=yaml.CSafeLoader)
        if node is not None:
            _same_tree(tree, node, "f.yaml")


@pytest.mark.parametrize("source", ["", "# only a comment\n", "\ufeff", "\n\n", "---\n"])
def test_an_empty_file_is_an_empty_scalar_at_its_start(source: str) -> None:
    _compare(source.encode("utf-8"), "empty.yaml")


def test_positions_count_characters_and_name_the_file_as_given() -> None:
    """libyaml's marks count characters, not bytes, and carry the name the file is shown by:
    a node's place is made from its mark when asked for (YScalar.pos)."""
    source = "é: [ü, {ж: \"ö\"}]\nnext: |\n  x\n"
    tree = parse_yaml_bytes(source.encode(), "dir/ä.yaml", Collector())
    assert isinstance(tree, YMap)
    items = tree.items["é"]
    assert isinstance(items, YSeq) and items.pos == Pos("dir/ä.yaml", 1, 4)
    first, inner = items.items
    assert isinstance(first, YScalar) and first.pos == Pos("dir/ä.yaml", 1, 5)
    assert isinstance(inner, YMap) and inner.pos == Pos("dir/ä.yaml", 1, 8)
    assert inner.key_pos("ж") == Pos("dir/ä.yaml", 1, 9) and inner.items["ж"].pos == Pos("dir/ä.yaml", 1, 12)
    assert tree.key_pos("next") == Pos("dir/ä.yaml", 2, 1) and tree.items["next"].pos == Pos("dir/ä.yaml", 2, 7)


def test_a_tagged_plain_scalar_is_not_plain() -> None:
    """`!!str 5` is text however it is written: only an untagged, unquoted scalar may be a
    number, a boolean or null (in a mapping and in a list alike)."""
    out = Collector()
    tree = parse_yaml_bytes(b"a: !!str 5\nb: 5\nc: ! 7\nd: [!!int 3, 4, '5', \"6\"]\ne: |\n  7\nf: >\n  8\n", "f", out)
    assert isinstance(tree, YMap) and not out.items
    assert [tree.items[key].plain for key in "abc"] == [False, True, False]  # type: ignore[union-attr]
    assert [(item.plain, item.block, item.quote) for item in tree.items["d"].items] == [  # type: ignore[union-attr]
        (False, False, ""), (True, False, ""), (False, False, "'"), (False, False, '"')]
    assert [(tree.items[key].plain, tree.items[key].block) for key in "ef"] == [(False, True)] * 2  # type: ignore[union-attr]


@pytest.mark.parametrize(("source", "code", "where"), [
    ("a: 1\na: 2\n", "duplicate-key", (2, 1)),
    ("- a: 1\n  b: {c: 1, c: 2}\n", "duplicate-key", (2, 13)),
    ("? [a]\n: 1\n", "key", (1, 3)),
    ("x: {? {a: 1} : 2}\n", "key", (1, 7)),
])
def test_refused_keys_are_reported_where_they_are(source: str, code: str, where: tuple[int, int]) -> None:
    out = Collector()
    assert parse_yaml_bytes(source.encode(), "f.yaml", out) is None
    assert [(d.code, d.pos.line, d.pos.col) for d in out.items] == [(code, *where)]


# -- effects: built once per text, placed at each place ------------------------------------------

def _effects(story: Story) -> list[tuple[Any, ...]]:
    """Every effect of a story as plain data: what it does, and where it and its value are."""
    found = []
    for node in story.nodes.values():
        for choice in node.choices:
            for effect in [*choice.effects, *(e for o in choice.outcomes for e in o.effects)]:
                value = effect.value
                found.append((node.id, choice.id, effect.op, effect.target, effect.pos, effect.delay, effect.on,
                              None if value is None else (value.source, value.ast, value.pos)))
    return found


class _Forgetful(dict):  # type: ignore[type-arg]
    """A `made` memo that keeps nothing: every effect is built the long way."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def test_the_story_s_effects_are_the_same_built_once_per_text_or_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = load_story([str(STORY)], cache=False)
    init = choice_builder.ChoiceBuilder.__init__

    def forgetful_init(self: choice_builder.ChoiceBuilder, *args: Any) -> None:
        init(self, *args)
        self.made = _Forgetful()

    monkeypatch.setattr(choice_builder.ChoiceBuilder, "__init__", forgetful_init)
    slow = load_story([str(STORY)], cache=False)
    assert len(_effects(quick)) > 3000
    assert _effects(quick) == _effects(slow)


def test_a_repeated_effect_is_placed_and_reported_at_each_place(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: A.
            choices:
              - {id: one, label: One, effects: [party += 2, flag_a = true, partyy += 2], goto: end}
              - id: two
                label: Two
                effects:
                  - party += 2
                  - "flag_a = true"
                  - partyy += 2
                goto: end
              - {id: three, label: Three, effects: ["  party += 2", 'flag_a = true', flag_a = 3, flag_a = 3], goto: end}
        endings:
          - {id: end, title: End, text: done}
    """)
    lines = Path(path, "scenes.yaml").read_text().split("\n")

    def at(pos: Pos) -> str:
        return lines[pos.line - 1][pos.col - 1:]

    story, diagnostics = load_story_with_diagnostics([path], cache=False)
    assert story is None
    assert [(d.pos.line, d.message) for d in diagnostics] == [
        (6, "effect: unknown name 'partyy' (did you mean 'party'?)"),
        (12, "effect: unknown name 'partyy' (did you mean 'party'?)"),
        (14, "effect: 'flag_a' is true or false, not 3"),
        (14, "effect: 'flag_a' is true or false, not 3"),
    ]
    assert [at(d.pos)[:6] for d in diagnostics] == ["partyy", "partyy", "3, fla", "3], go"]
    fixed = Path(path, "scenes.yaml").read_text().replace("partyy", "party").replace(", flag_a = 3, flag_a = 3", "")
    Path(path, "scenes.yaml").write_text(fixed)
    lines = fixed.split("\n")
    story = load_story([path], cache=False)
    placed = [(effect.pos.line, at(effect.pos)[:12], at(effect.value.pos)[:len(effect.value.source)])
              for choice in story.nodes["a"].choices for effect in choice.effects if effect.value is not None]
    assert placed == [
        (6, "party += 2, ", "2"), (6, "flag_a = tru", "true"), (6, "party += 2],", "2"),
        (10, "party += 2", "2"), (11, 'flag_a = tru', "true"), (12, "party += 2", "2"),
        (14, "  party += 2", "2"), (14, "flag_a = tru", "true"),
    ]


# -- analysis: literals, names and truth values made once ----------------------------------------

def _scope() -> Scope:
    from kremlin_tui.expr_base import VarInfo

    return Scope({"party": VarInfo("num", 0, 100), "flag_a": VarInfo("bool", values=frozenset({True, False})),
                  "mood": VarInfo("str", values=frozenset({"calm", "angry"}))}, {"a"}, {"a.go"}, set())


def _fresh(source: str, scope: Scope) -> Any:
    """The analysis with nothing remembered from earlier expressions."""
    expr_analysis._CONSTS.clear()
    scope.names.clear()
    return _result(source, scope)


def _result(source: str, scope: Scope) -> Any:
    try:
        return analyze(parse(source), scope)
    except ExprError as exc:
        return ("error", exc.message, exc.offset, exc.code)


def _story_sources() -> list[str]:
    """Every expression of the shipped story: conditions, weights, effect values, and those in texts."""
    story = load_story([str(STORY)], cache=False)
    sources: set[str] = set()
    for node in story.nodes.values():
        templates = [node.text, node.divergence]
        if node.event is not None and node.event.condition is not None:
            sources.add(node.event.condition.source)
        for choice in node.choices:
            templates += [choice.label, choice.result, *(o.result for o in choice.outcomes)]
            sources |= {e.value.source for e in choice.effects if e.value is not None}
            sources |= {o.weight.source for o in choice.outcomes}
            if choice.condition is not None:
                sources.add(choice.condition.source)
        sources |= {expr.source for template in templates if template is not None for expr, _ in template.exprs}
    return sorted(sources)


def test_literals_of_each_type_keep_their_own_analysis() -> None:
    scope = _scope()
    for source in ["1", "true", "1.0", "1", "0", "false", "0.0", "'1'", "1", "true", "-0.0", "0.0", "-0"]:
        assert _result(source, scope) == _fresh(source, scope), source
    assert _result("true", scope).kind == "bool" and _result("1", scope).kind == "num"


_ATOMS = st.sampled_from(["party", "flag_a", "mood", "1", "0", "2.5", "0.0", "true", "false", "'calm'", "'x'", "nope",
                          "chose(a.go)", "visited(a)", "year"])
_EXPRS = st.recursive(_ATOMS, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from([" and ", " or ", " + ", " - ", " * ", " / ", " == ", " != ", " < ", " >= "]), inner)
    .map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
    inner.map(lambda e: f"not {e}"), inner.map(lambda e: f"-{e}"),
    st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})")), max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.lists(_EXPRS, min_size=1, max_size=6))
def test_generated_expressions_analyse_alike_with_or_without_what_was_remembered(sources: list[str]) -> None:
    scope = _scope()
    remembered = [_result(source, scope) for source in sources]  # later ones reuse earlier ones' values
    assert remembered == [_fresh(source, scope) for source in sources]


def test_the_story_s_expressions_analyse_alike_with_or_without_what_was_remembered() -> None:
    from kremlin_tui.checker import refined_scope

    scope = refined_scope(load_story([str(STORY)], cache=False))
    sources = _story_sources()
    assert len(sources) > 1000
    remembered = [_result(source, scope) for source in sources]
    assert remembered == [_fresh(source, scope) for source in sources]


# -- a mapping's fields come out in spec order ---------------------------------------------------

def test_fields_come_in_spec_order_without_empty_values_and_report_missing_ones_in_order() -> None:
    source = "{goto: end, effects: [], label: L, if: ~, id: x}\n{weight: 2}\n"
    out = Collector()
    first = parse_yaml_bytes(source.split("\n")[0].encode(), "f.yaml", out)
    read = Reader(out)
    values = read.fields(first, "choice")  # type: ignore[arg-type]
    assert values is not None and list(values) == ["id", "label", "effects", "goto"]
    assert read.fields(YMap({}, {}, yaml.Mark("f.yaml", 0, 0, 0, None, None)), "node") == {}
    assert [d.message for d in out.items] == ["a node needs 'id'", "a node needs 'title'", "a node needs 'text'"]


# -- templates: the brace scan finds what the regex's own scan finds ----------------------------

class _Recording:
    """Stands in for `template._BRACES`: records every brace the parser tries the regex at."""

    def __init__(self) -> None:
        self.tried: list[tuple[int, str]] = []

    def match(self, source: str, pos: int) -> re.Match[str] | None:
        found = _BRACES.match(source, pos)
        assert found is not None
        self.tried.append((found.start(), found.group()))
        return found


def _scanned(source: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[int, str]], str]:
    recording = _Recording()
    monkeypatch.setattr(template, "_BRACES", recording)
    try:
        template.parse_template(source, lambda offset: offset)
        outcome = "ok"
    except (template.TemplateError, ExprError) as exc:
        outcome = type(exc).__name__
    finally:
        monkeypatch.setattr(template, "_BRACES", _BRACES)
    return recording.tried, outcome


# The brace regex as it was first written, a character per step (template._BRACES takes runs,
# possessively): the oracle for the scan and for the regex itself.
_PLAIN_BRACES = re.compile(r"""\{(?:\{|(?:'[^'\n]*'|"[^"\n]*"|[^{}'"\n])*\}|)|\}\}?""")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*"{}{}'\"\nab x", "{if x}", "{end}", "{'}'}", "{'", '"}', "é"]), max_size=40).map("".join))
def test_the_brace_regex_matches_as_its_plain_form_at_every_place(source: str) -> None:
    for i in range(len(source) + 1):
        ours, plain = _BRACES.match(source, i), _PLAIN_BRACES.match(source, i)
        assert (ours and (ours.start(), ours.end())) == (plain and (plain.start(), plain.end())), i


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*"{}{}'\"\nab x", "{if x}", "{end}", "{else}", "{{", "}}", "{'}'}"]), max_size=30).map("".join))
def test_the_template_brace_scan_finds_what_finditer_finds(source: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        tried, outcome = _scanned(source, monkeypatch)
    expected = [(m.start(), m.group()) for m in _PLAIN_BRACES.finditer(source)]
    if "{" in source or "}" in source:
        assert tried == (expected if outcome == "ok" else expected[:len(tried)])
        assert tried, "at least one brace is looked at"


def test_the_story_s_texts_scan_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [s.text for path in STORY.rglob("*.yaml") for s in _scalars(parse_yaml_bytes(path.read_bytes(), "f", Collector()))]
    braced = [text for text in texts if "{" in text]
    assert len(braced) > 300
    for text in braced:
        assert _scanned(text, monkeypatch) == ([(m.start(), m.group()) for m in _PLAIN_BRACES.finditer(text)], "ok")
        for i in (i for i, char in enumerate(text) if char in "{}"):
            assert _BRACES.match(text, i).end() == _PLAIN_BRACES.match(text, i).end()  # type: ignore[union-attr]


def _scalars(node: YNode | None) -> list[YScalar]:
    if isinstance(node, YScalar):
        return [node]
    if isinstance(node, YSeq):
        return [s for item in node.items for s in _scalars(item)]
    if isinstance(node, YMap):
        return [s for item in node.items.values() for s in _scalars(item)]
    return []


# -- expression positions: worked out when asked for, the same as worked out at once -------------

def _exprs(story: Story) -> list[Any]:
    found: list[Any] = []
    for node in story.nodes.values():
        templates = [node.text, node.divergence]
        if node.event is not None and node.event.condition is not None:
            found.append(node.event.condition)
        for choice in node.choices:
            templates += [choice.label, choice.result, *(o.result for o in choice.outcomes)]
            found += [e.value for e in [*choice.effects, *(e for o in choice.outcomes for e in o.effects)] if e.value]
            found += [o.weight for o in choice.outcomes]
            found += [choice.condition] if choice.condition is not None else []
        found += [expr for template in templates if template is not None for expr, _ in template.exprs]
    return found


def test_positions_worked_out_later_are_those_worked_out_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from kremlin_tui.builder import reader
    from kremlin_tui.expr import LaterPos

    later = _exprs(load_story([str(STORY)], cache=False))
    assert sum(type(expr._pos) is LaterPos for expr in later) > 4000  # nothing worked out yet
    monkeypatch.setattr(reader, "memo_enabled", lambda: True)  # as the language server does
    at_once = _exprs(load_story([str(STORY)], cache=False))
    assert not any(type(expr._pos) is LaterPos for expr in at_once)
    assert [(e.source, e.pos) for e in later] == [(e.source, e.pos) for e in at_once]
    assert all(type(expr._pos) is Pos for expr in later)


def test_an_effect_written_as_a_block_or_quoted_is_placed_like_its_first_writing(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: A.
            choices:
              - id: one
                label: One
                effects:
                  - |
                    party += 2
                  - "party += 2"
                  - party += 2
                  - |
                    party += 2
                  - "party += 2"
                goto: end
        endings:
          - {id: end, title: End, text: done}
    """)
    lines = Path(path, "scenes.yaml").read_text().split("\n")
    effects = load_story([path], cache=False).nodes["a"].choices[0].effects
    assert len(effects) == 5
    for effect in effects:  # the second block and the second quoted one are built from the first
        assert lines[effect.pos.line - 1][effect.pos.col - 1:].startswith("party += 2"), effect.pos
        assert lines[effect.value.pos.line - 1][effect.value.pos.col - 1:].startswith("2"), effect.value.pos


# -- key positions made when asked for (YMap.key_pos) ---------------------------------------------

def test_a_schema_problem_with_a_mapping_value_is_placed_at_its_key(tmp_path: Path) -> None:
    from kremlin_tui.schema import validate_files

    path = tmp_path / "scenes.yaml"
    path.write_text("nodes:\n  - id: a\n    title: A\n    text: t\n    choices: {x: 1}\n", encoding="utf-8")
    out = Collector()
    validate_files([str(path)], out)
    assert [(d.pos.line, d.pos.col, d.message) for d in out.items] == [
        (5, 5, "nodes/0/choices: {'x': 1} is not of type 'array'")]


_KINDS = sorted(OBJECTS)


def _spec_fields(node: YMap, kind: str) -> tuple[list[str], list[tuple[str, Pos, str]]]:
    """A mapping's fields as the spec defines them, worked out the plain way: its known keys in
    spec order less those with an empty value; each unknown key (where it is), then each missing
    required key (at the mapping)."""
    spec = OBJECTS[kind]
    empty = {key for key, value in node.items.items() if isinstance(value, YScalar) and value.plain and value.text in NULL}
    names = [f.name for f in spec if f.name in node.items and f.name not in empty]
    problems = [("unknown-key", node.key_pos(key), "") for key in node.items if key not in {f.name for f in spec}]
    problems += [("missing-key", node.pos, f"{article(kind)} needs '{f.name}'") for f in spec if f.required and f.name not in names]
    return names, problems


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_KINDS), st.data())
def test_fields_are_what_the_spec_says_with_fresh_and_kept_key_plans(kind: str, data: st.DataObject) -> None:
    from kremlin_tui.builder import reader as reader_module

    allowed = [f.name for f in OBJECTS[kind]]
    keys = data.draw(st.lists(st.sampled_from([*allowed, "zzz", "idd"]), unique=True, max_size=len(allowed) + 2))
    values = data.draw(st.lists(st.sampled_from(["x", "~", "", "null", "'~'", "[]", "{a: 1}", "|\n    ~"]),
                                min_size=len(keys), max_size=len(keys)))
    source = "".join(f"{key}: {value}\n" for key, value in zip(keys, values, strict=True)) or "{}\n"
    tree = parse_yaml_bytes(source.encode(), "f.yaml", Collector())
    assert isinstance(tree, YMap)
    expected = _spec_fields(tree, kind)
    if data.draw(st.booleans()):
        reader_module._PLANS[kind].clear()
    for _ in range(2):  # a fresh plan, then the kept one
        out = Collector()
        got = Reader(out).fields(tree, kind)
        assert got is not None and list(got) == expected[0] and all(got[name] is tree.items[name] for name in got)
        assert [(d.code, d.pos, d.message if d.code == "missing-key" else "") for d in out.items] == expected[1]


def test_kept_key_plans_give_what_fresh_ones_give_and_unknown_keys_are_reported_each_time() -> None:
    from kremlin_tui.builder import reader as reader_module

    source = ("- {goto: end, label: L, id: x}\n- {id: y, label: M, goto: end}\n- {goto: end, label: L, id: z}\n"
              "- {id: w, labl: N, goto: end}\n- {id: v, labl: N, goto: end}\n")
    tree = parse_yaml_bytes(source.encode(), "f.yaml", Collector())
    assert isinstance(tree, YSeq)

    def read_all() -> tuple[list[list[str] | None], list[tuple[int, int, str]]]:
        out = Collector()
        read = Reader(out)
        values = [read.fields(item, "choice") for item in tree.items]
        return [None if v is None else list(v) for v in values], [(d.pos.line, d.pos.col, d.message) for d in out.items]

    reader_module._PLANS["choice"].clear()
    fresh = read_all()
    assert fresh[0] == [["id", "label", "goto"]] * 3 + [["id", "goto"]] * 2
    assert [m for _, _, m in fresh[1]].count("unknown key 'labl' in a choice (did you mean 'label'?)") == 2
    assert (4, 11) in [(line, col) for line, col, _ in fresh[1]] and (5, 11) in [(line, col) for line, col, _ in fresh[1]]
    assert read_all() == fresh  # every plan kept now


def test_texts_without_braces_skip_parsing_but_a_stray_closing_brace_is_still_reported(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: "Plain text, mentioning nothing."
            choices:
              - {id: one, label: "One } two", goto: end}
        endings:
          - {id: end, title: End, text: done}
    """)
    result = load_story_with_diagnostics([path], cache=False)
    line = Path(path, "scenes.yaml").read_text().split("\n")[5]
    assert [(d.pos.line, d.pos.col, d.code, d.message) for d in result.diagnostics] == [
        (6, line.index("}") + 1, "template", "label: '}' without '{' (write '}}' for a literal brace)")]
    assert load_story_with_diagnostics([make_story(Path(path, "scenes.yaml").read_text().replace("One } two", "One two"),
                                                   name="fixed")], cache=False).story is not None


def test_forgetting_leaves_nothing_an_earlier_load_remembered() -> None:
    from kremlin_tui import analysed, expr_base
    from kremlin_tui.builder import reader
    from kremlin_tui.loader import forget

    load_story([str(MINI)], cache=False)
    expr_base.Abs("str", values=frozenset({"calm"})).truth()
    assert parse.cache_info().currsize and analysed._LAST and expr_analysis._CONSTS
    assert expr_base._TRUTH_OF_VALUES and any(reader._PLANS.values())
    forget()
    assert not parse.cache_info().currsize and not analysed._LAST and not expr_analysis._CONSTS
    assert not expr_base._TRUTH_OF_VALUES and not any(reader._PLANS.values())


# -- story files: the paths messages show ----------------------------------------------------------

@pytest.mark.parametrize("where", ["root", "story", "deep", "elsewhere", "gone"])
def test_story_files_show_each_path_as_resolving_it_alone_shows_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    where: str) -> None:
    """story_files resolves the working folder and each folder once for all of a story's files
    (a file that is not a link is its real folder's entry): the same paths as each resolved alone."""
    from kremlin_tui.storyfiles import _display_path, story_files

    story, outside = tmp_path / "story", tmp_path / "outside"
    (story / "a" / "b").mkdir(parents=True)
    (outside / "c").mkdir(parents=True)
    for path in (story / "one.yaml", story / "a" / "two.yaml", story / "a" / "b" / "three.yaml", outside / "four.yaml",
                 outside / "c" / "five.yaml", story / "a" / "six.yaml", outside / "seven.yaml"):
        path.write_text("x: 1\n")
    (story / "a" / "linked.yaml").symlink_to(outside / "four.yaml")  # a file that is a link
    (story / "a" / "b" / "up.yaml").symlink_to(Path("..", "..", "..", "outside", "seven.yaml"))  # a relative one
    (story / "shared").symlink_to(outside / "c")  # a folder that is a link
    cwd = {"root": tmp_path, "story": story, "deep": story / "a" / "b", "elsewhere": outside / "c", "gone": tmp_path / "gone"}[where]
    cwd.mkdir(exist_ok=True)
    monkeypatch.chdir(cwd)
    if where == "gone":
        cwd.rmdir()  # Path.cwd() now fails: every path is shown as found
    given = os.path.relpath(story, tmp_path) if where == "root" else str(story)
    out = Collector()
    files = story_files([given], out)
    assert len(files) == 7 and not out.items
    assert [f.path for f in files] == [_display_path(Path(f.real)) for f in files]
    if where == "root":
        assert {f.path for f in files} == {"story/one.yaml", "story/a/two.yaml", "story/a/b/three.yaml", "outside/four.yaml",
                                           "outside/c/five.yaml", "story/a/six.yaml", "outside/seven.yaml"}
