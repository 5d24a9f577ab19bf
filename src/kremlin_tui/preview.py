"""What a choice will do, computed from the story and the current state: never hand-written.

A writer's label can say "(Party ▲)" and be wrong; this cannot. `preview_choice` applies the
choice's effects to a scratch copy of the state with the engine's own `apply_effects` (so
conditional values, effects that read earlier effects, and clamping at the bounds are exactly
what `Game.choose` will do), evaluates the outcome weights where the draw will evaluate them
(after the choice's own effects), and applies every possible outcome. Changes every possible
result shares are *certain*; the rest belong to the outcome that causes them. Outcomes whose
results are identical (same changes, same destination, same schedule) are merged, so a choice
is a gamble exactly when more than one different result can happen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kremlin_tui.calendar import DECISIONS
from kremlin_tui.dates import GameDate
from kremlin_tui.effects import apply_effects, outcome_chances
from kremlin_tui.expr import CALENDAR, Expr, reads
from kremlin_tui.model import Choice, NodeKind, Story
from kremlin_tui.state import ChangeKind, built

if TYPE_CHECKING:
    from kremlin_tui.engine import GameState


@dataclass(frozen=True)
class Preview:
    """One change shown next to a choice: e.g. Party ▲5. `kind` is "stat", "hidden", "relation"
    or "flag"; `new` is the value after the change (a flag's new value; its `delta` is 0)."""

    name: str
    label: str
    delta: float
    polarity: str
    kind: str = "stat"
    new: Any = None


@dataclass(frozen=True)
class OutcomeChance:
    """One possible result of a gamble."""

    chance: float  # 0..1 at the current state
    changes: tuple[Preview, ...]  # certain changes if this outcome is drawn (beyond ChoicePreview.certain)
    goto: str | None  # where it leads, if it differs from the choice's own destination
    indices: tuple[int, ...] = ()  # the story's outcomes (0-based) that give this result
    ends: bool = False  # it leads to an ending: shown whatever the hide rules, a game is the stake


@dataclass(frozen=True)
class ChoicePreview:
    """Everything a player may know about a choice before taking it."""

    certain: tuple[Preview, ...]  # changes the choice will certainly cause in the current state
    outcomes: tuple[OutcomeChance, ...]  # empty when the result is certain
    depends_on: tuple[str, ...]  # labels of the variables the chances read ("Workers' support")
    goto: str | None = None  # where a certain result leads, if not the choice's own destination
    ends: bool = False  # the certain result leads to an ending: the player is told the game ends

    @property
    def is_gamble(self) -> bool:
        """More than one possible result with a chance above 0."""
        return sum(1 for o in self.outcomes if o.chance > 0) > 1


CERTAIN = ChoicePreview((), (), ())
_FLAG = ChangeKind.FLAG  # bound once: looked up for every previewed change


# a result: the changed variables (name -> (old, new)), the destination, the schedule and codex
_Result = tuple[dict[str, tuple[Any, Any]], str | None, tuple[tuple[str, str], ...], tuple[str, ...]]


def preview_choice(story: Story, state: GameState, choice: Choice, reveal: bool = False) -> ChoicePreview:
    """The preview of `choice` in `state` (which is not changed). Shown changes follow the hide
    rules (hidden stats, flags and `hide_effects` choices show nothing) unless `reveal`, which
    the tests and the writers' tools use to see every change."""
    scratch = _scratch(state)
    before: dict[str, Any] = {}
    apply_effects(story, scratch, choice.effects, before)
    if not choice.outcomes:
        results = [(1.0, _result(state, scratch, before, choice.goto), ())]
        weights_read: set[str] = set()
    else:
        chances = outcome_chances([o.weight(scratch) for o in choice.outcomes])
        merged: dict[Any, list[Any]] = {}
        for index, (outcome, chance) in enumerate(zip(choice.outcomes, chances, strict=True)):
            if chance <= 0:
                continue
            branch = _scratch(scratch)
            seen = dict(before)
            apply_effects(story, branch, outcome.effects, seen)
            result = _result(state, branch, seen, outcome.goto or choice.goto)
            key = (tuple(sorted((k, _typed(v)) for k, v in result[0].items())), *result[1:])
            if key in merged:
                merged[key][0] += chance
                merged[key][2].append(index)
            else:
                merged[key] = [chance, result, [index]]
        results = [(c, r, tuple(i)) for c, r, i in merged.values()]
        weights_read = set()
        if len(results) > 1:
            for outcome in choice.outcomes:
                weights_read |= _names(outcome.weight)
    shown = _shown(story, choice, reveal)
    if len(results) == 1:
        changes, goto = results[0][1][0], results[0][1][1]
        lead = goto if goto != choice.goto else None
        return ChoicePreview(_previews(story, changes, shown), (), (), lead, _is_ending(story, goto))
    first = results[0][1][0]
    common = {name: change for name, change in first.items()
              if all(_same(r[1][0].get(name), change) for r in results[1:])}
    outcomes = []
    for chance, (changes, goto, _schedule, _codex), indices in results:
        own = {name: change for name, change in changes.items() if name not in common}
        lead = goto if goto != choice.goto else None
        outcomes.append(OutcomeChance(chance, _previews(story, own, shown), lead, indices, _is_ending(story, goto)))
    return ChoicePreview(_previews(story, common, shown), tuple(outcomes), _depends(story, weights_read, reveal))


_HINT_GROUP = re.compile(r" ?\(([^()]*)\)")
_GAMBLE_ITEM = re.compile(r"(?:^|\s*,\s*)a gamble\b(?::.*$)?", re.IGNORECASE)  # "a gamble: …" runs to the end


def honest_label(label: str, preview: ChoicePreview | None) -> str:
    """The label as shown: a hand-written "a gamble" is left out where the choice is not one now.

    A writer marks a choice whose outcomes depend on the state with "(Grain ▲, a gamble)" (and
    `check` asks for it: statically the outcomes differ), but in a given state such a choice may
    have one possible result, and the preview under it then shows a certain change: the label and
    the preview contradicted each other (32 campaign labels in 1,000 games). The preview is the
    truth in the player's situation; the label follows it. `None`: no preview was computed."""
    if preview is None or preview.is_gamble or "gamble" not in label:
        return label

    def drop(match: re.Match[str]) -> str:
        text = match.group(1)
        found = _GAMBLE_ITEM.search(text)
        if found is None:
            return match.group(0)
        kept = (text[:found.start()] + text[found.end():]).strip(" ,")
        return f" ({kept})" if kept else ""

    return _HINT_GROUP.sub(drop, label)


def _is_ending(story: Story, goto: str | None) -> bool:
    """Whether a result's destination ends the game: shown whatever the hide rules say."""
    node = story.nodes.get(goto) if goto is not None else None
    return node is not None and node.kind == NodeKind.ENDING


@dataclass(slots=True)
class _Scratch:
    """The part of a state that effects write (copied) and that expressions and effects read
    (shared): a preview runs once per choice shown, and copying a whole `GameState` (its
    history, provenance and event index fields included) was most of its cost."""

    vars: dict[str, Any]
    scheduled: dict[str, str]
    codex: list[str]
    date: GameDate
    visits: dict[str, int]
    chosen: set[str]


def _scratch(state: GameState | _Scratch) -> GameState:
    """A copy that effects can change: only what `apply_effects` writes is copied."""
    copy = _Scratch(dict(state.vars), dict(state.scheduled), list(state.codex), state.date, state.visits, state.chosen)
    return copy  # type: ignore[return-value]  # what apply_effects and expressions read of a GameState


def _typed(pair: tuple[Any, Any]) -> tuple[Any, ...]:
    """A change as a key: True and 1 are different values for a flag."""
    old, new = pair
    return (type(old).__name__, old, type(new).__name__, new)


def _same(a: tuple[Any, Any] | None, b: tuple[Any, Any]) -> bool:
    return a is not None and _typed(a) == _typed(b)


def _result(start: GameState, end: GameState, touched: dict[str, Any], goto: str | None) -> _Result:
    changes = {}
    for name in touched:
        old, new = start.vars[name], end.vars[name]
        if not (new == old and type(new) is type(old)):
            changes[name] = (old, new)
    schedule = () if end.scheduled == start.scheduled else tuple(
        sorted((k, v) for k, v in end.scheduled.items() if start.scheduled.get(k) != v))
    return changes, goto, schedule, tuple(end.codex[len(start.codex):])


def _shown(story: Story, choice: Choice, reveal: bool) -> frozenset[str] | set[str] | None:
    """The variables a player may see change (None: all of them)."""
    if reveal:
        return None
    if choice.hide_effects:
        return set()
    return story.plan.visible_names


def _previews(story: Story, changes: dict[str, tuple[Any, Any]], shown: frozenset[str] | set[str] | None,
              ) -> tuple[Preview, ...]:
    """The changes as a player reads them, in declaration order: a stat's or relation's delta,
    a flag's new value (labelled by its description). Labels come from the story's plan."""
    plan = story.plan
    described = plan.previewed
    out = []
    for name in sorted(changes, key=plan.order.__getitem__) if len(changes) > 1 else changes:
        if shown is not None and name not in shown:
            continue
        old, new = changes[name]
        label, polarity, kind = described[name]
        delta = 0 if kind == _FLAG else new - old
        out.append(built(Preview, name=name, label=label, delta=delta, polarity=polarity, kind=kind, new=new))
    return tuple(out)


_NAMES: dict[str, frozenset[str]] = {}  # an expression's source -> what it reads (the same source parses the same)


def _names(expr: Expr) -> frozenset[str]:
    """Every variable an expression reads; `visited(...)`/`chose(...)` read as "@history".
    Worked out once per source: a gamble's preview asks on every scene that shows it."""
    names = _NAMES.get(expr.source)
    if names is None:
        if len(_NAMES) > 50_000:  # stories reloaded many times over (the language server)
            _NAMES.clear()
        names = _NAMES[expr.source] = frozenset("@history" if how in ("visited", "chose") else name for name, how in reads(expr.ast))
    return names


def _depends(story: Story, names: set[str], reveal: bool) -> tuple[str, ...]:
    """What the chances depend on, in words a player can follow: visible stats and relations by
    their labels, then "the date", "your earlier decisions" (flags, choices, scenes seen) and
    "things you cannot see" (hidden stats)."""
    order = story.declaration_index
    labels = []
    rest: list[str] = []
    for name in sorted((n for n in names if n in order), key=order.__getitem__):
        if name in story.stats:
            stat = story.stats[name]
            if stat.hidden and not reveal:
                rest.append("things you cannot see")
            else:
                labels.append(stat.label)
        elif name in story.relations:
            labels.append(story.relations[name].name)
        elif reveal:
            labels.append(name)
        else:
            rest.append("your earlier decisions")
    if names & set(CALENDAR) - {DECISIONS}:
        labels.append("the date")
    if DECISIONS in names or "@history" in names:
        rest.append("your earlier decisions")
    for item in ("your earlier decisions", "things you cannot see"):
        if item in rest:
            labels.append(item)
    return tuple(labels)
