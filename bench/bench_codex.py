"""Codex mentions as the codex grows (issue 19: the cost was quadratic, 10x the entries took a
load from 660 to 1,633 ms; the goal is linear).

One generated story of about BYTES of scenes (bench/gen_story.py) is given N, 10N and 100N codex
entries (bench_check.add_codex: each entry has one or two match words and a text that mentions
the next entry and the Kremlin; five of them match words the scenes use). For each size the
rounds interleave a cold load without a cache (`load_story(cache=False)`, which builds every
template's mention matcher) with a bare CSafeLoader parse of the same files, and, with --check,
`check_story` (which also scans every text for codex coverage). Medians, CPU time.

What to read: the cost of each added entry, from N to 10N and from 10N to 100N: the same at both
steps when the cost is linear, 10x larger at the second when it is quadratic; the last lines
print the ratio of the two steps (goal: about 1). The parse is shown for scale only (CSafeLoader
is slower than our loader's own YAML walk on the long codex file, so load - parse means nothing).

Run: python bench/bench_codex.py [N] [BYTES] [ROUNDS] [--check]
     python bench/bench_codex.py 150 400000 3      the default
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
from bench_check import add_codex
from gen_story import generate


def _cpu(fn: Callable[[], object]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def measure(dirs: dict[int, Path], rounds: int, check: bool) -> dict[int, dict[str, float]]:
    """Median CPU seconds of parse, load (and check) per codex size, all sizes taking turns."""
    from kremlin_tui.analysed import forget
    from kremlin_tui.checker import check_story
    from kremlin_tui.loader import load_story

    def parse(root: Path) -> None:
        for path in sorted(root.rglob("*.yaml")):
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)  # CSafeLoader: the safe loader

    def load(root: Path) -> None:
        forget()  # no analysis remembered from the previous size's round
        load_story([str(root)], cache=False)

    times: dict[int, dict[str, list[float]]] = {n: {"parse": [], "load": [], "check": []} for n in dirs}
    for _ in range(rounds):
        for entries, root in dirs.items():
            times[entries]["parse"].append(_cpu(lambda root=root: parse(root)))
            times[entries]["load"].append(_cpu(lambda root=root: load(root)))
            if check:
                times[entries]["check"].append(_cpu(lambda root=root: check_story([str(root)])))
    return {n: {k: statistics.median(v) for k, v in parts.items() if v} for n, parts in times.items()}


def main() -> None:
    numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
    base = int(numbers[0]) if numbers else 150
    size = int(numbers[1]) if len(numbers) > 1 else 400_000
    rounds = int(numbers[2]) if len(numbers) > 2 else 3
    check = "--check" in sys.argv
    tmp = Path(tempfile.mkdtemp())
    os.environ["KREMLIN_TUI_CACHE"] = str(tmp / "cache")
    dirs: dict[int, Path] = {}
    for entries in (base, base * 10, base * 100):
        root = generate(tmp / f"story{entries}", size)
        add_codex(root, entries)
        dirs[entries] = root
    results = measure(dirs, rounds, check)
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"codex entries vs cost: {size / 1e6:.2f} MB of scenes, medians of {rounds} interleaved rounds, "
          f"CPU ms (load average {load_avg})")
    header = f"  {'entries':>8} {'parse':>9} {'load':>9}" + (f" {'check':>9}" if check else "")
    print(header)
    for entries, parts in results.items():
        row = f"  {entries:>8,} {parts['parse'] * 1e3:9.1f} {parts['load'] * 1e3:9.1f}"
        print(row + (f" {parts['check'] * 1e3:9.1f}" if check else ""))
    small, middle, large = sorted(results)
    for what in ("load", "check") if check else ("load",):
        steps = [(results[b][what] - results[a][what]) / (b - a) for a, b in ((small, middle), (middle, large))]
        print(f"{what} per added entry: {steps[0] * 1e6:.1f} us ({small:,} -> {middle:,}), "
              f"{steps[1] * 1e6:.1f} us ({middle:,} -> {large:,}): second / first {steps[1] / steps[0]:.2f}x "
              "(linear: about 1; quadratic: about 10)")

if __name__ == "__main__":
    main()
