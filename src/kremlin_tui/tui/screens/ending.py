"""The ending: the epilogue, how this history diverged from ours, final standing, the gallery."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown, Static

from kremlin_tui import present
from kremlin_tui.engine import Game
from kremlin_tui.profile import Profile
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import md_escape


def ending_markdown(game: Game, profile: Profile) -> str:
    scene = game.scene()
    lines = [f"# {md_escape(scene.title)}", f"*{scene.date}*", "", scene.text, ""]
    if scene.divergence:
        lines += ["## How this history diverged from ours", "", scene.divergence, ""]
    lines += ["## Final standing", "", "| Standing | At the end |", "|---|---|"]
    for row in present.final_standing(game):
        shown = f"{row.value} ({row.attitude})" if row.attitude else row.value
        lines.append(f"| {md_escape(row.label)} | {shown} |")
    lines += ["", f"{present.plural(game.state.decisions, 'decision')}.", "", "## Endings found", ""]
    endings = present.endings_found(game.story, profile.endings)
    for title, count in endings:
        if count:
            lines.append(f"- **{md_escape(title)}** — reached {present.plural(count, 'time')}")
        else:
            lines.append("- ??? *not yet found*")
    found = sum(1 for _title, count in endings if count)
    lines += ["", f"{found} of {len(endings)} endings found."]
    return "\n".join(lines)


class EndingScreen(SecondaryScreen):
    BINDINGS = [
        Binding("escape", "app.to_title", "Title"),
        Binding("u", "app.undo", "Undo"),
        Binding("j", "app.journal", "Journal"),
        Binding("y", "app.why", "Why?"),
        Binding("n", "app.new_game", "New game"),
    ]

    def __init__(self, game: Game, profile: Profile) -> None:
        super().__init__()
        self.game = game
        self.profile = profile

    def compose(self) -> ComposeResult:
        yield Static("The End", classes="screen-title")
        with VerticalScroll():
            yield Markdown(ending_markdown(self.game, self.profile), id="ending", classes="reading")
        yield Footer(compact=True)  # every key fits 60 columns
