"""The engine against inkjs on the same story (issue 19): decisions per second of random games,
measured side by side in one run.

The story (the shipped campaign, or `--story DIR`) is translated to ink (bench/ink/translate.py),
compiled once with inkjs's compiler, and played by a node process (bench/ink/run.js) that stays
up for the whole run, so the rounds alternate: our engine, inkjs, our engine with the text
rendered, inkjs with the text; each plays whole random games for `--seconds`. The figures are
the medians over the rounds; the machine is shared, the ratios are what to read.

- "no text": random games through the engine's API (`available_ids`, `choose(render=False)`;
  decisions counted as `explore` counts them), against ink knots without prose whose choices
  are labelled by id, played the same way by run.js; "explore's loop" is the play-tester's own
  loop (`play_one`), which also records coverage, ranges and pace for its report;
- "full text": our engine renders what a player reads (each scene with its choices and their
  previews, each choice's label and result), against the ink with the prose, labels and
  results, every line read with `Continue()`.

The ink looks for a due event as the engine did before its events index: every event tested
on every move ("scan", 70% of inkjs's time on the campaign); "by year" is the same game with the
events grouped by the current year, as an ink author might write it (translate.py `--events`),
the stricter comparison.

Before timing, the translation is checked: `--verify-games` of inkjs's games are replayed in our
engine (each decision: the same scene, the same choices offered, the outcome ink drew; at the
end the same ending and the same value of every stat, relation and flag), then the distribution
of `--games` games on each side is printed (decisions per game, endings, scenes reached).

Goal (issue 19): >= 25x inkjs. Needs node and npm; inkjs 2.4.0 is installed into
bench/ink/node_modules (gitignored) on first use. Without node, npm or the registry, it says so
and exits 0.

Run: python bench/bench_ink.py [--rounds 5] [--seconds 2] [--games 1000] [--verify-games 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
INK = HERE / "ink"
sys.path.insert(0, str(INK))
import translate  # noqa: E402  (bench/ink/translate.py)


def inkjs_missing(install: bool = True) -> str | None:
    """Why inkjs cannot run here (None when it can); installs it on first use."""
    if shutil.which("node") is None:
        return "node is not installed"
    if (INK / "node_modules" / "inkjs").is_dir():
        return None
    if not install:
        return "inkjs is not installed in bench/ink/node_modules (run: cd bench/ink && npm ci)"
    if shutil.which("npm") is None:
        return "npm is not installed"
    try:
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=INK, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"npm ci could not run: {exc}"
    if done.returncode != 0 or not (INK / "node_modules" / "inkjs").is_dir():
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"npm ci failed (no registry?): {last[0]}"
    return None


def node(*args: str, timeout: float = 600) -> dict[str, Any]:
    done = subprocess.run(["node", str(INK / "run.js"), *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise SystemExit(f"run.js {args[0]} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compile_ink(story: Any, directory: Path, name: str, **options: Any) -> tuple[Path, float]:
    """Translate and compile; the path of the compiled JSON and the compile time in ms."""
    source = directory / f"{name}.ink"
    source.write_text(translate.translate(story, **options), encoding="utf-8")
    compiled = directory / f"{name}.json"
    result = node("compile", str(source), str(compiled))
    if not result["ok"]:
        raise SystemExit(f"inkjs cannot compile the translation ({source}):\n  " + "\n  ".join(result["errors"]))
    return compiled, result["compile_ms"]


# -- checking the translation ---------------------------------------------------------------------


def replay(story: Any, trace: dict[str, Any]) -> str | None:
    """Play one of inkjs's games in our engine; the first difference, or None. Each decision
    is compared before it is taken: the scene, the choices offered, every variable."""
    from kremlin_tui.engine import Game

    game = Game.new(story, 0)
    draws: list[int] = []
    game._draw = lambda weights: draws.pop(0)  # type: ignore[method-assign]  # the outcome ink drew
    steps = trace["steps"]
    for number, step in enumerate(steps):
        where = f"decision {number + 1} in '{game.state.node}'"
        scenes = [m[3:] for m in step["marks"] if m.startswith("@k ")]
        if scenes != [game.state.node]:
            return f"{where}: ink entered {scenes}"
        problem = _different_vars(step["vars"], game.state.vars)
        if problem:
            return f"{where}, after '{game.state.history[-1].choice if game.state.history else ''}': {problem}"
        if step["pick"] is None:
            break
        ours = game.available_ids()
        if sorted(ours) != sorted(step["offered"]):
            return f"{where}: ink offers {step['offered']}, the engine {ours}"
        draws[:] = [int(m[3:]) for m in steps[number + 1]["marks"] if m.startswith("@o ")]
        game.choose(step["pick"], render=False)
    if (game.state.ending or "") != trace["ending"]:
        return f"ink ended in '{trace['ending']}', the engine in '{game.state.ending}'"
    return None


def _different_vars(ink: dict[str, Any], ours: dict[str, Any]) -> str | None:
    for name, value in ink.items():
        if name.startswith("_") or name in ("today", "prec"):
            continue
        mine = ours.get(name)
        if mine != value and not (isinstance(mine, int | float) and isinstance(value, int | float) and abs(mine - value) < 1e-9):
            return f"'{name}' is {value!r} in ink, {mine!r} in the engine"
    return None


def verify(story: Any, compiled: Path, games: int, seed: int) -> int:
    result = node("play", str(compiled), str(games), str(seed), "trace")
    problems = [(t["seed"], p) for t in result["traces"] if (p := replay(story, t)) is not None]
    decisions = result["decisions"]
    print(f"verify {compiled.stem}: {games} inkjs games ({decisions:,} decisions) replayed in the engine: "
          f"{games - len(problems)} identical, {len(problems)} different")
    for game_seed, problem in problems[:10]:
        print(f"  seed {game_seed}: {problem}")
    return len(problems)


def ours_distribution(story: Any, games: int, seed: int) -> dict[str, Any]:
    from kremlin_tui.explore import ChunkResult, play_one

    memory = ChunkResult()
    for i in range(games):
        play_one(story, seed + i, "random", memory, set(story.nodes))
    return {"lengths": memory.decisions, "endings": memory.endings, "knots": memory.nodes, "errors": memory.error_count}


def _summary(lengths: Counter[int]) -> str:
    values = sorted(lengths.elements())
    if not values:
        return "no games"
    share = sum(1 for v in values if 45 <= v <= 70) / len(values)
    cut = statistics.quantiles(values, n=20) if len(values) > 1 else [values[0]] * 19
    return (f"mean {statistics.fmean(values):5.1f}  sd {statistics.pstdev(values):4.1f}  "
            f"p5 {cut[0]:4.0f}  median {statistics.median(values):4.0f}  p95 {cut[-1]:4.0f}  45-70: {share:5.1%}")


def compare(story: Any, compiled: Path, games: int, seed: int) -> None:
    """The two sides' games side by side (`compiled`: a --trace build, whose lines name the scenes)."""
    ink = node("play", str(compiled), str(games), str(seed), "report")
    ours = ours_distribution(story, games, seed)
    print(f"\ndistribution over {games} random games each (different random streams, same story):")
    print(f"  decisions per game  engine: {_summary(Counter(ours['lengths']))}")
    print(f"                      inkjs:  {_summary(Counter({int(k): v for k, v in ink['lengths'].items()}))}")
    print(f"  games without an ending: engine {ours['errors']}, inkjs {ink['stuck']}")
    print("  endings            engine   inkjs")
    for ending in sorted(set(ours["endings"]) | set(ink["endings"]), key=lambda e: -ours["endings"].get(e, 0)):
        print(f"    {ending:22} {ours['endings'].get(ending, 0) / games:6.1%}  {ink['endings'].get(ending, 0) / games:6.1%}")
    ink_knots = set(ink["knots"])
    print(f"  scenes reached: engine {len(ours['knots'])}, inkjs {len(ink_knots)}, both {len(ours['knots'] & ink_knots)}")
    for side, only in (("engine", ours["knots"] - ink_knots), ("inkjs", ink_knots - ours["knots"])):
        if only:
            print(f"    only the {side} reached: {', '.join(sorted(only)[:12])}{' ...' if len(only) > 12 else ''}")


