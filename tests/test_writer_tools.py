"""Writers' tools: the story map, shortest-path witnesses, and the debugger."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kremlin_tui.debugger import choice_report, command, state_report
from kremlin_tui.engine import Game
from kremlin_tui.graph import to_dot, to_mermaid
from kremlin_tui.loader import load_story
from kremlin_tui.witness import find_path


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kremlin_tui", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def test_graph_has_every_node_and_edge_kind(mini: str) -> None:
    story = load_story([mini])
    dot = to_dot(story, dead={"good_end"})
    assert '"letter" [shape=hexagon' in dot and '"good_end" [shape=doubleoctagon' in dot
    assert '"start" -> "letter" [label="schedules", style=dashed]' in dot
    assert '"moscow" -> "vote_result" [label="Call a vote [1]", style=dotted]' in dot
    assert 'color=red' in dot.split('"good_end" [', 1)[1].split("\n", 1)[0]
    mermaid = to_mermaid(story, chapter="two")
    assert mermaid.startswith("flowchart LR\n") and 'vote_result["After the Vote"]' in mermaid
    assert 'start["' not in mermaid  # another chapter's scenes are left out


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_dot_output_renders_with_graphviz(mini: str) -> None:
    dot = cli("graph", "--story", mini).stdout
    rendered = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    assert "<svg" in rendered.stdout and "The Good End" in rendered.stdout


def test_graph_command_rejects_an_unknown_chapter(mini: str) -> None:
    assert cli("graph", "--story", mini, "--chapter", "nope").returncode == 2


def test_witness_is_shortest_and_replays(mini: str) -> None:
    story = load_story([mini])
    found = find_path(story, "good_end", range(0, 3))
    assert found is not None and found.steps == ("start.back", "moscow.vote", "vote_result.win")
    result = cli("explore", "--story", mini, "--to", "good_end")
    assert result.returncode == 0 and result.stdout == found.script()
    replay = cli("play", "--plain", "--seed", str(found.seed), "--story", mini, stdin=result.stdout)
    assert "THE END: The Good End" in replay.stdout


def test_witness_falls_back_to_random_play_when_the_target_is_deep(mini: str) -> None:
    # a budget too small for breadth-first search stands in for a scene sixty decisions deep
    story = load_story([mini])
    found = find_path(story, "good_end", range(0, 3), budget=2)
    assert found is not None and not found.shortest
    assert found.steps[-1] == "vote_result.win"
    result = cli("explore", "--story", mini, "--to", "good_end", "--budget", "2", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["shortest"] is False
    replay = cli("play", "--plain", "--seed", str(found.seed), "--story", mini, stdin=found.script())
    assert "THE END: The Good End" in replay.stdout


def test_witness_reports_unreachable_targets(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""
        nodes:
          - id: a
            title: A
            text: a
            choices:
              - {id: go, label: Go, goto: end}
              - {id: never, label: Never, if: party > 100, goto: hidden_end}
        endings:
          - {id: end, title: End, text: done}
          - {id: hidden_end, title: Hidden, text: unreachable}
    """)
    assert find_path(load_story([path], cache=False), "hidden_end", range(0, 2), budget=1000) is None
    result = cli("explore", "--story", path, "--to", "hidden_end", "--budget", "500")
    assert result.returncode == 1 and "No path to 'hidden_end'" in result.stderr
    assert cli("explore", "--story", path, "--to", "nowhere").returncode == 2


def test_debugger_explains_choices_and_edits_state(mini: str) -> None:
    game = Game.new(load_story([mini]), seed=0)
    report = "\n".join(choice_report(game))
    assert "secret_door: if party > 80 → False; locked: You need Party standing above 80." in report
    assert command(game, ":set party 95") == ["[debug] party = 95"]
    assert "secret_door: if party > 80 → True; available" in "\n".join(choice_report(game))
    assert "unknown stat" in command(game, ":set nothing 3")[0]
    assert "true or false" in command(game, ":set went_back 3")[0]
    assert command(game, ":set party 500") == ["[debug] party = 100"]
    assert "secret=0*" in "\n".join(state_report(game))
    command(game, ":goto letter")
    assert game.state.node == "letter"
    game.choose("read")  # the event resumes toward the scene the writer jumped from
    assert game.state.node == "start"


def test_plain_debug_mode(mini: str) -> None:
    out = cli("play", "--plain", "--debug", "--seed", "0", "--story", mini, stdin="1\n:state\n:goto good_end\n").stdout
    assert "[debug]   back: no condition; available; → moscow" in out
    assert "[debug] last effects: party 45→50, secret 0→3, went_back False→True" in out
    assert "THE END: The Good End" in out


