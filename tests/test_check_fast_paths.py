"""`check`'s fast paths give what the slow, obvious code they replace gives."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import TWO_SCENES

from kremlin_tui import analysed, label_hints
from kremlin_tui.checker import _FIRST_LINE_ITEM, _LATER_LINE_ITEM, _codex_coverage, _text_parts, all_effects, check_story
from kremlin_tui.cli import main
from kremlin_tui.diagnostics import Collector
from kremlin_tui.expr import Expr, parse
from kremlin_tui.label_hints import CALLBACK, aliases, callback_opening, conditional_passages, parse_hints
from kremlin_tui.loader import load_story
from kremlin_tui.mentions import MentionIndex, mentioned_in_any
from kremlin_tui.paths import default_story_dir
from kremlin_tui.story_stats import WORD, node_templates, story_stats, words
from kremlin_tui.template import Cond, Interp, Part, Text

TESTS = Path(__file__).parent
EXAMPLE = str(TESTS.parent / "examples" / "mod-example")

# Characters on both sides of every boundary the fast count relies on: ASCII word characters
# and their neighbours, the apostrophes and hyphen, the ends of Latin-1's letters (× and ÷ are
# in À-ÿ), just past Latin-1, typographic punctuation, letters of other scripts, white space,
# control characters, a lone surrogate and an astral character.
EDGES = "aZ09'-’`/:@[{" + "\x00\t\n \x7f\x80\xa0¿ÀÖ×÷ÿ" + "ĀŒ‘“”—–…" + "ЛенинЖ中" + "\ud800\U0001f600"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(EDGES), max_size=60) | st.text(max_size=60))
def test_the_fast_word_count_equals_the_regex_on_any_text(text: str) -> None:
    assert words(text) == len(re.findall(WORD, text))


def test_the_fast_word_count_equals_the_regex_on_every_text_of_the_story() -> None:
    story = load_story([str(default_story_dir())], cache=False)
    texts = [t.source for node in story.nodes.values() for _where, t in node_templates(node)]
    texts += [entry.text.source for entry in story.codex.values()]
    assert len(texts) > 2000
    assert [words(t) for t in texts] == [len(re.findall(WORD, t)) for t in texts]
    stats = story_stats(story)
    assert stats["words"] == sum(len(re.findall(WORD, t)) for t in texts)
    assert stats["words"] == sum(chapter["words"] for chapter in stats["chapters"].values()) + sum(
        len(re.findall(WORD, entry.text.source)) for entry in story.codex.values())


LIST_EDGES = "-*+1209.) x\n\t\r\x0b\x0c\x1c\x85\u2028\u3000a"


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(LIST_EDGES), max_size=40) | st.text(max_size=40))
def test_the_list_item_prefilter_finds_what_a_multiline_search_finds(text: str) -> None:
    """`^` in re.MULTILINE matches at the start and after each "\\n" only, so a match at 0 or
    a search from a literal line break finds the same texts."""
    multiline = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s", re.MULTILINE)
    fast = bool(_FIRST_LINE_ITEM.match(text) or _LATER_LINE_ITEM.search(text))
    assert fast == bool(multiline.search(text))


def _whole_opening(parts: list[Part]) -> str | None:
    """The obvious way: clean the whole passage, then match."""
    text = "".join(p.text if isinstance(p, Text) else "{…}" for p in parts if isinstance(p, Text | Interp))
    opening = re.sub(r"[*_>#`\"“]", "", " ".join(text.split()))
    return opening if CALLBACK.match(opening) else None


PIECES = ["Because", "because ", "BECAUSE", "Since", "thanks to", "Thanks  to", "now that", "as a result of",
          "As a result ofs", "after you", "Having", "Becauses", "*", "_", ">", "#", "`", '"', "“", " ", "\n",
          "\t", "  ", "x", "Trotsky", ",", "—", "ſince", "K", "\u00a0", "\u2003", "\x00", "B", "s", "ſ", "h", "", "{",
          "T", "t", "Th", "The", "ecause", "ince", "e", "hanks to", "anks to", "ow that", "fter you", "aving", "a", "*B",
          "SİNCE", "sınce", "İ", "ı", "“", "“Because", "THANKS TO", "aS", "Af", "é"]


def _part(piece: str) -> Part:
    if piece == "{expr}":
        return Interp(Expr("x", parse("x"), None))
    if piece == "{if}":  # a nested passage: not part of the opening
        return Cond([(Expr("x", parse("x"), None), [Text("Because")]), (None, [Text("x")])])
    return Text(piece)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
                          st.sampled_from(["{expr}", "{if}"])), max_size=5))
def test_a_callback_is_found_from_the_first_characters_as_from_the_whole_passage(pieces: list[str]) -> None:
    parts = [_part(piece) for piece in pieces]
    assert callback_opening(parts) == _whole_opening(parts)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.text(max_size=12) | st.sampled_from(["{expr}", "{if}"]), max_size=4))
def test_a_callback_is_found_in_any_text_as_from_the_whole_passage(pieces: list[str]) -> None:
    parts = [_part(piece) for piece in pieces]
    assert callback_opening(parts) == _whole_opening(parts)


@pytest.mark.parametrize("pieces", [["B", "{if}", "ecause of you"], ["Th", "{if}", "anks to you"], ["T", "hanks to you"],
                                    ["*", "B", "*ecause"], ["  ", "Si", "nce"], ["Th", "{expr}"], ["N", "ow that"],
                                    ["A", "{if}", "s a result of"], ["H", "aving"], ["Be", "{if}", "cause"]])
def test_a_callback_word_split_between_parts_is_read_whole(pieces: list[str]) -> None:
    """A text's first word may end in the next part (a nested passage between them shows
    nothing of itself in the opening): only the whole passage shows it."""
    parts = [_part(piece) for piece in pieces]
    assert callback_opening(parts) == _whole_opening(parts)


def test_a_callback_word_cut_at_the_64th_character_is_read_whole() -> None:
    """The first 64 characters clean to "as a result o" (13 characters), no callback yet:
    only the whole passage shows the word complete."""
    for tail, expected in (("f you", "as a result of you"), ("ff", None)):
        parts: list[Part] = [Text("*" * 51 + "as a result o" + tail)]
        assert callback_opening(parts) == _whole_opening(parts) == expected


# `mood` (calm or angry, calm at the start) is never set: check narrows it to calm, so a choice
# for an angry mood can never be taken, which the loader's scope (either value) cannot see.
NARROWED = TWO_SCENES.replace("      - {id: go, label: Go, goto: end}\n", "      - {id: go, label: Go, goto: end}\n"
                              "      - {id: rage, label: Rage, goto: end, if: \"mood == 'angry'\"}\n")


def test_check_reuses_the_loaders_analyses_only_where_the_names_are_the_same(
        make_story: Callable[..., str], monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[bool] = []
    real = analysed.same_names

    def spy(one: analysed.Scope, other: analysed.Scope) -> bool:
        compared.append(real(one, other))
        return compared[-1]

    monkeypatch.setattr(analysed, "same_names", spy)
    narrowed = check_story([make_story(NARROWED)])
    assert compared[-1] is False  # the refined scope shares nothing with the loader's
    assert [d.code for d in narrowed.errors] == ["never-true"] and "mood == 'angry'" in narrowed.errors[0].message
    shipped = check_story([str(default_story_dir())])
    assert compared[-1] is True  # no flag of the shipped story is narrowed: every analysis is shared
    monkeypatch.setattr(analysed, "same_names", lambda one, other: False)
    assert check_story([str(default_story_dir())]).to_json() == shipped.to_json()
    assert check_story([make_story(NARROWED)]).to_json() == narrowed.to_json()


MENTION_WORDS = ["Lenin", "Leningrad", "Red Army", "Red", "U.S.", "-ism", "Ca'", "kulak", "Ж", "a\u00a0b", "x"]
MENTION_TEXT = ["Lenin", "Leningrad", "Red", "Army", "U.S.", "-ism", "Ca'", "kulak", "Ж", "x", " ", "  ", "\n",
                "\u00a0", ".", ",", "'", "-", "_", "s", "1", "\x00"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(MENTION_WORDS) | st.text(max_size=6), st.sampled_from("abc")), max_size=6),
       st.lists(st.lists(st.sampled_from(MENTION_TEXT), max_size=12).map("".join) | st.text(max_size=12), max_size=5))
def test_mentions_in_any_text_are_the_mentions_of_each_text(words: list[tuple[str, str]], texts: list[str]) -> None:
    index = MentionIndex(words)
    assert mentioned_in_any(words, texts) == {cid for text in texts for cid in index.find(text)}


def test_a_texts_literal_parts_are_all_its_texts_conditional_ones_too() -> None:
    """`_text_parts` takes a text without expressions as it is (no passage can hide in it)
    and walks the passages of the others: either way, every Text part at any depth."""
    story = load_story([str(default_story_dir())], cache=False)

    def walked(parts: list[Part]) -> list[str]:
        found = []
        for part in parts:
            if isinstance(part, Cond):
                for _cond, body in part.branches:
                    found += walked(body)
            elif isinstance(part, Text):
                found.append(part.text)
        return found

    templates = [node.text for node in story.nodes.values()]
    assert sum(1 for t in templates if t.exprs) > 50
    for template in templates:
        assert sorted(p.text for p in _text_parts(template)) == sorted(walked(template.parts))


def test_the_codex_entries_scenes_mention_are_found_as_each_text_finds_them() -> None:
    story = load_story([str(default_story_dir())], cache=False)
    parts = [part for node in story.nodes.values() for part in _text_parts(node.text)]
    words = [(word, entry.id) for entry in story.codex.values() for word in entry.match]
    each = {cid for part in parts for cid in part.codex}  # the engine's way: text by text, with the story's index
    assert len(each) > 100
    assert mentioned_in_any(words, [part.text for part in parts]) == each


def test_a_word_with_a_nul_never_matches_across_two_texts() -> None:
    """Texts are joined by NULs; a word that holds one could match where two texts meet."""
    assert mentioned_in_any([("a\x00b", "x")], ["a", "b"]) == set()
    assert mentioned_in_any([("a\x00b", "x")], ["a\x00b"]) == {"x"}


def test_a_text_without_expressions_has_no_conditional_passage() -> None:
    story = load_story([str(default_story_dir())], cache=False)
    templates = [t for node in story.nodes.values() for _where, t in node_templates(node)]
    with_passages = [t for t in templates if list(t.passages())]
    assert len(with_passages) > 100 and all(t.exprs for t in with_passages)
    assert all(list(conditional_passages(t)) == list(t.passages()) for t in templates)


def test_only_the_check_program_spares_its_last_collection(mini: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller of `main` (a test, a tool) keeps its garbage collector as it was, and gets back
    control; `kremlin-tui check` itself ends inside `main` (see the next test). (The freeze count
    is no witness: the loader freezes the story it loads, `survivors.py`, whoever calls.)"""
    import kremlin_tui.cli as cli

    ended: list[int] = []
    monkeypatch.setattr(cli, "_end_the_check_program", ended.append)
    assert main(["check", mini]) == 0
    assert ended == []


