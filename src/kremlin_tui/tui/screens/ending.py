"""The ending: the epilogue, how this history diverged from ours, final standing, the gallery."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown, Static

from kremlin_tui.engine import Game
from kremlin_tui.expr import attitude_word
from kremlin_tui.profile import Profile
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import md_escape


def ending_markdown(game: Game, profile: Profile) -> str:
    scene = game.scene()
    story = game.story
    lines = [f"# {md_escape(scene.title)}", f"*{scene.date}*", "", scene.text, ""]
    if scene.divergence:
        lines += ["## How this history diverged from ours", "", scene.divergence, ""]
    lines += ["## Final standing", "", "| | |", "|---|---|"]
    for _sid, label, value in game.visible_stats():
        lines.append(f"| {md_escape(label)} | {value} |")
    for _rid, name, value in game.relations():
        lines.append(f"| {md_escape(name)} | {value} ({attitude_word(value)}) |")
    lines += ["", f"{game.state.decisions} decisions.", "", "## Endings found", ""]
    endings = [n for n in story.nodes.values() if n.is_ending]
    for ending in endings:
        found = profile.endings.get(ending.id)
        if found:
            lines.append(f"- **{md_escape(ending.title)}** — reached {found.get('count', 1)} time(s)")
        else:
            lines.append("- ??? *not yet found*")
    lines.append("")
    lines.append(f"{sum(1 for e in endings if e.id in profile.endings)} of {len(endings)} endings found.")
    return "\n".join(lines)


class EndingScreen(SecondaryScreen):
    BINDINGS = [
        Binding("escape", "close", "Title screen"),
        Binding("u", "app.undo", "Undo"),
        Binding("j", "app.journal", "Journal"),
        Binding("n", "app.new_game", "New game"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("The End", classes="screen-title")
        with VerticalScroll():
            yield Markdown(id="ending")
        yield Footer()

    def on_mount(self) -> None:
        game = self.kremlin.game
        if game is not None:
            self.query_one("#ending", Markdown).update(ending_markdown(game, self.kremlin.profile))

    def action_close(self) -> None:
        self.kremlin.to_title()
