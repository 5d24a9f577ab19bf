"""The play-tester's cost per decision as the story grows: a campaign-shaped story
(bench/gen_campaign.py) at 1x, 10x and 100x, measured side by side in one process.

Each round plays whole games (explore's own loop, `play_one`, without its once-per-scene render
check, a cost per scene and not per decision) on every scale in turn, until the round has at
least BUDGET decisions per scale; the figure per scale is the median over the rounds of
microseconds per decision. The machine is shared: the ratios are what to read.

Goal (issue 19): per-decision cost at 100x <= 2x the cost at 1x.
Run: python bench/bench_scale.py [ROUNDS] [BUDGET]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_campaign import generate

SCALES = (1, 10, 100)


def play(story, seed: int, budget: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """(decisions, seconds) of whole games from `seed` on until `budget` decisions are played."""
    from kremlin_tui import explore
    from kremlin_tui.explore import ChunkResult, play_one

    explore.MAX_STEPS = 100_000  # a game at 100x is ~100x longer than the play-tester's loop guard
    decisions, seconds = 0, 0.0
    while decisions < budget:
        memory = ChunkResult()
        started = time.perf_counter()
        play_one(story, seed, "random", memory, set(story.nodes))
        seconds += time.perf_counter() - started
        if memory.errors:
            raise SystemExit(f"game {seed} failed: {memory.errors[0]['error']}")
        decisions += sum(count * value for value, count in memory.decisions.items())
        seed += 1
    return decisions, seconds


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    budget = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    tmp = Path(tempfile.mkdtemp())
    os.environ["KREMLIN_TUI_CACHE"] = str(tmp / "cache")
    from kremlin_tui.loader import load_story

    stories = {}
    for scale in SCALES:
        directory = generate(tmp / f"x{scale}", scale=scale)
        stories[scale] = load_story([str(directory)])
    per_decision: dict[int, list[float]] = {scale: [] for scale in SCALES}
    for round_number in range(rounds):
        for scale in SCALES:
            decisions, seconds = play(stories[scale], round_number * 1000, budget)
            per_decision[scale].append(seconds / decisions * 1e6)
    base = statistics.median(per_decision[1])
    print(f"cost per decision, median of {rounds} interleaved rounds of >= {budget:,} decisions each:")
    for scale in SCALES:
        median = statistics.median(per_decision[scale])
        print(f"  {scale:>3}x  {len(stories[scale].nodes):>6} nodes  {median:8.1f} µs/decision  {median / base:6.2f}x 1x")
    print("goal: 100x <= 2.00x 1x")


if __name__ == "__main__":
    main()
