"""The map: Europe and East Asia, each country coloured by its attitude toward the USSR."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.widgets import Footer, Static

from kremlin_tui.engine import Game
from kremlin_tui.expr import ATTITUDES, attitude_word
from kremlin_tui.tui.mapdata import CODES, EUROPE, GAP, LABELS, ROWS
from kremlin_tui.tui.screens.base import SecondaryScreen

# Friends of the USSR in reds, its enemies in blues.
ATTITUDE_COLOURS = {
    "allied": "#b3001b",
    "friendly": "#d7263d",
    "cordial": "#e98a8a",
    "neutral": "#8a8a8a",
    "wary": "#7fa7d9",
    "cold": "#3f6fb5",
    "hostile": "#1d3a7a",
}
USSR_COLOUR = "#e0a800"
LAND, SEA = "#5a5a4a", "#0f2a3a"


def country_colours(game: Game) -> dict[str, str]:
    colours = {"ussr": USSR_COLOUR}
    for rel in game.story.relations.values():
        colours[rel.id] = ATTITUDE_COLOURS[attitude_word(game.state.vars[rel.id])]
    return colours


def alignment(game: Game, country: str) -> str:
    """A country's regime, where the story records one in a `<country>_outcome` flag."""
    flag = game.story.flags.get(f"{country}_outcome")
    if flag is None:
        return ""
    value = game.state.vars.get(flag.id)
    if value in (None, False, "none", "undecided"):
        return ""
    return str(value).replace("_", " ")


def render_map(game: Game, stacked: bool = False) -> Content:
    """Europe and East Asia side by side, or (`stacked`, for narrow screens) East Asia under
    Europe, so Japan is never off the edge."""
    colours = country_colours(game)
    labels: dict[tuple[int, int], str] = {}
    for row, col, text in LABELS:
        for offset, ch in enumerate(text):
            labels[(row, col + offset)] = ch
    europe = len(EUROPE[0]) + len(GAP)
    rows = [(r, 0, row) for r, row in enumerate(ROWS)]
    if stacked:  # each row's Asian half goes below, read from the same grid (labels included)
        rows = [(r, 0, row[: len(EUROPE[0])]) for r, row in enumerate(ROWS)] + [(0, 0, "")] + [
            (r, europe, row[europe:]) for r, row in enumerate(ROWS)]
    lines: list[Content] = []
    for r, start, row in rows:
        parts: list[tuple[str, str]] = []
        for c, cell in enumerate(row, start=start):
            if cell == "~":
                colour = SEA
            elif cell == " ":
                colour = ""
            else:
                colour = colours.get(CODES.get(cell, ""), LAND)
            ch = labels.get((r, c), " ")
            style = f"bold #ffffff on {colour}" if colour else ""
            parts.append((ch, style))
        lines.append(Content.assemble(*parts))
    return Content("\n").join(lines)


def legend(game: Game) -> Content:
    parts: list[tuple[str, str] | str] = [("  ", f"on {USSR_COLOUR}"), " Soviet Union\n"]
    for rel in game.story.relations.values():
        value = game.state.vars[rel.id]
        word = attitude_word(value)
        regime = alignment(game, rel.id)
        parts.append(("  ", f"on {ATTITUDE_COLOURS[word]}"))
        parts.append(f" {rel.name:<20} {word:<9} {value:>4}")
        if regime:
            parts.append((f"  {regime}", "italic"))
        parts.append("\n")
    parts.append(("\nScale: ", "bold"))
    for word in reversed(ATTITUDES):
        parts.append((f" {word} ", f"#ffffff on {ATTITUDE_COLOURS[word]}"))
    return Content.assemble(*parts)


class MapScreen(SecondaryScreen):
    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        yield Static("Map · attitude toward the USSR · Escape: back", classes="screen-title")
        with ScrollableContainer(id="map-scroll"):
            yield Static(render_map(self.game), id="map")
            yield Static(legend(self.game), id="legend")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#map-scroll").focus()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#map", Static).update(render_map(self.game, stacked=event.size.width < len(ROWS[0]) + 4))
