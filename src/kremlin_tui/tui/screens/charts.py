"""Charts: each visible stat over the game so far, on the stat's own fixed scale (0–100 for
most), with a time axis, so equal heights mean equal values and the cost of a policy shows."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from kremlin_tui import present
from kremlin_tui import present_charts as charts
from kremlin_tui.engine import Game
from kremlin_tui.tui.screens.base import SecondaryScreen

LABEL = 18  # the stat's name
NOW = 5  # " 100 " the latest value


def charts_content(game: Game, width: int) -> Content:
    series = charts.stat_series(game)
    dates = charts.timeline(game)
    room = max(10, width - LABEL - NOW)
    picks = charts.resample(series[0].values, room) if series else []
    parts: list[Content | str | tuple[str, str]] = []
    for line in series:
        label = line.label if len(line.label) <= LABEL - 1 else line.label[: LABEL - 2] + "…"
        parts += [(f"{label:<{LABEL}}", "bold"), (f"{present.number(line.values[-1]):>4} ", ""),
                  (charts.spark(line.values, line.low, line.high, picks), "$accent"), "\n"]
    if series:
        parts += [" " * (LABEL + NOW), (charts.time_axis(dates, picks, room), "$text-muted"), "\n\n"]
        parts.append((charts.chart_caption(series, picks), "italic $text-muted"))
    return Content.assemble(*parts)


class ChartsScreen(SecondaryScreen):
    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        yield Static("Charts · your stats over time · Escape to return", classes="screen-title")
        with VerticalScroll(id="charts"):
            yield Static(id="chart-lines")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.draw)

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self.draw)

    def draw(self) -> None:
        width = self.query_one("#charts", VerticalScroll).scrollable_content_region.width
        self.query_one("#chart-lines", Static).update(charts_content(self.game, width or self.size.width - 4))
