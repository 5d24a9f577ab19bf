"""Leave the TUI cleanly when the process is told to stop, and leave it even when it cannot.

SIGTERM (a shutdown, `kill`), SIGHUP (the terminal window closed, an SSH link dropped) and
SIGINT (`kill -INT`; Ctrl-C itself is a key in the TUI) would otherwise end the process where it
stands, leaving the terminal in the alternate screen with mouse reporting on, and losing the
play since the last decision's autosave. Each one now autosaves the game, then asks the app to
exit, which restores the terminal; the exit status is 128 + the signal number (130 for SIGINT).

An orderly exit needs the event loop, and the loop can be stuck where no handler of ours runs:
when the terminal goes away in the middle of a burst of redraws (a window closed during a resize
storm), Textual's output thread dies on the dead terminal, its bounded queue fills, and the
loop blocks for ever putting the next write. Such a process ignored SIGTERM and SIGHUP for good,
some of them spinning at a fifth of a core. So the first signal also arms a watchdog thread that
ends the process `STOP_DEADLINE_SECONDS` later if the orderly exit has not happened by then.
The watchdog does not autosave (the loop's thread may be mid-change); every decision is already
autosaved when it is made, so what a stuck process loses is at most the screen it showed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kremlin_tui.tui.app import KremlinApp

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))
STOP_DEADLINE_SECONDS = 10.0  # a normal exit takes well under a second, even on a loaded machine
_LEAVE_SCREEN = b"\x1b[?1049l\x1b[?1000l\x1b[?1003l\x1b[?1006l\x1b[?25h"
_armed = threading.Event()


def install(app: KremlinApp) -> None:
    """Handle the signals in the app's event loop (call from the running app, e.g. on_mount)."""
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        try:
            loop.add_signal_handler(signum, stop, app, signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or Windows
            return
        if not app.is_headless:  # a test's app must not arm a timer that would end the test run
            _arm_on_arrival(signum)


def _arm_on_arrival(signum: int) -> None:
    """Arm the watchdog the moment the signal arrives, not when the loop gets to it.

    asyncio learns of the signal through the wakeup file descriptor and leaves a do-nothing
    Python-level handler in place; this wraps that handler. Python runs it in the main thread
    even while the loop is blocked (a lock wait is interrupted by the signal), and all it does is
    start a thread: it never touches the loop."""
    previous: Callable[[int, FrameType | None], Any] | int | None = signal.getsignal(signum)

    def arm_then_pass_on(received: int, frame: FrameType | None) -> None:
        arm_watchdog(128 + received)
        if callable(previous):
            previous(received, frame)

    signal.signal(signum, arm_then_pass_on)


def arm_watchdog(exit_status: int) -> None:
    """Start, once per process, the thread that ends it if the orderly exit does not."""
    if _armed.is_set():
        return
    _armed.set()
    threading.Thread(target=_exit_after, args=(STOP_DEADLINE_SECONDS, exit_status), name="kremlin-stop-watchdog",
                     daemon=True).start()


def _exit_after(seconds: float, exit_status: int) -> None:
    time.sleep(seconds)
    # still here: the loop never finished the exit. Leave the alternate screen if a terminal is
    # still there to hear it (without ever blocking on one that does not drain), then go.
    with contextlib.suppress(OSError):
        descriptor = os.dup(1)
        os.set_blocking(descriptor, False)
        os.write(descriptor, _LEAVE_SCREEN)
    os._exit(exit_status)


def stop(app: KremlinApp, signum: int) -> None:
    session = app.session
    if session is not None and not session.game.ended:
        session.autosave()  # never raises; a failure is in session.autosave_error
    app.exit(return_code=128 + signum)
