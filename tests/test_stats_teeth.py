"""Issue 14, "stats with teeth": on the shipped campaign, no stat sits at a bound for long, and
every visible stat is read in every chapter after 1926, at both ends.

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
from kremlin_tui.expr import Expr
from kremlin_tui.expr_ast import Arith, Cmp, Const, Neg, Var, walk
from kremlin_tui.loader import load_story
from kremlin_tui.model import Node, Story
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


MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}


def _number(node: object) -> float | None:
    if type(node) is Const and type(node.value) in (int, float):
        return node.value  # type: ignore[return-value]
    if type(node) is Neg and type(node.operand) is Const and type(node.operand.value) in (int, float):
        return -node.operand.value
    return None


def _expressions(node: Node) -> list[Expr]:
    """Everything in a scene that can read a stat: its event's condition, its choices' conditions,
    outcome weights and effect values, and the expressions of its texts, labels and results."""
    found = [node.event.condition] if node.event is not None and node.event.condition is not None else []
    texts = [node.text, node.divergence]
    for choice in node.choices:
        found += [choice.condition] if choice.condition is not None else []
        texts += [choice.label, choice.result]
        effects = list(choice.effects)
        for outcome in choice.outcomes:
            found.append(outcome.weight)
            effects += outcome.effects
            texts.append(outcome.result)
        found += [effect.value for effect in effects if effect.value is not None]
    for text in texts:
        found += [expr for expr, _ in text.exprs] if text is not None else []
    return found


def ends_read(story: Story) -> dict[tuple[str, str], set[str]]:
    """(chapter, visible stat) -> the ends the story reads: "low" for `stat < c` or `<=`, "high"
    for `>` or `>=` (either way round), both for a stat inside arithmetic (a weight or an effect
    sized by it). Session 14's measure (docs/campaign.d/00c_stats.md)."""
    visible = {stat.id for stat in story.stats.values() if not stat.hidden}
    ends: dict[tuple[str, str], set[str]] = {}
    for node in story.nodes.values():
        for expr in _expressions(node):
            for part in walk(expr.ast):
                if type(part) is Cmp:
                    for op, left, right in zip(part.ops, part.operands, part.operands[1:]):
                        for var, const, op_here in ((left, right, op), (right, left, MIRROR.get(op, op))):
                            if type(var) is Var and var.name in visible and _number(const) is not None:
                                end = "low" if op_here in ("<", "<=") else "high" if op_here in (">", ">=") else ""
                                if end:
                                    ends.setdefault((node.chapter, var.name), set()).add(end)
                elif type(part) is Arith:
                    for side in (part.left, part.right):
                        if type(side) is Var and side.name in visible:
                            ends.setdefault((node.chapter, side.name), set()).update(("low", "high"))
    return ends


def test_every_visible_stat_is_read_at_both_ends_in_every_chapter_after_1926(story: Story) -> None:
    # before session 14: storm read Peasant goodwill at its low end only, security and aftermath
    # Foreign trade at its high end only ("the stats went dead" at the other end)
    ends = ends_read(story)
    one_ended = {(chapter, stat.id): sorted(ends.get((chapter, stat.id), set()))
                 for chapter in AFTER_1926 for stat in story.stats.values()
                 if not stat.hidden and ends.get((chapter, stat.id), set()) != {"low", "high"}}
    assert one_ended == {}
