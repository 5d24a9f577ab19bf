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
    from textual.signal import Signal

    from kremlin_tui.model import Story

BANNER = """\
╦╔═╦═╗╔═╗╔╦╗╦  ╦╔╗╔   ╔╦╗╦ ╦╦
╠╩╗╠╦╝║╣ ║║║║  ║║║║    ║ ║ ║║
╩ ╩╩╚═╚═╝╩ ╩╩═╝╩╝╚╝    ╩ ╚═╝╩"""

ACTIONS = {"new": "new_game", "continue": "continue_game", "load": "load", "codex": "codex", "help": "help", "quit": "quit_game"}
MENU = (
    ("new", "New game", "n"),
    ("continue", "Continue", "c"),
    ("load", "Load a saved game", "l"),
    ("codex", "Codex", "x"),
    ("help", "Help", "?"),
    ("quit", "Quit", "q"),
)


class TitleScreen(Screen[None]):
    """Given the story (or, while it loads, the signal that brings it); the menu runs app actions."""

    BINDINGS = [
        Binding("n", "app.new_game", "New game"),
        Binding("c", "app.continue_game", "Continue"),
        Binding("l", "app.load", "Load"),
        Binding("x", "app.codex", "Codex"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit_game", "Quit"),
    ]

    def __init__(self, story: Story | None, story_ready: Signal[Story | None] | None = None) -> None:
        super().__init__()
        self.story = story
        self.story_ready = story_ready

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="title-scroll"), Vertical(id="title-box"):
            yield Static(Content(BANNER), id="banner")
            yield Static(id="tagline")
            with Center():
                yield OptionList(
                    *(Option(Content.assemble((f"{key:>1}  ", "bold $accent"), label), id=oid) for oid, label, key in MENU),
                    id="menu",
                    markup=False,
                )
            yield Static(Content("Loading the story…"), id="premise")
            yield Static(id="content-note")

    def on_mount(self) -> None:
        # `query`, not `query_one`: when the app is told to quit while the title is still being
        # mounted (textual-serve's "quit" packet at once), the menu may not be there, and that is fine.
        for menu in self.query("#menu").results(OptionList):
            menu.focus()
        self.show_story(self.story)
        if self.story is None and self.story_ready is not None:
            self.story_ready.subscribe(self, self.show_story)

    def show_story(self, story: Story | None) -> None:
        if story is None:
            return
        self.story = story
        campaign = story.campaign
        if campaign.title.casefold() != "kremlin tui":  # the banner spells this game's name only
            self.query_one("#banner", Static).update(Content.assemble((campaign.title, "bold")))
        self.query_one("#tagline", Static).update(Content(campaign.tagline))
        self.query_one("#premise", Static).update(Content(campaign.premise.strip()))
        note = campaign.content_note.strip()
        if note:
            self.query_one("#content-note", Static).update(Content.assemble(("Content note: ", "bold"), note))

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        await self.run_action(f"app.{ACTIONS[event.option.id or 'help']}")
