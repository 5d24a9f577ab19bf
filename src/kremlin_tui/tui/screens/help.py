"""Help: how to play and every key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown, Static

from kremlin_tui.tui.screens.base import SecondaryScreen

HELP = """\
## How to play

You are Leon Trotsky, from Lenin's death in January 1924 onward. Each scene ends with a
choice. Some choices are **locked** 🔒 until earlier decisions or your standing allow them;
the reason is shown. The stat changes a choice will certainly cause are shown beside it
(▲ up, ▼ down, green good, red bad); many consequences are hidden and arrive years later,
as events that say what caused them. The journal keeps the thread.

## Keys

| key | in the game |
|---|---|
| `1`–`9`, arrows + Enter, mouse | take a choice |
| `j` | journal: your decisions by date |
| `m` | map: who stands where |
| `g` | charts: your stats over time |
| `c` | codex: people, parties and terms you have met |
| `s` / `l` | save / load |
| `F5` / `F9` | quick save / quick load |
| `u` / `r` | undo the last decision / redo it (the same outcome: undo never re-rolls) |
| `t` | show or hide the stats sidebar |
| `?` | this help |
| `q` | quit (asks if you have unsaved progress) |
| `ctrl+p` | command palette: every command, and the theme switcher |
| `Escape` | close a dialog or screen |

The game autosaves after every decision; *Continue* on the title screen resumes the newest save.
In the load screen (`l`), Enter loads, `d` deletes and `r` renames a save; damaged saves are
listed with the reason, and never stop the others from loading.
"""


class HelpScreen(SecondaryScreen):
    def compose(self) -> ComposeResult:
        yield Static("Help · Escape to return", classes="screen-title")
        with VerticalScroll():
            yield Markdown(HELP)
        yield Footer()
