"""`kremlin-tui explore`: the automated play-tester.

Game i is seeded with seed + i. Games run in fixed chunks, each chunk with its own coverage
memory, and chunks are merged in order, so the report depends on the seed and the run count,
never on how many processes ran it.

Memory does not grow with the number of games: chunks are handed out as workers free up (never
listed up front), per-game figures are kept as counts per value, and only the first
MAX_ERRORS failed games are kept in full. `--runs 100000000000` runs until it is done or
interrupted, in the memory of `--runs 1000`. Ctrl-C stops the workers quietly.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import traceback
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kremlin_tui import audit as text_audit
from kremlin_tui import dead_stats
from kremlin_tui.engine import Game
from kremlin_tui.expr import format_value
from kremlin_tui.model import Story

CHUNK = 100
MAX_STEPS = 1000
REVISIT_SEEDS = 10  # seeds kept per revisited scene: enough to reproduce it, few enough to read
MAX_ERRORS = 1000  # failed games kept in full (all are counted)

_STORY: Story | None = None  # set before forking workers: closures don't pickle


@dataclass
class ChunkResult:
    endings: Counter[str] = field(default_factory=Counter)
    nodes: set[str] = field(default_factory=set)
    choices: set[str] = field(default_factory=set)
    # Per-game figures as {value: number of games}, so memory stays bounded however many games run.
    decisions: Counter[int] = field(default_factory=Counter)
    by_chapter: dict[str, Counter[int]] = field(default_factory=dict)  # decisions made in each chapter
    by_year: dict[int, Counter[int]] = field(default_factory=dict)  # decisions made in each year a game reached
    ranges: dict[str, list[float]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_ERRORS, in seed order
    error_count: int = 0
    tracked: dict[str, Counter[Any]] = field(default_factory=dict)
    tracked_games: int = 0  # the games the `tracked` tallies count (all finished ones, or those `among` reached)
    reached: Counter[str] = field(default_factory=Counter)  # node -> games that showed it
    # scenes shown twice in one game: node -> {"games": n, "seeds": first seeds, "path": choices before}
    revisits: dict[str, dict[str, Any]] = field(default_factory=dict)
    audit: dict[Any, Any] = field(default_factory=dict)  # `--audit`: passage -> route -> [games, first seed]
    at_bound: dict[str, Any] = field(default_factory=dict)  # stats stuck at a bound (see dead_stats)

    def merge(self, other: ChunkResult) -> None:
        self.endings.update(other.endings)
        self.nodes |= other.nodes
        self.choices |= other.choices
        self.decisions.update(other.decisions)
        for chapter, counts in other.by_chapter.items():
            self.by_chapter.setdefault(chapter, Counter()).update(counts)
        for year, counts in other.by_year.items():
            self.by_year.setdefault(year, Counter()).update(counts)
        for name, (low, high) in other.ranges.items():
            mine = self.ranges.setdefault(name, [low, high])
            mine[0], mine[1] = min(mine[0], low), max(mine[1], high)
        self.errors.extend(other.errors[: max(0, MAX_ERRORS - len(self.errors))])
        self.error_count += other.error_count
        for name, values in other.tracked.items():
            self.tracked.setdefault(name, Counter()).update(values)
        self.tracked_games += other.tracked_games
        self.reached.update(other.reached)
        for node, seen in other.revisits.items():
            mine = self.revisits.setdefault(node, {"games": 0, "seeds": [], "path": seen["path"]})
            mine["games"] += seen["games"]
            mine["seeds"] = (mine["seeds"] + seen["seeds"])[:REVISIT_SEEDS]
        text_audit.merge(self.audit, other.audit)
        dead_stats.merge(self.at_bound, other.at_bound)


def _targets(story: Story, node_id: str, choice_id: str) -> list[str]:
    node = story.nodes[node_id]
    for choice in node.choices:
        if choice.id == choice_id:
            return choice.destinations()
    return []


def visited_target(name: str) -> str | None:
    """The scene of a `--track visited(SCENE)`, else None."""
    if name.startswith("visited(") and name.endswith(")"):
        return name[len("visited("):-1].strip()
    return None


def among_nodes(story: Story, among: str | None) -> frozenset[str]:
    """The scenes whose games `--among` keeps: the scene itself, or every scene of a chapter."""
    if not among:
        return frozenset()
    if among in story.nodes:
        return frozenset({among})
    return frozenset(n.id for n in story.nodes.values() if n.chapter == among)


def play_one(story: Story, seed: int, strategy: str, memory: ChunkResult, rendered: set[str],
             track: tuple[str, ...] = (), auditor: text_audit.Auditor | None = None,
             among: frozenset[str] = frozenset(),
             bound_runs: dead_stats.BoundRuns | None = None) -> None:
    """Play one game to its end, recording into `memory` (and the final value of each `track`ed
    variable, so writers can see how often a flag ends up set; and, with an `auditor`, the route
    to every conditional passage shown)."""
    game = Game.new(story, seed)
    if auditor is not None:
        auditor.start(game, seed)
    limits = bound_runs.limits if bound_runs is not None else {}
    if bound_runs is not None:
        bound_runs.start()
    picker = random.Random(seed * 7919 + 17)
    visible = {s.id for s in story.stats.values() if not s.hidden}
    ranges = memory.ranges
    for name in visible:
        start = game.state.vars[name]
        bounds = ranges.setdefault(name, [start, start])
        bounds[0], bounds[1] = min(bounds[0], start), max(bounds[1], start)
    path: list[str] = []
    per_chapter: Counter[str] = Counter()
    per_year: Counter[int] = Counter()
    first_year = game.state.date.day.year
    visits = game.state.visits
    try:
        for _ in range(MAX_STEPS):
            node_id = game.state.node
            if node_id not in rendered:
                rendered.add(node_id)
                game.scene()  # renders every text once per chunk, to catch template errors
            if game.ended:
                break
            ids = game.available_ids()
            if not ids:
                raise RuntimeError(f"stuck: no choice is available in '{node_id}'")
            if strategy == "coverage":
                fresh = [c for c in ids if f"{node_id}.{c}" not in memory.choices]
                if fresh:
                    ids = fresh
                else:
                    unseen = [c for c in ids if any(t not in memory.nodes for t in _targets(story, node_id, c))]
                    ids = unseen or ids
            pick = ids[0] if len(ids) == 1 else picker.choice(ids)
            path.append(f"{node_id}.{pick}")
            per_chapter[story.nodes[node_id].chapter] += 1
            per_year[game.state.date.day.year] += 1
            memory.choices.add(f"{node_id}.{pick}")
            turn = game.choose(pick, render=False)
            if auditor is not None:
                auditor.decided(node_id, pick, turn.outcome, turn.changes)
            for change in turn.changes:
                if change.name in limits:
                    bound_runs.changed(change.name, change.new, game.state)  # type: ignore[union-attr]
                if change.name in visible:
                    bounds = ranges[change.name]
                    if change.new < bounds[0]:
                        bounds[0] = change.new
                    elif change.new > bounds[1]:
                        bounds[1] = change.new
            shown = game.state.node  # a decision enters exactly one scene, event or ending
            if visits[shown] == 2 and not story.nodes[shown].repeatable:
                _revisit(memory, shown, seed, path)
        else:
            raise RuntimeError(f"no ending after {MAX_STEPS} decisions (a loop?) at '{game.state.node}'")
    except Exception as exc:  # every failure is reported with the seed that reproduces it
        memory.error_count += 1
        memory.errors.append({
            "seed": seed,
            "node": game.state.node,
            "error": f"{type(exc).__name__}: {exc}",
            "path": path[-8:],
            "trace": traceback.format_exc(limit=3) if not isinstance(exc, RuntimeError) else "",
        })
    else:
        if game.state.ending:
            memory.endings[game.state.ending] += 1
        memory.decisions[game.state.decisions] += 1
        if bound_runs is not None:
            bound_runs.finish(seed, game.state)
        for chapter, count in per_chapter.items():
            memory.by_chapter.setdefault(chapter, Counter())[count] += 1
        _record_years(memory, per_year, first_year, game.state.date.day.year)
        if track and (not among or not among.isdisjoint(visits)):
            memory.tracked_games += 1
            for name in track:
                scene = visited_target(name)
                value = visits.get(scene, 0) if scene is not None else game.state.vars.get(name)
                memory.tracked.setdefault(name, Counter())[value] += 1
    memory.nodes.update(visits)
    memory.reached.update(visits.keys())


def _record_years(memory: ChunkResult, per_year: Counter[int], first: int, last: int) -> None:
    """A game reaches every year from its start to its last date, so a year it passed through
    without a decision (a jump from 1937 to 1939) counts as 0 there: the mean over the games
    that reached a year is then the weight that year carries in play."""
    for year in range(first, max(last, *per_year, first) + 1):
        memory.by_year.setdefault(year, Counter())[per_year.get(year, 0)] += 1


def _revisit(memory: ChunkResult, node_id: str, seed: int, path: list[str]) -> None:
    """A scene the player is shown a second time: a story error unless it says `repeatable`."""
    seen = memory.revisits.setdefault(node_id, {"games": 0, "seeds": [], "path": path[-8:]})
    seen["games"] += 1
    if len(seen["seeds"]) < REVISIT_SEEDS:
        seen["seeds"].append(seed)


def _run_chunk(args: tuple[int, int, str, tuple[str, ...], bool, frozenset[str]]) -> ChunkResult:
    first_seed, count, strategy, track, audit, among = args
    assert _STORY is not None
    memory = ChunkResult()
    rendered: set[str] = set()
    auditor = text_audit.Auditor(_STORY) if audit else None
    bound_runs = dead_stats.BoundRuns(_STORY)
    for seed in range(first_seed, first_seed + count):
        play_one(_STORY, seed, strategy, memory, rendered, track, auditor, among, bound_runs)
    memory.at_bound = {"longest": bound_runs.longest, "long_games": bound_runs.long_games}
    if auditor is not None:
        memory.audit = auditor.routes
    return memory


def explore(story: Story, runs: int, seed: int = 0, strategy: str = "random", jobs: int | None = None,
            track: tuple[str, ...] = (), audit: bool = False, among: str | None = None) -> dict[str, Any]:
    """Play `runs` seeded games. `track` names variables (flags, stats, relations) whose final
    values are tallied over the games that finished; `audit` adds the route to every conditional
    passage shown (see `kremlin_tui.audit`)."""
    global _STORY
    _STORY = story
    keep = among_nodes(story, among)
    chunks = _chunks(runs, seed, strategy, track, audit, keep)
    count = -(-runs // CHUNK)
    jobs = jobs or os.cpu_count() or 1
    total = ChunkResult()
    if jobs > 1 and count > 1 and "fork" in multiprocessing.get_all_start_methods():
        for result in _in_workers(chunks, min(jobs, count)):
            total.merge(result)
    else:
        for chunk in chunks:
            total.merge(_run_chunk(chunk))
    result = report(story, runs, seed, strategy, total, track)
    if track:
        result["tracked_over"] = (f"the {total.tracked_games} games that reached {among}" if among
                                  else f"the {total.tracked_games} finished games")
    if audit:
        result["audit"] = text_audit.report(story, total.audit)
    return result


Chunk = tuple[int, int, str, tuple[str, ...], bool, frozenset[str]]


def _chunks(runs: int, seed: int, strategy: str, track: tuple[str, ...], audit: bool,
            keep: frozenset[str]) -> Iterator[Chunk]:
    """The work, one chunk at a time (a list of 10^9 chunks would not fit in memory)."""
    for start in range(0, runs, CHUNK):
        yield (seed + start, min(CHUNK, runs - start), strategy, track, audit, keep)


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops them: one message, not one traceback each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_workers(chunks: Iterator[Chunk], jobs: int) -> Iterator[ChunkResult]:
    """Run chunks in `jobs` forked processes, yielding results in order. At most a few chunks per
    worker are queued at a time (Pool.imap would queue the whole iterator), and on Ctrl-C or any
    error the workers are terminated before the exception goes on."""
    context = multiprocessing.get_context("fork")
    try:  # workers are forked ignoring SIGINT (the initializer alone would leave a window)
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to restore
        previous = None
    try:
        pool = context.Pool(jobs, initializer=_quiet_worker)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    try:
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(_run_chunk, (chunk,)))
            if len(pending) >= 4 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _chapter_order(story: Story, seen: dict[str, list[int]]) -> list[str]:
    """The manifest's chapters in order, then any a mod's files name that it does not declare."""
    declared = [chapter.id for chapter in story.chapters]
    return declared + sorted(set(seen) - set(declared))


def _tally(values: Counter[Any]) -> dict[str, Any]:
    """Counts per value for flags and other few-valued variables; a summary for stats."""
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if numeric and len(values) > 12:
        ordered = sorted(values.items())  # (value, games): never one entry per game
        size = values.total()

        def at(q: float) -> Any:
            rank = min(size - 1, int(q * size))
            seen = 0
            for value, games in ordered:
                seen += games
                if rank < seen:
                    return value
            return ordered[-1][0]
        return {"min": ordered[0][0], "p25": at(0.25), "median": at(0.5), "p75": at(0.75), "max": ordered[-1][0],
                "mean": round(sum(v * n for v, n in ordered) / size, 1)}
    return {"counts": {_show(v): n for v, n in sorted(values.items(), key=lambda kv: (-kv[1], _show(kv[0])))}}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def report(story: Story, runs: int, seed: int, strategy: str, total: ChunkResult,
           track: tuple[str, ...] = ()) -> dict[str, Any]:
    all_choices = [f"{n.id}.{c.id}" for n in story.nodes.values() for c in n.choices]
    endings = [n.id for n in story.nodes.values() if n.is_ending]
    decisions = total.decisions or Counter({0: 1})
    return {
        "runs": runs,
        "seed": seed,
        "strategy": strategy,
        "endings": {e: total.endings.get(e, 0) for e in endings},
        "nodes": {
            "total": len(story.nodes),
            "visited": len(total.nodes & set(story.nodes)),
            "unvisited": [n for n in story.nodes if n not in total.nodes],
        },
        "choices": {
            "total": len(all_choices),
            "taken": len(total.choices),
            "never_taken": [c for c in all_choices if c not in total.choices],
        },
        "decisions": {
            "min": min(decisions),
            "mean": round(_mean(decisions), 1),
            "max": max(decisions),
            # over the games that made at least one decision in the chapter, in story order
            "by_chapter": {
                chapter: {"games": counts.total(), "min": min(counts), "mean": round(_mean(counts), 1),
                          "max": max(counts)}
                for chapter in _chapter_order(story, total.by_chapter) if (counts := total.by_chapter.get(chapter))
            },
        },
        # mean decisions made in each year, over the games whose calendar reached that year
        "decisions_per_year": {
            str(year): {"games": counts.total(), "mean": round(_mean(counts), 2)}
            for year, counts in sorted(total.by_year.items())
        },
        "stats": {name: {"min": low, "max": high} for name, (low, high) in sorted(total.ranges.items())},
        # games (of `runs`) that showed each scene, event and ending, in story order
        "visits": {node: total.reached.get(node, 0) for node in story.nodes},
        # per stat: the longest stretch at each bound, the share of games with one over 10 decisions,
        # and the chapters where nothing reads it
        "dead_stats": dead_stats.report(story, total.at_bound, sum(total.decisions.values())),
        "tracked": {name: _tally(total.tracked.get(name, Counter())) for name in track},
        "errors": sorted(total.errors, key=lambda e: e["seed"]),
        "revisits": [
            {"node": node, "title": story.nodes[node].title, "games": seen["games"], "seeds": seen["seeds"],
             "path": seen["path"]}
            for node, seen in sorted(total.revisits.items(), key=lambda kv: (-kv[1]["games"], kv[0]))
        ],
        "error_count": total.error_count,
    }


def _mean(counts: Counter[int]) -> float:
    """The mean of per-game figures kept as {value: games}."""
    return sum(value * games for value, games in counts.items()) / counts.total()


def format_report(result: dict[str, Any], seconds: float | None = None, all_visits: bool = False) -> str:
    lines = []
    timing = f" in {seconds:.2f} s" if seconds is not None else ""
    lines.append(f"Explored {result['runs']} games (seed {result['seed']}, strategy {result['strategy']}){timing}.")
    runs = max(1, result["runs"])
    lines.append("Endings:")
    for ending, count in sorted(result["endings"].items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {ending:<28} {count:>7}  {100 * count / runs:5.1f}%")
    nodes, choices = result["nodes"], result["choices"]
    lines.append(f"Nodes visited: {nodes['visited']}/{nodes['total']}")
    if nodes["unvisited"]:
        lines.append("  never visited: " + ", ".join(nodes["unvisited"]))
    lines.append(f"Choices taken: {choices['taken']}/{choices['total']}")
    if choices["never_taken"]:
        shown = choices["never_taken"][:40]
        more = len(choices["never_taken"]) - len(shown)
        lines.append("  never taken: " + ", ".join(shown) + (f" (and {more} more)" if more > 0 else ""))
    d = result["decisions"]
    lines.append(f"Decisions per game: min {d['min']}, mean {d['mean']}, max {d['max']}")
    if len(d.get("by_chapter", {})) > 1:
        lines.append("Decisions per chapter (mean, range; games that reached it): " + ", ".join(
            f"{chapter} {c['mean']} ({c['min']}–{c['max']}; {c['games']})" for chapter, c in d["by_chapter"].items()))
    if result.get("decisions_per_year"):
        lines.append("Decisions per year (mean; games that reached it): " + ", ".join(
            f"{year} {y['mean']:.1f} ({y['games']})" for year, y in result["decisions_per_year"].items()))
    if result["stats"]:
        lines.append("Stat ranges: " + ", ".join(f"{k} {format_value(v['min'])}–{format_value(v['max'])}"
                                                 for k, v in result["stats"].items()))
    visits = result.get("visits", {})
    if visits:
        ordered = sorted(visits.items(), key=lambda kv: (kv[1], kv[0]))
        shown_visits = ordered if all_visits else [kv for kv in ordered if kv[1]][:10]
        title = "Games that reached each scene" if all_visits else "Rarest scenes reached (games)"
        lines.append(f"{title}: " + ", ".join(f"{node} {n} ({100 * n / runs:.1f}%)" for node, n in shown_visits))
    if result.get("dead_stats"):
        lines.extend(dead_stats.format_report(result["dead_stats"]))
    if result.get("tracked"):
        lines.append(f"Tracked values are counted over {result.get('tracked_over', 'the finished games')}.")
    for name, tally in result.get("tracked", {}).items():
        if "counts" in tally:
            finished = max(1, sum(tally["counts"].values()))
            shares = ", ".join(f"{value} {100 * n / finished:.1f}%" for value, n in tally["counts"].items())
            lines.append(f"{name} at the end: {shares}")
        else:
            lines.append(f"{name} at the end: " + ", ".join(f"{key} {format_value(tally[key])}"
                                                             for key in ("min", "p25", "median", "p75", "max", "mean")))
    revisits = result.get("revisits", [])
    if revisits:
        games = sum(r["games"] for r in revisits)
        lines.append(f"REVISITS: {len(revisits)} scene(s) shown twice in one game ({games} game(s); "
                     "a scene that may repeat says `repeatable: true`):")
        for revisit in revisits[:20]:
            lines.append(f"  '{revisit['node']}' ({revisit['title']}) in {revisit['games']} game(s), seeds "
                         + ", ".join(map(str, revisit["seeds"])))
            if revisit["path"]:
                lines.append(f"    seed {revisit['seeds'][0]}, choices before it came back: " + " → ".join(revisit["path"]))
        lines.append("Reproduce one with: kremlin-tui play --plain --seed SEED")
    else:
        lines.append("Revisits: none (no scene was shown twice in one game).")
    if result["errors"]:
        lines.append(f"ERRORS: {result.get('error_count', len(result['errors']))} game(s) failed:")
        for error in result["errors"][:20]:
            lines.append(f"  seed {error['seed']} at '{error['node']}': {error['error']}")
            if error["path"]:
                lines.append("    last choices: " + " → ".join(error["path"]))
        lines.append("Reproduce one with: kremlin-tui play --plain --seed SEED")
    else:
        lines.append("No errors." if not revisits else "No game failed.")
    return "\n".join(lines)
