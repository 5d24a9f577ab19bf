"""Help: how to play and every key. `KEYS` is the one key map: the help screen, the README and a
test (tests/tui/test_keys.py) read it, and the screens' bindings must agree with it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown, Static

from kremlin_tui.tui.screens.base import SecondaryScreen

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
    ("New game", "Start a new game from the beginning", "new_game", False),
    ("Journal", "Your decisions so far, by date (j)", "journal", True),
    ("Why?", "Why this scene is here; what moved each stat (y)", "why", True),
    ("Map", "Who stands where (m)", "map", True),
    ("Charts", "Your stats over time (g)", "charts", True),
    ("Save", "Save the game under a name (s)", "save", True),
    ("Quick save", "Save to the quick slot (F5)", "quicksave", True),
    ("Undo", "Step back one decision (u)", "undo", True),
    ("Redo", "Take an undone decision again (r)", "redo", True),
    ("Quick load", "Load the quick save (F9)", "quickload", True),
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

You are Leon Trotsky, from Lenin's death in January 1924 onward. Each scene ends with a
choice. Some choices are **locked** 🔒 until earlier decisions or your standing allow them;
the reason is shown. Under the list, the stat changes the highlighted choice will certainly
cause are shown (▲ up, ▼ down, green good, red bad), computed by the game from the situation
you are in; a choice whose result is not certain is marked *a gamble*, with its odds and what
they depend on. Many consequences are hidden and arrive years later, as events; press `y` to
ask why a scene or an event is here and which of your decisions made it so, or which moved a
stat. The journal keeps the thread. In the sidebar, a ◆ marks a stat close to a value at
which the story reacts; Tab to a stat (or point at it) to read what it means, and press Enter
or `y` on it (or click it) to ask why it has its value.

## Keys

"""

SAVING = """

The game saves itself after every decision; *Continue* on the title screen resumes the newest save.
In the load screen (`l`), damaged saves are listed with the reason, and never stop the others
from loading.
"""


class HelpScreen(SecondaryScreen):
    def compose(self) -> ComposeResult:
        yield Static("Help · Escape to return", classes="screen-title")
        with VerticalScroll():
            yield Markdown(HOW_TO_PLAY + keys_markdown() + SAVING, classes="reading")
        yield Footer()
