"""Dead stats: stretches where a stat sat at its bound, and chapters where nothing reads it.

A stat pinned at 0 or 100 shows the player no effect from the choices that push it further,
and a stat no condition, weight, text or effect reads in a chapter changes nothing there. The
play-tester measures the first over the games it plays (cheaply: only from the changes each
decision reports); the second is a static reading of the story's expressions, chapter by
chapter.

A hidden counter may declare `rests_at: min` (or `max`) in its manifest: its bound means "it
never happened" (Famine severity 0: no famine; Bonapartism 0: nobody suspects a coup), so a
stay there is the story at rest, not a stat the player's choices no longer reach. Those stays
are still measured and listed, marked "at rest", but `stuck()` leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kremlin_tui.engine import GameState
from kremlin_tui.expr import Ast, Expr, reads
from kremlin_tui.model import Story

LONG = 10  # a stretch longer than this many decisions counts as dead


@dataclass
class Stretch:
    """The longest stretch of one stat at one bound: its length in decisions and where it was."""

    length: int = 0
    seed: int = 0
    start: str = ""  # the date it reached the bound (or the game's start)
    end: str = ""  # the date it left it (or the game's end)


class BoundRuns:
    """Follows one game: when each stat reached a bound, and the longest stay per bound."""

    def __init__(self, story: Story) -> None:
        self.limits = {s.id: (s.min, s.max) for s in story.stats.values()}
        # chunk totals: (stat, "min"|"max") -> longest stretch; games with a stretch over LONG
        self.longest: dict[tuple[str, str], Stretch] = {}
        self.long_games: dict[tuple[str, str], int] = {}
        self._open: dict[str, tuple[str, int, str]] = {}  # stat -> (bound, decision reached, date)
        self._game_longest: dict[tuple[str, str], tuple[int, str, str]] = {}

    def start(self, game: Any, seed: int) -> None:
        """A stat that starts at a bound (a hidden stat at 0 until its chapter) is not stuck
        there by play: only a stretch that a decision began counts."""
        self._open = {}
        self._game_longest = {}

    def decided(self, game: Any, node_id: str, choice_id: str, turn: Any) -> None:
        for change in turn.changes:
            if change.name in self.limits:
                self.changed(change.name, change.new, game.state)

    def changed(self, name: str, new: Any, state: GameState) -> None:
        """The decision just taken moved the stat `name` to `new`."""
        low, high = self.limits[name]
        at_bound = new <= low or new >= high
        if name in self._open:
            self._close(name, state)
        if at_bound:
            self._open[name] = ("min" if new <= low else "max", state.decisions, state.date.iso())

    def finish(self, game: Any, seed: int) -> None:
        state = game.state
        for name in list(self._open):
            self._close(name, state)
        for key, (length, start, end) in self._game_longest.items():
            best = self.longest.get(key)
            if best is None or length > best.length:
                self.longest[key] = Stretch(length, seed, start, end)
            if length > LONG:
                self.long_games[key] = self.long_games.get(key, 0) + 1

    def _close(self, name: str, state: GameState) -> None:
        bound, since, started = self._open.pop(name)
        length = state.decisions - since  # decisions taken while it stood at the bound
        key = (name, bound)
        if length > self._game_longest.get(key, (0,))[0]:
            self._game_longest[key] = (length, started, state.date.iso())


def merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    """Chunks merge in seed order; a tie keeps the earlier seed."""
    for key, stretch in other.get("longest", {}).items():
        best = into.setdefault("longest", {}).get(key)
        if best is None or stretch.length > best.length:
            into["longest"][key] = stretch
    for key, count in other.get("long_games", {}).items():
        into.setdefault("long_games", {})[key] = into.get("long_games", {}).get(key, 0) + count


# -- who reads a stat, chapter by chapter --------------------------------------------------------


def _names(ast: Ast, out: set[str]) -> None:
    out.update(name for name, _how in reads(ast))


def reads_by_chapter(story: Story) -> dict[str, set[str]]:
    """For each chapter, every name its conditions, weights, texts (labels, results,
    epilogues) and effect values read."""
    found: dict[str, set[str]] = {}
    for node in story.nodes.values():
        names = found.setdefault(node.chapter, set())
        exprs: list[Expr] = []
        templates = [node.text, node.divergence]
        if node.event is not None and node.event.condition is not None:
            exprs.append(node.event.condition)
        for choice in node.choices:
            templates += [choice.label, choice.result]
            if choice.condition is not None:
                exprs.append(choice.condition)
            effects = list(choice.effects)
            for outcome in choice.outcomes:
                exprs.append(outcome.weight)
                templates.append(outcome.result)
                effects += outcome.effects
            exprs += [e.value for e in effects if e.value is not None]
        for template in templates:
            if template is not None:
                exprs += [expr for expr, _ in template.exprs]
        for expr in exprs:
            _names(expr.ast, names)
    return found


def unread_chapters(story: Story) -> dict[str, list[str]]:
    """Per stat, the chapters (in story order) where nothing reads it."""
    reads = reads_by_chapter(story)
    order = [c.id for c in story.chapters] + sorted(set(reads) - {c.id for c in story.chapters})
    chapters = [c for c in order if c in reads]
    return {stat: [c for c in chapters if stat not in reads[c]] for stat in story.stats}


def report(story: Story, totals: dict[str, Any], finished: int) -> dict[str, Any]:
    """Per stat: each bound a decision pushed it to (longest stretch, where, share of finished
    games with a stretch over LONG decisions) and the chapters where nothing reads it."""
    unread = unread_chapters(story)
    longest = totals.get("longest", {})
    long_games = totals.get("long_games", {})
    out: dict[str, Any] = {}
    for stat in story.stats.values():
        bounds = {}
        for bound, value in (("min", stat.min), ("max", stat.max)):
            stretch = longest.get((stat.id, bound))
            if stretch is None:
                continue
            games = long_games.get((stat.id, bound), 0)
            bounds[bound] = {"value": value, "longest": stretch.length, "seed": stretch.seed,
                             "from": stretch.start, "to": stretch.end, "games_over_10": games,
                             "share_over_10": round(100 * games / max(1, finished), 1),
                             "at_rest": stat.rests_at == bound}
        out[stat.id] = {"label": stat.label, "hidden": stat.hidden, "at_bound": bounds,
                        "unread_in": unread.get(stat.id, [])}
    return out


def stuck(stats: dict[str, Any]) -> dict[tuple[str, str], float]:
    """(stat, bound) -> share of games (percent) with a stay over LONG decisions at that bound,
    leaving out the bounds a hidden counter declares as its rest (`rests_at`)."""
    return {(name, bound): info["share_over_10"] for name, entry in stats.items()
            for bound, info in entry["at_bound"].items() if not info.get("at_rest")}


def format_report(stats: dict[str, Any]) -> list[str]:
    lines = [f"Stats stuck at a bound (longest stretch in decisions, with a seed and dates; share of games with a "
             f"stretch over {LONG}):"]
    rows = [(name, bound, info) for name, entry in stats.items() for bound, info in entry["at_bound"].items()]
    rows.sort(key=lambda r: (-r[2]["share_over_10"], -r[2]["longest"], r[0], r[1]))
    rows.sort(key=lambda r: bool(r[2].get("at_rest")))  # stable: the stuck first, the resting after
    shown = [r for r in rows if r[2]["longest"] > 0]
    if not shown:
        lines.append("  none")
    for name, _bound, info in shown:
        label = stats[name]["label"] + (" (hidden)" if stats[name]["hidden"] else "")
        if info.get("at_rest"):
            label += "; its rest: rests_at"
        lines.append(f"  {name:<12} at {_num(info['value']):>4}: longest {info['longest']:>3} (seed {info['seed']}, "
                     f"{info['from']} → {info['to']}), over {LONG} in {info['share_over_10']:.1f}% of games  [{label}]")
    unread = {name: entry["unread_in"] for name, entry in stats.items() if entry["unread_in"] and not entry["hidden"]}
    if unread:
        lines.append("Chapters where no condition, weight, text or effect reads the stat (hidden stats: --format json):")
        for name, chapters in unread.items():
            lines.append(f"  {name:<12} {', '.join(chapters)}")
    return lines


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
