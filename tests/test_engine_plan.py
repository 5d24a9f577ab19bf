"""The story's plan (`engine_plan`: effects compiled to one closure each, a scene's codex unlocks
worked out once) does exactly what the model says, checked against plain implementations of
the rules on every choice and scene of the campaign in the states random games reach."""

from __future__ import annotations

import dataclasses
import functools
import math
import random
from typing import Any

import pytest

from kremlin_tui.effects import apply_effects
from kremlin_tui.engine import Game, GameState, TurnResult
from kremlin_tui.loader import load_story
from kremlin_tui.model import Effect, Node, Story
from kremlin_tui.paths import default_story_dir
from kremlin_tui.state import Change, ChangeKind, Step, built, make_change, make_step
from kremlin_tui.template import Cond, Part, Text


@functools.cache
def _campaign() -> Story:
    return load_story([str(default_story_dir())])


def reference_effects(story: Story, state: GameState, effects: tuple[Effect, ...], before: dict[str, Any]) -> None:
    """The rules of effects, one statement at a time (the engine's code before the plan)."""
    for effect in effects:
        if effect.op == "schedule":
            when = effect.on or state.date.plus(*effect.delay)  # type: ignore[misc]
            state.scheduled[effect.target] = when.iso()
            continue
        if effect.op == "unlock":
            if effect.target not in state.codex:
                state.codex.append(effect.target)
            continue
        target = effect.target
        if target not in before:
            before[target] = state.vars[target]
        value = effect.value(state)  # type: ignore[misc]
        bounds = story.bounds(target)
        if bounds is None:
            state.vars[target] = value
            continue
        current = state.vars[target]
        new = current + value if effect.op == "+=" else current - value if effect.op == "-=" else value
        new = min(max(new, bounds[0]), bounds[1])
        if isinstance(new, float):
            new = math.floor(new + 0.5) if new >= 0 else -math.floor(-new + 0.5)
        state.vars[target] = new


def shown_mentions(parts: list[Part], state: GameState, found: set[str]) -> set[str]:
    """The codex entries the text a state shows mentions: the template walked as `render` walks
    it (every text part shown, the first {if} branch that holds), nothing skipped."""
    for part in parts:
        if isinstance(part, Text):
            found |= part.codex
        elif isinstance(part, Cond):
            for condition, body in part.branches:
                if condition is None or condition(state):
                    shown_mentions(body, state, found)
                    break
    return found


def reference_unlocks(story: Story, node: Node, state: GameState) -> list[str]:
    """The codex as entering `node` leaves it: its `codex:` list, then the sorted mentions of the
    passages its text shows (the rule the engine's plan implements)."""
    codex = list(state.codex)
    for cid in (*node.codex, *sorted(shown_mentions(node.text.parts, state, set()))):
        if cid not in codex and cid in story.codex:
            codex.append(cid)
    return codex


def _typed(values: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {k: (type(v).__name__, v) for k, v in values.items()}


def _same_effects(story: Story, state: GameState, effects: tuple[Effect, ...]) -> None:
    ours, theirs = state.copy(history=False), state.copy(history=False)
    before_ours: dict[str, Any] = {}
    before_theirs: dict[str, Any] = {}
    apply_effects(story, ours, effects, before_ours)
    reference_effects(story, theirs, effects, before_theirs)
    assert _typed(ours.vars) == _typed(theirs.vars)
    assert list(ours.vars) == list(theirs.vars)
    assert _typed(before_ours) == _typed(before_theirs) and list(before_ours) == list(before_theirs)
    assert ours.scheduled == theirs.scheduled and list(ours.scheduled) == list(theirs.scheduled)
    assert ours.codex == theirs.codex


def _states(story: Story, games: int) -> list[GameState]:
    """States random games reach, with some variables pushed to their bounds and to fractions."""
    states = []
    for seed in range(games):
        game = Game.new(story, seed)
        picker = random.Random(seed)
        while not game.ended:
            state = game.state.copy(history=False)
            for name in picker.sample(sorted(story.stats), 3):
                stat = story.stats[name]
                state.vars[name] = picker.choice([stat.min, stat.max, stat.min + 0.5, (stat.min + stat.max) / 3])
            states.append(state)
            game.choose(picker.choice(game.available_ids()), render=False)
    return states


def test_compiled_effects_apply_every_campaign_effect_as_the_rules_say() -> None:
    story = _campaign()
    lists = [effects for node in story.nodes.values() for choice in node.choices
             for effects in (choice.effects, *(o.effects for o in choice.outcomes)) if effects]
    ops = {effect.op for effects in lists for effect in effects}
    assert {"+=", "-=", "=", "schedule"} <= ops  # `unlock`: see the next test
    picker = random.Random(5)
    for state in _states(story, 8):
        for effects in picker.sample(lists, 60):
            _same_effects(story, state, effects)


OPERATORS = """
    nodes:
      - id: a
        title: A
        text: a
        choices:
          - id: go
            label: Go
            goto: end
            effects: [party += 7, party -= britain / 3, party = party * 1.5, britain -= 250, britain += party / 7,
                      party += 2.5, hidden_x = -0.5, flag_a = true, mood = 'angry', party -= 0.5, britain += 1.5,
                      hidden_x = 12.5, party = 150, britain = -0.5, party -= -3, schedule ev in 2 months,
                      schedule ev on 1925-03-01, unlock zin, unlock zin]
      - {id: ev, title: Ev, text: e, event: {scheduled: true}, choices: [{id: ok, label: OK}]}
    endings:
      - {id: end, title: End, text: done}
    codex:
      - {id: zin, title: Grigory Zinoviev, category: person, match: [Zinoviev], text: t}
"""


@pytest.mark.parametrize("party", [0, 100, 37.5, -3, 99.5])
def test_compiled_effects_clamp_and_round_every_operator(make_story, party: float) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(OPERATORS)])
    state = Game.new(story, 1).state
    state.vars.update(party=party, britain=party - 50, hidden_x=party / 4)
    (effects,) = [c.effects for c in story.nodes["a"].choices]
    _same_effects(story, state, effects)
    for cut in range(1, len(effects)):
        _same_effects(story, state, effects[:cut])
        _same_effects(story, state, effects[cut:])


