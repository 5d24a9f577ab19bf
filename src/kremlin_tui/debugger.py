"""The writers' debugger: why each choice is shown, locked or hidden; the full state; quick
`:set` and `:goto` commands. Headless, so plain mode and the TUI show the same thing."""

from __future__ import annotations

from kremlin_tui.engine import Game, TurnResult
from kremlin_tui.expr import ExprError

HELP = """\
Debug commands:
  :why            every choice of this scene: its condition, its value, and why it is shown
  :state          the full state: stats (hidden too), relations, flags, calendar, events
  :set NAME VALUE set a stat, relation or flag (numbers, true/false, or a flag's value)
  :goto SCENE     jump to a scene or ending"""


def choice_report(game: Game) -> list[str]:
    node = game.node
    shown = {c.id: c for c in game.choices(render=False)}
    lines = [f"[debug] scene '{node.id}' ({node.kind}, chapter {node.chapter or '-'}, {node.pos})"]
    for choice in node.choices:
        if choice.condition is None:
            condition = "no condition"
        else:
            try:
                value = choice.condition(game.state)
            except (ExprError, KeyError, TypeError) as exc:  # a story bug: say so, don't crash
                value = f"error: {exc}"
            condition = f"if {choice.condition.source} → {value}"
        view = shown.get(choice.id)
        if f"{node.id}.{choice.id}" in game.state.chosen and choice.once:
            status = "hidden (once, already taken)"
        elif view is None:
            status = "hidden (fallback not needed)" if choice.fallback else "hidden (condition false, no 'locked')"
        elif not view.available:
            status = f"locked: {view.locked_reason}"
        else:
            status = "available" + (" (fallback)" if choice.fallback else "")
        target = choice.goto or ("random outcome" if choice.outcomes else "resume")
        lines.append(f"[debug]   {choice.id}: {condition}; {status}; → {target}")
    return lines


def state_report(game: Game) -> list[str]:
    story, state = game.story, game.state
    lines = [f"[debug] date {state.date.iso()}, decisions {state.decisions}, seed {state.seed}, resume {state.resume}"]
    stats = ", ".join(f"{s.id}={state.vars[s.id]}{'*' if s.hidden else ''}" for s in story.stats.values())
    lines.append(f"[debug] stats (* hidden): {stats}")
    lines.append("[debug] relations: " + ", ".join(f"{r}={state.vars[r]}" for r in story.relations))
    flags = [f"{f}={state.vars[f]}" for f in story.flags if state.vars[f] not in (False, story.flags[f].initial)]
    lines.append("[debug] flags changed: " + (", ".join(flags) or "none"))
    lines.append("[debug] events fired: " + (", ".join(sorted(state.fired)) or "none"))
    if state.scheduled:
        lines.append("[debug] scheduled: " + ", ".join(f"{k} on {v}" for k, v in sorted(state.scheduled.items())))
    return lines


def effects_report(result: TurnResult) -> list[str]:
    if not result.changes:
        return ["[debug] last effects: none"]
    return ["[debug] last effects: " + ", ".join(f"{c.name} {c.old!r}→{c.new!r}" for c in result.changes)
            + (f" (outcome {result.outcome + 1})" if result.outcome is not None else "")]


def parse_value(text: str) -> object:
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text.strip("'\"")


def command(game: Game, line: str) -> list[str]:
    """Run one `:command`; returns the lines to show."""
    word, _, rest = line.strip()[1:].partition(" ")
    args = rest.split()
    try:
        if word == "why":
            return choice_report(game)
        if word == "state":
            return state_report(game)
        if word == "set" and len(args) == 2:
            value = game.debug_set(args[0], parse_value(args[1]))
            return [f"[debug] {args[0]} = {value!r}"]
        if word == "goto" and len(args) == 1:
            game.debug_goto(args[0])
            return [f"[debug] jumped to '{args[0]}'"]
    except ValueError as exc:
        return [f"[debug] {exc}"]
    return HELP.splitlines()
