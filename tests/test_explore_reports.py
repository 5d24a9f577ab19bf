"""`explore`'s story-error reports: scenes shown twice, the text audit, stats stuck at a bound."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kremlin_tui.engine import Game
from kremlin_tui.explore import explore
from kremlin_tui.explore_report import format_report
from kremlin_tui.loader import StoryError, load_story

ROOT = Path(__file__).resolve().parents[1]
STORY = str(ROOT / "story")

LOOP = """
    nodes:
      - id: a
        title: The Hub
        date: 1924-02
        {repeatable}
        text: a
        choices:
          - {{id: again, label: Look again, once: true, goto: a}}
          - {{id: out, label: Leave, goto: end}}
    endings:
      - {{id: end, title: End, text: done}}
"""


def test_a_scene_shown_twice_is_reported_with_the_seeds(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(LOOP.format(repeatable=""))], cache=False)
    result = explore(story, 40, 5, "random", jobs=1)
    [revisit] = result["revisits"]
    assert revisit["node"] == "a" and revisit["title"] == "The Hub"
    assert 0 < revisit["games"] < 40
    assert revisit["path"] == ["a.again"]
    # every seed reported reproduces it: replaying that game shows the scene twice
    for seed in revisit["seeds"]:
        game = Game.new(story, seed)
        game.choose("again", render=False)
        assert game.state.visits["a"] == 2
    text = format_report(result)
    assert "REVISITS: 1 scene(s) shown twice" in text and "'a' (The Hub)" in text
    assert "No errors." not in text


def test_a_repeatable_scene_is_not_a_revisit(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(LOOP.format(repeatable="repeatable: true"))], cache=False)
    assert story.nodes["a"].repeatable
    result = explore(story, 40, 5, "random", jobs=1)
    assert result["revisits"] == []
    assert "Revisits: none" in format_report(result)


def test_revisits_make_explore_fail_and_show_in_json(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(LOOP.format(repeatable=""))
    result = subprocess.run(
        [sys.executable, "-m", "kremlin_tui", "explore", "--story", path, "--runs", "30", "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["errors"] == [] and [r["node"] for r in data["revisits"]] == ["a"]


def test_revisits_do_not_depend_on_the_number_of_jobs(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(LOOP.format(repeatable=""))], cache=False)
    assert explore(story, 450, 2, "random", jobs=1)["revisits"] == explore(story, 450, 2, "random", jobs=2)["revisits"]


def test_a_mod_that_returns_to_a_scene_it_extends_declares_it_repeatable() -> None:
    story = load_story([STORY, str(ROOT / "examples" / "mod-example")])
    assert story.nodes["tiflis_telegram"].repeatable
    assert not load_story([STORY]).nodes["tiflis_telegram"].repeatable


def test_khalkhin_gol_never_follows_the_third_of_september() -> None:
    """Regression: `storm_khalkhin` (August 1939) fired after "The Third of September" when a
    choice there made its condition true, and its choices led the player into that scene again."""
    story = load_story([STORY])
    game = Game.new(story, 56)
    game.debug_goto("storm_war")
    # everything the event asks for (the Far East in play, an army to fight with)
    game.debug_set("army", 60)
    game.debug_set("ccp_independent", True)
    game.debug_set("japan_militarism", 60)
    start = game.state.copy()
    assert game.state.date.iso() == "1939-09-03"
    taken = 0
    for choice in game.available_ids():
        game.state = start.copy()
        game.choose(choice, render=False)
        taken += 1
        assert game.state.node != "storm_khalkhin", f"storm_war.{choice} led to Khalkhin Gol"
        assert game.state.visits.get("storm_war", 0) == 1
    assert taken >= 2


def test_the_shipped_campaign_shows_no_scene_twice() -> None:
    """The campaign-wide form of the Khalkhin Gol case (the full 10,000-game run is recorded in
    docs/campaign.md; 1,000 games here found the original bug in 13)."""
    result = explore(load_story([STORY]), 1000, 1, "random", jobs=2)
    assert result["revisits"] == [] and result["errors"] == []


CALLBACKS = """
    nodes:
      - id: a
        title: The Choice
        date: 1925-01
        text: Choose.
        choices:
          - {id: x, label: Do x, effects: [flag_a = true], goto: b}
          - id: y
            label: Gamble on y
            goto: b
            outcomes:
              - {weight: 1, effects: [flag_a = true]}
              - {weight: 1, effects: [mood = 'angry']}
          - {id: z, label: Do nothing, goto: b}
      - id: b
        title: The Consequence
        date: 1925-06
        text: |
          {if flag_a}Because you did *x*, the {party} delegates cheer.{end}
          {if mood == 'angry'}Because the gamble failed, they sulk.{elif party > 1000}Never.{else}Quiet.{end}
        choices:
          - {id: on, label: Go on, goto: end}
      - id: ev
        title: The Reckoning
        event: {after: 1925-03, if: flag_a and party > 10}
        text: The reckoning comes.
        choices:
          - {id: ok, label: Accept}
    endings:
      - {id: end, title: End, text: "{if chose(a.z)}Since you did nothing, nothing happened.{end}"}
