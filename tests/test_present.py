"""The headless presentation layer: what both front ends show, computed once."""

from __future__ import annotations

from kremlin_tui import present, why
from kremlin_tui import present_charts as charts
from kremlin_tui.engine import Change, Game
from kremlin_tui.loader import load_story
from kremlin_tui.stat_thresholds import Side, Threshold, thresholds


def test_numbers_arrows_and_verdicts_read_the_same_everywhere() -> None:
    assert present.number(87.0) == "87" and present.number(2.5) == "2.5" and present.number(3) == "3"
    assert present.arrow(5) == "▲5" and present.arrow(-2.5) == "▼2.5"
    assert present.verdict(5, "up") is present.Verdict.GOOD
    assert present.verdict(5, "down") is present.Verdict.BAD
    assert present.verdict(-1, "neutral") is present.Verdict.NEUTRAL
    assert present.plural(1, "time") == "1 time" and present.plural(2, "time") == "2 times"


def test_only_stats_and_relations_that_moved_are_worth_showing() -> None:
    changes = [Change("party", "stat", "Party", 45, 50), Change("x", "hidden", "X", 1, 2),
               Change("f", "flag", "F", False, True), Change("grain", "stat", "Grain", 5, 5),
               Change("uk", "relation", "Britain", -20, -25)]
    shown = present.change_deltas(changes)
    assert [d.line for d in shown] == ["Party ▲5 (45 → 50)", "Britain ▼5 (-20 → -25)"]


def test_hanging_indents_never_break_words() -> None:
    lines = present.hang("Order a special train north, for the funeral (Party ▲, your health ▼)", 30, "1. ")
    assert lines[0].startswith("1. ") and all(line.startswith("   ") for line in lines[1:])
    assert all(len(line) <= 30 for line in lines)
    label = "Order a special train north, for the funeral (Party ▲, your health ▼)"
    assert " ".join(line.strip() for line in lines).replace("1. ", "", 1) == label
    assert present.pack(["Party standing ▲6", "Workers' support ▲2", "War danger ▼3"], 45, "Certain: ") == [[0], [1, 2]]


def test_thresholds_come_from_the_story_conditions(mini: str) -> None:
    story = load_story([mini])
    found = thresholds(story)
    assert found["party"] == (Threshold(45, Side.BELOW),)  # the crisis: event if party < 45 (not the door's 80)
    assert present.nearest(47, found["party"]) == "falls below 45"
    assert present.nearest(43, found["party"]) == "reaches 45"
    assert present.nearest(60, found["party"]) == ""


def test_journal_and_outcome_share_one_view_of_a_decision(mini: str) -> None:
    story = load_story([mini])
    game = Game.new(story, 1)
    result = game.choose(1)
    shown = present.outcome(story, result)
    assert [d.line for d in shown.changes] == ["Party standing ▲5 (45 → 50)"]
    [entry] = present.journal(game)
    assert entry.chapter == "Chapter One" and entry.changes == shown.changes and entry.date == "21 January 1924"
    # the label as Why? words it: without the writer's hint "(Party ▲)", the real change is listed
    assert result.label == "Turn back [for Moscow] (Party ▲)"
    assert shown.label == entry.label == why.cause(game, 1).label == "Turn back [for Moscow]"


def test_charts_use_the_stat_scale_and_a_time_axis(mini: str) -> None:
    story = load_story([mini])
    game = Game.new(story, 1)
    game.choose(1)
    series = charts.stat_series(game)
    party = next(s for s in series if s.label == "Party standing")
    assert party.values == (45.0, 50.0) and (party.low, party.high) == (0, 100)
    assert charts.spark((0.0, 50.0, 100.0), 0, 100, [0, 1, 2]) == "▁▄█"  # the stat's scale, not its own min/max
    assert charts.spark((20.0, 21.0), 0, 100, [0, 1]) == "▂▂"  # a stat at 20 draws a low bar
    assert charts.time_axis(("1924-01-21", "1925-03-01", "1926-01-01"), [0, 1, 2], 12) == "1924"
    assert charts.time_axis(tuple(f"{1924 + i // 6}-01-01" for i in range(18)), list(range(18)), 18) == "1924  1925  1926"


def test_the_charts_caption_counts_columns_truthfully(mini: str) -> None:
    """Issue 16 found "12 decisions" over 13 columns: the first column is the start."""
    story = load_story([mini])
    game = Game.new(story, 1)
    start = charts.stat_series(game)
    assert charts.chart_caption(start, [0]) == "One column: the start (no decision yet); every bar on one scale, 0 (▁) to 100 (█)."
    game.choose(1)
    game.choose(1)
    series = charts.stat_series(game)
    picks = charts.resample(series[0].values, 40)
    assert len(picks) == 3 and charts.chart_caption(series, picks).startswith(
        "The first column is the start, then one column per decision (2 decisions); every bar on one scale")
    long = [charts.Series("Party", 0, 100, tuple(float(v % 100) for v in range(65))),
            charts.Series("Britain", -100, 100, tuple(0.0 for _ in range(65)))]
    picks = charts.resample(long[0].values, 50)
    assert charts.chart_caption(long, picks) == (
        "The first column is the start, the last is now: 64 decisions in 50 columns; each bar on its stat's scale.")


def test_codex_search_ranks_title_matches_first(mini: str) -> None:
    story = load_story([mini])
    entries = list(story.codex.values())
    lenin = next(e for e in entries if "Lenin" in e.title)
    assert present.search_codex(entries, "lenin")[0] is lenin
    assert present.search_codex(entries, "zzz") == []


def test_a_pasted_page_searched_in_the_codex_takes_no_longer_than_a_few_words() -> None:
    """Every keystroke searches again; 20,000 words pasted searched each entry 20,000 times
    (11.7 s on the campaign's codex). Only the first 12 words count, each once."""
    from pathlib import Path

    story = load_story([str(Path(__file__).resolve().parent.parent / "story")])
    entries = list(story.codex.values())
    assert present.search_codex(entries, "the " * 20_000) == present.search_codex(entries, "the")
    entry = entries[0]
    words = list(dict.fromkeys(entry.text.source.lower().split()))[:present.SEARCH_WORDS]
    assert len(words) == present.SEARCH_WORDS
    pasted = " ".join(words + ["zzzqqq"] + ["x"] * 20_000)  # the 13th word and on are not read
    assert entry in present.search_codex(entries, pasted)
