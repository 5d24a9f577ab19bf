"""The story-to-ink translator of the inkjs benchmark (bench/ink/translate.py, bench/bench_ink.py).

The ink it emits is checked as text everywhere; where node and inkjs are installed
(bench/ink/node_modules, never fetched by the tests) it is also compiled by inkjs and played, and
every game inkjs plays is replayed in our engine, decision by decision (the same scene, the same
choices, every variable equal). A clean clone without them skips those tests, saying why."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kremlin_tui.expr import parse
from kremlin_tui.loader import load_story

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
import bench_ink  # noqa: E402

translate = bench_ink.translate

EDGES = """\
nodes:
  - id: a
    title: First
    date: 1924-02-01
    text: |
      Plain {{braces}} and [brackets] | a # hash // slashes -> arrows.
      {if party > 50}High.{elif party > 40}Middle.{else}Low.{end}

      {if flag_a}
      A passage over

      two paragraphs.
      {end}
    choices:
      - id: half
        label: "Halve it ({party}, {attitude(britain)})"
        effects: [party -= party / 7, "hidden_x = clamp(hidden_x * 2, 0, 7)", schedule ev in 10 days]
        goto: b
      - id: again
        label: Again
        once: true
        if: visited(a) < 3 and not chose(a.half)
        effects: [flag_a = true]
        goto: a
  - id: b
    title: Second
    date: 1924-01-05
    text: The date does not go back.
    choices:
      - id: gamble
        label: Gamble
        if: not flag_a
        outcomes:
          - {weight: party - 40, effects: [mood = 'angry'], goto: c}
          - {weight: 0, goto: c}
          - {weight: "if(flag_a, 5, 1)", effects: [flag_a = true], goto: c}
      - id: fallback
        label: Nothing else
        fallback: true
        goto: c
  - id: ev
    title: An Event
    event: {scheduled: true, before: 1925}
    text: It comes.
    choices:
      - {id: ok, label: Fine, effects: [britain += 7 % 4]}
  - id: window
    title: A Window
    event: {after: 1924-01-25, before: 1924-12, if: "party < 45 or mood == 'angry'", priority: 3}
    text: A window.
    choices:
      - {id: ok, label: Fine}
      - {id: leave, label: Leave, goto: end}
  - id: late
    title: Too Late
    event: {after: 1926-03}
    text: It never comes in time.
    choices:
      - {id: ok, label: Fine}
  - id: c
    title: Third
    date: 1924-06
    text: Nearly done.
    choices:
      - {id: end, label: End, goto: end}
endings:
  - id: end
    title: The End
    text: Over.
