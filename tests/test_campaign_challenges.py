"""The leadership challenges of 1936–37 and 1939 can be lost, as the 1933 one can.

Losing them is rare in random play (about 4 and 2 games in 10,000: `explore --runs 10000 --seed 1
--track security_ousted --track storm_ousted`), so these games are steered: the Party standing is held
at 5 (through the engine's debugger API) until the challenge has come, `fight` is taken there, and
seeds are tried in order until the fight is lost outright. Each branch of the epilogue that a loss
can lead to is then read as the player reads it: its own sentences, none of another branch's, and
300–600 words.
"""

from __future__ import annotations

import datetime
import functools
import random
from collections.abc import Callable
from typing import Any

import pytest

from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.paths import default_story_dir


@functools.cache
def campaign() -> Story:
    return load_story([str(default_story_dir())])


def _lost_challenge(challenge: str, from_date: datetime.date, flag: str, prefer: dict[str, str],
                    route: Callable[[dict[str, Any]], bool] = lambda state: True,
                    seeds: range = range(600)) -> Game:
    """The first seeded game in which the player, held at Party standing 5 from `from_date` until
    `challenge` has been shown, fights it and loses everything (`flag` set) on the `route` wanted
    (`prefer` names the choices that lead there; a random outcome may still lead elsewhere)."""
    for seed in seeds:
        game = Game.new(campaign(), seed)
        picker = random.Random(seed)
        while not game.ended:
            node = game.state.node
            if game.state.date.day >= from_date and node != challenge and not game.state.visits.get(challenge):
                game.debug_set("party", 5)
            ids = game.available_ids()
            wanted = "fight" if node == challenge else prefer.get(node)
            game.choose(wanted if wanted in ids else picker.choice(ids))
        if game.state.vars[flag] not in (False, "none") and route(game.state.vars):
            return game
    raise AssertionError(f"no game in {seeds} lost {challenge}")


def _epilogue(game: Game) -> str:
    assert game.state.ending == "thermidor"
    return " ".join(game.scene().text.split())


def _divergence(game: Game) -> str:
    node = campaign().nodes["thermidor"]
    return " ".join(game.render(node.divergence).split())


# Sentences that belong to one branch of the thermidor epilogue (1933, 1936 trial, 1936 exile, 1939, 1928).
MARKS = {
    "1933": "It was decided in the Sverdlov Hall in 1933",
    "trial": "You were shot in the cellar of the Lubyanka",
    "exile_1936": "You were not tried.",
    "1939": "on the last day of the Eighteenth Congress",
    "1928": "On 17 January 1928 the OGPU came",
}


def _only(text: str, branch: str) -> None:
    assert MARKS[branch] in text, text
    for other, mark in MARKS.items():
        if other != branch:
            assert mark not in text, (other, text)
    assert 300 <= len(text.split()) <= 600, len(text.split())


PURGE = {"security_opening": "decree", "security_decree": "wide", "security_yagoda": "sign",
         "security_second_temptation": "sign", "security_purge_trial": "confirm"}
INQUIRY = {"security_opening": "inquiry", "security_yagoda": "court", "security_second_temptation": "refuse"}


def test_losing_the_1936_challenge_after_a_purge_ends_in_a_trial() -> None:
    game = _lost_challenge("security_challenge", datetime.date(1936, 3, 1), "security_ousted", PURGE,
                           lambda state: state["security_purge"] and not state["security_purge_halted"])
    assert game.state.vars["security_ousted"] == "tried"
    text = _epilogue(game)
    _only(text, "trial")
    # the purge's cost lands on its author, and the text says he began it
    assert "the purge you had let run" in text
    assert "Lyova was arrested" in text and "Natalia was sent" in text
    assert "His trial and death in Moscow" in _divergence(game)
    # Why? names the loss, and the fate, as the cause of what the epilogue says
    why = " ".join("\n".join(game.why().lines()).split())
    assert "secretaries' challenge of 1936–37 outright: exiled to Alma-Ata, then tried in Moscow" in why, why


def test_losing_the_1936_challenge_with_the_decree_of_1_december_still_on_the_books_ends_in_a_trial() -> None:
    """No purge, but no inquiry and no law on the NKVD either: the decree signed after Kirov's murder
    and kept on a leash is what the NKVD uses."""
    game = _lost_challenge("security_challenge", datetime.date(1936, 3, 1), "security_ousted",
                           {"security_opening": "decree", "security_decree": "narrow"},
                           lambda state: not (state["security_purge"] or state["no_purge"] or state["ogpu_limited"]))
    assert game.state.vars["security_ousted"] == "tried"
    text = _epilogue(game)
    _only(text, "trial")
    assert "The decree of 1 December was still on the books" in text
    assert "the fourteen young men shot under your decree in December 1934" in text
    assert "You had signed the decree of 1 December and then kept it on a leash" in text
    assert "His trial and death in Moscow" in _divergence(game)


def test_losing_the_1936_challenge_without_a_purge_ends_in_exile() -> None:
    game = _lost_challenge("security_challenge", datetime.date(1936, 3, 1), "security_ousted", INQUIRY,
                           lambda state: state["no_purge"] and not state["security_purge"])
    assert game.state.vars["security_ousted"] == "exiled"
    text = _epilogue(game)
    _only(text, "exile_1936")
    assert "You died in Alma-Ata in the winter of 1942" in text
    assert "His exile and death in Alma-Ata" in _divergence(game)


def test_losing_the_1939_challenge_says_who_fought_the_war() -> None:
    game = _lost_challenge("storm_challenge", datetime.date(1938, 9, 1), "storm_ousted", {})
    state = game.state.vars
    text = _epilogue(game)
    _only(text, "1939")
    outcome = state["germany_outcome"]
    expected = {"nazi": "In June 1941 the Wehrmacht crossed the Soviet frontier",
                "conservative": "marched into Lithuania"}.get(outcome, "against the German workers")
    assert expected in text
    if outcome in ("nazi", "conservative"):
        trained = "the armies Tukhachevsky had trained" in text or "It met Tukhachevsky's armies" in text
        assert trained == bool(state["tukhachevsky_alive"])
    assert "Eighteenth Congress, which in our history met on 10–21 March 1939" in _divergence(game)


@pytest.mark.parametrize("challenge", ["steel_challenge", "security_challenge", "storm_challenge"])
def test_the_fight_shows_every_outcome_and_warns_of_the_worst(challenge: str) -> None:
    """The risk is opt-in and visible: the fight's label says a bad defeat costs every post, its
    preview lists three results with their odds, and conceding never loses."""
    node = campaign().nodes[challenge]
    choices = {choice.id: choice for choice in node.choices}
    fight = choices["fight"]
    assert "a bad defeat costs every post" in fight.label.source
    assert not fight.hide_effects
    assert [outcome.goto for outcome in fight.outcomes].count("thermidor") == 1
    assert not choices["concede"].outcomes and choices["concede"].goto is None
    assert not choices["army"].outcomes and choices["army"].goto is None
