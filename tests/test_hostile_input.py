"""Hostile story input (issue 12, input side): every class of bad input gets a clear, positioned
error or warning, within bounded time, and never a traceback or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import TWO_SCENES

from kremlin_tui import cli
from kremlin_tui.checker import check_story
from kremlin_tui.dates import GameDate
from kremlin_tui.diagnostics import shown
from kremlin_tui.engine import Game
from kremlin_tui.expr import MAX_EXPR_DEPTH, NUMBER_LIMIT, ExprError, compile_ast, parse
from kremlin_tui.loader import load_story, load_story_with_diagnostics
from kremlin_tui.template import MAX_IF_DEPTH


def problems(path: str, severity: str = "error") -> list[str]:
    """`file:line:col: message [code]` for each diagnostic of the story at `path`."""
    _story, diagnostics = load_story_with_diagnostics([path], cache=False)
    return [f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.col}: {d.message} [{d.code}]"
            for d in diagnostics if d.severity == severity]


def checked(path: str, severity: str = "error") -> list[str]:
    report = check_story([path])
    found = report.errors if severity == "error" else report.warnings
    return [f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.col}: {d.message} [{d.code}]" for d in found]


def with_effect(effect: str) -> str:
    return TWO_SCENES.replace("{id: go, label: Go, goto: end}", f"{{id: go, label: Go, goto: end, effects: [{effect}]}}")


# -- control characters ----------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\e", "\\x1b", "\\x07", "\\x9b", "\\0", "\\r", "\\x7f", "\\u001b", "\\b"])
def test_a_control_character_in_any_string_is_refused_where_it_is(make_story, escape: str) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("title: A", f'title: "A{escape}]0;PWNED"'))
    assert problems(path) == [
        f"scenes.yaml:3:14: the control character U+{ord(_decoded(escape)):04X}"
        + _name(escape) + " is not allowed in story text (only line breaks and tabs are) [control-char]"]


def _decoded(escape: str) -> str:
    import yaml

    return yaml.load(f'"{escape}"', Loader=yaml.CSafeLoader)


def _name(escape: str) -> str:
    names = {"\\e": " (ESC)", "\\x1b": " (ESC)", "\\u001b": " (ESC)", "\\x07": " (BEL)",
             "\\0": " (NUL)", "\\r": " (carriage return)", "\\x7f": " (DEL)", "\\b": " (backspace)"}
    return names.get(escape, "")


def test_control_characters_in_keys_labels_and_later_lines_are_positioned(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            "x\\e]0;PWNED\\a": 1
            text: "first line\\n\\
              second \\e[2J"
            choices:
              - {id: go, label: "Go \\x1b[31m", goto: end}
        endings:
          - {id: end, title: End, text: done}
    """)
    found = problems(path)
    assert "scenes.yaml:4:7: the control character U+001B (ESC) is not allowed in story text " \
           "(only line breaks and tabs are) [control-char]" in found
    assert any(f.startswith("scenes.yaml:6:14: the control character U+001B") for f in found)
    assert any(f.startswith("scenes.yaml:8:29: the control character U+001B") for f in found)
    # the unknown key is quoted without its escape sequence
    assert "scenes.yaml:4:5: unknown key 'x\\x1b]0;PWNED\\x07' in a node [unknown-key]" in found


def test_tabs_and_line_breaks_are_story_text(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("text: a", 'text: "one\\ttab\\nand a second line"'))
    story = load_story([path], cache=False)
    assert story.nodes["a"].text.source == "one\ttab\nand a second line"


