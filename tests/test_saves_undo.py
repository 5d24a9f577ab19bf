"""Undo and redo keep states that share their structure (saves/undo.py), and give them back exactly."""

from __future__ import annotations

import json
import random
import tracemalloc

import pytest

from kremlin_tui.engine import Game, GameState
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.paths import default_story_dir
from kremlin_tui.saves import UNDO_LIMIT, Session
from kremlin_tui.saves.undo import StateStack

ORDERED = ("vars", "visits", "scheduled", "provenance", "codex", "history")


@pytest.fixture(scope="module")
def campaign() -> Story:
    return load_story([str(default_story_dir())], cache=False)


def _exactly(a: GameState, b: GameState) -> bool:
    """Equal, with every mapping and list in the same order and every value of the same type: a
    save writes 1 and 1.0 differently, and mappings in their order."""
    return a == b and all(list(getattr(a, f)) == list(getattr(b, f)) for f in ORDERED) and \
        json.dumps(a.to_json()) == json.dumps(b.to_json())


def _long_game(story: Story, decisions: int) -> list[GameState]:
    """The states before each decision of a campaign game at least `decisions` long."""
    for seed in range(100):
        game, rng, states = Game.new(story, seed), random.Random(seed), []
        while not game.ended:
            states.append(game.state.copy())
            game.choose(rng.choice(game.available_ids()))
        if len(states) >= decisions:
            return states
    raise AssertionError("no game that long")


def test_undo_and_redo_are_exact_with_the_debugger_changing_things_between_decisions(campaign: Story) -> None:
    session = Session.new(campaign, 4, undo_limit=UNDO_LIMIT)
    rng = random.Random(4)
    seen = [session.state.copy()]
    stats = sorted(campaign.stats)
    while not session.game.ended and len(seen) < 40:
        if len(seen) % 3 == 0:  # the writers' debugger: a value set by hand
            session.game.debug_set(rng.choice(stats), rng.choice([0, 1, 55]))
        if len(seen) % 4 == 0:  # the same value of another type (an int made a float): equal, yet not the same
            name = rng.choice(stats)
            session.game.debug_set(name, float(session.state.vars[name]))
        seen[-1] = session.state.copy()
        session.choose(rng.choice(session.game.available_ids()))
        seen.append(session.state.copy())
    assert len(seen) > 20
    for back in range(1, len(seen)):
        assert session.undo() == 1
        assert _exactly(session.state, seen[-1 - back]), back
    assert session.redo(len(seen)) == len(seen) - 1
    assert _exactly(session.state, seen[-1])


def test_a_stack_restores_removed_keys_reordered_mappings_and_shorter_lists(campaign: Story) -> None:
    first = Game.new(campaign, 1).state
    second = first.copy()
    second.vars = dict(reversed(list(first.vars.items())))  # the same values in another order
    second.scheduled = {"letter": "1925-01-01"}
    second.history = []
    second.chosen = {"a.b"}
    second.resume, second.rng = "somewhere", first.rng + 1
    third = second.copy()
    third.scheduled = {}
    third.codex = [*second.codex, "new"]
    stack = StateStack(s.copy() for s in (first, second, third))
    assert len(stack) == 3
    for expected in (third, second, first):
        assert _exactly(stack.pop(), expected)
    assert len(stack) == 0
    with pytest.raises(IndexError):
        stack.pop()


def test_popped_states_are_owned_by_the_caller(campaign: Story) -> None:
    states = _long_game(campaign, 5)[:5]
    stack = StateStack(s.copy() for s in states)
    top = stack.pop()
    top.vars["decisions"] = 999  # the engine plays on with it
    top.history.clear()
    for expected in reversed(states[:-1]):
        assert _exactly(stack.pop(), expected)


def test_fifty_undo_levels_take_a_fraction_of_fifty_copies(campaign: Story) -> None:
    states = _long_game(campaign, UNDO_LIMIT + 10)[-UNDO_LIMIT:]
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        one = states[-1].copy()
        after_one = tracemalloc.get_traced_memory()[0]
        copies = [s.copy() for s in states]
        after_copies = tracemalloc.get_traced_memory()[0]
        stack = StateStack(s.copy() for s in states)
        after_stack = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    single, full, shared = after_one - start, after_copies - after_one, after_stack - after_copies
    assert one == states[-1] and len(copies) == len(stack) == UNDO_LIMIT
    # measured: one state ~13 KB, fifty copies ~36x that, the stack ~6x
    assert shared * 4 < full, (single, full, shared)
    assert shared < 10 * single, (single, full, shared)
