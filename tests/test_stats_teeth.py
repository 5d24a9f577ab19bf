"""Issue 14, "stats with teeth": on the shipped campaign, no stat sits at a bound for long, and
every visible stat is read in every chapter after 1926.

Measured the way `kremlin-tui explore` measures it (its "Stats stuck at a bound" and "Chapters
where no condition ... reads the stat" sections), over seeded random games, so a failure means
a story edit moved the figures, not bad luck. Figures before and after the pass:
docs/campaign.d/00c_stats.md.
"""

from __future__ import annotations

from typing import Any

import pytest

from kremlin_tui.dead_stats import LONG, stuck, unread_chapters
from kremlin_tui.explore import explore
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.paths import default_story_dir

AFTER_1926 = ("china", "great_turn", "steel", "germany", "security", "storm", "aftermath")
# hidden counters whose 0 means "it never happened" (campaign.yaml, 05_steel.yaml: `rests_at`)
AT_REST = {("bonapartism", "min"), ("nazi_strength", "min"), ("steel_hunger", "min")}


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story([str(default_story_dir())])


@pytest.fixture(scope="module")
def dead(story: Story) -> dict[str, Any]:
    return explore(story, 2000, 1, "random")["dead_stats"]


def test_no_stat_sits_at_a_bound_for_more_than_ten_decisions_in_over_5_percent_of_games(dead: dict[str, Any]) -> None:
    # before the pass (10,000 games): Revolution abroad at 0 in 6.5%, KPD–SPD trust at 0 in
    # 4.6%, and the three counters now declared at rest: Bonapartism 14.7%, Famine severity
    # 8.7%, Nazi strength 6.4%
    over = {key: share for key, share in stuck(dead).items() if share > 5.0}
    assert over == {}, f"stats at a bound for more than {LONG} decisions in over 5% of games: {over}"


def test_only_hidden_counters_that_mean_it_never_happened_rest_at_a_bound(story: Story, dead: dict[str, Any]) -> None:
    resting = {(name, bound) for name, entry in dead.items() for bound, info in entry["at_bound"].items()
               if info["at_rest"]}
    assert resting <= AT_REST
    declared = {(stat.id, stat.rests_at) for stat in story.stats.values() if stat.rests_at}
    assert declared == AT_REST
    assert all(story.stats[name].hidden for name, _ in declared)


def test_every_visible_stat_is_read_in_every_chapter_after_1926(story: Story) -> None:
    unread = {name: [c for c in chapters if c in AFTER_1926] for name, chapters in unread_chapters(story).items()
              if not story.stats[name].hidden}
    assert {name: chapters for name, chapters in unread.items() if chapters} == {}
