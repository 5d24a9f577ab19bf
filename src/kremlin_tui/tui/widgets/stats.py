"""The sidebar: stats as labelled bars with their last change, and relations by country."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from kremlin_tui.engine import Game
from kremlin_tui.expr import attitude_word
from kremlin_tui.tui.text import DOWN, UP, amount, delta_style

ATTITUDE_STYLES = {
    "hostile": "$text-error",
    "cold": "$text-error",
    "wary": "$text-warning",
    "neutral": "$text-muted",
    "cordial": "$text-success",
    "friendly": "$text-success",
    "allied": "bold $text-success",
}


def bar(value: float, low: float, high: float, width: int) -> str:
    span = (high - low) or 1
    filled = round((value - low) / span * width)
    filled = max(0, min(width, filled))
    return "█" * filled + "░" * (width - filled)


class StatsPanel(VerticalScroll):
    """Shows the game's visible state; `refresh_from(game)` after every decision."""

    BAR_WIDTH = 8
    LABEL_WIDTH = 17

    def compose(self) -> ComposeResult:
        yield Static(id="stats-body")

    def refresh_from(self, game: Game) -> None:
        story = game.story
        last: dict[str, float] = {}
        if game.state.history:
            for change in game.state.history[-1].changes:
                last[change.name] = change.delta
        parts: list[Content | str | tuple[str, str]] = [("STANDING\n", "bold $text-accent")]
        for stat in story.stats.values():
            if stat.hidden:
                continue
            value = game.state.vars[stat.id]
            delta = last.get(stat.id, 0)
            parts.append(f"{stat.label[: self.LABEL_WIDTH]:<{self.LABEL_WIDTH}} ")
            parts.append((bar(value, stat.min, stat.max, self.BAR_WIDTH), "$accent"))
            parts.append(f" {_num(value):>3}")
            if delta:
                arrow = UP if delta > 0 else DOWN
                parts.append((f" {arrow}{amount(delta)}", delta_style(delta, stat.polarity)))
            parts.append("\n")
        if story.relations:
            parts.append(("\nRELATIONS\n", "bold $text-accent"))
            for rel in story.relations.values():
                value = game.state.vars[rel.id]
                word = attitude_word(value)
                delta = last.get(rel.id, 0)
                parts.append(f"{rel.name[: self.LABEL_WIDTH]:<{self.LABEL_WIDTH}} ")
                parts.append((f"{word:<8}", ATTITUDE_STYLES[word]))
                if delta:
                    arrow = UP if delta > 0 else DOWN
                    parts.append((f" {arrow}{amount(delta)}", delta_style(delta, "up")))
                parts.append("\n")
        self.query_one("#stats-body", Static).update(Content.assemble(*parts))


def _num(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return str(value)