def test_a_scene_unlocks_what_its_codex_list_and_shown_passages_mention() -> None:
    story = _campaign()
    conditional = [n for n in story.nodes.values() if n.text.mention_conds]
    assert len(conditional) > 10
    for state in _states(story, 6)[::3]:
        for node in conditional + list(story.nodes.values())[::7]:
            game = Game(story, state.copy(history=False))
            expected = reference_unlocks(story, node, game.state)
            game._enter(story.plan.node(node.id), None)
            assert game.state.codex == expected, node.id


def test_records_built_in_one_step_equal_those_built_by_init() -> None:
    """`built` (dict-based records), `make_change` and `make_step` give what `__init__` gives."""
    values = {f.name: (f"{f.name}-value", 1.5) for f in dataclasses.fields(TurnResult)}
    made = built(TurnResult, **values)
    expected = TurnResult(**values)
    assert made == expected and repr(made) == repr(expected) and _fields(made) == _fields(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.label = "changed"  # type: ignore[misc]
    change = make_change("party", ChangeKind.STAT, "Party", 45, 50, "up")
    by_init = Change("party", ChangeKind.STAT, "Party", 45, 50)
    assert type(change) is Change and change == by_init and repr(change) == repr(by_init)
    assert _fields(change) == {"name": "party", "kind": "stat", "label": "Party", "old": 45, "new": 50, "polarity": "up"}
    assert change.delta == 5 and make_change("f", ChangeKind.FLAG, "f", False, True, "neutral").delta == 0
    with pytest.raises(AttributeError):
        change.label = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        make_change("party", "stat", "Party", 45, 50)  # type: ignore[call-arg]  # every field must be given
    step = make_step("a", "b", "1924-01-21", "A", "B", None, [change], ("e",))
    assert step == Step("a", "b", "1924-01-21", "A", "B", None, [change], ("e",)) and not hasattr(step, "__dict__")
    assert Step("a", "b", "1924").events == () and Step("a", "b", "1924").changes == []


def _fields(record: Any) -> dict[str, Any]:
    """A record's fields as set on it, in the order they were set (a dict-based one) or declared."""
    if hasattr(record, "_asdict"):
        return record._asdict()
    if hasattr(record, "__dict__"):
        return dict(vars(record))
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _declared(record: Any) -> list[str]:
    return list(record._fields) if hasattr(record, "_fields") else [f.name for f in dataclasses.fields(record)]


def test_the_engine_records_every_field_of_its_changes_and_results() -> None:
    story = _campaign()
    game = Game.new(story, 4)
    picker = random.Random(4)
    while not game.ended:
        turn = game.choose(picker.choice(game.available_ids()), render=False)
        for record in (turn, *turn.changes, game.state.history[-1]):
            assert list(_fields(record)) == _declared(record)
            assert all(hasattr(record, name) for name in _declared(record))
        assert all(type(c.kind) is ChangeKind for c in turn.changes)


def test_previews_and_changes_are_labelled_from_the_declarations() -> None:
    """The plan's label tables say what the declarations say, for every variable."""
    from kremlin_tui.preview import Preview, _previews

    story = _campaign()
    for name in story.declaration_index:
        if name in story.stats:
            stat = story.stats[name]
            kind = "hidden" if stat.hidden else "stat"
            change, preview = (kind, stat.label, stat.polarity), Preview(name, stat.label, 3, stat.polarity, kind, 5)
        elif name in story.relations:
            label = story.relations[name].name
            change, preview = ("relation", label, "up"), Preview(name, label, 3, "up", "relation", 5)
        else:
            change, preview = ("flag", name, "neutral"), Preview(name, story.flags[name].description, 0, "neutral", "flag", 5)
        assert story.plan.describe[name] == change
        assert _previews(story, {name: (2, 5)}, None) == (preview,)