"""


def test_expressions_keep_our_semantics() -> None:
    expr = translate.expr
    assert expr(parse("1 < party <= 50")) == "((1 < v_party) && (v_party <= 50))"
    assert expr(parse("not flag_a and mood == 'calm'")) == '((not v_flag_a) && (v_mood == "calm"))'
    assert expr(parse("party / 2")) == "(FLOAT(v_party) / 2)"  # our `/` is a true division
    assert expr(parse("party / 0")) == "0"  # ... and gives 0 for a 0 divisor
    assert expr(parse("party / decisions")) == "div(v_party, v_decisions)"
    assert expr(parse("2.0 * party")) == "(FLOAT(2) * v_party)"  # inkjs's JSON would make 2.0 an integer
    assert expr(parse("party % 7")) == "mod(v_party, 7)"  # Python's sign rule, in the ink function
    assert expr(parse("visited(a) + chose(a.b)")) == "(k_a + (k_a.c_b > 0))"
    assert expr(parse("if(flag_a, max(1, 2, 3), -abs(party))")) == (
        "iff(v_flag_a, MAX(MAX(1, 2), 3), (0 - MAX(v_party, 0 - v_party)))")
    assert expr(parse("attitude(britain) == 'wary'")) == '(attitude(v_britain) == "wary")'
    assert translate.may_be_fractional(parse("max(1, party / 3)"))
    assert not translate.may_be_fractional(parse("if(flag_a, 2, party)"))


def test_the_story_becomes_knots_choices_and_events(make_story: Callable[..., str]) -> None:
    ink = translate.translate(load_story([make_story(EDGES)]), text=True)
    lines = ink.splitlines()
    assert "-> k_a" in lines  # the start, entered without an event check
    assert "VAR v_party = 45" in lines and 'VAR v_mood = "calm"' in lines and "VAR s_ev = 0" in lines
    # a scene's date moves the calendar forward only
    assert "{ v_today <= 702392:" in lines and "{ v_today <= 702365:" in lines
    # sticky and once-only choices; effects clamped, a fractional one rounded
    assert "+ (c_half) [Halve it ({v_party}, {attitude(v_britain)})]" in lines
    assert "* (c_again) {((k_a < 3) && (not (k_a.c_half > 0)))} [Again]" in lines
    assert "    ~ v_party = rnd(MIN(MAX(v_party - (FLOAT(v_party) / 7), 0), 100))" in lines
    assert "    ~ v_hidden_x = MIN(MAX(MAX(0, MIN(7, (v_hidden_x * 2))), 0), 100)" in lines
    assert "    ~ plus_days(10)" in lines and "    ~ s_ev = g_o" in lines
    # moves go through `go`, which shows a due event first; an event's choice without goto resumes
    assert "    -> go(-> k_b, 702365)" in lines and "    -> go(resume, resume_day)" in lines
    assert "    -> k_end" in lines  # an ending is entered directly
    # the fallback is shown only when nothing else is available
    assert "+ (c_fallback) {not (((not v_flag_a)))} [Nothing else]" in lines
    # the events in firing order: windows, schedule, conditions
    due = lines[lines.index("=== function due_event(limit) ===") + 1:]
    assert due[:5] == [
        "{ k_window == 0 && 702385 <= limit && v_today <= 702726:",
        '    { ((v_party < 45) || (v_mood == "angry")):',
        "        ~ return -> k_window",
        "    }",
        "}",
    ]
    assert due[5:8] == ["{ k_ev == 0 && s_ev > 0 && s_ev <= limit && v_today <= 703091:", "    ~ return -> k_ev", "}"]
    # text: markup escaped, passages inline or as blocks
    assert r"Plain \{braces\} and \[brackets\] \| a \# hash \/\/ slashes \-\> arrows." in lines
    assert "{(v_party > 50): High.|{(v_party > 40): Middle.|Low.}}" in lines
    start = lines.index("- v_flag_a:")
    assert lines[start - 1:start + 4] == ["{", "- v_flag_a:", "    A passage over", "    two paragraphs.", "}"]
    assert '~ v__ending = "end"' in lines and "-> END" in lines


def test_without_text_only_ids_are_shown(make_story: Callable[..., str]) -> None:
    ink = translate.translate(load_story([make_story(EDGES)]))
    assert "+ (c_half) [half]" in ink.splitlines()
    assert "Plain" not in ink and "@k " not in ink
    traced = translate.translate(load_story([make_story(EDGES)]), trace=True)
    assert "@k a" in traced.splitlines() and "        @o 2" in traced.splitlines()


def test_events_by_year_test_only_the_events_the_year_can_show(make_story: Callable[..., str]) -> None:
    lines = translate.translate(load_story([make_story(EDGES)]), events="by_year").splitlines()
    assert lines[lines.index("=== function due_event(limit) ===") + 1:][:2] == ["{ v_year:", "- 1924: ~ return due_1924(limit)"]
    year_1925 = lines[lines.index("=== function due_1925(limit) ===") + 1:]
    # a move past the end of 1926 falls back to the full scan; the window event closed in 1924
    assert year_1925[:3] == ["{ limit > 703456:", "    ~ return due_all(limit)", "}"]
    assert year_1925[3] == "{ k_ev == 0 && s_ev > 0 && s_ev <= limit && v_today <= 703091:"
    assert year_1925[6] == "{ k_late == 0 && 703151 <= limit:"
    assert "{ k_window == 0" not in year_1925[: year_1925.index("~ return -> k__none")]
    year_1924 = lines[lines.index("=== function due_1924(limit) ===") + 1:]
    assert "{ k_late == 0" not in year_1924[: year_1924.index("~ return -> k__none")]
    with pytest.raises(ValueError):
        translate.translate(load_story([make_story(EDGES)]), events="sorted")


def _inkjs() -> None:
    missing = bench_ink.inkjs_missing(install=False)
    if missing:
        pytest.skip(f"inkjs cannot run here: {missing}")


@pytest.mark.parametrize("text", [False, True])
def test_inkjs_compiles_and_plays_the_mini_story_to_its_endings(mini: str, tmp_path: Path, text: bool) -> None:
    _inkjs()
    story = load_story([mini])
    compiled, _ms = bench_ink.compile_ink(story, tmp_path, "mini", text=text)
    result = bench_ink.node("play", str(compiled), "40", "1")
    assert result["games"] == 40 and result["stuck"] == 0
    assert set(result["endings"]) == {"good_end", "bad_end"}
    assert (result["chars"] > 0) == text


@pytest.mark.parametrize(("story_kind", "events"), [("mini", "scan"), ("edges", "scan"), ("edges", "by_year")])
def test_every_inkjs_game_is_the_engines_game(story_kind: str, events: str, mini: str, make_story: Callable[..., str],
                                              tmp_path: Path) -> None:
    _inkjs()
    story = load_story([mini if story_kind == "mini" else make_story(EDGES)])
    compiled, _ms = bench_ink.compile_ink(story, tmp_path, "traced", trace=True, events=events)
    result = bench_ink.node("play", str(compiled), "60", "1", "trace")
    problems = [p for trace in result["traces"] if (p := bench_ink.replay(story, trace))]
    assert problems == []
    # the replay has teeth: a game whose recorded choice differs is caught
    trace = result["traces"][0]
    trace["steps"][0]["offered"].append("no_such_choice")
    assert "ink offers" in (bench_ink.replay(story, trace) or "")


def test_the_bench_skips_without_node_and_without_inkjs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(bench_ink.shutil, "which", lambda name: None)
    assert bench_ink.inkjs_missing() == "node is not installed"
    monkeypatch.setattr(bench_ink.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(bench_ink, "INK", tmp_path)  # no node_modules here
    assert "not installed" in (bench_ink.inkjs_missing(install=False) or "")
    monkeypatch.setattr(bench_ink.shutil, "which", lambda name: None if name == "npm" else f"/usr/bin/{name}")
    assert bench_ink.inkjs_missing() == "npm is not installed"
    # npm present but the registry unreachable: the install fails and the bench says why
    monkeypatch.setattr(bench_ink.shutil, "which", lambda name: f"/usr/bin/{name}")
    failed = subprocess.CompletedProcess(["npm"], 1, "", "npm error code ENOTFOUND\nnpm error network request failed\n")
    monkeypatch.setattr(bench_ink.subprocess, "run", lambda *args, **kwargs: failed)
    assert bench_ink.inkjs_missing() == "npm ci failed (no registry?): npm error network request failed"


@pytest.mark.parametrize("row", ["plain", "explore", "text", "text without previews"])
def test_every_engine_row_of_the_bench_plays_whole_games(mini: str, row: str) -> None:
    """The bench's own loops run on the engine as it is (through its public API only)."""
    story = load_story([mini])
    loops = {"plain": bench_ink.ours_plain, "explore": bench_ink.ours_explore, "text": bench_ink.ours_text,
             "text without previews": lambda s, seconds, seed: bench_ink.ours_text(s, seconds, seed, previews=False)}
    decisions, wall, cpu = loops[row](story, 0.01, 1)
    assert decisions >= 2 and wall > 0 and cpu >= 0
