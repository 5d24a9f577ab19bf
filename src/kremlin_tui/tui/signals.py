"""Leave the TUI cleanly when the process is told to stop.

SIGTERM (a shutdown, `kill`), SIGHUP (the terminal window closed, an SSH link dropped) and
SIGINT (`kill -INT`; Ctrl-C itself is a key in the TUI) would otherwise end the process where it
stands, leaving the terminal in the alternate screen with mouse reporting on, and losing the
play since the last decision's autosave. Each one now autosaves the game, then asks the app to
exit, which restores the terminal; the exit status is 128 + the signal number (130 for SIGINT).
"""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kremlin_tui.tui.app import KremlinApp

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))


def install(app: KremlinApp) -> None:
    """Handle the signals in the app's event loop (call from the running app, e.g. on_mount)."""
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        try:
            loop.add_signal_handler(signum, stop, app, signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
            return


def stop(app: KremlinApp, signum: int) -> None:
    session = app.session
    if session is not None and not session.game.ended:
        session.autosave()  # never raises; a failure is in session.autosave_error
    app.exit(return_code=128 + signum)
