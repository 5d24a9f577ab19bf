"""A footer that leaves out whole keys, least needed first, when the screen is too narrow.

Textual's footer lays its keys out in a row and clips the row at the right edge: at 60 columns
the game's footer lost "u Undo ? Help", the two keys a new player most needs (p21hostile), and
at some widths a key is cut mid-word. This one measures the keys (Textual's compact layout: the
key, a space, the description, a space; the command palette's key docked right after a bar) and
drops the palette's key, then the actions named in `drop_order`, until the rest fit. A key left
out still works, and the help lists every key.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["FittingFooter"]

PALETTE = "-command-palette"


def _cells(item: Widget) -> int:
    if not isinstance(item, FooterKey):
        return 0
    palette = item.has_class(PALETTE)
    return cell_len(item.key_display) + (1 + cell_len(item.description) if item.description else 0) + 1 + palette


class FittingFooter(Footer):
    def __init__(self, drop_order: Sequence[str] = (), **options: bool) -> None:
        super().__init__(**options)
        self.drop_order = tuple(drop_order)  # actions, the least needed first
        self._laid_out_for = 0

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        width = self.size.width or self.app.size.width
        self._laid_out_for = width
        if sum(map(_cells, items)) > width:
            items = [item for item in items if not item.has_class(PALETTE)]
        for action in self.drop_order:
            if sum(map(_cells, items)) <= width:
                break
            items = [item for item in items if not (isinstance(item, FooterKey) and item.action == action)]
        yield from items

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_for:
            self.refresh(recompose=True)
