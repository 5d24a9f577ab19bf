"""Every game has its own quick save: game B's quick save never replaces game A's (nor its
backup), and quick load loads the quick save of the game in play, or says there is none.
The same in the session API, in plain mode and (tests/tui/test_saves_quick.py) in the TUI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kremlin_tui.loader import load_story
from kremlin_tui.plain import run_plain
from kremlin_tui.saves import NoSuchSave, SaveStore, Session, quickload_question
from kremlin_tui.saves.slots import QUICKSAVE_SLOT


def test_two_games_keep_two_quick_saves_and_each_loads_its_own(tmp_path: Path, loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    first = Session.new(story, 3, store)
    first.choose("roll")
    first.quicksave()
    first.choose("roll")
    first.quicksave()  # the first game's quick save now has a backup too
    moment_a = first.state.to_json()
    second = Session.new(story, 4, store)
    for _ in range(3):
        second.choose("steady")
    second.quicksave()
    second.choose("steady")
    second.quicksave()
    moment_b = second.state.to_json()

    quick = sorted(i.slot for i in store.list() if i.kind == "quick")
    assert quick == sorted([f"quicksave-{first.game_id}", f"quicksave-{second.game_id}"])
    assert store.read(first.quick_slot).save.state.to_json() == moment_a  # untouched by the second game
    assert store.backup_path(first.quick_slot).is_file()  # and so is its previous version
    games, _bad = store.games(story.campaign.id)
    by_game = {g.game.id: [i.slot for i in g.saves if i.kind == "quick" and not i.is_backup] for g in games}
    assert by_game[first.game_id] == [first.quick_slot]  # listed under its own game
    assert by_game[second.game_id] == [second.quick_slot]

    second.choose("steady")
    second.quickload()
    assert second.state.to_json() == moment_b  # the second game's own quick save
    first.choose("steady")
    first.quickload()
    assert first.state.to_json() == moment_a and first.game_id != second.game_id


def test_quick_load_without_a_quick_save_of_this_game_says_so_and_loads_nothing(tmp_path: Path,
                                                                                loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    first = Session.new(story, 3, store)
    first.choose("roll")
    first.quicksave()
    second = Session.new(story, 4, store)
    second.choose("steady")
    before = second.state.to_json()
    with pytest.raises(NoSuchSave, match="no quick save of this game"):
        quickload_question(second)
    with pytest.raises(NoSuchSave, match="no quick save of this game"):
        second.quickload()
    assert second.state.to_json() == before and second.game_id != first.game_id


def test_the_old_shared_quick_save_is_loaded_by_its_own_game_only(tmp_path: Path, loop_story_dir: str) -> None:
    """A `quicksave.json` written before every game had its own slot is read, never written:
    F9 of the game it holds loads it (until that game quick-saves again); other games do not."""
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    owner = Session.new(story, 3, store)
    owner.choose("roll")
    owner.quicksave()
    store.path_for(owner.quick_slot).rename(store.path_for(QUICKSAVE_SLOT))  # as the old version left it
    document = json.loads(store.path_for(QUICKSAVE_SLOT).read_text())
    document["meta"]["slot"] = QUICKSAVE_SLOT
    store.path_for(QUICKSAVE_SLOT).write_text(json.dumps(document))
    old_moment = owner.state.to_json()
    owner.choose("roll")
    assert owner.quickload_slot() == QUICKSAVE_SLOT
    owner.quickload()
    assert owner.state.to_json() == old_moment
    other = Session.new(story, 4, store)
    other.choose("steady")
    with pytest.raises(NoSuchSave):
        other.quickload()
    other.quicksave()
    assert store.read(QUICKSAVE_SLOT).save.state.to_json() == old_moment  # never written again


def test_a_branch_quick_loads_the_quick_save_it_made_before_it_branched(tmp_path: Path, loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    window = Session.new(story, 3, store)
    window.choose("roll")
    window.quicksave()
    saved = window.state.to_json()
    other_window = Session.from_slot(story, store, window.quick_slot)[0]  # the same game, open twice
    other_window.choose("steady")
    window.choose("roll")  # its ring now holds a moment this line never had: it goes on as a branch
    assert window.branch_note is not None
    window.quickload()
    assert window.state.to_json() == saved
    window.choose("roll")  # branches again (the other window's moment is still in the ring)
    third = Session.new(story, 9, store)
    third.choose("steady")
    third.save("third game")
    window.load("third game")  # another game: the quick saves of the first are not its own
    with pytest.raises(NoSuchSave):
        window.quickload()


def run(story_dir: str, saves: Path, keys: str, seed: int = 7) -> str:
    story = load_story([story_dir], cache=False)
    session = Session.new(story, seed, SaveStore(saves))
    out = io.StringIO()
    run_plain(story, session.game, io.StringIO(keys), out, session=session, new_seed=lambda: seed + 1)
    return out.getvalue()


def test_plain_mode_new_game_keeps_the_first_games_quick_save(tmp_path: Path, loop_story_dir: str) -> None:
    saves = tmp_path / "saves"
    out = run(loop_story_dir, saves, "1\nquicksave\n1\nquicksave\nnew\ny\n2\nquickload\nquicksave\n2\nquickload\ny\n")
    assert out.count("Saved to this game's quick save slot.") == 3
    assert "There is no quick save of this game yet" in out  # the new game has none: nothing loaded
    assert out.count("Loaded the quick save.") == 1  # the new game's own, after it made one
    store = SaveStore(saves)
    quick = [i for i in store.list() if i.kind == "quick"]
    assert len(quick) == 2 and {i.meta.decisions for i in quick} == {2, 1}
    again = run(loop_story_dir, saves, "1\nquicksave\n1\nquicksave\nnew\ny\n2\nquickload\nquicksave\n2\nquickload\ny\n")
    assert again == out  # the random game ids never reach the transcript


def test_a_previous_version_is_listed_right_under_its_own_save(tmp_path: Path, loop_story_dir: str) -> None:
    """The quick save's previous version must not sit under a newer autosave, where "Enter
    restores" would seem to be about the autosave."""
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    session = Session.new(story, 3, store)
    session.choose("roll")
    session.quicksave()
    session.choose("roll")
    session.quicksave()
    session.choose("steady")  # an autosave newer than both quick saves
    store.backup_path(session.last_autosave or "").unlink(missing_ok=True)
    [group], _bad = store.games(story.campaign.id)
    order = [(i.slot, i.is_backup) for i in group.saves]
    at = order.index((session.quick_slot, False))
    assert order[at + 1] == (session.quick_slot, True)