_PROGRAM = """\
import atexit, os, sys
from kremlin_tui import checker
from kremlin_tui.cli import main

class Witness:
    \"\"\"Kept with the story: says so on stderr if it is ever freed (`write` bound now: at exit
    the module's globals may be gone).\"\"\"
    def __del__(self, write=os.write):
        write(2, b"the story was freed\\n")

check_story = checker.check_story
def watched(dirs, overlay=None, keep=None):
    report = check_story(dirs, overlay, keep)
    if keep is not None:
        keep.append(Witness())
    return report

checker.check_story = watched
atexit.register(lambda: print("exit handler ran"))  # (to stdout: flushed after the handlers)
sys.argv = ["kremlin-tui", "check", *sys.argv[1:]]
status = main()
print("main returned", status, file=sys.stderr)
sys.exit(status)
"""


@pytest.mark.parametrize("broken", [False, True])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_check_program_ends_without_freeing_its_story(make_story: Callable[..., str], capsys: pytest.CaptureFixture[str],
                                                         broken: bool, fmt: str) -> None:
    """`kremlin-tui check` leaves its story to the operating system (neither module teardown nor
    the last collection frees it) and otherwise ends as Python ends any program: its output,
    all of it (a pipe buffers it), its exit status and the exit handlers are those of `main`
    called in a process, which returns."""
    body = TWO_SCENES.replace("goto: end", "goto: nowhere, if: party > 500 and zz") if broken else TWO_SCENES
    story = make_story(body)
    status = main(["check", "--format", fmt, story])
    expected = capsys.readouterr()
    assert status == (1 if broken else 0) and expected.out
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a pipe holds output until flushed
    result = subprocess.run([sys.executable, "-c", _PROGRAM, "--format", fmt, story], capture_output=True, text=True,
                            timeout=60, env=buffered)
    assert result.returncode == status
    assert result.stdout == expected.out + "exit handler ran\n"
    assert result.stderr == expected.err + f"main returned {status}\n"  # and never "the story was freed"


