"""Keep a loaded story out of the cyclic garbage collector's full collections, without ever
keeping garbage alive for good.

A story is hundreds of thousands of objects (millions at 100 times the campaign) that live as
long as the program. Python's full collection walks every tracked object: about a second at
100x, paid again and again while play builds the engine's per-scene plans, for nothing, since
the story cannot be garbage. `gc.freeze()` takes what exists out of every collection; but it
takes everything, garbage included, and frozen garbage is never freed. So:

- The process's first load freezes at once (the usual case: one story for the whole run). What
  is garbage at that moment (what imports left, a few thousand objects) stays, once.
- A later load (the language server after every edit, the TUI's watch mode) first releases the
  freeze, so the story it replaces and whatever the freeze held can be freed, moves the new
  story straight to the oldest generation (freezing and unfreezing at once: no traversal), and
  freezes again only right after the collector's next full collection, when everything left is
  known to be alive; a LARGE story collects at once, then freezes. Nothing is frozen as
  garbage, and what dies later is released by the next load: memory does not grow with the
  number of loads.
- Anyone else's freeze is left alone: while objects frozen by someone else are frozen, a load
  neither freezes nor unfreezes. (A freeze made on top of ours would be released with ours by
  the next load: nothing in the program does that; `kremlin-tui check` freezes as it exits.)
"""

from __future__ import annotations

import gc
from typing import Any

_loaded = False  # a story was loaded before in this process
_holding = False  # what is frozen is frozen by us
_armed = False  # freeze after the next full collection
_OLDEST = len(gc.get_threshold()) - 1  # the generation a full collection collects
# A later load that made more objects than this collects at once and freezes: a full collection
# over it costs a tenth of a second or more, and would otherwise fall wherever the collector
# decides, in the middle of play. Below it (the campaign is ~95,000) reloads wait for the
# collector's own next full collection, which serves any number of quick reloads at once.
LARGE = 120_000


def after_load() -> None:
    """Called by the loader, with the collector paused, once a load has built what survives."""
    global _loaded, _armed
    first, _loaded, _armed = not _loaded, True, False
    if not _release():
        return
    if first:
        _freeze()
    elif gc.get_count()[0] > LARGE:  # objects made by the load (the collector was paused)
        gc.collect()
        _freeze()
    else:
        gc.freeze()  # to the oldest generation without a traversal
        gc.unfreeze()
        _armed = True
        if _after_full_collection not in gc.callbacks:
            gc.callbacks.append(_after_full_collection)


def held() -> int:
    """How many objects our freeze holds (0: none); for tests and benchmarks."""
    return gc.get_freeze_count() if _holding else 0


def _release() -> bool:
    """Unfreeze what our freeze holds; False if someone else froze objects (we hold none)."""
    global _holding
    if _holding:
        gc.unfreeze()
        _holding = False
        return True
    return gc.get_freeze_count() == 0


def _freeze() -> None:
    global _holding, _armed
    gc.freeze()
    _holding, _armed = True, False


def _after_full_collection(phase: str, info: dict[str, Any]) -> None:
    """gc callback: right after a full collection everything still tracked is alive."""
    global _armed
    if _armed and phase == "stop" and info["generation"] == _OLDEST:
        if not _holding and gc.get_freeze_count() == 0:
            _freeze()
        _armed = False
