"""`kremlin-tui check` on large stories with many codex entries (issue 12: bounded time).

The codex mention scan once cost entries x text (an 8 MB story took 660 s to check); it must
stay linear. This generates a story of about BYTES of YAML (bench/gen_story.py) plus ENTRIES
codex entries whose match words appear in the text, then times one `check_story` run and,
separately, the load alone (seconds, one run each: the big cases are slow by design).

Run: python bench/bench_check.py --phases [ROUNDS]  where a `check story/` process spends its CPU time:
                                                  imports, arguments, load, each analysis pass, stats,
                                                  report, the interpreter (medians of fresh processes,
                                                  bytecode compiled as in --shipped)
     python bench/bench_check.py --shipped [ROUNDS] [--compile-each-run]
                                                  issue 19: `kremlin-tui check story/` as a process vs
                                                  a process that only parses the same YAML (interleaved
                                                  rounds, medians; goal <= 2x); both with their modules'
                                                  bytecode compiled, as installed (see `shipped`)
     python bench/bench_check.py [BYTES] [ENTRIES] [--one-text]
     python bench/bench_check.py 8000000 150      the 8 MB case (goal: under 20 s)
     python bench/bench_check.py 1400000 10000    10k entries + 1.4 MB of text
     python bench/bench_check.py 4000000 150 --one-text
                                                  plus one scene whose `|` text and one whose
                                                  quoted text hold an {expression} every 40
                                                  characters (positions once cost text x exprs)

Measured on the shared 2-core machine (one run each), before (f315c54) -> after (issue 12):
  1400000 10000        load 103 s, check 52.8 s  ->  load 3.4 s, check 5.3 s
  8000000 150          load 11.5 s, check 22.2 s ->  load 14.5 s, check 12.8 s (noisy)
  8000000 150 --one-text  load 504 s, check 509 s  ->  load 7.8 s, check 15.5 s
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_story import generate

# Words the generated paragraphs contain, so some entries are really mentioned (and unlocked).
REAL_WORDS = ["Kremlin", "Politburo", "Zinoviev", "Party", "Moscow"]


def add_codex(root: Path, entries: int) -> None:
    lines = ["codex:"]
    for i in range(entries):
        if i < len(REAL_WORDS):
            match = f"[{REAL_WORDS[i]}]"
        elif i % 3 == 0:
            match = f"['Commissar {i}', 'Term{i}']"  # a two-word name and a one-word one
        else:
            match = f"[Term{i}]"
        lines += [f"  - id: c{i}", f"    title: Entry {i}", "    category: term", f"    match: {match}",
                  f"    text: The entry {i}, which mentions Term{i + 1} and the Kremlin."]
    (root / "codex.yaml").write_text("\n".join(lines) + "\n")


def add_long_texts(root: Path, size: int) -> None:
    """Two scenes of about size/2 bytes each: a `|` block and a double-quoted text."""
    sentence = "Line {party} and {grain} here, Kremlin."
    count = max(1, size // 2 // len(sentence))
    block = [f"      {sentence}" for _ in range(count)]
    quoted = " ".join([sentence] * count)
    lines = ["nodes:", "  - id: long_block", "    title: Long", "    text: |", *block,
             "    choices:", "      - {id: g, label: G, goto: n0_0}",
             "  - id: long_quoted", "    title: Long", f'    text: "{quoted}"',
             "    choices:", "      - {id: g, label: G, goto: n0_0}"]
    (root / "long.yaml").write_text("\n".join(lines) + "\n")


PARSE_ONLY = """
import sys, yaml
from pathlib import Path
for root in sys.argv[1:]:
    for path in sorted(Path(root).rglob("*.yaml")):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


def shipped(rounds: int, compile_each_run: bool = False) -> None:
    """`kremlin-tui check` against a bare parse, both as fresh processes, taking turns.

    Both run as an installed program does: with the bytecode of every module they import
    already compiled (pip compiles it at install; here a warm-up run of each writes it to a
    private PYTHONPYCACHEPREFIX). Under PYTHONDONTWRITEBYTECODE=1 an editable checkout without
    __pycache__ compiles all of kremlin_tui's sources on every start, ~45 ms CPU that a player
    never pays; `--compile-each-run` measures that way (the environment as it is, no warm-up)."""
    story = str(Path(__file__).resolve().parent.parent / "story")
    env = dict(os.environ, KREMLIN_TUI_CACHE=tempfile.mkdtemp(), HOME=tempfile.mkdtemp())
    if not compile_each_run:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp()
    commands = {"parse": [sys.executable, "-c", PARSE_ONLY, story],
                "check": [sys.executable, "-m", "kremlin_tui", "check", story]}
    if not compile_each_run:
        for command in commands.values():  # writes the bytecode; not timed
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            started, before = time.perf_counter(), _children_cpu()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - started)
            cpu[name].append(_children_cpu() - before)
    parse, check = statistics.median(times["parse"]), statistics.median(times["check"])
    parse_cpu, check_cpu = statistics.median(cpu["parse"]), statistics.median(cpu["check"])
    how = "sources compiled on every run" if compile_each_run else "bytecode compiled, as installed"
    print(f"story/: {rounds} interleaved rounds, medians, {how}; load average {os.getloadavg()[0]:.1f}")
    print(f"  parse only  {parse * 1000:8.1f} ms   1.00x   (CPU {parse_cpu * 1000:7.1f} ms)")
    print(f"  check       {check * 1000:8.1f} ms   {check / parse:5.2f}x   (CPU {check_cpu * 1000:7.1f} ms, "
          f"{check_cpu / parse_cpu:5.2f}x)   (goal <= 2x)")


