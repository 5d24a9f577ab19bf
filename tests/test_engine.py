"""The engine as every front end sees it: scenes, choices, effects, outcomes, events, state."""

from __future__ import annotations

import json

import pytest

from kremlin_tui.engine import ChoiceUnavailable, Game, GameState
from kremlin_tui.loader import load_story


def test_start_scene_shows_text_date_place_and_choices(mini: str) -> None:
    game = Game.new(load_story([mini]), seed=1)
    scene = game.scene()
    assert scene.title == "The Telegram"
    assert scene.date == "21 January 1924"
    assert scene.place == "Tiflis station"
    assert scene.chapter_title == "Chapter One"
    assert "It is 1924; your standing is 45." in scene.text
    assert "You have not decided." in scene.text
    assert [c.id for c in scene.choices] == ["back", "on", "secret_door"]
    locked = scene.choices[2]
    assert not locked.available and locked.locked_reason == "You need Party standing above 80."
    assert [(p.label, p.delta) for p in scene.choices[0].preview] == [("Party standing", 5)]


def test_choice_applies_effects_and_reports_changes(mini: str) -> None:
    game = Game.new(load_story([mini]), seed=1)
    result = game.choose("back")
    assert game.state.vars["party"] == 50
    assert game.state.vars["went_back"] is True
    kinds = {c.name: c.kind for c in result.changes}
    assert kinds == {"party": "stat", "went_back": "flag", "secret": "hidden"}
    assert result.result.startswith("You turn back.")
    assert game.scene().title == "Moscow"
    assert game.scene().date == "27 January 1924"


def test_locked_and_unknown_choices_are_refused(mini: str) -> None:
    game = Game.new(load_story([mini]), seed=1)
    with pytest.raises(ChoiceUnavailable, match="above 80"):
        game.choose("secret_door")
    with pytest.raises(ChoiceUnavailable):
        game.choose("nonsense")
    with pytest.raises(ChoiceUnavailable):
        game.choose(9)
    assert game.state.node == "start" and game.state.decisions == 0


def test_stats_are_clamped(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story("""
        nodes:
          - id: a
            title: A
            text: a
            choices:
              - {id: up, label: Up, effects: [party += 500, britain -= 500], goto: end}
        endings:
          - {id: end, title: End, text: done}
    """)])
    game = Game.new(story)
    game.choose("up")
    assert game.state.vars["party"] == 100
    assert game.state.vars["britain"] == -100
    assert game.ended and game.state.ending == "end"


def test_weighted_outcomes_follow_state_and_seed(mini: str) -> None:
    story = load_story([mini])
    outcomes = []
    for seed in range(200):
        game = Game.new(story, seed)
        game.choose("back")  # party 50: the vote is won with probability 50/100
        outcomes.append(game.choose("vote").outcome)
    won = outcomes.count(0)
    assert 60 < won < 140, won
    again = []
    for seed in range(200):
        game = Game.new(story, seed)
        game.choose("back")
        again.append(game.choose("vote").outcome)
    assert outcomes == again


def test_scheduled_and_conditional_events_fire_in_priority_order(mini: str) -> None:
    game = Game.new(load_story([mini]), seed=1)
    game.choose("on")  # party 40 (< 45 arms the crisis) and schedules the letter in 3 months
    assert game.scene().title == "Sukhumi"
    result = game.choose("wait")  # moving to June 1925: both events are due
    assert result.events == ("A Crisis",)
    scene = game.scene()
    assert scene.kind == "event" and scene.date == "January 1925"
    game.choose("weather")  # no goto: resumes toward vote_result, but the letter is due first
    assert game.scene().title == "A Letter from Moscow"
    assert "zinoviev" in game.state.codex
    game.choose("read")
    assert game.scene().title == "After the Vote"
    assert game.state.vars["britain"] == -10
    assert game.state.vars["year"] == 1925


def test_event_choice_with_goto_abandons_the_resume(mini: str) -> None:
    game = Game.new(load_story([mini]), seed=1)
    game.choose("on")
    game.choose("wait")
    game.choose("flee")
    assert game.state.ending == "bad_end" and game.state.resume is None


def test_once_choices_disappear_after_use(mini: str) -> None:
    game = Game.new(load_story([mini]), seed=1)
    game.choose("back")
    game.choose("vote")
    ids = [c.id for c in game.scene().choices]
    assert "loop" in ids
    game.choose("loop")
    assert game.state.node == "vote_result"
    assert "loop" not in [c.id for c in game.scene().choices]


