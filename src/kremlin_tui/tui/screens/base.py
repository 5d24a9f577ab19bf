"""What every secondary screen shares: a title bar, Escape to close, the footer.

A secondary screen is given what it shows when it is pushed (the game, the story); it never
reaches into the app for it."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen


class SecondaryScreen(Screen[None]):
    BINDINGS = [Binding("escape", "close", "Back")]

    def action_close(self) -> None:
        if self.query("HelpPanel"):  # Escape closes the keys panel first
            self.app.action_hide_help_panel()
            return
        self.dismiss()