"""


def _audit_of(story, runs: int = 200, jobs: int = 1) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return explore(story, runs, 0, "random", jobs=jobs, audit=True)["audit"]


def test_the_audit_names_the_decisions_behind_each_passage(make_story) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.audit import format_audit

    story = load_story([make_story(CALLBACKS)], cache=False)
    audit = _audit_of(story)
    by_opening = {p["opening"]: p for p in audit["passages"]}
    because = by_opening["Because you did x, the {party} delegates cheer."]
    assert because["where"].endswith("scenes.yaml:20") and because["branch"] == "if"
    assert because["condition"] == "flag_a" and because["node"] == "b"
    routes = {tuple(r["causes"].items()): r["shown"] for r in because["routes"]}
    assert set(routes) == {(("flag_a", "a.x"),), (("flag_a", "a.y [outcome 1]"),)}
    assert sum(routes.values()) == because["shown"] > 0
    assert because["callback"] and because["false_callback"] and because["causes"] == 2
    # one cause (one outcome of one choice): a true callback
    sulk = by_opening["Because the gamble failed, they sulk."]
    assert [r["causes"] for r in sulk["routes"]] == [{"mood": "a.y [outcome 2]"}]
    assert sulk["callback"] and not sulk["false_callback"]
    # an {else} reads every condition before it; its routes say why those failed
    quiet = by_opening["Quiet."]
    assert quiet["branch"] == "else" and quiet["stats"] == ["party"]
    assert {r["causes"]["mood"] for r in quiet["routes"]} == {"(start)"}
    # an event's text is shown because its trigger held
    event = by_opening["The reckoning comes."]
    assert event["branch"] == "event" and event["condition"] == "flag_a and party > 10"
    assert {r["causes"]["flag_a"] for r in event["routes"]} == {"a.x", "a.y [outcome 1]"}
    # endings' paragraphs; chose() is a fact of its own
    since = by_opening["Since you did nothing, nothing happened."]
    assert since["routes"] == [{"causes": {"chose(a.z)": "chosen"}, "given": {}, "shown": since["shown"],
                                "seed": since["routes"][0]["seed"]}]
    assert not since["false_callback"]
    assert [p["opening"] for p in audit["never_shown"]] == ["Never."]
    assert audit["false_callbacks"] == [because["where"]]
    text = format_audit(audit)
    assert "1 read like a callback but have more than one cause" in text
    assert f"{because['where']}  [b] {{if flag_a}}" in text and "⚠ callback with 2 causes" in text
    assert "flag_a ← a.y [outcome 1]" in text


GIVEN = """
    nodes:
      - id: a
        title: The Choice
        date: 1925-01
        text: Choose.
        choices:
          - {id: x, label: Do x, effects: [flag_a = true, mood = 'angry'], goto: b}
          - {id: y, label: Do y, effects: [flag_a = true], goto: b}
          - {id: z, label: Do nothing, goto: b}
      - id: b
        title: The Consequence
        date: 1925-06
        text: Wait.
        choices:
          - {id: on, label: Go on, goto: end}
      - id: ev
        title: The Reckoning
        event: {after: 1925-03, if: flag_a and party > 10}
        text: |
          {if mood == 'angry'}Because you did x, they cheer.{else}They wait. {if party > 1000}Never.{else}Calm.{end}{end}
        choices:
          - {id: ok, label: Accept, result: "{if mood == 'angry'}Because you did x, they cheer again.{end}"}
    endings:
      - {id: end, title: End, text: The end.}
