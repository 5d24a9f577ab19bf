"""Waiting in a pilot test on a real condition, never on a fixed number of short pauses (which a
loaded machine outruns: the flaky tests of issue 16)."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

PATIENCE = 120.0  # seconds: a condition that holds on an idle machine in ~1 s, on a loaded one later


async def wait_until(pilot: Pilot[object], condition: Callable[[], object], seconds: float = PATIENCE) -> bool:
    """Let the app run until `condition()` holds (True) or `seconds` pass (False: the caller's
    assert then says what did not happen)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.02)
    await pilot.pause()  # what the condition saw has finished mounting
    return True
