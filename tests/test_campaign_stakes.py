"""Stats and people with consequences at both ends (session 15): OGPU power in 1924, and Kamenev's
fate in 1937 following the player's choices about the opposition.

Seeded and steered (a `prefer` map of choices, seeds tried in order until the route wanted is
taken), so a failure means a story edit changed what these scenes say, not bad luck.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable

import pytest

from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.paths import default_story_dir
from test_stats_teeth import ends_read


@functools.cache
def campaign() -> Story:
    return load_story([str(default_story_dir())])


def _steered(until: str, prefer: dict[str, str], route: Callable[[Game], bool],
             seeds: range = range(400)) -> Game:
    """The first seeded random game that reaches `until` on the `route` wanted, taking the
    `prefer` choices where they are offered."""
    for seed in seeds:
        game = Game.new(campaign(), seed)
        picker = random.Random(seed)
        while not game.ended and game.state.node != until:
            ids = game.available_ids()
            wanted = prefer.get(game.state.node)
            game.choose(wanted if wanted in ids else picker.choice(ids))
        if game.state.node == until and route(game):
            return game
    raise AssertionError(f"no game in {seeds} reached {until} on the route wanted")


def _text(game: Game) -> str:
    return " ".join(game.scene().text.split())


# -- OGPU power in 1924 -------------------------------------------------------------------------


def test_ogpu_power_is_read_at_both_ends_in_1924() -> None:
    """It starts at 30 and nothing moved it before 1925, so the funeral chapter could only read
    its high end in the Thermidor epilogue; the Forty-Six's evening now moves it both ways and
    the Thirteenth Congress reads both ends (text and the odds of the vote on Party democracy)."""
    assert ends_read(campaign())[("funeral", "police")] == {"low", "high"}
    scene = campaign().nodes["funeral_new_course"]
    moves = {choice.id: [str(effect) for effect in choice.effects if "police" in str(effect)] for choice in scene.choices}
    assert moves["platform"] and moves["rules"] and moves["drop"]


@pytest.mark.parametrize(("choice", "police", "shown"), [
    ("rules", 27, "Since April the GPU's summaries have left the Party's quarrels alone"),
    ("platform", 33, "The GPU's summaries have named the Opposition's speakers all spring"),
    ("drop", 32, "The GPU's summaries have named the Opposition's speakers all spring"),
])
def test_the_thirteenth_congress_reads_what_april_did_to_the_gpu(choice: str, police: int, shown: str) -> None:
    game = _steered("funeral_thirteenth_congress", {"funeral_new_course": choice},
                    lambda game: f"funeral_new_course.{choice}" in game.state.chosen)
    assert game.state.vars["police"] == police
    assert shown in _text(game)
    other = ("Since April", "have named the Opposition's speakers")
    assert sum(mark in _text(game) for mark in other) == 1


# -- Kamenev in 1937 -----------------------------------------------------------------------------

PURGE = {"security_opening": "decree", "security_decree": "wide", "security_yagoda": "sign"}
INQUIRY = {"security_opening": "inquiry", "security_yagoda": "court", "security_second_temptation": "refuse"}


@pytest.mark.parametrize(("name", "prefer", "route", "shown"), [
    ("shot on the sentence you confirmed", {**PURGE, "security_purge_trial": "confirm"},
     lambda g: "security_purge_trial.confirm" in g.state.chosen, "He was shot last year with Zinoviev, on the sentence you confirmed"),
    ("spared", {**PURGE, "security_purge_trial": "halt"},
     lambda g: g.state.vars["security_sixteen_spared"], "alive because you commuted his sentence last year"),
    ("in prison, never tried", PURGE,
     lambda g: "security_decree.wide" in g.state.chosen and not g.state.visits.get("security_purge_trial"),
     "on the sentence of 1935"),
    ("an ally, free", {**INQUIRY, "troika_fourteenth_congress": "zinoviev_kamenev"},
     lambda g: g.state.vars["bloc"] == "zinoviev_kamenev" and not g.state.vars["security_purge"],
     "has been your ally since 1925"),
    ("free, no ally", INQUIRY,
     lambda g: g.state.vars["bloc"] != "zinoviev_kamenev" and not g.state.vars["security_purge"], "he lifts his hat to you"),
])
def test_kamenev_at_the_twentieth_anniversary_follows_the_choices_about_the_opposition(
        name: str, prefer: dict[str, str], route: Callable[[Game], bool], shown: str) -> None:
    game = _steered("security_anniversary", prefer, route)
    text = _text(game)
    assert "Lev Kamenev, who married your sister Olga" in text, name
    assert shown in text, (name, text)
    marks = ["He was shot last year", "He has spent the anniversary in prison", "has been your ally since 1925",
             "he lifts his hat to you"]
    assert sum(mark in text for mark in marks) == 1, (name, text)


# -- Revolution abroad at its low end, New Year's Eve 1941 ---------------------------------------


def test_new_years_eve_reads_a_withered_international_and_offers_a_way_back() -> None:
    """Revolution abroad sat at 0 for more than ten decisions in 2.5% of random games, most of
    them through 1941–42, where nothing read its low end: New Year's Eve now says the
    International has withered, and the Politburo may spend its evening rebuilding it."""
    game = _steered("storm_winter", {}, lambda g: g.state.vars["comintern"] <= 3, range(2000))
    assert "the International you let wither has no networks" in _text(game)
    assert "exiles" in game.available_ids()
    before = game.state.vars["comintern"]
    game.choose("exiles")
    assert game.state.vars["comintern"] == before + 8 and game.state.node == "aftermath_opening"
    strong = _steered("storm_winter", {}, lambda g: g.state.vars["comintern"] > 3, range(2000))
    assert "exiles" not in strong.available_ids() and "International you let wither" not in _text(strong)


def test_the_order_of_the_day_reads_a_withered_international_and_the_war_brings_it_back() -> None:
    """Still 1.9% of random games sat at 0 for more than ten decisions, all of them through The
    Order of the Day (Feb 1942). There the paragraph now finds no one abroad to read it at
    Revolution abroad 3 or less; finishing the war in Germany (the German Communists come
    forward) or proposing a general peace (the first Moscow text in years the parties can
    print) brings the International back a little; the defensive paragraph does not."""
    def withered(prefer: dict[str, str]) -> Game:
        return _steered("aftermath_opening", {"storm_winter": "war_economy", **prefer},
                        lambda g: g.state.vars["comintern"] == 0 and "west" in g.available_ids(), range(3000))

    game = withered({})
    assert "Dimitrov's note is clipped to the last page" in _text(game)
    taken = {}
    for pick in ("peace", "west", "fortress"):
        game = withered({})
        taken[pick] = (game.choose(pick).result, game.state.vars["comintern"])
    assert taken["peace"][1] == 3 and "*Ny Dag* in Stockholm carries it in full" in taken["peace"][0]
    assert taken["fortress"][1] == 0 and "Dimitrov" not in taken["fortress"][0]
    assert taken["west"][1] == 4 and "Dimitrov" in taken["west"][0]
    strong = _steered("aftermath_opening", {}, lambda g: g.state.vars["comintern"] > 3, range(2000))
    assert "Dimitrov's note" not in _text(strong)
    before = strong.state.vars["comintern"]
    assert "Ny Dag" not in strong.choose("peace").result and strong.state.vars["comintern"] == before