def test_the_witness_of_a_freed_story_speaks(mini: str) -> None:
    """The test above is not blind: without `_end_the_check_program` the same program frees
    its story, and says so."""
    program = _PROGRAM.replace("checker.check_story = watched\n", "checker.check_story = watched\n"
                               "import kremlin_tui.cli\nkremlin_tui.cli._end_the_check_program = lambda kept: None\n")
    result = subprocess.run([sys.executable, "-c", program, mini], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr.splitlines() == ["the story was freed", "main returned 0"]


@pytest.mark.parametrize("program", [True, False])
def test_the_check_program_collects_no_garbage_while_it_runs(mini: str, program: bool) -> None:
    """Everything `kremlin-tui check` makes lives until it exits: the collector is paused from
    its start to its end (and runs again after). A caller of `main` keeps its collector."""
    code = (
        "import gc, sys\n"
        "from kremlin_tui.cli import main\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(info['generation']) if phase == 'start' else None)\n"
        f"status = main() if {program} else main(['check', sys.argv[1]])\n"
        "print(len(runs), gc.isenabled(), status, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, "check", mini] if program else [sys.executable, "-c", code, mini],
                            capture_output=True, text=True, timeout=60)
    runs, enabled, status = result.stderr.split()
    assert (status, enabled) == ("0", "True")
    assert (int(runs) == 0) == program


def test_a_word_inside_a_longer_one_is_no_mention_where_the_search_starts() -> None:
    """The search starts at the head's first occurrence, inside "xLenin": its look-behind must still
    see the "x" before it."""
    assert mentioned_in_any([("Lenin", "a"), ("Red Army", "b")], ["xLenin", "Redx Army", "xRed Army"]) == set()
    assert mentioned_in_any([("Lenin", "a"), ("Red Army", "b")], ["xLenin Lenin", "xRed Army Red\nArmy"]) == {"a", "b"}


def test_codex_coverage_warns_of_the_entries_a_text_by_text_scan_finds_unlocked_by_nothing() -> None:
    """With the scenes' `codex` lists emptied, coverage rests on the mentions: the entries it
    warns of are those that neither an `unlock` nor any scene text's own mention scan reaches."""
    loaded = load_story([str(default_story_dir())], cache=False)
    story = dataclasses.replace(loaded, nodes={k: dataclasses.replace(n, codex=()) for k, n in loaded.nodes.items()})
    out = Collector()
    _codex_coverage(story, out)
    warned = {d.message.split("'")[1] for d in out.warnings}
    unlocked = {e.target for _n, _c, e in all_effects(story) if e.op == "unlock"}
    unlocked |= {cid for node in story.nodes.values() for part in _text_parts(node.text) for cid in part.codex}
    assert warned == set(story.codex) - unlocked
    assert 0 < len(warned) < len(story.codex) - 100


def test_check_compiles_no_trie_regex_of_the_codex_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` builds the story's mention index with the story but scans no text with it (its
    coverage test is `mentioned_in_any`): the trie regex is compiled for a first scan only."""
    from kremlin_tui import mentions

    built: list[mentions.MentionIndex] = []
    build = mentions.MentionIndex.__init__

    def recorded(self: mentions.MentionIndex, words: Any) -> None:
        build(self, words)
        built.append(self)

    monkeypatch.setattr(mentions.MentionIndex, "__init__", recorded)
    check_story([str(default_story_dir())])
    assert built and all("heads" not in index.__dict__ for index in built)
    index = built[0]
    assert isinstance(index.heads, re.Pattern) and index.heads is index.heads  # compiled once, when asked


# The pieces hint groups are made of: names (one known, one not), arrows, the gamble words, the
# separators, qualifiers, and the spacing that strip() removes.
HINT_PIECES = ["(", ")", "Party", "party", "Army", "Red Army", "KMT", "health", " ▲", "▲", " ▼", "▼▲", "a gamble", "risk",
               "A vote", ", ", "; ", " or ", " later", " if granted", "  ", "Party ▲", "(Party ▲, a gamble)", "x"]


def _labels_to_read() -> list[str]:
    labels = []
    for dirs in ([str(default_story_dir())], [str(TESTS / "fixtures" / "mini")], [str(default_story_dir()), EXAMPLE]):
        story = load_story(dirs, cache=False)
        labels += [choice.label.source for node in story.nodes.values() for choice in node.choices]
    return labels


@functools.cache
def _story_names() -> dict[str, set[str]]:
    return aliases(load_story([str(default_story_dir())], cache=False))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(HINT_PIECES), max_size=12).map("".join), min_size=1, max_size=8))
def test_hint_items_read_once_read_as_each_label_alone_reads_them(labels: list[str]) -> None:
    """check_labels reads each different item of the hint groups once for all labels (`known`):
    every label's hints, gamble and group flags are those it gets read on its own."""
    names = _story_names()
    known: dict[str, Any] = {}
    for label in [*labels, *labels[::-1]]:
        assert parse_hints(label, names, known) == parse_hints(label, names)


def test_the_story_labels_read_alike_with_the_items_known(monkeypatch: pytest.MonkeyPatch) -> None:
    names = _story_names()
    labels = _labels_to_read()
    alone = [parse_hints(label, names) for label in labels]
    reads: list[str] = []
    read_item = label_hints._read_item
    monkeypatch.setattr(label_hints, "_read_item", lambda item, names: reads.append(item) or read_item(item, names))
    known: dict[str, Any] = {}
    shared = [parse_hints(label, names, known) for label in labels]
    assert shared == alone
    assert len(labels) > 1500 and sum(len(hints) for hints, _g, _a in shared) > 2000
    assert len(reads) == len(known) < 200  # each different item read once
