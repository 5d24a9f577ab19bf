"""The event index (`events.Due`) answers exactly as a scan of every event would: the same event,
on every move, through undo-style state swaps and the writers' debugger."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from kremlin_tui import events
from kremlin_tui.dates import GameDate
from kremlin_tui.engine import Game, GameState
from kremlin_tui.expr import NODE_CLASSES, parse, walk
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.paths import default_story_dir


def scan(story: Story, state: GameState, moving_to: date) -> tuple[str, GameDate] | None:
    """The reference: every event in firing order, tested in full (the engine before the index)."""
    now = state.date.day
    for event_id in story.events:
        trigger = story.nodes[event_id].event
        assert trigger is not None
        if event_id in state.fired:
            continue
        if trigger.scheduled:
            when_text = state.scheduled.get(event_id)
            if when_text is None:
                continue
            when = GameDate.parse(when_text)
        else:
            when = trigger.after or state.date
        if when.day > moving_to:
            continue
        if trigger.before is not None and now > trigger.last_day:
            continue
        if trigger.condition is not None and not trigger.condition(state):
            continue
        return event_id, when
    return None


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every answer of the index, compared with the scan's; returns the answers."""
    answers: list[Any] = []
    original = events.Due.next

    def both(self: events.Due, state: GameState, moving_to: date) -> Any:
        expected = scan(self.index.story, state, moving_to)
        got = original(self, state, moving_to)
        assert got == expected, (state.node, state.decisions, moving_to)
        answers.append(got)
        return got

    monkeypatch.setattr(events.Due, "next", both)
    return answers


def _play(story: Story, seed: int, swap_every: int = 0, poke: bool = False) -> Game:
    game = Game.new(story, seed)
    picker = random.Random(seed)
    stats = list(story.stats)
    while not game.ended and game.state.decisions < 400:
        if swap_every and game.state.decisions % swap_every == swap_every - 1:
            game.state = game.state.copy()  # as undo and load do: a state the index has not followed
        if poke and picker.random() < 0.1:
            name = picker.choice(stats)
            game.debug_set(name, picker.randint(0, 100))
        game.choose(picker.choice(game.available_ids()), render=False)
    return game


def test_the_index_agrees_with_a_full_scan_on_the_campaign(checked: list[Any]) -> None:
    story = load_story([str(default_story_dir())])
    for seed in range(60):
        _play(story, seed, swap_every=7 if seed % 3 == 0 else 0, poke=seed % 4 == 1)
    fired = [answer for answer in checked if answer is not None]
    assert len(fired) > 200 and len({event_id for event_id, _ in fired}) > 20


SCHEDULED = """
nodes:
  - id: a
    title: A
    date: 1924-02
    text: a
    choices:
      - {id: plan, label: Plan, effects: [schedule letter in 2 months, party += 10], goto: b}
      - {id: wait, label: Wait, effects: [party -= 10], goto: b}
      - {id: visit, label: Visit, goto: c}
  - id: b
    title: B
    text: b
    choices:
      - {id: on, label: On, goto: c}
      - {id: loop, label: Loop, goto: a, if: decisions < 6}
  - id: c
    title: C
    date: 1926-06
    text: c
    choices:
      - {id: up, label: Up, effects: [britain += 30], goto: d}
      - {id: down, label: Down, effects: [britain -= 30, flag_a = true], goto: d}
  - id: d
    title: D
    date: 1930-01
    text: d
    choices:
      - {id: end, label: End, goto: end}

  - id: letter
    title: Letter
    text: A letter.
    event: {scheduled: true, before: 1925-12}
    choices: [{id: ok, label: OK}]
  - id: low
    title: Low
    text: Low.
    event: {after: 1924-03, before: 1926-01, if: party < 40, priority: 5}
    choices: [{id: ok, label: OK}]
  - id: high
    title: High
    text: High.
    event: {after: 1924-01, if: party > 50 and visited(b) > 0}
    choices: [{id: ok, label: OK}]
  - id: friends
    title: Friends
    text: Friends.
    event: {after: 1926-01, if: attitude(britain) == 'cordial' or flag_a}
    choices: [{id: ok, label: OK}]
  - id: late
    title: Late
    text: Late.
    event: {after: 1929-06, if: chose(c.down) or decisions > 5, priority: 9}
    choices: [{id: ok, label: OK}]
  - id: never_closed
    title: Open
    text: Open.
    event: {if: decisions == 3}
    choices: [{id: ok, label: OK}]
endings:
  - {id: end, title: End, text: done}
"""


def test_the_index_agrees_on_windows_schedules_and_history_reads(make_story, checked: list[Any]) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(SCHEDULED)])
    for seed in range(150):
        _play(story, seed, swap_every=3 if seed % 2 else 0, poke=seed % 5 == 0)
    fired = {answer[0] for answer in checked if answer is not None}
    assert fired == {"letter", "low", "high", "friends", "late", "never_closed"}


def test_reads_names_every_variable_and_history_key() -> None:
    ast = parse("party > 5 and (visited(a) > 0 or chose(a.b)) and attitude(britain) == 'cold' "
                "and max(year, -decisions) < clamp(grain * 2, 0, if(flag, 1, 2)) and not lost")
    assert events.reads(ast) == {"party", "visited:a", "chose:a.b", "britain", "year", "decisions", "grain", "flag",
                                 "lost"}
    assert events.reads(parse("true")) == frozenset()
    # the expression above holds every kind of node, so no kind is left unread
    assert {type(node) for node in walk(ast)} == set(NODE_CLASSES)
    assert events.reads(parse("not (party > 5 or flag)")) == {"party", "flag"}


def test_a_holding_event_watches_every_part_of_its_condition(make_story) -> None:  # type: ignore[no-untyped-def]
    """An event found holding is armed on every part of its condition (a false one only on its
    first false part). The engine fires a holding event at once, so in play this is never seen;
    a caller that asks `Due.next` again before firing it (as here) must get what a scan gives
    after a change to any part, the second one included."""
    story = load_story([make_story(SCHEDULED)])
    state = Game.new(story, 0).state
    due = events.Due(story.event_index)
    day = date(1924, 2, 1)  # `high` is open (after 1924-01), `low` not yet (after 1924-03)
    answers = []
    for name, value in (("party", 60), ("b", 1), ("b", 0), ("b", 2), ("party", 50), ("party", 51)):
        if name == "b":
            state.visits[name] = value
            due.changed([events.visited_key(name)])
        else:
            state.vars[name] = value
            due.changed([name])
        answers.append(due.next(state, day))
        assert answers[-1] == scan(story, state, day), (name, value)
    assert [a[0] if a else None for a in answers] == [None, "high", None, "high", None, "high"]
