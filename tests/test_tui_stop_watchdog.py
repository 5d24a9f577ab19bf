"""A TUI process told to stop ends even when its event loop is stuck.

Seen in the wild (a terminal window closed during a resize storm): Textual's output thread died
on the dead terminal, the loop blocked putting the next write into the full queue, and the
process ignored SIGHUP and SIGTERM for good. tui/signals.py arms a watchdog the moment a signal
arrives; these tests stand in a stuck app for Textual's, in a child process, and fail (the child
never ends) without the watchdog.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kremlin_tui

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

CHILD = textwrap.dedent("""
    import asyncio, os, signal, sys, threading, time
    from kremlin_tui.tui import signals

    signals.STOP_DEADLINE_SECONDS = 1.0
    SIGNUM = getattr(signal, sys.argv[2])

    def block_forever():
        lock = threading.Lock()
        lock.acquire()
        lock.acquire()

    class StuckApp:
        '''An app whose orderly exit never returns, as Textual's did (a put into a full queue).'''
        session = None
        is_headless = False

        def exit(self, return_code):
            block_forever()

    async def main():
        signals.install(StuckApp())
        if sys.argv[1] == "stuck-on-exit":  # the loop runs our handler, then the exit hangs
            os.kill(os.getpid(), SIGNUM)
            await asyncio.sleep(60)
        else:  # the loop is already stuck when the signal comes: no loop callback ever runs
            threading.Thread(target=lambda: (time.sleep(0.3), os.kill(os.getpid(), SIGNUM))).start()
            block_forever()

    asyncio.run(main())
""")


def _run(tmp_path: Path, where: str, name: str) -> subprocess.CompletedProcess[bytes]:
    script = tmp_path / "stuck_app.py"
    script.write_text(CHILD, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(kremlin_tui.__file__).parent.parent), HOME=str(tmp_path))
    child = subprocess.Popen([sys.executable, str(script), where, name], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = child.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"the process told to stop ({name}, {where}) was still running 30 s later")
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
@pytest.mark.parametrize("where", ["stuck-on-exit", "stuck-before-the-signal"])
def test_a_stuck_app_told_to_stop_still_ends(tmp_path: Path, where: str, name: str) -> None:
    done = _run(tmp_path, where, name)
    assert done.returncode == 128 + getattr(signal, name), done.stderr[-500:]
    assert b"Traceback" not in done.stderr
    assert done.stdout.endswith(b"\x1b[?1049l\x1b[?1000l\x1b[?1003l\x1b[?1006l\x1b[?25h"), (
        "leaving, it switches the alternate screen and mouse reporting off for a terminal still there")


def test_a_headless_app_arms_no_watchdog() -> None:
    """Tests drive the app headless in pytest's own process: a signal there must not end the run
    ten seconds later, so install() leaves the Python-level handlers alone."""
    import asyncio

    from kremlin_tui.tui import signals

    class HeadlessApp:
        session = None
        is_headless = True

        def exit(self, return_code: int) -> None:
            pass

    async def install_and_read() -> object:
        signals.install(HeadlessApp())  # type: ignore[arg-type]
        try:
            return signal.getsignal(signal.SIGTERM)  # asyncio's own do-nothing handler, not ours
        finally:
            loop = asyncio.get_running_loop()
            for signum in signals.SIGNALS:
                loop.remove_signal_handler(signum)

    handler = asyncio.run(install_and_read())
    assert callable(handler) and getattr(handler, "__name__", "") != "arm_then_pass_on", handler