def test_plain_watch_reloads_the_story(mini: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import time
    from pathlib import Path

    story = tmp_path / "live"
    shutil.copytree(mini, story)
    process = subprocess.Popen([sys.executable, "-m", "kremlin_tui", "play", "--plain", "--watch", "--seed", "1",
                                "--story", str(story)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdin is not None
    import threading

    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()

    def wait_for(text: str) -> None:  # a loaded machine may take seconds, not the one a sleep allowed
        deadline = time.monotonic() + 60
        while text not in "".join(lines) and time.monotonic() < deadline:
            time.sleep(0.05)

    process.stdin.write("1\n")
    process.stdin.flush()
    wait_for("Red Square in the frost.")
    time.sleep(0.2)  # the watcher has taken its first look at the files
    scenes = Path(story, "one.yaml")
    scenes.write_text(scenes.read_text().replace("Red Square in the frost.", "Red Square, edited live."))
    wait_for("[watch] story reloaded")
    process.stdin.write("quit\n")
    process.stdin.flush()
    process.wait(timeout=30)
    reader.join(timeout=10)
    out = "".join(lines)
    assert "[watch] story reloaded; 1 of 1 decisions replayed" in out
    assert "Red Square, edited live." in out


def test_the_example_mod_hooks_into_the_campaign_and_is_reached() -> None:
    from pathlib import Path

    from kremlin_tui.checker import check_story
    from kremlin_tui.explore import explore
    from kremlin_tui.paths import default_story_dir

    dirs = [str(default_story_dir()), str(Path(__file__).resolve().parent.parent / "examples" / "mod-example")]
    report = check_story(dirs)
    assert report.errors == [], [str(e) for e in report.errors[:5]]
    story = load_story(dirs)
    assert [c.id for c in story.nodes["tiflis_telegram"].choices][-1] == "mod_meet_mdivani"
    result = explore(story, 400, 0, "coverage", jobs=1)
    assert result["errors"] == []
    mod_nodes = {"mod_platform", "mod_tiflis_speech", "mod_georgian_rising", "mod_caucasus_ending"}
    assert not mod_nodes & set(result["nodes"]["unvisited"])
    assert result["endings"]["mod_caucasus_ending"] > 0


def test_graph_only_draws_a_mod_with_its_entries_exits_and_flag_edges() -> None:
    from kremlin_tui.paths import default_story_dir

    mod = str(Path(__file__).resolve().parent.parent / "examples" / "mod-example")
    story = load_story([str(default_story_dir()), mod])
    dot = to_dot(story, only=[mod], flags=True)
    # the mod's own scenes in full; the campaign's scenes it touches in grey, with their titles
    assert '"mod_platform" [shape=box, label="The Georgian Comrades\\n(mod_platform)"];' in dot
    assert '"tiflis_telegram" [shape=box, label="The Telegram at Tiflis\\n(tiflis_telegram)", color=gray60' in dot
    assert '"tiflis_telegram" -> "mod_platform"' in dot  # the entry: a choice the mod adds with `extend`
    assert '"mod_tiflis_speech" -> "funeral_red_square"' in dot  # an exit back into the campaign
    # set here, tested there: the flag edge makes the delayed consequence visible
    assert '"tiflis_telegram" -> "mod_georgian_rising" [label="mod_met_mdivani", style=dashed' in dot
    assert '"troika_opening" [' not in dot  # untouched campaign scenes are left out
    mermaid = to_mermaid(story, only=[mod], flags=True)
    assert "tiflis_telegram -.-o|\"mod_met_mdivani\"| mod_georgian_rising" in mermaid
    assert "class funeral_absent_whispers," in mermaid or "funeral_absent_whispers" in mermaid.split("classDef context")[1]


def test_graph_titles_nodes_outside_a_chapter(mini: str) -> None:
    import re

    story = load_story([mini])
    mermaid = to_mermaid(story, chapter="two")
    ends = {end for line in mermaid.splitlines() for end in re.findall(r"^  (\w+) -[-.]+>\|.*\| (\w+)$", line) for end in end}
    outside = {e for e in ends if story.nodes[e].chapter != "two"}
    assert outside  # the chapter is entered from another chapter (or leads to an ending outside it)
    for name in outside:
        assert re.search(rf'^  {name}(\["|\(\(\("|\{{\{{"){re.escape(story.nodes[name].title)}', mermaid, re.M), name


def test_graph_only_rejects_a_missing_folder(mini: str) -> None:
    assert cli("graph", "--story", mini, "--only", "/no/such/folder").returncode == 2
