"""Plain line mode as a script or screen reader sees it."""

from __future__ import annotations

import json
import subprocess
import sys

from kremlin_tui.plain import render_markdown


def play(story: str, keys: str, seed: int = 5, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kremlin_tui", "play", "--plain", "--seed", str(seed), "--story", story, *extra],
        input=keys, capture_output=True, text=True, timeout=60,
    )


def test_a_full_game_to_an_ending(mini: str) -> None:
    result = play(mini, "1\n1\n2\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "== The Telegram ==" in out
    assert "1. Turn back [for Moscow] (Party ▲)  [Party standing ▲5]" in out
    assert "3. (locked: You need Party standing above 80.) The locked door" in out
    assert "Party standing ▲5 (45 → 50)" in out
    assert "THE END: The Bad End" in out
    assert "Final standing:" in out


def test_same_seed_and_input_give_byte_identical_output(mini: str) -> None:
    keys = "1\nstats\njournal\n1\n3\n2\n"
    first, second = play(mini, keys, 11), play(mini, keys, 11)
    assert first.stdout == second.stdout and first.returncode == 0


def test_only_the_prompt_starts_with_the_prompt_marker(mini: str) -> None:
    out = play(mini, "help\nstats\n1\n").stdout
    for line in out.splitlines():
        if line.startswith("> "):
            assert line[2:] in ("help", "stats", "1", ""), line
    assert "  │ A quoted telegram line." in out


def test_invalid_input_gets_a_message_and_the_prompt_again(mini: str) -> None:
    out = play(mini, "banana\n9\n3\n").stdout
    assert "I don't understand 'banana'" in out
    assert "There is no choice 9" in out or "there is no choice 9" in out
    assert "That choice is not available: You need Party standing above 80. Choose 1 to" in out
    assert ".." not in out  # the locked text's own full stop is not doubled
    assert out.rstrip().endswith(">")


def test_end_of_input_exits_cleanly_and_quit_works(mini: str) -> None:
    assert play(mini, "").returncode == 0
    result = play(mini, "quit\n1\n")
    assert result.returncode == 0 and "You chose" not in result.stdout


def test_a_broken_story_is_reported_without_a_traceback(make_story) -> None:  # type: ignore[no-untyped-def]
    broken = make_story("nodes: [}\n")
    result = play(broken, "1\n")
    assert result.returncode == 1
    assert "scenes.yaml:1:9: error: YAML syntax" in result.stderr
    assert "Traceback" not in result.stderr


def test_markdown_rendering_for_plain_text() -> None:
    text = "A *quiet* **word**.\n\n> Quoted\n> twice\n\n- one\n- two\n\n## Heading"
    assert render_markdown(text) == "A quiet word.\n\n  │ Quoted twice\n\n  • one\n  • two\n\nHEADING"


def test_explore_reports_coverage_as_json(mini: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kremlin_tui", "explore", "--story", mini, "--runs", "300", "--seed", "3",
         "--strategy", "coverage", "--format", "json", "--jobs", "2"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["runs"] == 300 and data["seed"] == 3
    assert sum(data["endings"].values()) == 300
    assert set(data["endings"]) == {"good_end", "bad_end"} and min(data["endings"].values()) > 0
    assert data["nodes"] == {"total": 8, "visited": 8, "unvisited": []}
    assert data["choices"]["never_taken"] == ["start.secret_door"]
    assert 3 <= data["decisions"]["min"] <= data["decisions"]["mean"] <= data["decisions"]["max"]
    assert data["decisions_per_year"]["1924"]["games"] == 300  # every game starts in 1924
    assert data["errors"] == []


def test_explore_is_independent_of_the_number_of_jobs(mini: str) -> None:
    from kremlin_tui.explore import explore
    from kremlin_tui.loader import load_story

    story = load_story([mini])
    assert explore(story, 450, 9, "coverage", jobs=1) == explore(story, 450, 9, "coverage", jobs=2)


def test_explore_reports_stuck_games_with_their_seed(make_story) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.explore import explore
    from kremlin_tui.loader import load_story

    story = load_story([make_story("""
        nodes:
          - id: a
            title: A
            text: a
            choices:
              - {id: spin, label: Spin, goto: a}
              - {id: out, label: Out, if: party > 99, goto: end}
        endings:
          - {id: end, title: End, text: done}
    """)])
    result = explore(story, 3, 0, "random", jobs=1)
    assert [e["seed"] for e in result["errors"]] == [0, 1, 2]
    assert "no ending after" in result["errors"][0]["error"]


def test_explore_tracks_final_values_of_flags_and_stats(mini: str) -> None:
    from kremlin_tui.explore import explore
    from kremlin_tui.loader import load_story

    result = explore(load_story([mini]), 300, 3, "random", jobs=1, track=("outcome", "party"))
    counts = result["tracked"]["outcome"]["counts"]
    assert sum(counts.values()) == 300
    assert set(counts) <= {"none", "won", "lost"}
    # the good ending is only open to those who won the vote
    assert counts.get("won", 0) >= result["endings"]["good_end"] > 0
    assert result["tracked"]["party"] == {"counts": {"40": 222, "50": 78}}  # few values: counted


def test_explore_summarises_a_stat_with_many_final_values(make_story) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.explore import explore
    from kremlin_tui.explore_report import format_report
    from kremlin_tui.loader import load_story

    outcomes = "\n".join(f"                  - {{weight: 1, effects: [party = {v}], goto: end}}" for v in range(0, 100, 5))
    path = make_story(f"""
        nodes:
          - id: a
            title: A
            text: a
            choices:
              - id: go
                label: Go
                outcomes:
{outcomes}
        endings:
          - {{id: end, title: End, text: done}}
    """)
    result = explore(load_story([path], cache=False), 400, 0, "random", jobs=1, track=("party",))
    party = result["tracked"]["party"]
    assert party["min"] == 0 and party["max"] == 95
    assert party["p25"] <= party["median"] <= party["p75"] and 30 <= party["mean"] <= 65
    assert "party at the end: min 0, p25 " in format_report(result)


def test_explore_track_names_must_be_declared(mini: str) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "kremlin_tui", "explore", "--story", mini, "--runs", "50", "--track", "outcome"],
        capture_output=True, text=True, timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert "outcome at the end: " in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "kremlin_tui", "explore", "--story", mini, "--runs", "5", "--track", "outcom"],
        capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2
    assert "unknown variable 'outcom'" in bad.stderr


