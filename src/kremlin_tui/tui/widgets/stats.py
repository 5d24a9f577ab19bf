"""The sidebar: stats as labelled bars with their last change, relations by country, and, docked
at its bottom whatever the scroll, the description of the stat in focus (or under the mouse). A ◆
marks a stat near a value at which the story reacts (computed from the story's own conditions,
see `stat_thresholds`). A stat can be asked why it has its value: Enter or `y` on a focused
row, or a click, posts `StatsPanel.Asked` (the screen opens the Why? report on it)."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from kremlin_tui import present
from kremlin_tui.engine import Game
from kremlin_tui.present import RelationRow, StatRow
from kremlin_tui.stat_thresholds import Threshold
from kremlin_tui.tui.text import VERDICT_STYLES

ATTITUDE_STYLES = {
    "hostile": "$text-error",
    "cold": "$text-error",
    "wary": "$text-warning",
    "neutral": "$text-muted",
    "cordial": "$text-success",
    "friendly": "$text-success",
    "allied": "bold $text-success",
}
BAR_WIDTH = 6
TAIL = 1 + BAR_WIDTH + 4 + 4 + 2  # " ███░░░  45 ▲12 ◆": what follows a label
NEAR_MARK = "◆"
HINT = "Tab or the mouse: a stat's meaning here. Enter, y or a click on it: why it has its value."


def bar(value: float, low: float, high: float, width: int) -> str:
    span = (high - low) or 1
    filled = max(0, min(width, round((value - low) / span * width)))
    return "█" * filled + "░" * (width - filled)


def _fit(label: str, width: int) -> str:
    return label if len(label) <= width else label[: max(1, width - 1)] + "…"


class StandingLine(Static, can_focus=True):
    """One stat or relation; its description shows in the panel's note on focus or hover."""

    BINDINGS = [
        Binding("enter", "ask", "Why?"),
        Binding("y", "ask", "Why?", show=False),
        Binding("down", "app.focus_next", show=False),  # from stat to stat
        Binding("up", "app.focus_previous", show=False),
    ]

    def __init__(self, row: StatRow | RelationRow) -> None:
        super().__init__(classes="standing-line")
        self.row = row

    def note(self) -> Content:
        row = self.row
        label = row.label if isinstance(row, StatRow) else row.name
        parts: list[str | tuple[str, str]] = [(label, "bold")]
        if row.description:
            parts += [": ", row.description]
        if isinstance(row, StatRow) and row.near:
            parts += ["\n", (f"{NEAR_MARK} The story reacts if it {row.near}.", "$text-warning")]
        return Content.assemble(*parts)

    def draw(self, row: StatRow | RelationRow, width: int) -> None:
        self.row = row
        self.tooltip = self.note()
        label_width = max(6, width - TAIL)
        if isinstance(row, StatRow):
            parts: list[str | tuple[str, str]] = [f"{_fit(row.label, label_width):<{label_width}} ",
                                                  (bar(row.value, row.low, row.high, BAR_WIDTH), "$accent"),
                                                  f" {present.number(row.value):>3}"]
        else:
            parts = [f"{_fit(row.name, label_width):<{label_width}} ", (f"{row.attitude:<8}", ATTITUDE_STYLES[row.attitude]),
                     f" {present.number(row.value):>3}"[:4]]
        if row.last is not None:
            parts.append((f" {present.arrow(row.last.delta)}", VERDICT_STYLES[row.last.verdict]))
        if isinstance(row, StatRow) and row.near:
            parts.append((f" {NEAR_MARK}", "$text-warning"))
        self.update(Content.assemble(*parts))

    def on_focus(self) -> None:
        self.post_message(StatsPanel.Noted(self))

    def on_enter(self, _event: events.Enter) -> None:
        self.post_message(StatsPanel.Noted(self))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_ask()

    def action_ask(self) -> None:
        self.post_message(StatsPanel.Asked(self.row.id))


class StatsPanel(Vertical):
    """Shows the game's visible state; `refresh_from(game)` after every decision."""

    class Noted(Message):
        def __init__(self, line: StandingLine) -> None:
            super().__init__()
            self.line = line

    class Asked(Message):
        """The player asked why a stat or relation (`name`, its id) has its value."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, thresholds: dict[str, tuple[Threshold, ...]] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.thresholds = thresholds if thresholds is not None else {}  # the app fills it in place, maybe later
        self.rows: list[StatRow | RelationRow] = []

    def compose(self) -> ComposeResult:
        yield Static(Content(HINT), id="stat-note")  # docked at the bottom: on screen whatever the scroll
        with VerticalScroll(id="standing", can_focus=False):
            yield Static(Content.assemble(("STANDING", "bold $text-accent")), id="stats-head")
            yield Static(Content.assemble(("RELATIONS", "bold $text-accent")), id="relations-head")

    def refresh_from(self, game: Game) -> None:
        stats, relations = present.stat_rows(game, self.thresholds), present.relation_rows(game)
        rows: list[StatRow | RelationRow] = [*stats, *relations]
        lines = list(self.query(StandingLine))
        if [r.id for r in rows] != [line.row.id for line in lines]:
            for line in lines:
                line.remove()
            standing = self.query_one("#standing", VerticalScroll)
            standing.mount_all((StandingLine(r) for r in stats), after="#stats-head")
            standing.mount_all((StandingLine(r) for r in relations), after="#relations-head")
            self.query_one("#relations-head").display = bool(relations)
        self.rows = rows
        self.call_after_refresh(self.redraw)

    def redraw(self) -> None:
        width = self.query_one("#standing", VerticalScroll).scrollable_content_region.width or 34
        for line, row in zip(self.query(StandingLine), self.rows, strict=False):
            line.draw(row, width)

    def on_resize(self, _event: events.Resize) -> None:
        self.redraw()  # `t` and new terminal sizes re-fit the labels

    def on_stats_panel_noted(self, message: Noted) -> None:
        self.query_one("#stat-note", Static).update(message.line.note())
