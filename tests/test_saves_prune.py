"""Autosave pruning deletes only what another save of the same game still holds: never a game's
newest autosave, never because of a count of games (saves copied in from another folder,
branches), never a game played lately (two windows), never a moment nothing else holds."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.saves import SaveStore, Session


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> float:
        return self.now

    def utc(self) -> datetime:
        return self.wall + timedelta(seconds=self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def story(loop_story_dir: str) -> Story:
    return load_story([loop_story_dir], cache=False)


def game(story: Story, store: SaveStore, clock: Clock, seed: int, moves: str) -> Session:
    session = Session.new(story, seed, store, clock=clock, now=clock.utc)
    for move in moves:
        clock.advance(1)
        session.choose("roll" if move == "r" else "steady")
    return session


def ring_of(store: SaveStore, game_id: str) -> list[str]:
    return sorted(i.slot for i in store.list() if i.game is not None and i.game.id == game_id and i.kind == "auto")


def test_saves_copied_in_from_another_folder_all_keep_their_autosaves(tmp_path: Path, story: Story) -> None:
    """docs/saves.md "Moving your saves": 25 games copied in, then one decision here. (The old
    rule kept the autosaves of the 20 games played last and deleted the rest.)"""
    elsewhere, here = SaveStore(tmp_path / "elsewhere"), SaveStore(tmp_path / "here")
    clock = Clock()
    ids = [game(story, elsewhere, clock, seed, "rs").game_id for seed in range(1, 26)]
    for path in elsewhere.directory.iterdir():
        shutil.copy2(path, here.directory / path.name) if here.directory.exists() else (
            here.directory.mkdir(), shutil.copy2(path, here.directory / path.name))
    clock.advance(10 * 86400)
    mine = game(story, here, clock, 99, "r")
    listed = {i.game.id for i in here.list() if i.game is not None}
    assert listed == {*ids, mine.game_id}
    for game_id in ids:  # each keeps its newest moment (its older ones are in it)
        latest = [here.read(slot).save.state.decisions for slot in ring_of(here, game_id)]
        assert max(latest) == 2


def test_two_windows_playing_two_games_keep_both_rings_whole(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = Clock()
    left = game(story, store, clock, 1, "rrrr")
    right = game(story, store, clock, 2, "ssss")
    for _ in range(5):  # the two windows take turns, a minute apart
        clock.advance(60)
        left.choose("roll")
        clock.advance(60)
        right.choose("steady")
    assert len(ring_of(store, left.game_id)) == 3 and len(ring_of(store, right.game_id)) == 3


def test_a_game_left_an_hour_keeps_its_newest_autosave_which_holds_the_others(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = Clock()
    first = game(story, store, clock, 1, "rrsrs")
    newest = first.state.to_json()
    earlier = [store.read(slot).save.state.to_json() for slot in ring_of(store, first.game_id)]
    clock.advance(3590)
    second = game(story, store, clock, 2, "s")
    assert len(ring_of(store, first.game_id)) == 3  # not yet an hour
    clock.advance(20)
    second.choose("steady")
    [kept] = ring_of(store, first.game_id)
    assert not store.backup_path(kept).exists() or store.read_path(store.backup_path(kept))
    loaded, _report = Session.from_slot(story, store, kept, clock=clock, now=clock.utc)
    assert loaded.state.to_json() == newest
    undone = []
    while loaded.undo():
        undone.append(loaded.state.to_json())
    assert all(state in undone for state in earlier if state != newest)  # every pruned moment comes back


def test_a_moment_the_newest_autosave_does_not_hold_is_kept(tmp_path: Path, story: Story) -> None:
    """Undo, then another choice: the ring holds a line the newest autosave does not go through."""
    store = SaveStore(tmp_path)
    clock = Clock()
    first = game(story, store, clock, 1, "rr")
    clock.advance(1)
    first.undo()
    clock.advance(1)
    first.choose("steady")  # ring: [r], [r r], then undo wrote [r], then [r s]
    lines = {slot: [s.choice for s in store.read(slot).save.state.history] for slot in ring_of(store, first.game_id)}
    assert ["roll", "roll"] in lines.values()
    clock.advance(7200)
    game(story, store, clock, 2, "s")
    after = {slot: [s.choice for s in store.read(slot).save.state.history] for slot in ring_of(store, first.game_id)}
    assert ["roll", "roll"] in after.values() and ["roll", "steady"] in after.values()
    assert ["roll"] not in after.values()  # the one both lines go through goes


def test_a_backup_of_another_game_keeps_its_slot(tmp_path: Path, story: Story) -> None:
    """An autosave's previous version may be another game's only trace (the old shared ring):
    such a pair is never removed."""
    store = SaveStore(tmp_path)
    clock = Clock()
    first = game(story, store, clock, 1, "rrr")
    stranger = game(story, SaveStore(tmp_path / "x"), clock, 5, "ss")
    oldest = ring_of(store, first.game_id)[0]
    shutil.copy2(SaveStore(tmp_path / "x").path_for(stranger.last_autosave or ""), store.backup_path(oldest))
    clock.advance(7200)
    game(story, store, clock, 2, "s")
    assert store.path_for(oldest).exists() and store.backup_path(oldest).exists()
    assert len(ring_of(store, first.game_id)) == 2  # the other older one went


def test_moments_of_another_story_text_are_kept(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = Clock()
    first = game(story, store, clock, 1, "rrr")
    for slot in ring_of(store, first.game_id)[:2]:  # written before the story was edited
        path = store.path_for(slot)
        document = json.loads(path.read_text())
        document["story"]["hash"] = "0" * 64
        path.write_text(json.dumps(document))
    clock.advance(7200)
    game(story, store, clock, 2, "s")
    assert len(ring_of(store, first.game_id)) == 3


def test_the_game_in_play_and_named_and_quick_saves_are_never_pruned(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = Clock()
    first = game(story, store, clock, 1, "r")
    first.save("named")
    first.quicksave()
    clock.advance(7200)
    first.choose("roll")
    first.choose("roll")
    clock.advance(7200)
    first.choose("roll")
    assert len(ring_of(store, first.game_id)) == 3
    clock.advance(7200)
    game(story, store, clock, 2, "s")
    slots = {i.slot for i in store.list()}
    assert "named" in slots and first.quick_slot in slots and len(ring_of(store, first.game_id)) == 1


def test_the_game_in_play_is_never_pruned_however_late_it_is(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = Clock()
    first = game(story, store, clock, 1, "rrrr")
    assert store.prune_autosaves(first.game_id, clock.utc() + timedelta(days=30)) == []
    assert len(ring_of(store, first.game_id)) == 3


def test_an_autosave_of_the_old_shared_ring_goes_once_its_game_holds_it_elsewhere(tmp_path: Path,
                                                                                   story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = Clock()
    first = game(story, store, clock, 1, "r")
    store.path_for(first.last_autosave or "").rename(store.path_for("autosave-1"))  # as an old version left it
    resumed, _report = Session.from_slot(story, store, "autosave-1", clock=clock, now=clock.utc)
    clock.advance(5)
    resumed.choose("roll")  # the game goes on in its own ring
    clock.advance(7200)
    game(story, store, clock, 2, "s")
    assert not store.path_for("autosave-1").exists()
    assert ring_of(store, first.game_id) == [resumed.last_autosave]