def test_explore_counts_decisions_per_chapter(mini: str) -> None:
    from kremlin_tui.explore import explore
    from kremlin_tui.loader import load_story

    result = explore(load_story([mini]), 200, 1, "random", jobs=1)
    decisions = result["decisions"]
    by_chapter = decisions["by_chapter"]
    assert list(by_chapter) == ["one", "two"]  # the manifest's order
    assert by_chapter["one"]["games"] == 200  # every game starts in chapter one
    for counts in by_chapter.values():
        assert 1 <= counts["min"] <= counts["mean"] <= counts["max"] <= decisions["max"]


def test_explore_reports_decisions_per_year_over_the_games_that_reach_it(make_story) -> None:  # type: ignore[no-untyped-def]
    import json

    from kremlin_tui.explore import explore
    from kremlin_tui.explore_report import format_report
    from kremlin_tui.loader import load_story

    path = make_story("""
        nodes:
          - id: a
            title: A
            date: 1924-01-21
            text: a
            choices:
              - {id: stay, label: Stay, goto: a2}
              - {id: leap, label: Leap, goto: c}
          - id: a2
            title: A2
            date: 1924-05
            text: a2
            choices:
              - {id: stop, label: Stop, goto: early}
          - id: c
            title: C
            date: 1926-03
            text: c
            choices:
              - {id: one, label: One, goto: d}
          - id: d
            title: D
            date: 1926-09
            text: d
            choices:
              - {id: two, label: Two, goto: late}
        endings:
          - {id: early, title: Early, date: 1924-06, text: done}
          - {id: late, title: Late, date: 1927-02, text: done}
    """)
    result = explore(load_story([path], cache=False), 400, 0, "random", jobs=1)
    per_year = result["decisions_per_year"]
    leapt = result["endings"]["late"]
    assert 0 < leapt < 400
    # every game decides twice in 1924 or once there and twice in 1926; 1925 is passed through
    # with no decision, and 1927 is reached (by its ending) with none
    assert per_year["1924"] == {"games": 400, "mean": round((2 * (400 - leapt) + leapt) / 400, 2)}
    assert per_year["1925"] == {"games": leapt, "mean": 0.0}
    assert per_year["1926"] == {"games": leapt, "mean": 2.0}
    assert per_year["1927"] == {"games": leapt, "mean": 0.0}
    assert list(per_year) == ["1924", "1925", "1926", "1927"]
    assert f"1926 2.0 ({leapt})" in format_report(result)
    assert json.loads(json.dumps(result))["decisions_per_year"] == per_year


def test_the_help_names_the_storys_own_stat_and_relation(make_story) -> None:  # type: ignore[no-untyped-def]
    """`why STAT` is explained with the story's own names, not a campaign's written into the code."""
    from kremlin_tui.loader import load_story
    from kremlin_tui.plain import why_examples

    story = load_story([make_story(SCENE, manifest=OTHER_MANIFEST, name="other")])
    assert why_examples(story) == "why morale, why venice"
    assert why_examples(load_story([make_story(SCENE, manifest=BARE_MANIFEST, name="bare")])) == "why NAME"


SCENE = """\
nodes:
  - {id: a, title: A, text: Hello., choices: [{id: go, label: Go, goto: z}]}
endings:
  - {id: z, title: Z, text: Bye.}
"""
OTHER_MANIFEST = """\
campaign: {id: o, title: Other, start: a, start_date: 1500}
stats:
  - {id: secret, label: Secret, initial: 1, hidden: true}
  - {id: morale, label: Morale, initial: 50}
relations:
  - {id: venice, name: Venice, initial: 0}
"""
BARE_MANIFEST = "campaign: {id: b, title: Bare, start: a, start_date: 1500}\n"


def test_the_plain_game_plays_the_sessions_game_and_refuses_another(mini: str) -> None:
    """Issue 19: PlainGame took a `game` and, given a session too, silently played the
    session's. A mismatch is a caller's mistake, so it is refused rather than ignored."""
    import pytest

    from kremlin_tui.engine import Game
    from kremlin_tui.loader import load_story
    from kremlin_tui.plain import PlainGame
    from kremlin_tui.saves import Session

    story = load_story([mini], cache=False)
    played, other = Game.new(story, seed=1), Game.new(story, seed=2)
    session = Session(played, None)
    with pytest.raises(ValueError, match="session's game"):
        PlainGame(story, other, lambda _text: None, session=session)
    assert PlainGame(story, played, lambda _text: None, session=session).game is played
    alone = PlainGame(story, other, lambda _text: None)
    assert alone.game is other and alone.session.game is other
    replacement = Game.new(story, seed=3)
    alone.game = replacement  # a live reload hands the new game to the session
    assert alone.session.game is replacement
