"""Issue 11's "done when" in plain mode: `new`, `saves`, `load`, and questions answered y/n."""

from __future__ import annotations

import io
from pathlib import Path

from kremlin_tui.loader import load_story
from kremlin_tui.plain import run_plain
from kremlin_tui.saves import SaveStore, Session


def run(story_dir: str, saves: Path, keys: str, seed: int = 7) -> str:
    story = load_story([story_dir], cache=False)
    session = Session.new(story, seed, SaveStore(saves))
    out = io.StringIO()
    run_plain(story, session.game, io.StringIO(keys), out, session=session, new_seed=lambda: seed + 1)
    return out.getvalue()


def test_new_game_then_load_the_first_game_by_name(tmp_path: Path, loop_story_dir: str) -> None:
    story_dir = loop_story_dir
    saves = tmp_path / "saves"
    keys = "1\n" * 10 + "name Game A\nnew\ny\n" + "1\n" * 10 + "saves\nload Game A\nquicksave\n"
    out = run(story_dir, saves, keys)
    assert "This game is now called 'Game A'." in out
    assert "Start a new game? This game (10 decisions, " in out and "nothing is lost." in out
    assert "A new game begins." in out
    listing = out.split("> saves")[1].split("> load")[0]
    assert listing.index("Game of ") < listing.index("Game A — 10 decisions")  # the game played last first
    assert "Loaded 'autosave-" in out

    expected = Session.new(load_story([story_dir], cache=False), 7)  # game A, played again on its own
    for _ in range(10):
        expected.choose(1)
    store = SaveStore(saves)
    quick = [i.slot for i in store.list() if i.kind == "quick"]
    assert len(quick) == 1  # game A's own quick slot
    loaded = store.read(quick[0]).save
    assert loaded.state.to_json() == expected.state.to_json()
    assert loaded.identity.name == "Game A"


def test_every_question_treats_no_and_end_of_input_as_no(tmp_path: Path, loop_story_dir: str) -> None:
    story_dir = loop_story_dir
    saves = tmp_path / "saves"
    out = run(story_dir, saves, "1\nquicksave\n1\n1\nquickload\nn\nsave x\n1\nsave x\nno\ndelete x\nmaybe\nnew\n\n")
    assert out.count("Nothing was changed.") == 4
    assert "Load the quick save? You would lose 2 decisions made since the quick save of " in " ".join(out.split())
    assert "Replace the save 'x' (3 decisions, " in out
    assert "Delete the save 'x' (3 decisions, " in out
    assert out.count("Saved as 'x'.") == 1
    assert (saves / "x.json").is_file()
    out = run(story_dir, saves, "1\nnew\n")  # end of input while asking: no
    assert out.endswith("y/n? \nNothing was changed.\n> \n")
    assert "A new game begins." not in out


def test_quickload_answered_yes_and_undo_takes_the_load_back(tmp_path: Path, loop_story_dir: str) -> None:
    story_dir = loop_story_dir
    out = run(story_dir, tmp_path / "saves", "1\nquicksave\n1\n1\nquickload\ny\nundo\nstats\n")
    assert "Loaded the quick save." in out
    assert "Took back the load." in out
    assert "Round 3" in out.split("> undo")[1]  # back at the third decision's scene


def test_slot_names_that_differ_only_in_unstorable_characters_never_overwrite(
        tmp_path: Path, loop_story_dir: str) -> None:
    saves = tmp_path / "saves"
    out = run(loop_story_dir, saves, "save a/b\n1\nsave a\\b\nsave a-b\nsave a/b\ny\n")
    assert "Saved as 'a-b'." in out
    assert "'a\\b' would be stored in the same file (a-b.json) as the save 'a/b'" in " ".join(out.split())
    assert "'a-b' would be stored in the same file (a-b.json) as the save 'a/b'" in " ".join(out.split())
    assert out.count("Saved as 'a-b'.") == 2  # the same name again replaces it, after the question
    assert SaveStore(saves).read("a-b").save.state.decisions == 1
