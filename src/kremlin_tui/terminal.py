"""Whether this terminal can show the full-screen interface.

A terminal that declares itself `dumb` (Emacs' shell, some CI consoles, a serial line) or
`unknown`, or a POSIX terminal with no TERM at all, cannot draw Textual's screen: the game plays
in plain mode there instead, and says so. Kept apart from the TUI so the check imports nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

INCAPABLE = ("dumb", "unknown")


def tui_unsupported(environ: Mapping[str, str] | None = None) -> str | None:
    """Why the full-screen interface cannot run here, or None when it can."""
    env = os.environ if environ is None else environ
    term = env.get("TERM", "")
    if sys.platform == "win32":  # Windows consoles have no TERM and run Textual fine
        return None
    if not term:
        return "TERM is not set"
    if term.lower() in INCAPABLE:
        return f"TERM={term} cannot draw the full-screen interface"
    return None
