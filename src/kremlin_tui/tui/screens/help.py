"""Help: the story's premise, how to play and every key. `KEYS` is the one key map: the help
screen, the README and a test (tests/tui/test_keys.py) read it, and the screens' bindings must
agree with it. Nothing here is about one campaign: who the player is comes from the story's
manifest (its premise), so another story or a mod gets its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown, Static

from kremlin_tui.dates import Precision
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import md_escape

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.signal import Signal

    from kremlin_tui.model import Campaign, Story

# (key as shown, what it does, where): one meaning per key on the screens a player moves between.
KEYS: tuple[tuple[str, str, str], ...] = (
    ("1–9, ↑ ↓ + Enter, mouse", "take a choice", "game"),
    ("Page Up / Page Down, mouse wheel", "scroll the story", "game"),
    ("Escape", "game menu: resume, save, load, title screen, help, quit", "game"),
    ("j", "journal: your decisions by date, and what set off each event", "game, ending"),
    ("y", "why? why this scene or event is here, and which decisions moved each stat", "game, ending"),
    ("m", "map: who stands where", "game"),
    ("g", "charts: your stats over time", "game"),
    ("x", "codex: people, parties and terms you have met", "title, game"),
    ("s", "save under a name", "game"),
    ("l", "load a saved game", "title, game"),
    ("F5 / F9", "quick save / quick load", "game"),
    ("u / r", "undo the last decision / redo it (the same outcome: undo never re-rolls)", "game, ending"),
    ("t", "show or hide the stats sidebar (Tab or the mouse on a stat: what it means; Enter, y or a click on it: "
     "why it has its value; ↑ ↓ from stat to stat)", "game"),
    ("n", "new game", "title, ending"),
    ("c", "continue the newest game", "title"),
    ("?", "this help", "title, game"),
    ("q, ctrl+q", "quit (every decision is already saved)", "title, game"),
    ("ctrl+p", "command palette: every command, the keys panel, themes, screenshot", "everywhere"),
    ("Escape", "close a screen, a dialog or the keys panel", "other screens"),
    ("Enter / e / d", "load / rename / delete the highlighted save (on a game's line: load its latest, rename the game; "
     "Enter on a previous version restores it)", "load screen"),
)

# (name in the command palette, description, app action, only with a game in progress)
COMMANDS: tuple[tuple[str, str, str, bool], ...] = (
    ("New game", "Start a new game from the beginning (n)", "new_game", False),
    ("Journal", "Your decisions so far, by date (j)", "journal", True),
    ("Why?", "Why this scene is here; what moved each stat (y)", "why", True),
    ("Map", "Who stands where (m)", "map", True),
    ("Charts", "Your stats over time (g)", "charts", True),
    ("Save", "Save the game under a name (s)", "save", True),
    ("Quick save", "Save to this game's quick slot (F5)", "quicksave", True),
    ("Undo", "Step back one decision (u)", "undo", True),
    ("Redo", "Take an undone decision again (r)", "redo", True),
    ("Quick load", "Load this game's quick save (F9)", "quickload", True),
    ("Load", "Load a saved game (l)", "load", False),
    ("Codex", "People, parties and terms (x)", "codex", False),
    ("Help", "Keys and how to play (?)", "help", False),
)


def commands(in_game: bool) -> list[tuple[str, str, str]]:
    return [(name, text, action) for name, text, action, needs_game in COMMANDS if in_game or not needs_game]


def keys_markdown() -> str:
    rows = [f"| {key} | {what} | {where} |" for key, what, where in KEYS]
    return "\n".join(["| key | does | where |", "|---|---|---|", *rows])


HOW_TO_PLAY = """\
## How to play

Each scene ends with a choice. Some choices are **locked** 🔒 until earlier decisions or your standing allow them;
the reason is shown. Under the list, the stat changes the highlighted choice will certainly
cause are shown (▲ up, ▼ down, green good, red bad), computed by the game from the situation
you are in; a choice whose result is not certain is marked *a gamble*, with its odds, what they
depend on, and which results would end your game (a choice that surely ends it says so too).
Many consequences are hidden and arrive years later, as events; press `y` to ask why a scene or
an event is here and which of your decisions made it so, or which moved a stat. The journal
keeps the thread. In the sidebar, a ◆ marks a stat close to a value at which the story reacts;
Tab to a stat (or point at it) to read what it means, and press Enter or `y` on it (or click
it) to ask why it has its value.

## Keys

"""

SAVING = """

The game saves itself after every decision; *Continue* on the title screen resumes the newest save.
In the load screen (`l`), damaged saves are listed with the reason, and never stop the others
from loading.
"""


LOADING = "## The story\n\n*Loading the story…*\n\n"
NO_STORY = "## The story\n\n*The story could not be loaded: `kremlin-tui check` shows why.*\n\n"


def story_markdown(campaign: Campaign) -> str:
    """The story's own words first: its title, tagline, premise (who you are, and when) and first
    day, from the manifest. Escaped: they are text, not Markdown."""
    start = ("on " if campaign.start_date.precision == Precision.DAY else "in ") + campaign.start_date.display()
    premise = " ".join(campaign.premise.split())
    parts = [f"## {md_escape(campaign.title)}", f"*{md_escape(campaign.tagline)}*" if campaign.tagline else "",
             md_escape(premise), f"The story begins {start}."]
    return "\n\n".join(part for part in parts if part) + "\n\n"


def help_markdown(campaign: Campaign | None, loading: bool = False) -> str:
    story = story_markdown(campaign) if campaign is not None else LOADING if loading else NO_STORY
    return story + HOW_TO_PLAY + keys_markdown() + SAVING


class HelpScreen(SecondaryScreen):
    """Given the story, or (while it loads) the signal that brings it and a way to read the story
    once more after subscribing (it may have been published before this screen was mounted);
    neither: it failed to load."""

    def __init__(self, story: Story | None = None, story_ready: Signal[Story | None] | None = None,
                 loaded: Callable[[], Story | None] | None = None) -> None:
        super().__init__()
        self.story = story
        self.story_ready = story_ready
        self.loaded = loaded

    def compose(self) -> ComposeResult:
        yield Static("Help · Escape to return", classes="screen-title")
        with VerticalScroll():
            campaign = self.story.campaign if self.story else None
            yield Markdown(help_markdown(campaign, self.story_ready is not None), id="help-text", classes="reading")
        yield Footer()

    def on_mount(self) -> None:
        if self.story is None and self.story_ready is not None:
            self.story_ready.subscribe(self, self.show_story)
            story = self.loaded() if self.loaded is not None else None
            if story is not None:
                self.show_story(story)

    def show_story(self, story: Story | None) -> None:
        self.story = story
        self.query_one("#help-text", Markdown).update(help_markdown(story.campaign if story else None))
