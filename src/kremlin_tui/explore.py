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
from typing import Any, Protocol

from kremlin_tui import audit as text_audit
from kremlin_tui import dead_stats
from kremlin_tui.engine import Game, TurnResult
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


class GameWatcher(Protocol):
    """What follows a game as `play_one` plays it (the text auditor, the dead-stat runs, the
    ranges of the visible stats): one loop plays, each watcher records what it needs."""

    def start(self, game: Game, seed: int) -> None: ...

    def decided(self, game: Game, node_id: str, choice_id: str, turn: TurnResult) -> None: ...

    def finish(self, game: Game, seed: int) -> None: ...


class _Ranges:
    """The lowest and highest value each visible stat takes (into `ChunkResult.ranges`)."""

    def __init__(self, story: Story, ranges: dict[str, list[Any]]) -> None:
        self.visible = {s.id for s in story.stats.values() if not s.hidden}
        self.ranges = ranges

    def start(self, game: Game, seed: int) -> None:
        for name in self.visible:
            start = game.state.vars[name]
            bounds = self.ranges.setdefault(name, [start, start])
            bounds[0], bounds[1] = min(bounds[0], start), max(bounds[1], start)

    def decided(self, game: Game, node_id: str, choice_id: str, turn: TurnResult) -> None:
        for change in turn.changes:
            if change.name in self.visible:
                bounds = self.ranges[change.name]
                if change.new < bounds[0]:
                    bounds[0] = change.new
                elif change.new > bounds[1]:
                    bounds[1] = change.new

    def finish(self, game: Game, seed: int) -> None:
        pass


@dataclass
class _Walk:
    """One game's route: its decisions, and how many fell in each chapter and year."""

    path: list[str] = field(default_factory=list)
    per_chapter: Counter[str] = field(default_factory=Counter)
    per_year: Counter[int] = field(default_factory=Counter)


def play_one(story: Story, seed: int, strategy: str, memory: ChunkResult, rendered: set[str],
             track: tuple[str, ...] = (), auditor: text_audit.Auditor | None = None,
             among: frozenset[str] = frozenset(),
             bound_runs: dead_stats.BoundRuns | None = None) -> None:
    """Play one game to its end, recording into `memory` (and the final value of each `track`ed
    variable, so writers can see how often a flag ends up set; and, with an `auditor`, the route
    to every conditional passage shown)."""
    game = Game.new(story, seed)
    watchers: list[GameWatcher] = [_Ranges(story, memory.ranges), *(w for w in (auditor, bound_runs) if w is not None)]
    for watcher in watchers:
        watcher.start(game, seed)
    walk = _Walk()
    first_year = game.state.date.day.year
    try:
        _play(game, seed, strategy, memory, rendered, watchers, walk)
    except Exception as exc:  # every failure is reported with the seed that reproduces it
        memory.error_count += 1
        memory.errors.append({
            "seed": seed,
            "node": game.state.node,
            "error": f"{type(exc).__name__}: {exc}",
            "path": walk.path[-8:],
            "trace": traceback.format_exc(limit=3) if not isinstance(exc, RuntimeError) else "",
        })
    else:
        for watcher in watchers:
            watcher.finish(game, seed)
        _record_game(memory, game, walk, first_year, track, among)
    memory.nodes.update(game.state.visits)
    memory.reached.update(game.state.visits.keys())


def _play(game: Game, seed: int, strategy: str, memory: ChunkResult, rendered: set[str],
          watchers: list[GameWatcher], walk: _Walk) -> None:
    story, visits = game.story, game.state.visits
    picker = random.Random(seed * 7919 + 17)
    for _ in range(MAX_STEPS):
        node_id = game.state.node
        if node_id not in rendered:
            rendered.add(node_id)
            game.scene()  # renders every text once per chunk, to catch template errors
        if game.ended:
            return
        ids = game.available_ids()
        if not ids:
            raise RuntimeError(f"stuck: no choice is available in '{node_id}'")
        if strategy == "coverage":
            ids = _unexplored(story, memory, node_id, ids)
        pick = ids[0] if len(ids) == 1 else picker.choice(ids)
        walk.path.append(f"{node_id}.{pick}")
        walk.per_chapter[story.nodes[node_id].chapter] += 1
        walk.per_year[game.state.date.day.year] += 1
        memory.choices.add(f"{node_id}.{pick}")
        turn = game.choose(pick, render=False)
        for watcher in watchers:
            watcher.decided(game, node_id, pick, turn)
        shown = game.state.node  # a decision enters exactly one scene, event or ending
        if visits[shown] == 2 and not story.nodes[shown].repeatable:
            _revisit(memory, shown, seed, walk.path)
    raise RuntimeError(f"no ending after {MAX_STEPS} decisions (a loop?) at '{game.state.node}'")


def _unexplored(story: Story, memory: ChunkResult, node_id: str, ids: list[str]) -> list[str]:
    """The coverage strategy: a choice never taken, else one leading to a scene never seen."""
    fresh = [c for c in ids if f"{node_id}.{c}" not in memory.choices]
    if fresh:
        return fresh
    unseen = [c for c in ids if any(t not in memory.nodes for t in _targets(story, node_id, c))]
    return unseen or ids


def _record_game(memory: ChunkResult, game: Game, walk: _Walk, first_year: int, track: tuple[str, ...],
                 among: frozenset[str]) -> None:
    """A finished game's ending, length, pace per chapter and year, and tracked values."""
    state, visits = game.state, game.state.visits
    if state.ending:
        memory.endings[state.ending] += 1
    memory.decisions[state.decisions] += 1
    for chapter, count in walk.per_chapter.items():
        memory.by_chapter.setdefault(chapter, Counter())[count] += 1
    _record_years(memory, walk.per_year, first_year, state.date.day.year)
    if track and (not among or not among.isdisjoint(visits)):
        memory.tracked_games += 1
        for name in track:
            scene = visited_target(name)
            value = visits.get(scene, 0) if scene is not None else state.vars.get(name)
            memory.tracked.setdefault(name, Counter())[value] += 1


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
