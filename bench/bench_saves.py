"""Save and load of a 73-decision game of the shipped campaign: file size, and the time to save
(build the document, encode it, write it atomically: temporary file, fsync, backup link,
rename) and to load (read, check, upgrade, fit to the story: a playable Game).

Saving and loading alternate, ROUNDS times, into a temporary saves folder; medians reported
(the machine is shared: read the medians, not single runs). The write includes two fsyncs, so
the disk matters; "encode" is the part that is ours alone.

Goals (issue 19): size <= 30 KB, save <= 2 ms, load <= 1.5 ms.
Run: python bench/bench_saves.py [ROUNDS] [DECISIONS]

The size of one game depends on which game the seeds give; `--sizes SEEDS` shows it over many:
every game of seeds 0..SEEDS-1 that lasts DECISIONS decisions, saved there, and every full game
of the first 300 seeds, saved at its end.
Run: python bench/bench_saves.py --sizes 3000 [DECISIONS]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def long_game(story, decisions: int):  # type: ignore[no-untyped-def]
    """The first seeded random game that lasts `decisions` decisions, stopped there."""
    from kremlin_tui.engine import Game

    for seed in range(10_000):
        game = Game.new(story, seed)
        picker = random.Random(seed)
        while not game.ended and game.state.decisions < decisions:
            game.choose(picker.choice(game.available_ids()))
        if game.state.decisions == decisions:
            return game
    raise SystemExit(f"no game of {decisions} decisions in 10,000 seeds")


def sizes(story, seeds: int, decisions: int) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.engine import Game
    from kremlin_tui.saves import build_document
    from kremlin_tui.saves.layout import encode

    moment = datetime(2026, 1, 1, tzinfo=UTC)

    def size(game) -> int:  # type: ignore[no-untyped-def]
        return len(encode(build_document(game, slot="bench", kind="manual", saved_at=moment, play_seconds=60.0)))

    at, full = {}, []
    for seed in range(seeds):
        game = Game.new(story, seed)
        picker = random.Random(seed)
        while not game.ended and game.state.decisions < decisions:
            game.choose(picker.choice(game.available_ids()))
        if game.state.decisions == decisions:
            at[seed] = size(game)
        if seed < 300:
            while not game.ended:
                game.choose(picker.choice(game.available_ids()))
            full.append((game.state.decisions, size(game)))
    shown = ", ".join(f"{seed}: {count:,}" for seed, count in at.items())
    print(f"games of seeds 0-{seeds - 1} that last {decisions} decisions ({len(at)}), bytes by seed: {shown or 'none'}")
    if at:
        print(f"  {min(at.values()):,} to {max(at.values()):,} bytes, median {statistics.median(at.values()):,.0f}")
    if full:
        counts = sorted(count for _decisions, count in full)
        print(f"full games of seeds 0-{len(full) - 1} (median {statistics.median(d for d, _ in full):.0f} decisions): "
              f"median {statistics.median(counts):,.0f} bytes, {counts[0]:,} to {counts[-1]:,}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--sizes":
        os.environ["KREMLIN_TUI_CACHE"] = tempfile.mkdtemp()
        from kremlin_tui.loader import load_story

        sizes(load_story([str(ROOT / "story")]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 73)
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    decisions = int(sys.argv[2]) if len(sys.argv) > 2 else 73
    tmp = Path(tempfile.mkdtemp())
    os.environ["KREMLIN_TUI_CACHE"] = str(tmp / "cache")
    from kremlin_tui.loader import load_story
    from kremlin_tui.saves import SaveStore, build_document, restore
    from kremlin_tui.saves.layout import encode

    story = load_story([str(ROOT / "story")])
    game = long_game(story, decisions)
    store = SaveStore(tmp / "saves")
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    times: dict[str, list[float]] = {"encode": [], "save": [], "load": []}
    cpu: dict[str, list[float]] = {"encode": [], "save": [], "load": []}
    size = 0
    for number in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        data = encode(build_document(game, slot="bench", kind="manual", saved_at=moment, play_seconds=60.0))
        times["encode"].append(time.perf_counter() - started)
        cpu["encode"].append(time.process_time() - started_cpu)
        size = len(data)
        started, started_cpu = time.perf_counter(), time.process_time()
        store.write(f"bench{number % 3}", build_document(game, slot="bench", kind="manual", saved_at=moment,
                                                         play_seconds=60.0))
        times["save"].append(time.perf_counter() - started)
        cpu["save"].append(time.process_time() - started_cpu)
        started, started_cpu = time.perf_counter(), time.process_time()
        loaded, _report = restore(story, store.read(f"bench{number % 3}").save)
        times["load"].append(time.perf_counter() - started)
        cpu["load"].append(time.process_time() - started_cpu)
        assert loaded.state.to_json() == game.state.to_json()
    print(f"a {decisions}-decision game of the campaign: {size:,} bytes; medians of {rounds} alternating rounds")
    print("(wall clock; CPU time of this process beside it: on a busy machine the wall clock also counts")
    print(" the waits for a core and, for save, for the disk's two fsyncs):")
    for name, values in times.items():
        print(f"  {name:<7} {statistics.median(values) * 1000:7.2f} ms   CPU {statistics.median(cpu[name]) * 1000:6.2f} ms")
    print("goals: size <= 30,000 bytes, save <= 2 ms, load <= 1.5 ms")


if __name__ == "__main__":
    main()