# -- timing ---------------------------------------------------------------------------------------


def ours_plain(story: Any, seconds: float, seed: int) -> tuple[int, float, float]:
    """Whole random games through the engine's API, as run.js plays ink (the offered choices,
    one picked at random, no text), until `seconds` have passed: (decisions, seconds)."""
    from kremlin_tui.engine import Game

    decisions, started, cpu, elapsed = 0, time.perf_counter(), time.process_time(), 0.0
    while decisions == 0 or elapsed < seconds:
        game = Game.new(story, seed)
        picker = random.Random(seed * 7919 + 17)
        while not game.ended:
            ids = game.available_ids()
            game.choose(ids[0] if len(ids) == 1 else picker.choice(ids), render=False)
        decisions += game.state.decisions
        seed += 1
        elapsed = time.perf_counter() - started
    return decisions, elapsed, time.process_time() - cpu


def ours_explore(story: Any, seconds: float, seed: int) -> tuple[int, float, float]:
    """Whole games as `kremlin-tui explore` plays them (its loop, `play_one`, with its records of
    coverage, ranges and pace), until `seconds` have passed: (decisions, seconds)."""
    from kremlin_tui.explore import ChunkResult, play_one

    decisions, started, cpu, elapsed = 0, time.perf_counter(), time.process_time(), 0.0
    while decisions == 0 or elapsed < seconds:
        memory = ChunkResult()
        play_one(story, seed, "random", memory, set(story.nodes))
        decisions += sum(count * value for value, count in memory.decisions.items())
        seed += 1
        elapsed = time.perf_counter() - started
    return decisions, elapsed, time.process_time() - cpu


