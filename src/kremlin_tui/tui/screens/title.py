"""The title screen: name, premise, content note, and the way into the game."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from kremlin_tui.tui.app import KremlinApp

BANNER = """\
╦╔═╦═╗╔═╗╔╦╗╦  ╦╔╗╔   ╔╦╗╦ ╦╦
╠╩╗╠╦╝║╣ ║║║║  ║║║║    ║ ║ ║║
╩ ╩╩╚═╚═╝╩ ╩╩═╝╩╝╚╝    ╩ ╚═╝╩"""

MENU = (
    ("new", "New game", "n"),
    ("continue", "Continue", "c"),
    ("load", "Load a saved game", "l"),
    ("codex", "Codex", "x"),
    ("help", "Help", "?"),
    ("quit", "Quit", "q"),
)


class TitleScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "app.new_game", "New game"),
        Binding("c", "app.continue_game", "Continue"),
        Binding("l", "app.load", "Load"),
        Binding("x", "app.codex", "Codex"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    @property
    def kremlin(self) -> KremlinApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="title-scroll"), Vertical(id="title-box"):
            yield Static(Content(BANNER), id="banner")
            yield Static(Content("An alternate history · Moscow, 1924"), id="tagline")
            yield Static(Content("Loading the story…"), id="premise")
            yield Static(id="content-note")
            with Center():
                yield OptionList(
                    *(Option(Content.assemble((f"{key:>1}  ", "bold $accent"), label), id=oid) for oid, label, key in MENU),
                    id="menu",
                    markup=False,
                )


    def on_mount(self) -> None:
        self.query_one("#menu", OptionList).focus()
        self.story_loaded()

    def story_loaded(self) -> None:
        story = self.kremlin.story
        if story is None:
            return
        self.query_one("#premise", Static).update(Content(story.campaign.premise.strip()))
        note = story.campaign.content_note.strip()
        if note:
            self.query_one("#content-note", Static).update(Content.assemble(("Content note: ", "bold"), note))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        actions = {
            "new": self.kremlin.action_new_game,
            "continue": self.kremlin.action_continue_game,
            "load": self.kremlin.action_load,
            "codex": self.kremlin.action_codex,
            "help": self.kremlin.action_help,
            "quit": self.kremlin.exit,
        }
        action = actions.get(event.option.id or "")
        if action is not None:
            action()
