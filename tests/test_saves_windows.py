"""Several windows (or a terminal and a browser tab) on one saves folder: what one plays is never
overwritten by another, also after an undo that takes back a load. (Found by a random
interleaving of windows: /work/notes/p22saves.md, fuzz_windows.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kremlin_tui.loader import load_story
from kremlin_tui.saves import SaveStore, Session


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def utc(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self.now)

    def tick(self) -> None:
        self.now += 5


def on_disk(store: SaveStore) -> list[object]:
    return [store.read_path(i.path).state.to_json() for i in [*store.list(), *store.backups()] if i.ok]


def test_undoing_a_load_brings_back_what_the_line_knew_of_its_ring(tmp_path: Path, loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    clock = Clock()
    first = Session.new(story, 3, store, clock=clock, now=clock.utc)
    for _ in range(3):
        clock.tick()
        first.choose("roll")
    clock.tick()
    second = Session.from_slot(story, store, first.last_autosave or "", clock=clock, now=clock.utc)[0]
    clock.tick()
    second.choose("steady")  # the other window goes on in the same game's ring
    theirs = second.state.to_json()
    clock.tick()
    other_game = Session.new(story, 9, store, clock=clock, now=clock.utc)
    other_game.choose("roll")
    other_game.save("other")
    clock.tick()
    first.load("other")  # a later save of another game: the line now runs from its time
    clock.tick()
    assert first.undo(2) == 2  # takes back the load, then a decision: an autosave of the first game
    assert first.undone_loads == 1
    assert theirs in on_disk(store)  # the other window's moment is still there
    assert first.branch_note is not None  # the first window went on as a branch instead


def test_a_moment_another_window_plays_is_not_taken_for_one_this_window_undid(tmp_path: Path,
                                                                                 loop_story_dir: str) -> None:
    """Window A decides, undoes; window B, on the same game from A's earlier moment, takes the
    very decision A undid and is playing it; A then decides otherwise: it must not overwrite B's
    live moment as if it were the one A took back."""
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    clock = Clock()
    a = Session.new(story, 3, store, clock=clock, now=clock.utc)
    clock.tick()
    a.choose("steady")
    clock.tick()
    a.undo()  # A's ring: [steady], then []
    clock.tick()
    b = Session.from_slot(story, store, a.last_autosave or "", clock=clock, now=clock.utc)[0]
    clock.tick()
    b.choose("steady")  # B plays the moment A took back, into the third slot
    theirs = b.state.to_json()
    clock.tick()
    a.choose("roll")  # A's next slot is the one B just wrote
    assert theirs in on_disk(store)
    assert a.branch_note is not None


def test_renaming_the_game_after_an_undo_makes_no_branch(tmp_path: Path, loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    clock = Clock()
    a = Session.new(story, 3, store, clock=clock, now=clock.utc)
    for move in ("roll", "roll", "steady"):
        clock.tick()
        a.choose(move)
    clock.tick()
    a.undo()
    a.rename_game("The long game")  # rewrites its ring files, with the new name
    clock.tick()
    a.choose("roll")
    clock.tick()
    a.choose("roll")
    assert a.branch_note is None and a.game_name == "The long game"
