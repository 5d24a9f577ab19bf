"""Play-tester throughput: 10,000 games of a campaign-shaped story (goal: under 10 s here).

Run: python bench/bench_explore.py [RUNS] [STORY_DIR]   (default: a generated synthetic story;
pass `story` to measure the real campaign).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_campaign import generate

from kremlin_tui.explore import explore
from kremlin_tui.loader import load_story


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    directory = sys.argv[2] if len(sys.argv) > 2 else str(generate(Path(tempfile.mkdtemp()) / "synth"))
    story = load_story([directory])
    for strategy in ("random", "coverage"):
        started = time.perf_counter()
        result = explore(story, runs, 0, strategy)
        elapsed = time.perf_counter() - started
        d = result["decisions"]
        print(f"{strategy:<8} {runs} games in {elapsed:5.2f} s ({runs / elapsed:,.0f} games/s; "
              f"decisions min {d['min']} mean {d['mean']} max {d['max']}; errors {len(result['errors'])})")


if __name__ == "__main__":
    main()