def test_positions_do_not_drift_after_escapes_or_folded_lines(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: "one\\ntwo\\tthree \\"q\\" {partyy}"
            choices:
              - id: go
                label: 'it''s {moodd}'
                result: "a folded
                  line, then {flag_b}"
                goto: end
        endings:
          - {id: end, title: End, text: done}
    """)
    found = problems(path)
    assert "scenes.yaml:4:35: text: unknown name 'partyy' (did you mean 'party'?) [unknown-name]" in found
    assert "scenes.yaml:7:24: label: unknown name 'moodd' (did you mean 'mood'?) [unknown-name]" in found
    assert "scenes.yaml:9:23: result: unknown name 'flag_b' (did you mean 'flag_a'?) [unknown-name]" in found


# -- empty files ----------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "# only a comment\n", "\n\n", "---\n", "~\n"])
def test_an_empty_file_anywhere_keeps_goto_checking_on(make_story, content: str) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("goto: end", "goto: nowhere"))
    (Path(path) / "sub").mkdir()
    (Path(path) / "sub" / "empty.yaml").write_text(content)
    (Path(path) / "0_empty.yaml").write_text(content)
    assert problems(path) == ["scenes.yaml:6:35: goto: unknown scene 'nowhere' [unknown-node]"]
    assert checked(path) == ["scenes.yaml:6:35: goto: unknown scene 'nowhere' [unknown-node]"]


# -- nesting and size -----------------------------------------------------------------------


@pytest.mark.parametrize("source", [
    "(" * 5000 + "1" + ")" * 5000,
    "not " * 3000 + "true",
    "-" * 1900 + "1",
    " + ".join(["1"] * 600),
    "min(" * 400 + "1" + ")" * 400,
    "a" + " * a" * 60,
])
def test_deep_or_long_expressions_are_refused_not_recursed(source: str) -> None:
    with pytest.raises(ExprError) as caught:
        parse(source)
    assert caught.value.code in ("too-deep", "too-long")


def test_nesting_up_to_the_limit_parses_and_runs() -> None:
    depth = MAX_EXPR_DEPTH - 1
    ast = parse("(" * depth + "2" + ")" * depth)
    assert compile_ast(ast)(None) == 2
    assert compile_ast(parse(" + ".join(["1"] * (MAX_EXPR_DEPTH - 1))))(None) == MAX_EXPR_DEPTH - 1


def test_deep_expressions_and_templates_are_positioned_errors(make_story) -> None:  # type: ignore[no-untyped-def]
    deep = "(" * 300 + "party" + ")" * 300
    nested_if = "{if party > 1}" * (MAX_IF_DEPTH + 1) + "x" + "{end}" * (MAX_IF_DEPTH + 1)
    path = make_story(TWO_SCENES.replace("text: a", f"text: '{nested_if} {{{deep}}}'")
                      .replace("{id: go, label: Go, goto: end}", f"{{id: go, label: Go, goto: end, if: '{deep}'}}"))
    found = problems(path)
    assert found[0].startswith(f"scenes.yaml:4:{12 + 14 * MAX_IF_DEPTH}: text: {{if}} passages nest too deeply")
    assert any(f.startswith("scenes.yaml:6:95: condition: the expression nests too deeply: at most 50 levels")
               for f in found)


def test_a_watcher_survives_any_exception(make_story, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui import watch

    path = make_story(TWO_SCENES)
    game = Game.new(load_story([path], cache=False), seed=1)
    watcher = watch.StoryWatcher([path])

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    original = watch.load_story_with_diagnostics
    monkeypatch.setattr(watch, "load_story_with_diagnostics", explode)
    outcome = watcher.reload(game)
    assert outcome.story is None
    assert "internal error while reloading the story (RecursionError" in str(outcome.errors[0])
    # not monkeypatch.undo(): that would also undo the isolation fixtures' environment (the cache folder)
    monkeypatch.setattr(watch, "load_story_with_diagnostics", original)
    assert watcher.reload(game).story is not None


# -- numbers and dates ----------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "message"), [
    ("max", "9" * 5000, "max must be a number, not '" + "9" * 40 + "… (5,000 characters)'"),
    ("max", "inf", "max must be a number, not 'inf'"),
    ("max", ".nan", "max must be a number, not '.nan'"),
    ("max", "1e400", "max 1e400 is out of range: a number in a story lies between -1e15 and 1e15"),
    ("min", "-1e16", "min -1e16 is out of range: a number in a story lies between -1e15 and 1e15"),
    ("min", "1_000", "min must be a number, not '1_000'"),
])
def test_every_numeric_field_is_finite_and_bounded(make_story, field: str, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    manifest = textwrap.dedent(f"""\
        campaign: {{id: t, title: T, start: a, start_date: 1924-01-21}}
        stats:
          - {{id: party, label: Party, initial: 5, {field}: {value}}}
    """)
    path = make_story(TWO_SCENES, manifest=manifest)
    column = 45 + len(field)  # where the value starts
    assert f"manifest.yaml:3:{column}: {message} [type]" in [f.replace("[number]", "[type]") for f in problems(path)]


def test_huge_literals_are_positioned_errors(make_story) -> None:  # type: ignore[no-untyped-def]
    found = problems(make_story(with_effect("party += 1" + "0" * 400 + ".5")))
    assert found == ["scenes.yaml:6:59: effect: the number 10000000000000000000… (403 digits) is too large: "
                     "at most 15 digits before the point [number]"]
    found = problems(make_story(with_effect("party += " + "9" * 5000), name="longer"))
    assert found == ["scenes.yaml:6:59: effect: the expression is too long: 5,000 characters (at most 2,000) [too-long]"]


def test_a_huge_weight_is_refused(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("{id: go, label: Go, goto: end}",
                                     "{id: go, label: Go, outcomes: [{weight: 1" + "0" * 400 + ", goto: end}]}"))
    assert problems(path)[0].startswith("scenes.yaml:6:49: weight: the number 1000")


def test_run_time_arithmetic_is_capped_never_inf_or_nan() -> None:
    big = "999999999999999"
    assert compile_ast(parse(" * ".join([big] * 20)))(None) == NUMBER_LIMIT
    assert compile_ast(parse("-" + " * ".join([big] * 3)))(None) == -NUMBER_LIMIT
    assert compile_ast(parse(f"({' * '.join([big] * 3)}) / 0.5"))(None) == NUMBER_LIMIT
    assert compile_ast(parse(f"{big} * {big} - {big} * {big}"))(None) == 0


def test_division_by_zero_gives_zero_at_run_time() -> None:
    assert compile_ast(parse("7 / 0"))(None) == 0
    assert compile_ast(parse("7 % 0"))(None) == 0


def test_the_calendar_ends_on_the_last_day_of_9999() -> None:
    last = GameDate(date(9999, 12, 31))
    assert GameDate.parse("9999-11-30").plus(3, "months").day == date(9999, 12, 31)
    assert GameDate.parse("1924").plus(9999, "years") == GameDate(date.max, "year")
    assert GameDate.parse("1924-01-01").plus(10**30, "days") == last
    assert GameDate.parse("9999-12-31").plus(1, "days") == last


LATER = """\
  - id: later
    title: Later
    text: later
    event: {scheduled: true}
    choices:
      - {id: ok, label: OK}
endings:"""


def test_a_long_schedule_is_refused_and_a_late_one_never_crashes(make_story) -> None:  # type: ignore[no-untyped-def]
    too_long = make_story(with_effect("schedule later in 99999 years").replace("endings:", LATER), name="long")
    assert problems(too_long) == [
        "scenes.yaml:6:68: effect: a delay of 99999 years is too long (at most 9999 years) [number]"]
    story = load_story([make_story(with_effect("schedule later in 9999 years").replace("endings:", LATER))], cache=False)
    game = Game.new(story, seed=1)
    game.choose("go")
    assert game.state.scheduled["later"] == "9999-12-31"


def test_an_event_window_that_never_opens_is_an_error(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("endings:", """\
  - id: never
    title: Never
    text: never
    event: {after: 1930-05, before: 1930-04}
    choices:
      - {id: ok, label: OK}
endings:"""))
    assert ("scenes.yaml:10:37: the event's window never opens: 'before: 1930-04' is earlier than "
            "'after: 1930-05' [never-open]") in problems(path)


def test_min_and_max_say_their_true_limit(make_story) -> None:  # type: ignore[no-untyped-def]
    args = ", ".join(["party"] * 100)
    found = problems(make_story(with_effect(f"'party = min({args})'")))
    assert found == ["scenes.yaml:6:59: effect: min() takes at most 99 arguments, not 100 [arguments]"]


def test_messages_use_an_before_a_vowel(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("  - {id: end, title: End, text: done}", "  - just text"))
    assert "scenes.yaml:8:5: expected an ending (a mapping of keys), found 'just text' [type]" in problems(path)


def test_shown_values_are_cut_and_escaped() -> None:
    assert shown("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert shown("x" * 100, 10) == "xxxxxxxxxx… (100 characters)"


# -- folders and special files ---------------------------------------------------------------


def test_special_files_and_links_are_listed_as_warnings_without_blocking(make_story) -> None:  # type: ignore[no-untyped-def]
    root = Path(make_story(TWO_SCENES))
    (root / "broken.yaml").symlink_to(root / "nowhere.yaml")
    (root / "loop.yaml").symlink_to(root / "loop.yaml")
    os.mkfifo(root / "pipe.yaml")
    (root / "linked").symlink_to(root)  # a link back to the story folder: read once
    assert sorted(checked(str(root), "warning")) == [
        "broken.yaml:0:0: skipped: a broken symbolic link [skipped]",
        "loop.yaml:0:0: skipped: a symbolic link loop [skipped]",
        "pipe.yaml:0:0: skipped: a FIFO (named pipe), not a regular file [skipped]",
    ]
    assert checked(str(root)) == []


def test_an_unreadable_folder_is_a_warning(make_story, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = Path(make_story(TWO_SCENES))
    (root / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert checked(str(root), "warning") == [
        "locked:0:0: cannot read the folder: Permission denied; its files are skipped [skipped]"]


@pytest.mark.parametrize("target", ["missing", "file", "/dev/null", "empty"])
def test_check_exits_2_when_it_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str) -> None:
    (tmp_path / "file").write_text("x: 1\n")
    (tmp_path / "empty").mkdir()
    path = target if target.startswith("/") else str(tmp_path / target)
    assert cli.main(["check", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kremlin-tui check: ") and err.count("\n") == 1
    assert ":0:0" not in err


def test_check_exits_2_with_one_line_on_an_internal_error(mini: str, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import kremlin_tui.checker as checker

    def broken(_story: object, _out: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(checker, "analyse", broken)
    assert cli.main(["check", mini]) == 2
    err = capsys.readouterr().err
    assert err == "kremlin-tui check: internal error (KeyError: 'boom'); please report it with the story that caused it\n"


def test_a_fifo_never_blocks_the_command_line(make_story) -> None:  # type: ignore[no-untyped-def]
    root = Path(make_story(TWO_SCENES))
    os.mkfifo(root / "z.yaml")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")}
    done = subprocess.run([sys.executable, "-m", "kremlin_tui", "check", str(root)], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0
    assert "z.yaml:0:0: warning: skipped: a FIFO (named pipe), not a regular file [skipped]" in done.stdout


# -- codex mentions in linear time ------------------------------------------------------------

_MENTION_WORDS = ["Lenin", "Red Army", "Red", "Army", "U.S.", "'s", "Kamenev's", "Lev D. Bronstein", "Ж", "_x", "a-b", "Len",
                  "Red  Army Group", "Army Group"]


def _old_mentions(words: list[tuple[str, str]], text: str) -> frozenset[str]:
    """The reference: one whole-word regex per word (what the loader did before), a space in a
    word standing for any run of white space (a phrase may break across lines)."""
    import re

    return frozenset(cid for word, cid in words if word.strip()
                     and re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, word.split())) + r"(?!\w)", text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_MENTION_WORDS, " ", ".", ",", "x", "Redd", "Arm", "é", "\n", "_", "-", "D.", "Le",
                                 "Lenina"]), max_size=30))
def test_the_mention_index_finds_exactly_what_one_regex_per_word_finds(pieces: list[str]) -> None:
    from kremlin_tui import mentions

    text = "".join(pieces)
    words = [(w, f"id{i}") for i, w in enumerate(_MENTION_WORDS)] + [("  Lenin ", "padded"), ("", "empty")]
    assert mentions.MentionIndex(words).heads is not None  # the trie regex
    assert mentions.MentionIndex(words).find(text) == _old_mentions(words, text)
    fallback = mentions.MentionIndex([*words, ("x" * (mentions.TRIE_MAX_HEAD_LENGTH + 1), "long")])
    assert fallback.heads is None  # the `\w+` scan
    assert fallback.find(text) == _old_mentions(words, text)


# -- what only explore found before ---------------------------------------------------------------

TRAP = """\
nodes:
  - id: a
    title: A
    text: a
    choices:
      - {id: end, label: End, goto: end}
      - {id: in, label: In, goto: b}
  - id: b
    title: B
    text: b
    choices:
      - {id: on, label: On, goto: c}
  - id: c
    title: C
    text: c
    choices:
      - {id: back, label: Back, goto: b}
      - {id: stay, label: Stay, goto: c}
endings:
  - {id: end, title: End, text: done}
"""


def test_a_loop_with_no_way_out_is_an_error(make_story) -> None:  # type: ignore[no-untyped-def]
    assert checked(make_story(TRAP)) == [
        "scenes.yaml:8:5: no way out: the scenes 'b', 'c' lead only to each other, and no ending can be reached "
        "from there [no-way-out]"]


def test_a_scene_that_only_leads_to_itself_is_a_trap(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("{id: go, label: Go, goto: end}", "{id: go, label: Go, goto: end, if: party > 50}\n"
                                     "      - {id: wait, label: Wait, goto: a}"))
    assert checked(path) == []  # the condition may hold: not a trap
    path = make_story(TWO_SCENES.replace("goto: end}", "goto: a}") + "  - {id: other, title: O, text: o}\n", name="self")
    assert "scenes.yaml:2:5: no way out: the scene 'a' leads only back to itself, and no ending can be reached " \
           "from there [no-way-out]" in checked(path)


def test_an_event_that_leads_out_rescues_the_loop(make_story) -> None:  # type: ignore[no-untyped-def]
    rescue = TRAP.replace("endings:", """\
  - id: rescue
    title: Rescue
    text: r
    event: {after: 1925}
    choices:
      - {id: out, label: Out, goto: end}
endings:""")
    assert checked(make_story(rescue)) == []
    expired = rescue.replace("event: {after: 1925}", "event: {before: 1923}").replace(
        "    title: B\n", "    title: B\n    date: 1926-01\n").replace("    title: C\n", "    title: C\n    date: 1926-02\n")
    assert any("[no-way-out]" in f for f in checked(make_story(expired, name="expired")))


def test_a_story_with_no_ending_is_an_error(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("goto: end}", "goto: a}").replace("endings:\n  - {id: end, title: End, text: done}\n", ""))
    assert checked(path) == ["manifest.yaml:2:3: the story has no ending: every game would go on for ever "
                             "(add one under 'endings') [no-ending]"]


def test_a_divisor_that_is_always_zero_is_an_error(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(with_effect("party = party / 0").replace("text: a", "text: 'share {party % (2 - 2)}'"))
    assert checked(path) == [
        "scenes.yaml:4:19: 'party % (2 - 2)' divides by zero: the divisor is always 0 (x % 0 gives 0 in play) "
        "[division-by-zero]",
        "scenes.yaml:6:58: 'party / 0' divides by zero: the divisor is always 0 (x / 0 gives 0 in play) "
        "[division-by-zero]"]
    assert checked(make_story(with_effect("party = party / (party - 1)"), name="fine")) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", " ", "  ", "\n", "\n\n", "\t", "'", '"', "\\", "é", "x y", "#"]), max_size=25),
       st.lists(st.integers(0, 40), min_size=1, max_size=4),
       st.sampled_from(['"', "'", None]), st.integers(8, 30))
def test_every_character_of_a_flow_scalar_maps_to_where_it_is_written(pieces: list[str], marks: list[int],
                                                                     style: str | None, width: int) -> None:
    import yaml

    from kremlin_tui.diagnostics import Collector
    from kremlin_tui.scalarpos import scalar_position
    from kremlin_tui.yamlsource import YMap, parse_yaml_text

    value = "".join(pieces)
    slots = sorted({m % (len(value) + 1) for m in marks})
    for shift, slot in enumerate(slots):  # a marker written as itself in any style
        value = value[:slot + shift] + "§" + value[slot + shift:]
    source = yaml.dump({"k": value}, default_style=style, width=width, allow_unicode=True)
    tree = parse_yaml_text(source, "f.yaml", Collector())
    assert isinstance(tree, YMap)
    scalar = tree.items["k"]
    if scalar.text != value or scalar.block:
        return  # the dumper chose a style this test does not cover
    lines = source.split("\n")
    memo: dict[int, tuple[int, int, int]] = {}
    offsets = [i for i, char in enumerate(value) if char == "§"]
    for offset in offsets + offsets[::-1]:  # forwards, then backwards through the same memo
        pos = scalar_position(lines, scalar, offset, memo)
        assert lines[pos.line - 1][pos.col - 1] == "§", (source, offset, pos)


# -- saves: edited numbers and dates, files cut short --------------------------------------------


def test_a_save_dated_the_last_day_of_the_calendar_plays_on(make_story) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.saves.document import parse_state

    story = load_story([make_story(with_effect("schedule later in 3 months").replace("endings:", LATER))], cache=False)
    data = Game.new(story, seed=1).state.to_json()
    data["date"] = "9999-12-31"
    game = Game(story, parse_state(data))
    game.choose("go")  # scheduling past the calendar's end no longer crashes
    assert game.state.scheduled["later"] == "9999-12-31"


@pytest.mark.parametrize("value", [10**400, 10**16, -(10**16), 1e300])
def test_a_save_with_an_out_of_range_number_is_damaged(make_story, value: float) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.saves.document import parse_state
    from kremlin_tui.saves.errors import DamagedSave

    data = Game.new(load_story([make_story(TWO_SCENES)], cache=False), seed=1).state.to_json()
    data["vars"]["party"] = value
    with pytest.raises(DamagedSave, match=r"'state\.vars' is missing or is not a mapping of names to numbers"):
        parse_state(data)


def test_a_save_with_an_out_of_range_visit_count_is_damaged(make_story) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.saves.document import parse_state
    from kremlin_tui.saves.errors import DamagedSave

    data = Game.new(load_story([make_story(TWO_SCENES)], cache=False), seed=1).state.to_json()
    data["visits"] = {"a": 10**400}
    with pytest.raises(DamagedSave, match=r"'state\.visits' is not a mapping of scene ids to counts"):
        parse_state(data)


@pytest.mark.parametrize("cut", ['{"a": tr', '{"a": 12.', '{"a": 1e', '{"a": "\\u00', '{"a": [1, fals', '{"a": "text'])
def test_a_save_cut_mid_token_is_cut_short(cut: str) -> None:
    from kremlin_tui.saves.document import decode
    from kremlin_tui.saves.errors import DamagedSave

    with pytest.raises(DamagedSave, match=r"^the file is cut short \(truncated JSON\)$"):
        decode(cut.encode())
    with pytest.raises(DamagedSave, match="not valid JSON"):
        decode(cut.replace('{"a"', '{"a" x').encode() + b"}")


def _on_a_cycle(edges: dict[str, list[str]], start: str) -> bool:
    """The reference: a search from each scene (what the checker did, scenes squared)."""
    seen: set[str] = set()
    frontier = [start]
    while frontier:
        for target in edges.get(frontier.pop(), []):
            if target == start:
                return True
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return False


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefgh"), st.lists(st.sampled_from("abcdefghz"), max_size=3), min_size=1))
def test_scenes_on_a_loop_are_found_in_one_pass(edges: dict[str, list[str]]) -> None:
    from types import SimpleNamespace

    from kremlin_tui.structure import cyclic_scenes

    nodes = {nid: SimpleNamespace(choices=[SimpleNamespace(destinations=lambda t=t: [t]) for t in targets])
             for nid, targets in edges.items()}
    known = {nid: [t for t in targets if t in nodes] for nid, targets in edges.items()}
    assert cyclic_scenes(SimpleNamespace(nodes=nodes)) == {nid for nid in nodes if _on_a_cycle(known, nid)}  # type: ignore[arg-type]


def test_ten_thousand_once_choices_check_in_linear_time(make_story) -> None:  # type: ignore[no-untyped-def]
    scenes = "\n".join(f"""\
  - id: s{i}
    title: S
    text: s
    choices:
      - {{id: go, label: Go, once: true, goto: {f's{i + 1}' if i < 2999 else 'end'}}}
      - {{id: other, label: Other, once: true, goto: end}}""" for i in range(3000))
    body = "nodes:\n" + scenes.replace("id: s0\n", "id: a\n") + "\nendings:\n  - {id: end, title: End, text: done}\n"
    assert checked(make_story(body)) == []  # a search per scene made this 3,000 x 3,000 steps


def test_a_watcher_poll_never_raises(make_story, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui import watch

    watcher = watch.StoryWatcher([make_story(TWO_SCENES)])

    def explode(_self: object) -> None:
        raise RuntimeError("Symlink loop")

    monkeypatch.setattr(watch.StoryWatcher, "_signature", explode)
    assert watcher.changed() is False


def test_an_empty_file_in_a_mod_folder_keeps_goto_checking_on(make_story, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = make_story(TWO_SCENES)
    mod = tmp_path / "mod"
    mod.mkdir()
    (mod / "empty.yaml").write_text("# nothing yet\n")
    (mod / "scenes.yaml").write_text("extend:\n  - node: a\n    choices:\n      - {id: more, label: More, goto: nowhere}\n")
    story, diagnostics = load_story_with_diagnostics([base, str(mod)], cache=False)
    assert story is None
    assert [f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.col}: {d.message}" for d in diagnostics] == [
        "scenes.yaml:4:39: goto: unknown scene 'nowhere'"]


def test_no_message_echoes_a_long_value_in_full(make_story) -> None:  # type: ignore[no-untyped-def]
    long = "x" * 5000
    path = make_story(TWO_SCENES.replace("    text: a\n", f"    text: a\n    codex: [{long}]\n") + textwrap.dedent(f"""\
        codex:
          - {{id: c, title: C, category: {long}, text: t}}
        """))
    found = problems(path)
    assert len(found) == 2 and all(len(f) < 200 for f in found), found
    assert "… (5,000 characters)" in found[0]


def test_an_event_that_can_never_fire_rescues_nothing(make_story) -> None:  # type: ignore[no-untyped-def]
    never = TRAP.replace("endings:", """\
  - id: rescue
    title: Rescue
    text: r
    event: {if: party > 100}
    choices:
      - {id: out, label: Out, goto: end}
endings:""")
    assert "scenes.yaml:8:5: no way out: the scenes 'b', 'c' lead only to each other, and no ending can be " \
           "reached from there [no-way-out]" in checked(make_story(never))


def test_an_event_window_closed_before_the_story_starts_is_an_error(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("endings:", """\
  - id: late
    title: Late
    text: late
    event: {before: 1923-12}
    choices:
      - {id: ok, label: OK}
endings:"""))
    assert ("scenes.yaml:10:12: event 'late' can never fire: its window closes ('before: 1923-12') before the "
            "story starts (1924-01-21) [never-open]") in checked(path)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", " ", "\n", "\n\n", "  x", "word", "é"]), min_size=1, max_size=30),
       st.lists(st.integers(0, 60), min_size=1, max_size=4), st.integers(10, 30))
def test_every_character_of_a_folded_block_maps_to_where_it_is_written(pieces: list[str], marks: list[int],
                                                                      width: int) -> None:
    import yaml

    from kremlin_tui.diagnostics import Collector
    from kremlin_tui.scalarpos import folded_position
    from kremlin_tui.yamlsource import YMap, parse_yaml_text

    value = "".join(pieces).strip(" \n") + "\n"
    slots = sorted({m % len(value) for m in marks})
    for shift, slot in enumerate(slots):
        value = value[:slot + shift] + "§" + value[slot + shift:]
    source = yaml.dump({"k": value}, default_style=">", width=width, allow_unicode=True)
    tree = parse_yaml_text(source, "f.yaml", Collector())
    assert isinstance(tree, YMap)
    scalar = tree.items["k"]
    if scalar.text != value or not scalar.block or ">" not in source.split("\n")[0]:
        return
    lines = source.split("\n")
    first = next(line for line in lines[1:] if line.strip())
    indent = len(first) - len(first.lstrip(" "))
    memo: dict[int, list[tuple[int, int]] | None] = {}
    for offset in [i for i, char in enumerate(value) if char == "§"]:
        pos = folded_position(lines, scalar, offset, indent, memo)
        assert pos is not None and lines[pos.line - 1][pos.col - 1] == "§", (source, offset, pos)


def test_positions_in_a_folded_text(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("    text: a\n", "    text: >\n      A folded text\n      reads on {partyy}\n\n"
                                                    "      and on {moodd}.\n"))
    assert problems(path) == [
        "scenes.yaml:6:17: text: unknown name 'partyy' (did you mean 'party'?) [unknown-name]",
        "scenes.yaml:8:15: text: unknown name 'moodd' (did you mean 'mood'?) [unknown-name]"]


@pytest.mark.parametrize("command", [["play", "--plain"], ["explore", "--runs", "1"], ["graph"], ["saves", "check"]])
def test_every_command_exits_2_without_a_story_folder(tmp_path: Path, command: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src"),
           "KREMLIN_TUI_SAVES": str(tmp_path / "saves"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "kremlin_tui", *command, "--story", str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr == f"kremlin-tui: the story folder '{tmp_path / 'missing'}' does not exist\n"