PHASES = """
import io, json, sys, time
clock = time.process_time
spent, last = {}, [clock()]
def mark(name):
    now = clock(); spent[name] = spent.get(name, 0.0) + now - last[0]; last[0] = now
import yaml; mark("import yaml")
import kremlin_tui.cli as cli, kremlin_tui.guard; mark("import cli")
import gc; gc.disable()  # as the `check` program does in main (cli.main)
from kremlin_tui import checker; import kremlin_tui.builder.story; mark("import checker, loader")
cli.build_parser("check").parse_args(["check", sys.argv[1]]); mark("arguments")
story, found = checker.load_story_with_diagnostics([sys.argv[1]], cache=False); mark("load")
PASSES = ("refined_scope", "_reachability", "_codex_matches", "_accidental_lists", "_dead_ends", "_time_travel",
          "check_structure", "_codex_coverage", "check_labels", "check_callbacks")
def timed(name, fn):
    def run(*args, **kwargs):
        mark("analysis: the rest"); result = fn(*args, **kwargs); mark("analysis: " + name); return result
    return run
for name in PASSES:
    setattr(checker, name, timed(name, getattr(checker, name)))
out = checker.Collector(); out.items.extend(found); checker.analyse(story, out); mark("analysis: the rest")
report = checker.CheckReport(stats=checker.story_stats(story)); mark("story stats")
report.errors, report.warnings = sorted(out.errors, key=checker._order), sorted(out.warnings, key=checker._order)
text = io.StringIO()
for diagnostic in report.errors + report.warnings:
    print(diagnostic, file=text)
mark("report")
print(json.dumps(spent)); sys.stdout.flush()
cli._end_the_check_program([story])  # as the `check` program ends: the story is never freed
"""


def phases(rounds: int) -> None:
    """Where the CPU time of a `check story/` process goes, part by part (the rest of the
    process's time is the interpreter starting and exiting)."""
    story = str(Path(__file__).resolve().parent.parent / "story")
    env = dict(os.environ, KREMLIN_TUI_CACHE=tempfile.mkdtemp(), HOME=tempfile.mkdtemp(),
               PYTHONPYCACHEPREFIX=tempfile.mkdtemp())
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", PHASES, story], env=env, capture_output=True, check=True)  # bytecode
    runs: list[dict[str, float]] = []
    for _ in range(rounds):
        before = _children_cpu()
        child = subprocess.run([sys.executable, "-c", PHASES, story], env=env, capture_output=True, text=True, check=True)
        runs.append(json.loads(child.stdout))
        runs[-1]["interpreter start and exit"] = _children_cpu() - before - sum(runs[-1].values())
    print(f"`check story/` in-process phases: {rounds} processes, medians of CPU ms; load average {os.getloadavg()[0]:.1f}")
    for name in runs[0]:
        print(f"  {name:32} {statistics.median(run.get(name, 0.0) for run in runs) * 1000:7.1f}")
    print(f"  {'total':32} {statistics.median(sum(run.values()) for run in runs) * 1000:7.1f}")


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    if sys.argv[1:2] == ["--phases"]:
        phases(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
        return
    if sys.argv[1:2] == ["--shipped"]:
        numbers = [a for a in sys.argv[2:] if not a.startswith("--")]
        shipped(int(numbers[0]) if numbers else 7, "--compile-each-run" in sys.argv)
        return
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    size = int(args[0]) if args else 8_000_000
    entries = int(args[1]) if len(args) > 1 else 150
    tmp = Path(tempfile.mkdtemp())
    os.environ["KREMLIN_TUI_CACHE"] = str(tmp / "cache")
    one_text = "--one-text" in flags
    story_dir = generate(tmp / "story", size // 2 if one_text else size)
    add_codex(story_dir, entries)
    if one_text:
        add_long_texts(story_dir, size // 2)
    total = sum(f.stat().st_size for f in story_dir.rglob("*.yaml"))
    from kremlin_tui.checker import check_story
    from kremlin_tui.loader import load_story_with_diagnostics

    started = time.perf_counter()
    story, _ = load_story_with_diagnostics([str(story_dir)], cache=False)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    report = check_story([str(story_dir)])
    checked = time.perf_counter() - started
    nodes = len(story.nodes) if story else 0
    print(f"story: {total / 1e6:.2f} MB, {nodes} nodes, {entries} codex entries")
    print(f"  load   {loaded:8.2f} s")
    print(f"  check  {checked:8.2f} s   ({len(report.errors)} errors, {len(report.warnings)} warnings)")


if __name__ == "__main__":
    main()
