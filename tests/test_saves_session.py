"""The Session: save/load round trips of every part of the state, undo/redo without re-rolls,
autosave rotation, continue, play time and unsaved progress."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kremlin_tui.engine import ChoiceUnavailable
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.saves import (
    IDLE_CAP_SECONDS,
    UNDO_LIMIT,
    NoSuchSave,
    SaveError,
    SaveStore,
    Session,
    SlotNameError,
)

MINI = str(Path(__file__).parent / "fixtures" / "mini")

LOOP = """\
nodes:
  - id: a
    title: The Loop
    text: "Round {decisions}: party {party}."
    choices:
      - id: roll
        label: Roll the dice
        goto: a
        outcomes:
          - {weight: 1, effects: [party += 3]}
          - {weight: 1, effects: [party -= 2]}
          - {weight: "if(party > 50, 2, 0)", effects: [britain += 5], result: Lucky.}
      - id: steady
        label: Hold steady
        effects: [hidden_x += 1]
        goto: a
      - id: stop
        label: Stop
        goto: end
endings:
  - {id: end, title: The End, text: Done.}
"""


@pytest.fixture(scope="module")
def mini_story() -> Story:
    return load_story([MINI], cache=False)


@pytest.fixture
def loop_story(make_story: Callable[..., str]) -> Story:
    return load_story([make_story(LOOP)], cache=False)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> float:
        return self.now

    def utc(self) -> datetime:
        return self.wall + timedelta(seconds=self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


# -- round trips ---------------------------------------------------------------------------------


def test_every_part_of_the_state_survives_save_and_load(tmp_path: Path, mini_story: Story) -> None:
    store = SaveStore(tmp_path)
    session = Session.new(mini_story, 12345, store, autosave=False)
    for pick in ["on", "wait"]:
        session.choose(pick)
    state = session.state
    # this state exercises every field: make sure it really does
    assert state.resume == "vote_result" and state.node == "crisis"
    assert state.scheduled == {"letter": "1924-04-21"} and state.fired == {"crisis"}
    assert state.codex == ["lenin"] and state.chosen == {"start.on", "sukhumi.wait"}
    assert state.visits == {"start": 1, "sukhumi": 1, "crisis": 1} and len(state.history) == 2
    assert state.history[1].events == ("crisis",) and state.history[0].changes
    assert state.rng != 0 and state.seed == 12345
    session.save("full")
    loaded, report = Session.from_slot(mini_story, store, "full")
    assert report.mode == "exact" and report.lines() == []
    assert loaded.state == state  # dataclass equality: every field, every step, every change
    assert loaded.state.to_json() == state.to_json()
    # and the rest of the game is the same too: events, the letter, the vote's random draw
    for pick in ["weather", "read", "loop", "resign"]:
        assert session.choose(pick) == loaded.choose(pick)
    assert loaded.state == session.state and loaded.game.ended


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**40), walk=st.lists(st.integers(0, 10), max_size=8), cut=st.integers(0, 8))
def test_a_loaded_game_continues_exactly_as_the_unsaved_one(tmp_path: Path, mini_story: Story, seed: int,
                                                            walk: list[int], cut: int) -> None:
    """Saving at any point and loading gives the same future: same draws, same text."""
    store = SaveStore(tmp_path)
    original = Session.new(mini_story, seed, store, autosave=False)
    copy: Session | None = None
    for index, pick in enumerate(walk):
        if index == cut:
            original.save("point")
            copy = Session.from_slot(mini_story, store, "point")[0]
        if original.game.ended:
            break
        ids = original.game.available_ids()
        choice = ids[pick % len(ids)]
        result = original.choose(choice)
        if copy is not None:
            assert copy.choose(choice) == result
            assert copy.state == original.state


def test_an_ended_game_saves_and_loads(tmp_path: Path, mini_story: Story) -> None:
    store = SaveStore(tmp_path)
    session = Session.new(mini_story, 1, store)
    for pick in ["back", "vote", "resign"]:
        session.choose(pick)
    assert session.game.ended
    session.save("the end")
    info = store.info("the end")
    assert info.meta.ended and info.meta.scene_title == "The Bad End"
    loaded, _ = Session.from_slot(mini_story, store, "the end")
    assert loaded.game.ended and loaded.state == session.state
    assert loaded.undo() == 1 and loaded.state.node == "vote_result"


# -- undo and redo -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_undo_never_rerolls_a_random_outcome(mini_story: Story, seed: int) -> None:
    session = Session.new(mini_story, seed)
    session.choose("back")
    first = session.choose("vote")
    after = session.state.to_json()
    assert session.undo() == 1 and session.state.node == "moscow"
    assert session.choose("vote") == first  # the same draw, the same text, the same changes
    assert session.state.to_json() == after
    assert session.undo() == 1 and session.redo() == 1
    assert session.state.to_json() == after


def test_undo_draws_differ_between_seeds(mini_story: Story) -> None:
    """The vote really is random (else the test above would prove nothing)."""
    outcomes = set()
    for seed in range(40):
        session = Session.new(mini_story, seed)
        session.choose("back")
        outcomes.add(session.choose("vote").outcome)
    assert outcomes == {0, 1}


def test_undo_and_redo_walk_a_long_game_back_to_the_start_and_forward_again(loop_story: Story) -> None:
    session = Session.new(loop_story, 77)
    rng = random.Random(5)
    states = [session.state.to_json()]
    for _ in range(UNDO_LIMIT + 25):  # longer than the in-memory undo limit
        session.choose(rng.choice(["roll", "roll", "steady"]))
        states.append(session.state.to_json())
    assert len(session.state.history) == UNDO_LIMIT + 25
    for back in range(1, len(states)):
        assert session.undo() == 1, session.undo_problem
        assert session.state.to_json() == states[-1 - back], back
    assert session.undo() == 0 and session.undo_problem is None  # at the start: nothing to undo
    assert session.redo(1000) == len(states) - 1
    assert session.state.to_json() == states[-1]
    assert session.redo() == 0


def test_undo_several_steps_at_once_and_choosing_clears_redo(loop_story: Story) -> None:
    session = Session.new(loop_story, 3)
    states = [session.state.to_json()]
    for _ in range(30):
        session.choose("roll")
        states.append(session.state.to_json())
    assert session.undo(20) == 20 and session.state.to_json() == states[10]
    assert session.can_redo and session.redo_depth == 20
    assert session.redo(5) == 5 and session.state.to_json() == states[15]
    session.choose("steady")
    assert not session.can_redo and session.redo() == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), actions=st.lists(st.tuples(st.sampled_from(["choose", "undo", "redo"]),
                                                              st.integers(1, 4)), max_size=40))
def test_undo_redo_against_a_model(loop_story: Story, seed: int, actions: list[tuple[str, int]]) -> None:
    """A model of undo/redo as two stacks of states; the session must agree with it at every step,
    including after re-choosing (no re-rolls) and beyond a small in-memory limit (rebuilt by replay)."""
    session = Session.new(loop_story, seed, undo_limit=3)
    past: list[dict] = []
    future: list[dict] = []
    for action, count in actions:
        now = session.state.to_json()
        if action == "choose":
            if session.game.ended:
                continue
            pick = ["roll", "steady"][count % 2]
            session.choose(pick)
            past.append(now)
            future.clear()
        elif action == "undo":
            done = session.undo(count)
            assert done == min(count, len(past))
            for _ in range(done):
                future.append(now)
                now = past.pop()
            assert session.state.to_json() == now
        else:
            done = session.redo(count)
            assert done == min(count, len(future))
            for _ in range(done):
                past.append(now)
                now = future.pop()
            assert session.state.to_json() == now


def test_undo_works_after_loading_by_replaying_the_history(tmp_path: Path, loop_story: Story) -> None:
    store = SaveStore(tmp_path)
    session = Session.new(loop_story, 8, store)
    states = [session.state.to_json()]
    for _ in range(25):
        session.choose("roll")
        states.append(session.state.to_json())
    session.save("deep")
    loaded, _ = Session.from_slot(loop_story, store, "deep")
    assert loaded.undo(25) == 25 and loaded.state.to_json() == states[0]
    assert loaded.redo(25) == 25 and loaded.state.to_json() == states[-1]


def test_undo_refuses_to_invent_a_past_the_game_never_had(tmp_path: Path, loop_story: Story) -> None:
    store = SaveStore(tmp_path)
    session = Session.new(loop_story, 8, store)
    for _ in range(4):
        session.choose("roll")
    session.game.debug_set("party", 99)  # the writers' debugger: not a decision
    session.save("tampered")
    loaded, _ = Session.from_slot(loop_story, store, "tampered")
    before = loaded.state.to_json()
    assert loaded.undo() == 0
    assert loaded.undo_problem is not None and "cannot be rebuilt exactly" in loaded.undo_problem
    assert loaded.state.to_json() == before
    loaded.choose("steady")  # undo within this session's own decisions still works
    assert loaded.undo() == 1 and loaded.state.to_json() == before


def test_a_failed_choice_changes_nothing(mini_story: Story) -> None:
    session = Session.new(mini_story, 2)
    before = session.state.to_json()
    with pytest.raises(ChoiceUnavailable):
        session.choose("secret_door")
    with pytest.raises(ChoiceUnavailable):
        session.choose(9)
    assert session.state.to_json() == before and not session.can_redo and session.undo() == 0


# -- autosave, quick save, continue --------------------------------------------------------------


def test_autosave_after_every_decision_rotates_three_files_of_this_game(tmp_path: Path, loop_story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = FakeClock()
    session = Session.new(loop_story, 4, store, clock=clock, now=clock.utc)
    ring = [f"autosave-{session.game_id}-{n}" for n in (1, 2, 3)]
    assert store.list() == []  # starting a game writes nothing
    for number in range(1, 6):
        clock.advance(1)
        session.choose("steady")
        assert session.last_autosave == ring[(number - 1) % 3]
    decisions = {slot: store.read(slot).save.state.decisions for slot in ring}
    assert decisions == {ring[0]: 4, ring[1]: 5, ring[2]: 3}
    assert {i.slot for i in store.list()} == set(ring)
    assert all(i.kind == "auto" and i.game is not None and i.game.id == session.game_id for i in store.list())
    # a later session continues the rotation after the newest autosave, overwriting the oldest
    resumed, report = Session.resume(loop_story, store, clock=clock, now=clock.utc)  # type: ignore[misc]
    assert report.slot == ring[1] and resumed.state.decisions == 5 and resumed.game_id == session.game_id
    assert resumed.game_name == session.game_name
    clock.advance(1)
    resumed.choose("steady")
    assert resumed.last_autosave == ring[2]
    assert resumed.undo() == 1 and resumed.last_autosave == ring[0]  # undo autosaves too


def test_each_game_has_its_own_ring_and_a_game_left_keeps_its_latest_autosave(tmp_path: Path,
                                                                             loop_story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = FakeClock()
    first = Session.new(loop_story, 4, store, clock=clock, now=clock.utc)
    for _ in range(5):
        clock.advance(1)
        first.choose("steady")
    latest_of_first = first.state.to_json()
    clock.advance(1)
    second = Session.new(loop_story, 5, store, clock=clock, now=clock.utc)
    assert second.game_id != first.game_id
    assert second.game_name == first.game_name + " (2)"  # started in the same minute: named apart
    for _ in range(3):
        clock.advance(1)
        second.choose("steady")
    games, bad = store.games(loop_story.campaign.id)
    assert bad == [] and [g.game.id for g in games] == [second.game_id, first.game_id]
    assert len([i for i in games[0].saves if not i.is_backup]) == 3  # the game being played: its ring of 3
    assert len([i for i in games[1].saves if not i.is_backup]) == 3  # played a moment ago: maybe open elsewhere
    clock.advance(3600)
    second.choose("steady")  # the first game is left: its older moments are in its latest autosave
    games, bad = store.games(loop_story.campaign.id)
    kept = [i for g in games if g.game.id == first.game_id for i in g.saves if not i.is_backup]
    assert len(kept) == 1
    assert store.read(kept[0].slot).save.state.to_json() == latest_of_first


def test_autosaves_are_kept_for_every_game_however_many(tmp_path: Path, loop_story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = FakeClock()
    ids = []
    for seed in range(22):
        clock.advance(4000)
        session = Session.new(loop_story, seed + 1, store, clock=clock, now=clock.utc)
        session.choose("steady")
        ids.append(session.game_id)
    autosaved = {i.game.id for i in store.list() if i.game is not None}
    assert autosaved == set(ids)  # no game loses its only autosave (there were 20 at most)
    session.save("named")
    assert "named" in [i.slot for i in store.list()]


def test_continue_picks_the_newest_save_of_any_kind_of_this_story(tmp_path: Path, loop_story: Story,
                                                                  mini_story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = FakeClock()
    session = Session.new(loop_story, 4, store, clock=clock, now=clock.utc)
    session.choose("roll")
    clock.advance(5)
    session.save("named")
    clock.advance(5)
    session.choose("roll")
    clock.advance(5)
    session.quicksave()
    assert Session.resume(loop_story, store)[1].slot == session.quick_slot  # type: ignore[index]
    clock.advance(5)
    session.choose("steady")  # its third autosave is now the newest
    clock.advance(5)
    other = Session.new(mini_story, 1, store, clock=clock, now=clock.utc)
    other.save("another story, newer")
    resumed, report = Session.resume(loop_story, store)  # type: ignore[misc]
    assert report.slot == f"autosave-{session.game_id}-3" and resumed.state == session.state
    assert resumed.slot is None  # an autosave is not "the save you are playing"
    assert Session.resume(loop_story, SaveStore(tmp_path / "empty")) is None


def test_quicksave_and_quickload(tmp_path: Path, mini_story: Story) -> None:
    store = SaveStore(tmp_path)
    session = Session.new(mini_story, 6, store)
    with pytest.raises(NoSuchSave):
        session.quickload()
    session.choose("back")
    assert session.quicksave() == f"quicksave-{session.game_id}"
    saved = session.state.to_json()
    session.choose("vote")
    report = session.quickload()
    assert report.slot == session.quick_slot and session.state.to_json() == saved
    assert store.info(session.quick_slot).kind == "quick"


def test_autosave_failure_never_stops_the_game(tmp_path: Path, mini_story: Story) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    session = Session.new(mini_story, 6, SaveStore(blocker))
    session.choose("back")  # no exception
    assert session.state.node == "moscow"
    assert session.autosave_error is not None and "is not a folder" in session.autosave_error
    with pytest.raises(SaveError, match="is not a folder"):
        session.save("x")
    assert session.state.node == "moscow"


def test_without_a_store_undo_works_and_saving_says_why_not(mini_story: Story) -> None:
    session = Session.new(mini_story, 6)
    session.choose("back")
    assert session.autosave() is None and session.autosave_error is None
    with pytest.raises(SaveError, match="no saves folder"):
        session.save("x")
    assert session.undo() == 1


def test_save_names_are_checked(tmp_path: Path, mini_story: Story) -> None:
    session = Session.new(mini_story, 6, SaveStore(tmp_path))
    with pytest.raises(SlotNameError):
        session.save("autosave-2")
    with pytest.raises(SlotNameError):
        session.save("../..")
    assert session.save("../my game") == "my game"
    assert session.slot == "my game" and (tmp_path / "my game.json").is_file()
    assert session.save("my game") == "my game"  # the same save again: allowed (front ends ask first)
    assert session.rename("my game", "renamed") == "renamed" and session.slot == "renamed"
    session.delete("renamed")
    assert session.slot is None and session.saves() == []


# -- play time and unsaved progress --------------------------------------------------------------


def test_play_time_counts_activity_caps_idle_gaps_and_carries_across_loads(tmp_path: Path, mini_story: Story) -> None:
    store = SaveStore(tmp_path)
    clock = FakeClock()
    session = Session.new(mini_story, 6, store, clock=clock, now=clock.utc)
    clock.advance(30)
    session.choose("back")
    clock.advance(20)
    assert session.play_seconds == 50
    clock.advance(10_000)  # left open overnight
    assert session.play_seconds == 30 + IDLE_CAP_SECONDS
    session.save("timed")
    assert store.info("timed").meta.play_seconds == 30 + IDLE_CAP_SECONDS
    assert store.info("timed").meta.saved_at.startswith("2024-05-01T")
    loaded, _ = Session.from_slot(mini_story, store, "timed", clock=clock, now=clock.utc)
    clock.advance(15)
    assert loaded.play_seconds == 30 + IDLE_CAP_SECONDS + 15


def test_unsaved_progress(tmp_path: Path, mini_story: Story) -> None:
    session = Session.new(mini_story, 6, SaveStore(tmp_path))
    assert not session.unsaved  # nothing to lose yet
    session.choose("back")
    assert session.unsaved  # the autosave does not count
    session.save("one")
    assert not session.unsaved
    session.choose("vote")
    assert session.unsaved
    session.undo()
    assert not session.unsaved  # back to exactly what is saved
    session.choose("vote")
    session.quicksave()
    assert not session.unsaved
    session.load("one")
    assert not session.unsaved and session.slot == "one"
