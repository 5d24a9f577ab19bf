"""explore's per-scene visit counts, `--track visited(SCENE)`, `--among`, and the `--to` replay hint."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

from kremlin_tui.explore import explore
from kremlin_tui.explore_report import format_report
from kremlin_tui.loader import load_story


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kremlin_tui", *args], capture_output=True, text=True, timeout=180)


def test_every_scene_has_the_number_of_games_that_reached_it(mini: str) -> None:
    story = load_story([mini])
    result = explore(story, 200, 1, "random", jobs=1)
    visits = result["visits"]
    assert list(visits) == list(story.nodes)  # every node, in story order
    assert visits["start"] == 200
    for ending, games in result["endings"].items():
        assert visits[ending] == games  # an ending is reached once per game that ends there
    text = format_report(result)
    rare = min((n for n in visits.items() if n[1]), key=lambda kv: (kv[1], kv[0]))
    assert f"Rarest scenes reached (games): {rare[0]} {rare[1]} ({100 * rare[1] / 200:.1f}%)" in text
    assert "Games that reached each scene: " in format_report(result, all_visits=True)


def test_track_visited_and_among_count_over_the_games_that_reached_a_scene(mini: str) -> None:
    story = load_story([mini])
    result = explore(story, 300, 3, "random", jobs=1, track=("visited(good_end)", "outcome"), among="vote_result")
    reached = result["visits"]["vote_result"]
    assert result["tracked_over"] == f"the {reached} games that reached vote_result"
    good = result["tracked"]["visited(good_end)"]["counts"]
    assert sum(good.values()) == sum(result["tracked"]["outcome"]["counts"].values()) == reached
    assert good.get("1", 0) == result["endings"]["good_end"]  # good_end lies beyond vote_result
    everyone = explore(story, 300, 3, "random", jobs=1, track=("outcome",))
    assert everyone["tracked_over"] == f"the {sum(everyone['endings'].values())} finished games"


def test_among_a_chapter_and_the_command_line(mini: str) -> None:
    ok = cli("explore", "--story", mini, "--runs", "100", "--track", "visited(good_end)", "--among", "two",
             "--format", "json")
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout)
    assert result["tracked_over"].startswith("the ") and result["tracked_over"].endswith(" games that reached two")
    bad = cli("explore", "--story", mini, "--runs", "5", "--track", "visited(nowhere)")
    assert bad.returncode == 2 and "visited(SCENE)" in bad.stderr
    bad = cli("explore", "--story", mini, "--runs", "5", "--track", "outcome", "--among", "nowhere")
    assert bad.returncode == 2 and "neither a scene nor a chapter" in bad.stderr


def test_the_replay_hint_of_to_repeats_the_story_options(mini: str) -> None:
    found = cli("explore", "--story", mini, "--to", "good_end")
    assert found.returncode == 0
    assert f"kremlin-tui play --plain --seed 0 --story {shlex.quote(mini)} < script.txt" in found.stderr
