"""The map: the story's regions (`campaign.map`), each country coloured by its attitude toward
the player's country."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.widgets import Footer, Static

from kremlin_tui.attitudes import ATTITUDES, attitude_word
from kremlin_tui.engine import Game
from kremlin_tui.model import MapLabel, StoryMap
from kremlin_tui.tui.screens.base import SecondaryScreen

# Friends of the home country in reds, its enemies in blues.
ATTITUDE_COLOURS = {
    "allied": "#b3001b",
    "friendly": "#d7263d",
    "cordial": "#e98a8a",
    "neutral": "#8a8a8a",
    "wary": "#7fa7d9",
    "cold": "#3f6fb5",
    "hostile": "#1d3a7a",
}
HOME_COLOUR = "#e0a800"
LAND, SEA = "#5a5a4a", "#0f2a3a"
GAP = "  "  # between regions side by side


def letter_colours(game: Game, story_map: StoryMap) -> dict[str, str]:
    """Each letter of the grids -> its colour now ("" draws nothing)."""
    colours = {story_map.sea: SEA, story_map.land: LAND, " ": ""}
    for country in story_map.countries:
        if country.relation:
            colours[country.letter] = ATTITUDE_COLOURS[attitude_word(game.state.vars[country.relation])]
        else:
            colours[country.letter] = HOME_COLOUR
    return colours


def map_width(story_map: StoryMap) -> int:
    """The width of the regions side by side."""
    return sum(len(region.rows[0]) for region in story_map.regions) + len(GAP) * (len(story_map.regions) - 1)


def alignment(game: Game, country: str) -> str:
    """A country's regime, where the story records one in a `<country>_outcome` flag."""
    flag = game.story.flags.get(f"{country}_outcome")
    if flag is None:
        return ""
    value = game.state.vars.get(flag.id)
    if value in (None, False, "none", "undecided"):
        return ""
    return str(value).replace("_", " ")


def render_map(game: Game, story_map: StoryMap, stacked: bool = False) -> Content:
    """The regions side by side, or (`stacked`, for narrow screens) one under another, so no
    country is ever off the edge."""
    colours = letter_colours(game, story_map)
    drawn = [_region_lines(region.rows, region.labels, colours) for region in story_map.regions]
    if stacked:
        lines = [line for index, region in enumerate(drawn) for line in ([Content("")] if index else []) + region]
    else:
        height = max(len(region) for region in drawn)
        blank = [Content(" " * len(region.rows[0])) for region in story_map.regions]
        lines = [Content(GAP).join(region[row] if row < len(region) else blank[index] for index, region in enumerate(drawn))
                 for row in range(height)]
    return Content("\n").join(lines)


def _region_lines(rows: tuple[str, ...], labels: tuple[MapLabel, ...], colours: dict[str, str]) -> list[Content]:
    written = {(label.row, label.col + offset): ch for label in labels for offset, ch in enumerate(label.text)}
    lines = []
    for r, row in enumerate(rows):
        parts = []
        for c, cell in enumerate(row):
            colour = colours.get(cell, LAND)
            parts.append((written.get((r, c), " "), f"bold #ffffff on {colour}" if colour else ""))
        lines.append(Content.assemble(*parts))
    return lines


def legend(game: Game, width: int = 200) -> Content:
    story_map = game.story.campaign.map
    homes = [c.name for c in story_map.countries if not c.relation and c.name] if story_map else []
    parts: list[tuple[str, str] | str] = [part for name in homes[:1] for part in (("  ", f"on {HOME_COLOUR}"), f" {name}\n")]
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
    used = len("Scale: ")
    for word in reversed(ATTITUDES):  # on two lines where one would run off a narrow screen
        if used + len(word) + 2 > width:
            parts.append("\n" + " " * len("Scale: "))
            used = len("Scale: ")
        parts.append((f" {word} ", f"#ffffff on {ATTITUDE_COLOURS[word]}"))
        used += len(word) + 2
    return Content.assemble(*parts)


class MapScreen(SecondaryScreen):
    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        story_map = self.game.story.campaign.map
        title = story_map.title if story_map else "Map"
        yield Static(f"{title} · Escape: back", classes="screen-title")
        with ScrollableContainer(id="map-scroll"):
            yield Static(Content.styled("This story has no map: its countries are listed below.", "italic")
                         if story_map is None else render_map(self.game, story_map), id="map")
            yield Static(legend(self.game), id="legend")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#map-scroll").focus()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#legend", Static).update(legend(self.game, event.size.width - 4))
        story_map = self.game.story.campaign.map
        if story_map is not None:
            stacked = event.size.width < map_width(story_map) + 4
            self.query_one("#map", Static).update(render_map(self.game, story_map, stacked=stacked))