def ours_text(story: Any, seconds: float, seed: int, previews: bool = True) -> tuple[int, float, float]:
    """Whole games rendering what a player reads (scene, choices with their previews, results);
    `previews=False` renders the same texts without the choices' previews, which ink has no
    counterpart of (`Game.scene(previews=False)`)."""
    from kremlin_tui.engine import Game

    decisions, chars, started, cpu, elapsed = 0, 0, time.perf_counter(), time.process_time(), 0.0
    while decisions == 0 or elapsed < seconds:
        game = Game.new(story, seed)
        picker = random.Random(seed * 7919 + 17)
        while not game.ended:
            scene = game.scene(previews=previews)
            chars += len(scene.text) + sum(len(c.label) for c in scene.choices)
            ids = [c.id for c in scene.choices if c.available]
            turn = game.choose(ids[0] if len(ids) == 1 else picker.choice(ids))
            chars += len(turn.result)
            decisions += 1
        chars += len(game.scene().text)
        seed += 1
        elapsed = time.perf_counter() - started
    return decisions, elapsed, time.process_time() - cpu


class InkServer:
    """One node process for the whole run, so its JIT is warm and rounds can alternate."""

    def __init__(self, *compiled: Path) -> None:
        self.proc = subprocess.Popen(["node", str(INK / "run.js"), "serve", *map(str, compiled)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        json.loads(self._line())

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("the inkjs process stopped")
        return line

    def play(self, index: int, seconds: float, seed: int) -> tuple[int, float, float]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"play {index} {seconds} {seed}\n")
        self.proc.stdin.flush()
        result = json.loads(self._line())
        return result["decisions"], result["seconds"], result["cpu"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def bench(story: Any, builds: dict[str, Path], rounds: int, seconds: float) -> None:
    server = InkServer(*builds.values())
    index = {name: number for number, name in enumerate(builds)}
    runs = {
        "engine, no text": lambda seed: ours_plain(story, seconds, seed),
        "explore's loop": lambda seed: ours_explore(story, seconds, seed),
        "inkjs, no text": lambda seed: server.play(index["plain"], seconds, seed),
        "inkjs, no text, by year": lambda seed: server.play(index["plain_by_year"], seconds, seed),
        "engine, full text": lambda seed: ours_text(story, seconds, seed),
        "engine, text, no previews": lambda seed: ours_text(story, seconds, seed, previews=False),
        "inkjs, full text": lambda seed: server.play(index["text"], seconds, seed),
    }
    try:
        for run in runs.values():  # warm-up: closures compiled, caches filled, the JIT warm
            run(10_000)
        rates: dict[str, list[float]] = {name: [] for name in runs}
        cpu_rates: dict[str, list[float]] = {name: [] for name in runs}
        for number in range(rounds):
            for name, run in runs.items():
                decisions, elapsed, cpu = run(1 + number * 1000)
                rates[name].append(decisions / elapsed)
                cpu_rates[name].append(decisions / cpu)
            print(f"  round {number + 1}: " + ", ".join(f"{name} {rates[name][-1]:,.0f}/s" for name in runs), flush=True)
    finally:
        server.close()
    median = {name: statistics.median(values) for name, values in rates.items()}
    cpu_median = {name: statistics.median(values) for name, values in cpu_rates.items()}
    print(f"\ndecisions per second, median of {rounds} interleaved rounds of {seconds:g} s each "
          "(per second of the process's CPU time beside it):")
    for name, value in median.items():
        print(f"  {name:24} {value:10,.0f}   {cpu_median[name]:10,.0f}")
    for ours, theirs in (("engine, no text", "inkjs, no text"), ("engine, no text", "inkjs, no text, by year"),
                         ("explore's loop", "inkjs, no text"), ("engine, full text", "inkjs, full text"),
                         ("engine, text, no previews", "inkjs, full text")):
        print(f"{ours} / {theirs}: {median[ours] / median[theirs]:.1f}x  "
              f"(CPU time: {cpu_median[ours] / cpu_median[theirs]:.1f}x; goal >= 25x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", default=str(HERE.parent / "story"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0, help="each side's time per round")
    parser.add_argument("--games", type=int, default=1000, help="games per side for the distribution")
    parser.add_argument("--verify-games", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    missing = inkjs_missing()
    if missing:
        print(f"bench_ink skipped: {missing}")
        return 0
    os.environ.setdefault("KREMLIN_TUI_CACHE", tempfile.mkdtemp(prefix="bench-ink-cache-"))
    from kremlin_tui.loader import load_story

    story = load_story([args.story])
    work = Path(tempfile.mkdtemp(prefix="bench-ink-"))
    builds: dict[str, Path] = {}
    times: dict[str, float] = {}
    for name, options in (("plain", {}), ("plain_by_year", {"events": "by_year"}), ("text", {"text": True}),
                          ("trace", {"trace": True}), ("trace_by_year", {"trace": True, "events": "by_year"})):
        builds[name], times[name] = compile_ink(story, work, name, **options)
    print(f"story {args.story}: {len(story.nodes)} nodes, {len(story.events)} events; ink in {work}: "
          f"{(work / 'plain.ink').stat().st_size:,} B, {(work / 'text.ink').stat().st_size:,} B with text; "
          f"inkjs compiles them in {times['plain']:,.0f} / {times['text']:,.0f} ms")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    different = 0
    if args.verify_games:
        different += verify(story, builds["trace"], args.verify_games, args.seed)
        different += verify(story, builds["trace_by_year"], max(1, args.verify_games // 4), args.seed + 50_000)
    if args.games:
        compare(story, builds["trace"], args.games, args.seed)
    print()
    bench(story, {name: builds[name] for name in ("plain", "plain_by_year", "text")}, args.rounds, args.seconds)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
