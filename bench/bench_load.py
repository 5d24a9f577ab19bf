"""Story loading, measured side by side in one run (interleaved rounds, medians):

  baseline  a bare `yaml.load(..., CSafeLoader)` of every file (no validation at all)
  cold      our loader without a cache: parse + validate + build the model
  first     the same as a fresh process makes it (`check`, a game's first start): all a load
            remembers in its process cleared first (loader.forget: the parser's memo, the scope
            remembered by analysed.py, literal and truth analyses, key plans), so no parse tree
            or analysis of an earlier round is reused (cold reuses them, as it always has)
  warm      our loader with a warm compiled cache

Goals (issues 2 and 19): warm <= 0.1x baseline, cold and first <= 1.5x baseline.
Run: python bench/bench_load.py [BYTES]     a generated story of about BYTES (default 1 MB)
     python bench/bench_load.py --shipped   the campaign in story/ (143 codex entries make
                                            mention-matching the largest cost there)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from gen_story import generate


def interleaved(fns: dict[str, Callable[[], object]], rounds: int = 9) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each function, the functions taking turns round by round,
    so a busy moment on the shared machine falls on all of them alike (CPU time is the steadier
    figure when other processes compete for the cores)."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
            for name, values in times.items()}


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    os.environ["KREMLIN_TUI_CACHE"] = str(tmp / "cache")
    if sys.argv[1:] == ["--shipped"]:
        story_dir = Path(__file__).resolve().parent.parent / "story"
    else:
        story_dir = generate(tmp / "story", int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
    from kremlin_tui import loader
    from kremlin_tui.loader import load_story

    def forget() -> None:
        """What a fresh process has: nothing remembered by an earlier load (a tree from before
        loader.forget had only these two memos)."""
        if hasattr(loader, "forget"):
            loader.forget()
        else:
            from kremlin_tui.analysed import forget as forget_scope
            from kremlin_tui.expr_syntax import parse

            parse.cache_clear()
            forget_scope()

    files = sorted(story_dir.rglob("*.yaml"))
    total = sum(f.stat().st_size for f in files)

    def baseline() -> None:
        for f in files:
            with open(f, "rb") as handle:
                yaml.load(handle, Loader=yaml.CSafeLoader)

    def cold() -> None:
        load_story([str(story_dir)], cache=False)

    def first() -> None:
        forget()
        load_story([str(story_dir)], cache=False)

    def warm() -> None:
        load_story([str(story_dir)], cache=True)

    story = load_story([str(story_dir)], cache=True)  # fill the cache
    results = interleaved({"baseline": baseline, "cold": cold, "first": first, "warm": warm})
    print(f"story: {len(files)} files, {total / 1e6:.2f} MB, {len(story.nodes)} nodes; "
          f"load average {os.getloadavg()[0]:.1f}")
    base_wall, base_cpu = results["baseline"]
    for name, (wall, cpu) in results.items():
        print(f"  {name:<9} {wall * 1000:8.1f} ms   {wall / base_wall:5.2f}x baseline"
              f"   (CPU {cpu * 1000:7.1f} ms, {cpu / base_cpu:5.2f}x)")
    print("goals: warm <= 0.10x, cold <= 1.50x, first (what a fresh process pays) <= 1.50x")


if __name__ == "__main__":
    main()
