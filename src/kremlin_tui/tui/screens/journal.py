"""The journal: every decision so far, by date, with what it changed and what it set off.

Drawn as one styled text, not Markdown: a Markdown widget takes seconds for a long game, and
the journal opens at the latest entry (see bench/bench_journal.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from kremlin_tui import present
from kremlin_tui.engine import Game
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import journal_content


class JournalScreen(SecondaryScreen):
    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        yield Static("Journal · newest at the bottom · Escape to return", classes="screen-title")
        with VerticalScroll(id="journal-scroll"):
            yield Static(journal_content(present.journal(self.game)), id="journal", classes="reading")
        yield Footer()

    def on_mount(self) -> None:
        scroll = self.query_one("#journal-scroll", VerticalScroll)
        scroll.call_after_refresh(scroll.scroll_end, animate=False, immediate=True)
