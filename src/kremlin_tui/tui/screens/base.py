"""What every secondary screen shares: a title bar, Escape to close, the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from kremlin_tui.tui.app import KremlinApp


class SecondaryScreen(Screen[None]):
    BINDINGS = [Binding("escape", "close", "Back")]

    @property
    def kremlin(self) -> KremlinApp:
        return self.app  # type: ignore[return-value]

    def action_close(self) -> None:
        self.dismiss()
