"""The loader keeps a story out of the collector's full collections (`survivors`) without ever
keeping garbage alive for good: what a load freezes is released by the next load, a later load
freezes only what a full collection has just found alive, and anyone else's freeze is left alone.

Each scenario runs in a fresh process: what is frozen, and whether a load is the process's first,
is process-wide. The collector is paused in each, so a cycle made for the test is still garbage
waiting to be collected when the load runs (the worst case for a freeze)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from kremlin_tui.paths import default_story_dir

PRELUDE = """
import gc, sys, weakref
from kremlin_tui import survivors
from kremlin_tui.loader import load_story

class Cycle:
    def __init__(self):
        self.me = self

def garbage():
    '''A weak reference to a cycle nothing else refers to: dead once the collector frees it.'''
    return weakref.ref(Cycle())

gc.disable()
"""


def run(mini: str, script: str) -> list[str]:
    code = PRELUDE + f"MINI, STORY = {mini!r}, {str(default_story_dir())!r}\n" + textwrap.dedent(script)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_what_the_first_load_froze_is_freed_after_the_next_load(mini: str) -> None:
    """The first load freezes at once, garbage included (what is garbage then stays, once); the
    second load releases it, and the story it replaced."""
    assert run(mini, """
        cycle = garbage()
        first = load_story([MINI], cache=False)
        replaced = weakref.ref(first)
        gc.collect()
        print(cycle() is not None, survivors.held() > 0)
        first = None
        second = load_story([MINI], cache=False)
        gc.collect()
        print(cycle() is None, replaced() is None)
    """) == ["True", "True", "True", "True"]


def test_a_later_load_freezes_only_what_a_full_collection_found_alive(mini: str) -> None:
    """A reload of a story no larger than what the process holds moves it to the oldest
    generation and freezes after the collector's next full collection: the garbage of the
    moment is freed first, and the story is frozen."""
    assert run(mini, """
        first = load_story([MINI], cache=False)
        cycle = garbage()
        first = None
        second = load_story([MINI], cache=False)
        print(survivors.held() == 0, cycle() is not None)
        gc.collect()
        print(cycle() is None, survivors.held() > 0)
    """) == ["True", "True", "True", "True"]


def test_a_later_load_of_a_larger_story_collects_before_it_freezes(mini: str) -> None:
    """A reload that made more than `LARGE` objects (the campaign makes ~77,000: the limit is
    lowered for it) collects at once, before it freezes: the garbage of the moment is freed by
    the load itself."""
    assert run(mini, """
        survivors.LARGE = 50_000
        first = load_story([MINI], cache=False)
        cycle = garbage()
        first = None
        campaign = load_story([STORY], cache=False)
        print(cycle() is None, survivors.held() > 0)
    """) == ["True", "True"]


def test_memory_does_not_grow_with_the_number_of_loads(mini: str) -> None:
    """The language server loads the story after every edit and keeps the last one: the objects
    alive, frozen or not, stay level (a story kept frozen per load would add ~20,000 each)."""
    counts = run(mini, """
        story = None
        for _ in range(40):
            story = load_story([MINI], cache=False)
            gc.collect()
            print(len(gc.get_objects()) + gc.get_freeze_count())
    """)
    alive = [int(c) for c in counts]
    assert max(alive[10:]) - min(alive[10:]) < 2_000, alive


def test_anyone_elses_freeze_is_left_alone(mini: str) -> None:
    """Objects frozen before a load stay frozen: the loader then neither freezes nor unfreezes
    (unfreezing would undo their freeze)."""
    assert run(mini, """
        gc.freeze()
        theirs = gc.get_freeze_count()
        story = load_story([MINI], cache=False)
        print(survivors.held() == 0, gc.get_freeze_count() > theirs // 2)
    """) == ["True", "True"]


def test_a_freeze_made_while_the_loader_waits_stops_it_freezing(mini: str) -> None:
    """Between a reload and the next full collection someone freezes: the loader does not
    freeze on top (it could not tell its objects from theirs to unfreeze them later)."""
    assert run(mini, """
        story = load_story([MINI], cache=False)
        story = load_story([MINI], cache=False)
        gc.freeze()
        theirs = gc.get_freeze_count()
        gc.collect()
        print(survivors.held() == 0, gc.get_freeze_count() == theirs)
    """) == ["True", "True"]
