"""Charts: each visible stat over the game so far, so the cost of a policy shows as a shape."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Sparkline, Static

from kremlin_tui.engine import Game
from kremlin_tui.tui.screens.base import SecondaryScreen


def stat_series(game: Game) -> dict[str, list[float]]:
    """Each visible stat's value at the start and after every decision, rebuilt from history."""
    story = game.story
    values = {s.id: float(s.initial) for s in story.stats.values() if not s.hidden}
    series = {name: [value] for name, value in values.items()}
    for step in game.state.history:
        for change in step.changes:
            if change.name in values:
                values[change.name] = float(change.new)
        for name, value in values.items():
            series[name].append(value)
    return series


class ChartsScreen(SecondaryScreen):
    def compose(self) -> ComposeResult:
        yield Static("Charts · each stat after every decision · Escape to return", classes="screen-title")
        yield VerticalScroll(id="charts")
        yield Footer()

    def on_mount(self) -> None:
        game = self.kremlin.game
        container = self.query_one("#charts", VerticalScroll)
        if game is None:
            container.mount(Static("No game in progress."))
            return
        for name, values in stat_series(game).items():
            stat = game.story.stats[name]
            first, last = values[0], values[-1]
            low, high = min(values), max(values)
            summary = Content.assemble(
                (f"{stat.label:<18}", "bold"),
                f" now {last:>3.0f}  (start {first:.0f}, low {low:.0f}, high {high:.0f})",
            )
            row = Horizontal(classes="chart-row")
            container.mount(row)
            row.mount(Static(summary, classes="chart-label"))
            row.mount(Sparkline(values if len(values) > 1 else values * 2, classes="chart-line"))