def test_fallback_appears_only_when_nothing_else_is_available(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story("""
        nodes:
          - id: a
            title: A
            text: a
            choices:
              - {id: rich, label: Rich, if: party > 50, goto: end}
              - {id: poor, label: Poor, fallback: true, goto: end}
              - {id: lower, label: Lower, effects: [party -= 30], goto: a, once: true}
        endings:
          - {id: end, title: End, text: done}
    """)])
    game = Game.new(story)
    assert [c.id for c in game.scene().choices] == ["lower"]
    game.choose("lower")
    assert [c.id for c in game.scene().choices] == ["poor"]


def test_codex_unlocks_from_mentions_in_shown_text(mini: str) -> None:
    game = Game.new(load_story([mini]), seed=1)
    assert game.state.codex == ["lenin"]


def test_state_round_trips_through_json_and_plays_on_identically(mini: str) -> None:
    story = load_story([mini])
    game = Game.new(story, seed=42)
    game.choose("back")
    data = json.loads(json.dumps(game.state.to_json()))
    copy = Game(story, GameState.from_json(data))
    assert copy.state.to_json() == game.state.to_json()
    assert copy.choose("vote") == game.choose("vote")
    assert copy.state.to_json() == game.state.to_json()


def test_same_seed_and_choices_give_the_same_game(mini: str) -> None:
    story = load_story([mini])

    def play(seed: int) -> dict:
        game = Game.new(story, seed)
        while not game.ended:
            ids = game.available_ids()
            game.choose(ids[-1] if len(ids) > 1 else ids[0])
        return game.state.to_json()

    assert play(7) == play(7)
    assert [play(s)["ending"] for s in range(30)] == [play(s)["ending"] for s in range(30)]


def test_replay_reproduces_a_game_and_stops_where_the_story_changed(mini: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from pathlib import Path

    story = load_story([mini])
    game = Game.new(story, seed=3)
    for _ in range(3):
        game.choose(game.available_ids()[0])
    steps = [(s.node, s.choice) for s in game.state.history]
    again, kept, problem = Game.replay(story, 3, steps)
    assert (kept, problem) == (3, None) and again.state.to_json() == game.state.to_json()
    edited = tmp_path / "edited"
    shutil.copytree(mini, edited)
    scenes = Path(edited, "one.yaml")
    scenes.write_text(scenes.read_text().replace("      - id: vote\n", "      - id: ballot\n"))
    partial, kept, problem = Game.replay(load_story([str(edited)], cache=False), 3, steps)
    assert kept == 1 and "moscow.vote" in (problem or "") and partial.state.node == "moscow"


def test_stats_stay_whole_numbers_after_a_division(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""
        nodes:
          - id: a
            title: A
            text: a
            choices:
              - {id: go, label: Go, effects: [party -= 16 / 3, hidden_x += 5 / 2, britain -= 5 / 2], goto: end}
        endings:
          - {id: end, title: End, text: done}
    """)
    game = Game.new(load_story([path], cache=False), seed=0)
    before = dict(game.state.vars)
    changes = {c.name: c for c in game.choose("go").changes}
    assert game.state.vars["party"] == before["party"] - 5  # 5.33 rounds to 5
    assert game.state.vars["hidden_x"] == before["hidden_x"] + 3  # 7.5 → 8: halves round away from zero
    assert game.state.vars["britain"] == before["britain"] - 3  # -22.5 → -23, away from zero too
    assert all(isinstance(c.new, int) for c in changes.values())


def test_choices_without_previews_are_the_same_choices_without_what_they_change() -> None:
    """`previews=False` (a reader that shows no preview, as bench_ink's row without them) gives
    the same scene, choices, labels and availability, with no preview, no gamble and no `ends`
    (the preview says whether a choice ends the game); a label keeps its written "a gamble",
    which only a preview can show untrue."""
    import random
    from dataclasses import replace

    from kremlin_tui.paths import default_story_dir
    from kremlin_tui.preview import CERTAIN, honest_label

    story = load_story([str(default_story_dir())])
    previewed = 0
    for seed in range(3):
        game, picker = Game.new(story, seed), random.Random(seed)
        while not game.ended:
            full, bare = game.scene(), game.scene(previews=False)
            assert bare == replace(full, choices=tuple(replace(c, label=b.label, preview=(), gamble=None, ends=False)
                                                       for c, b in zip(full.choices, bare.choices, strict=True)))
            # the one difference in a label: a written "a gamble" left out where the preview has no odds
            assert [c.label for c in full.choices] == [honest_label(b.label, c.gamble or CERTAIN)
                                                      for c, b in zip(full.choices, bare.choices, strict=True)]
            assert game.choices(previews=False) == list(bare.choices)
            previewed += sum(bool(c.preview or c.gamble or c.ends) for c in full.choices)
            game.choose(picker.choice(game.available_ids()))
    assert previewed > 100
