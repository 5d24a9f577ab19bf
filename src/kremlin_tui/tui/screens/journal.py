"""The journal: every decision so far, by date, with what it changed and what it set off.

Drawn a line at a time, not as Markdown: a Markdown widget takes seconds for a long game; the
journal opens at the latest entry (see bench/bench_journal.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Static

from kremlin_tui import present
from kremlin_tui.engine import Game
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import journal_lines
from kremlin_tui.tui.widgets.lines import LinesView


class JournalScreen(SecondaryScreen):
    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self) -> ComposeResult:
        yield Static("Journal · newest at the bottom · Escape to return", classes="screen-title")
        entries = present.journal(self.game)
        yield LinesView(lambda width: journal_lines(entries, width), id="journal")
        yield Footer()

    def on_mount(self) -> None:
        journal = self.query_one(LinesView)
        journal.focus()
        journal.call_after_refresh(journal.scroll_end, animate=False, immediate=True)
