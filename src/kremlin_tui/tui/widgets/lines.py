"""A long read-only text drawn a line at a time (Textual's line API): only the rows on screen are
rendered, so a 200-entry journal opens at once (see bench/bench_journal.py)."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

MAX_WIDTH = 76  # prose people read: at most 76 columns


class LinesView(ScrollView, can_focus=True):
    """Shows the lines `wrap(width)` returns, wrapped again only when the width (at most
    MAX_WIDTH) changes."""

    def __init__(self, wrap: Callable[[int], list[Content]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.wrap = wrap
        self.lines: list[Content] = []
        self._wrapped_at = 0

    def _text_width(self) -> int:
        """The width to wrap at: the content less a vertical scrollbar, shown or not. Deciding it
        from the widget's size alone means the text is wrapped once, not again each time the
        scrollbar comes or goes (which wrapped a 200-entry journal four times as it opened)."""
        width = self.outer_size.width - self.styles.gutter.width - self.styles.scrollbar_size_vertical
        return max(10, min(MAX_WIDTH, width))

    def _wrap(self) -> None:
        width = self._text_width()
        if width != self._wrapped_at:
            self._wrapped_at = width
            self.lines = self.wrap(width)
            self.virtual_size = Size(width, len(self.lines))

    def on_resize(self, event: events.Resize) -> None:
        self._wrap()

    def render_line(self, y: int) -> Strip:
        self._wrap()
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        line = self.lines[index]
        indent = max(0, (width - self._wrapped_at) // 2)  # centred when the screen is wider
        strip = Strip(line.render_segments(self.visual_style))
        return Strip.join([Strip.blank(indent, self.rich_style), strip]).extend_cell_length(width, self.rich_style)