"""


def test_the_audit_lists_the_facts_of_the_enclosing_branches_and_the_trigger(make_story) -> None:  # type: ignore[no-untyped-def]
    """A sentence may rely on what its enclosing {if} and its event's trigger guarantee: the
    routes name who set those facts too ("given"), without counting them as the passage's causes."""
    from kremlin_tui.audit import format_audit

    audit = _audit_of(load_story([make_story(GIVEN)], cache=False))
    by_opening = {(p["context"], p["opening"]): p for p in audit["passages"]}
    cheer = by_opening[("text", "Because you did x, they cheer.")]
    assert cheer["facts"] == ["mood"] and cheer["given"] == ["flag_a"] and cheer["given_stats"] == ["party"]
    assert [r["causes"] for r in cheer["routes"]] == [{"mood": "a.x"}]
    assert [r["given"] for r in cheer["routes"]] == [{"flag_a": "a.x"}]
    # the {else} nested in an {else}: the enclosing branch's facts and the trigger's are given
    calm = by_opening[("text", "Calm.")]
    assert calm["facts"] == [] and calm["stats"] == ["party"] and calm["given"] == ["flag_a", "mood"]
    assert {tuple(r["given"].items()) for r in calm["routes"]} == {(("flag_a", "a.y"), ("mood", "(start)"))}
    # a choice's result in an event is shown because the trigger held, too
    again = by_opening[("result of ev.ok", "Because you did x, they cheer again.")]
    assert again["given"] == ["flag_a"] and again["causes"] == 1 and not again["false_callback"]
    text = format_audit(audit)
    assert "mood ← a.x  | given: flag_a ← a.x" in text
    assert "given party (read by the enclosing branches or the trigger)" in text


def test_the_audit_flags_a_callback_that_comes_after_the_first_sentence(make_story) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.audit import format_audit

    later = CALLBACKS.replace("{if flag_a}Because you did *x*, the {party} delegates cheer.{end}",
                              "{if flag_a}The {party} delegates cheer. Because you did *x*, they stay.{end}")
    assert later != CALLBACKS
    audit = _audit_of(load_story([make_story(later)], cache=False))
    [cheer] = [p for p in audit["passages"] if p["opening"].startswith("The {party} delegates cheer.")]
    assert cheer["claim"] == "Because you did *x*, they stay"
    assert cheer["callback"] and cheer["false_callback"] and cheer["causes"] == 2
    assert audit["false_callbacks"] == [cheer["where"]]
    assert '"Because you did *x*, they stay"  (2 causes)' in format_audit(audit)


def test_the_audit_is_the_same_whatever_the_number_of_jobs(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(CALLBACKS)], cache=False)
    assert _audit_of(story, 450, 1) == _audit_of(story, 450, 2)


