"""The TUI's last line of defence against terminal escape injection.

Story and save text reaches the screen through many widgets (Markdown, option lists, tables,
notifications). The screens escape what they show (`safetext.safe`), but one forgotten path would
let a mod's `ESC]0;…BEL` retitle the window or `ESC[2J` clear it. Every frame Textual writes goes
through `Strip.render`, which joins each segment's text with the ANSI codes of its style; this
module wraps it so that segment text, and the target of a Markdown link (written inside an OSC 8
sequence), can never carry a control character. They are removed rather than escaped here: a
control character has no width in Textual's layout, so removing it keeps every line the width
Textual measured.

The wrapper relies on two private Strip attributes (`_segments`, `_render_cache`);
`tests/tui/test_terminal_safety.py` runs the real app in a pty and fails if a Textual upgrade
lets a planted escape through.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _clean_segments(segments: list[Any]) -> list[Any] | None:
    """The segments with control characters removed, or None when there are none (the usual case)."""
    search = _CONTROL.search
    if not any(search(seg[0]) or (seg[1] is not None and seg[1]._link and search(seg[1]._link)) for seg in segments):
        return None
    cleaned = []
    for segment in segments:
        text, style, control = segment
        if style is not None and style._link and search(style._link):
            style = style.update_link(None)
        cleaned.append(type(segment)(_CONTROL.sub("", text), style, control))
    return cleaned


def install() -> None:
    """Wrap `Strip.render` (once per process)."""
    from textual.strip import Strip

    if getattr(Strip.render, "_kremlin_safe", False):
        return
    original = Strip.render

    def render(self: Strip, console: Any) -> str:
        if self._render_cache is None:
            cleaned = _clean_segments(self._segments)
            if cleaned is not None:
                self._segments = cleaned
        return original(self, console)

    render._kremlin_safe = True  # type: ignore[attr-defined]
    Strip.render = render  # type: ignore[method-assign]
