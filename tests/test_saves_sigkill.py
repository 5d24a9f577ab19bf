"""Kill a saving process with SIGKILL at random instants, many times: every save still loads.

A forked child saves two slots over and over (saves of up to ~1.5 MB, so that a good share of
the kills land in the middle of a write); the parent kills it after a random delay, then checks
that each slot's file (and its backup) loads as it is, without falling back to anything, and
holds either an older or a newer save, never a mixture.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story
from kremlin_tui.saves import SaveStore, build_document

MINI = str(Path(__file__).parent / "fixtures" / "mini")
SLOTS = ("alpha", "beta gamma")
ROUNDS = 60
ROUND_SPAN = 1_000_000  # round r writes counters r*ROUND_SPAN+1, r*ROUND_SPAN+2, ...

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                                reason="needs fork and SIGKILL (POSIX)")


def _save_forever(directory: str, template: dict[str, Any], first: int, ready: Any) -> None:
    store = SaveStore(directory)
    rng = random.Random(first)
    counter = first
    ready.set()
    while True:
        counter += 1
        template["meta"]["decisions"] = counter
        template["meta"]["scene_title"] = "x" * rng.randrange(0, 1_500_000)
        template["meta"]["chapter_title"] = f"written {counter}"  # the same counter at both ends of the file
        for slot in SLOTS:
            store.write(slot, template)


def test_sigkill_at_random_moments_never_leaves_an_unloadable_save(tmp_path: Path) -> None:
    story = load_story([MINI], cache=False)
    game = Game.new(story, 9)
    game.choose("back")
    template = build_document(game, slot="alpha", kind="manual", saved_at=datetime.now(UTC), play_seconds=1.0)
    store = SaveStore(tmp_path)
    context = multiprocessing.get_context("fork")
    chooser = random.Random(20240501)
    seen: dict[str, int] = {}
    interrupted = 0
    started = time.monotonic()
    for round_number in range(1, ROUNDS + 1):
        ready = context.Event()
        child = context.Process(target=_save_forever, args=(str(tmp_path), template, round_number * ROUND_SPAN, ready))
        child.start()
        assert ready.wait(10), "the saving process did not start"
        time.sleep(chooser.uniform(0, 0.04))
        os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        interrupted += bool(leftovers)  # this kill landed while a save was being written
        for leftover in leftovers:
            leftover.unlink()

        for slot in SLOTS:
            path = store.path_for(slot)
            if not path.exists():
                assert slot not in seen, f"round {round_number}: '{slot}' disappeared"
                continue
            save = store.read_path(path)  # the file itself, with no fallback to the backup
            counter = save.meta.decisions
            assert save.meta.chapter_title == f"written {counter}"
            assert counter >= seen.get(slot, 0), f"round {round_number}: '{slot}' went back to an older save"
            assert counter <= (round_number + 1) * ROUND_SPAN
            seen[slot] = counter
            assert save.state.to_json() == {**game.state.to_json(), "story_id": "mini", "story_hash": story.content_hash}
            backup = path.with_name(path.name + ".bak")
            if backup.exists():
                assert store.read_path(backup).meta.decisions <= counter
            read = store.read(slot)
            assert not read.from_backup
        assert all(info.ok for info in store.list())
    elapsed = time.monotonic() - started
    assert seen, "no save was ever completed"
    # the kills must really have hit writes in progress, or this test proves nothing
    assert interrupted > 0, f"no kill landed during a write in {ROUNDS} rounds ({elapsed:.1f} s)"