def test_the_audit_is_off_by_default_and_in_json_when_asked(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(CALLBACKS)
    assert "audit" not in explore(load_story([path], cache=False), 10, 0, "random", jobs=1)
    result = subprocess.run(
        [sys.executable, "-m", "kremlin_tui", "explore", "--story", path, "--runs", "50", "--audit", "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["audit"]["false_callbacks"] and data["audit"]["passages"][0]["routes"]


def test_the_audit_finds_the_frunze_callback_in_the_campaign() -> None:
    """The issue's example: "Because his operation was postponed" was shown to players whose
    Frunze survived the surgery. The audit names every way `frunze_alive` became true, down to
    the outcome of the gamble, so such a passage cannot hide."""
    audit = explore(load_story([STORY]), 300, 1, "random", jobs=2, audit=True)["audit"]
    causes = {r["causes"]["frunze_alive"] for p in audit["passages"] if p["condition"] == "frunze_alive"
              for r in p["routes"]}
    assert {"troika_frunze.postpone", "troika_frunze.careful [outcome 1]", "troika_frunze.doctors [outcome 1]"} <= causes
    for passage in audit["passages"]:
        if passage["condition"] == "frunze_alive" and passage["callback"]:
            assert passage["false_callback"] == (passage["causes"] > 1)


STUCK = """
    nodes:
      - id: a
        title: The Fall
        chapter: one
        text: "Your standing is {party}."
        choices:
          - {id: crash, label: Crash, effects: [party = 0], goto: hub}
          - {id: keep, label: Keep, effects: [party = 50], goto: hub}
      - id: hub
        title: The Waiting Room
        chapter: two
        repeatable: true
        text: You wait.
        choices:
          - {id: wait, label: Wait, if: hidden_x < 20, effects: [hidden_x += 1], goto: hub}
          - {id: leave, label: Leave, if: hidden_x >= 20, goto: end}
    endings:
      - {id: end, title: End, text: done, chapter: two}
"""


def test_a_stat_stuck_at_its_bound_is_reported_with_its_longest_stretch(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(STUCK)], cache=False)
    result = explore(story, 40, 0, "random", jobs=1)
    party = result["dead_stats"]["party"]
    crashed = [s for s in range(40) if Game.new(story, s).available_ids() and _first_pick(story, s) == "crash"]
    # crash at decision 1, then 15 waits and the leaving: 16 decisions at 0
    assert party["at_bound"]["min"] == {"value": 0, "longest": 16, "seed": crashed[0], "from": "1924-01-21",
                                        "to": "1924-01-21", "games_over_10": len(crashed),
                                        "share_over_10": round(100 * len(crashed) / 40, 1), "at_rest": False}
    assert "max" not in party["at_bound"]
    # hidden_x starts at 5 and reaches 20, never a bound; nothing in chapter two reads party
    assert result["dead_stats"]["hidden_x"]["at_bound"] == {}
    assert party["unread_in"] == ["two"] and result["dead_stats"]["hidden_x"]["unread_in"] == ["one"]
    text = format_report(result)
    assert f"party        at    0: longest  16 (seed {crashed[0]}, 1924-01-21 → 1924-01-21)" in text
    assert "  party        two" in text


def _first_pick(story, seed: int) -> str:  # type: ignore[no-untyped-def]
    """The play-tester's first choice in game `seed` (its picker is seeded from the game's seed)."""
    import random

    ids = Game.new(story, seed).available_ids()
    return ids[0] if len(ids) == 1 else random.Random(seed * 7919 + 17).choice(ids)


AT_ZERO = """\
campaign: {id: t, title: Test, start: a, start_date: 1924-01-21}
stats:
  - {id: party, label: Party standing, initial: 0}
  - {id: hidden_x, label: Hidden, initial: 5, hidden: true}
"""


def test_a_stat_that_starts_at_its_bound_is_not_stuck_by_play(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(STUCK.replace("effects: [party = 0]", "effects: [hidden_x += 0]")
                                   .replace("hidden_x < 20", "hidden_x < 20 and party >= 0"),
                                   manifest=AT_ZERO)], cache=False)
    result = explore(story, 20, 0, "random", jobs=1)
    assert "min" not in result["dead_stats"]["party"]["at_bound"]


RESTING = """\
campaign: {id: t, title: Test, start: a, start_date: 1924-01-21}
stats:
  - {id: party, label: Party standing, initial: 45}
  - {id: hidden_x, label: Hidden, initial: 5, hidden: true}
  - {id: famine, label: Famine severity, initial: 10, hidden: true, rests_at: min}
"""


def test_a_hidden_counter_at_its_declared_rest_is_listed_apart_not_as_stuck(make_story) -> None:  # type: ignore[no-untyped-def]
    """`rests_at: min` says 0 means "it never happened": the stay is still measured and shown,
    marked as the counter's rest, and `stuck()` (what the campaign's bound is held on) leaves
    it out, while the same stay of an unmarked stat counts."""
    from kremlin_tui.dead_stats import stuck

    body = STUCK.replace("effects: [party = 0]", "effects: [party = 0, famine = 0]")
    result = explore(load_story([make_story(body, manifest=RESTING)], cache=False), 40, 0, "random", jobs=1)
    famine, party = result["dead_stats"]["famine"]["at_bound"]["min"], result["dead_stats"]["party"]["at_bound"]["min"]
    assert famine["at_rest"] and not party["at_rest"]
    assert famine["longest"] == party["longest"] == 16 and famine["share_over_10"] == party["share_over_10"] > 0
    assert ("famine", "min") not in stuck(result["dead_stats"])
    assert stuck(result["dead_stats"])[("party", "min")] == party["share_over_10"]
    text = format_report(result)
    assert "famine       at    0: longest  16" in text and "[Famine severity (hidden); its rest: rests_at]" in text
    assert text.index("party        at    0") < text.index("famine       at    0")  # the stuck first


def test_rests_at_is_refused_on_a_visible_stat(make_story) -> None:  # type: ignore[no-untyped-def]
    manifest = RESTING.replace("initial: 45}", "initial: 45, rests_at: min}")
    with pytest.raises(StoryError, match="rests_at is only for hidden counters"):
        load_story([make_story(STUCK, manifest=manifest)], cache=False)
    with pytest.raises(StoryError, match="rests_at must be min or max"):
        load_story([make_story(STUCK, manifest=RESTING.replace("rests_at: min", "rests_at: zero"))], cache=False)


def test_dead_stats_do_not_depend_on_the_number_of_jobs(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(STUCK)], cache=False)
    assert explore(story, 450, 3, "random", jobs=1)["dead_stats"] == explore(story, 450, 3, "random", jobs=2)["dead_stats"]


def test_the_campaigns_stats_are_read_in_the_chapters_that_move_them() -> None:
    """The static half of the dead-stat report on the shipped story: Party standing is read in
    every chapter (it gates choices throughout), and every chapter reads some stat."""
    from kremlin_tui.dead_stats import reads_by_chapter, unread_chapters

    story = load_story([STORY])
    assert unread_chapters(story)["party"] == []
    assert set(reads_by_chapter(story)) == {c.id for c in story.chapters}
