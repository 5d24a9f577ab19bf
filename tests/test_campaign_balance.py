"""The shipped campaign meets the bar the issues set, measured the way `explore` measures it.

Seeded, so deterministic: a failure means a story edit moved the balance, not bad luck.
"""

from __future__ import annotations

import random

import pytest

from kremlin_tui.engine import Game
from kremlin_tui.explore import explore
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.paths import default_story_dir

EARLY_ENDINGS = {"thermidor", "bukharin_road", "red_bonaparte", "famine_revolt"}
BIBLE_ENDINGS = EARLY_ENDINGS | {"encirclement", "fortress", "grand_alliance", "armed_peace", "european_commune",
                                 "far_east", "soviet_democracy", "third_world_war"}


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story([str(default_story_dir())])


def test_every_bible_ending_exists_and_coverage_reaches_every_node(story: Story) -> None:
    endings = {node.id for node in story.nodes.values() if node.is_ending}
    assert endings >= BIBLE_ENDINGS
    result = explore(story, 2000, 1, "coverage")
    assert result["errors"] == []
    assert result["nodes"]["unvisited"] == []
    assert all(result["endings"][ending] > 0 for ending in endings)


def test_no_ending_dominates_random_play(story: Story) -> None:
    runs = 4000
    result = explore(story, runs, 1, "random")
    shares = {ending: count / runs for ending, count in result["endings"].items()}
    assert max(shares.values()) <= 0.35, shares
    assert min(shares.values()) >= 0.01, shares


@pytest.fixture(scope="module")
def played(story: Story) -> list[tuple[str, int, int, int]]:
    """(ending, decisions, words of the epilogue as shown, decisions dated Sep 1939 – May 1945)
    for 600 seeded random games."""
    games = []
    for seed in range(600):
        game = Game.new(story, seed)
        picker = random.Random(seed)
        at_war = 0
        while not game.ended:
            day = game.state.date.day
            at_war += (1939, 9) <= (day.year, day.month) <= (1945, 5)
            game.choose(picker.choice(game.available_ids()), render=False)
        games.append((game.state.ending or "", game.state.decisions, len(game.scene().text.split()), at_war))
    return games


def test_the_war_is_played_not_told(played: list[tuple[str, int, int, int]]) -> None:
    # issue 15: a full game averages at least 8 decisions dated September 1939 – May 1945
    # (measured 8.5 over the 7,538 full games of `explore --runs 10000 --seed 1`; 6.4 before);
    # with Kuibyshev, the International and Warsaw 9.9 over these 600 games: the floor is 9
    war = [at_war for ending, _, _, at_war in played if ending not in EARLY_ENDINGS]
    assert sum(war) / len(war) >= 9, sum(war) / len(war)
    assert min(war) >= 4


def test_a_full_game_is_45_to_70_decisions(played: list[tuple[str, int, int, int]]) -> None:
    lengths = sorted(decisions for ending, decisions, _, _ in played if ending not in EARLY_ENDINGS)
    mean = sum(lengths) / len(lengths)
    assert 45 <= mean <= 70, mean
    assert lengths[0] >= 45
    # optional events are paced (`decisions < N`), so the tail past 70 is small: measured 97.4%
    # of 3,000 full games within 45–70, the longest 74
    assert sum(45 <= n <= 70 for n in lengths) / len(lengths) >= 0.95
    assert lengths[-1] <= 76


def test_every_epilogue_as_shown_is_300_to_600_words(played: list[tuple[str, int, int, int]]) -> None:
    # the epilogue proper; the "how this history diverged" section comes on top of it
    words: dict[str, list[int]] = {}
    for ending, _, count, _ in played:
        words.setdefault(ending, []).append(count)
    assert set(words) == BIBLE_ENDINGS
    for ending, counts in words.items():
        assert min(counts) >= 300 and max(counts) <= 600, (ending, min(counts), max(counts))
