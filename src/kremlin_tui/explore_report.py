"""`kremlin-tui explore`'s report in words: endings, coverage, pace, tracked values and the
games that went wrong, each with the seed that replays it."""

from __future__ import annotations

from typing import Any

from kremlin_tui import dead_stats
from kremlin_tui.expr import format_value


def format_report(result: dict[str, Any], seconds: float | None = None, all_visits: bool = False) -> str:
    timing = f" in {seconds:.2f} s" if seconds is not None else ""
    lines = [f"Explored {result['runs']} games (seed {result['seed']}, strategy {result['strategy']}){timing}."]
    runs = max(1, result["runs"])
    lines += _coverage_lines(result, runs)
    lines += _pace_lines(result)
    visits = result.get("visits", {})
    if visits:
        ordered = sorted(visits.items(), key=lambda kv: (kv[1], kv[0]))
        shown_visits = ordered if all_visits else [kv for kv in ordered if kv[1]][:10]
        title = "Games that reached each scene" if all_visits else "Rarest scenes reached (games)"
        lines.append(f"{title}: " + ", ".join(f"{node} {n} ({100 * n / runs:.1f}%)" for node, n in shown_visits))
    if result.get("dead_stats"):
        lines.extend(dead_stats.format_report(result["dead_stats"]))
    lines += _tracked_lines(result)
    lines += _problem_lines(result)
    return "\n".join(lines)


def _coverage_lines(result: dict[str, Any], runs: int) -> list[str]:
    """Endings, and the scenes and choices the games reached (or never did)."""
    lines = ["Endings:"]
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
    return lines


def _pace_lines(result: dict[str, Any]) -> list[str]:
    """Decisions per game, chapter and year; the ranges the visible stats took."""
    d = result["decisions"]
    lines = [f"Decisions per game: min {d['min']}, mean {d['mean']}, max {d['max']}"]
    if len(d.get("by_chapter", {})) > 1:
        lines.append("Decisions per chapter (mean, range; games that reached it): " + ", ".join(
            f"{chapter} {c['mean']} ({c['min']}–{c['max']}; {c['games']})" for chapter, c in d["by_chapter"].items()))
    if result.get("decisions_per_year"):
        lines.append("Decisions per year (mean; games that reached it): " + ", ".join(
            f"{year} {y['mean']:.1f} ({y['games']})" for year, y in result["decisions_per_year"].items()))
    if result["stats"]:
        lines.append("Stat ranges: " + ", ".join(f"{k} {format_value(v['min'])}–{format_value(v['max'])}"
                                                 for k, v in result["stats"].items()))
    return lines


def _tracked_lines(result: dict[str, Any]) -> list[str]:
    lines = []
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
    return lines


def _problem_lines(result: dict[str, Any]) -> list[str]:
    """Scenes shown twice in one game, and games that failed, each with a seed to replay."""
    lines = []
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
    return lines
