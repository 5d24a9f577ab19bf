"""What the engine needs of a story on every decision, worked out once per story.

A decision tests the choices' conditions, applies effects, draws an outcome, records what
changed, asks which event is due and unlocks the codex entries the next scene mentions. Done
from the model alone, each of those re-derives the same facts every time: which bounds a
variable has, how a change is labelled, which codex entries a text mentions, what an effect's
operator is. A `StoryPlan` holds those facts, and per scene (on its first entry: a story from
the cache decodes a scene only when it is shown) a `NodePlan` with its choices' compiled
conditions and effects as closures. The plan is derived from the story alone and shared by
every game of it; nothing in it changes during play.

Effects are applied here and only here (`effects.apply_effects` runs these same steps for the
previews): one implementation of clamping, rounding and the order of effects.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kremlin_tui.calendar import DATE_NAMES
from kremlin_tui.events import chose_key, visited_key
from kremlin_tui.expr import Expr, Fn
from kremlin_tui.expr_compile import constant_of
from kremlin_tui.template import Cond, Text

if TYPE_CHECKING:
    from kremlin_tui.model import Choice, Effect, Node, Story

Step = Callable[[Any, dict[str, Any]], None]  # (a state, the old values touched so far) -> None
MAX_CACHED_EFFECTS = 50_000  # effect lists compiled for callers outside the story (tests, tools)


class StoryPlan:
    """The story-wide tables and, scene by scene, the `NodePlan`s."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.order = story.declaration_index
        self.codex_ids = frozenset(story.codex)
        describe: dict[str, tuple[str, str, str]] = {}  # what `Change` says of a variable
        bounds: dict[str, tuple[float, float]] = {}
        for stat in story.stats.values():
            describe[stat.id] = ("hidden" if stat.hidden else "stat", stat.label, stat.polarity)
            bounds[stat.id] = (stat.min, stat.max)
        for relation in story.relations.values():
            describe.setdefault(relation.id, ("relation", relation.name, "up"))
            bounds.setdefault(relation.id, (relation.min, relation.max))
        for flag in story.flags:
            describe.setdefault(flag, ("flag", flag, "neutral"))
        self.describe = describe
        self.bounds = bounds
        # what a preview says of a variable: (label, polarity, kind); a flag by its description
        previewed = {name: (label, polarity, kind) for name, (kind, label, polarity) in describe.items()}
        for flag in story.flags.values():
            if previewed[flag.id][2] == "flag":  # a stat or relation of the same name comes first
                previewed[flag.id] = (flag.description, "neutral", "flag")
        self.previewed = previewed
        # what a player may see change (visible stats and relations): asked by every preview
        self.visible_names = frozenset(s.id for s in story.stats.values() if not s.hidden) | frozenset(story.relations)
        self._nodes: dict[str, NodePlan] = {}
        self._effects: dict[int, tuple[tuple[Effect, ...], tuple[Step, ...]]] = {}

    @cached_property
    def reads_date(self) -> int:
        """The events whose condition reads the calendar (a bit set of `events.EventIndex`)."""
        return self.story.event_index.mask(DATE_NAMES)

    def reads(self, *names: str) -> int:
        """The events whose condition reads any of `names` (a bit set of `events.EventIndex`)."""
        return self.story.event_index.mask(names)

    def node(self, node_id: str) -> NodePlan:
        plan = self._nodes.get(node_id)
        if plan is None:
            plan = self._nodes[node_id] = NodePlan(self, self.story.nodes[node_id])
        return plan

    def find(self, node_id: str) -> NodePlan | None:
        """The plan of a scene, None if the story has no such scene."""
        plan = self._nodes.get(node_id)
        if plan is None and node_id in self.story.nodes:
            plan = self.node(node_id)
        return plan

    def steps(self, effects: tuple[Effect, ...]) -> tuple[Step, ...]:
        """The compiled steps of an effect list (kept by the list's identity, with the list)."""
        entry = self._effects.get(id(effects))
        if entry is None or entry[0] is not effects:
            if len(self._effects) > MAX_CACHED_EFFECTS:
                self._effects.clear()
            entry = self._effects[id(effects)] = (effects, tuple(self._step(e) for e in effects))
        return entry[1]

    def _step(self, effect: Effect) -> Step:
        op, target = effect.op, effect.target
        if op == "schedule":
            return _schedule(effect)
        if op == "unlock":
            return _unlock(target)
        value = effect.value
        assert value is not None
        bounds = self.bounds.get(target)
        if bounds is None:
            return _set_unbounded(target, value.fn)
        folded, constant = constant_of(value.ast)
        if folded and not isinstance(constant, str):  # text in a stat fails when run, as it always did
            return _CONSTANT_STEPS[op](target, constant, *bounds)
        return _COMPUTED_STEPS[op](target, value.fn, *bounds)


def apply_steps(steps: tuple[Step, ...], state: Any, before: dict[str, Any]) -> None:
    for step in steps:
        step(state, before)


# -- effect steps: one closure per effect, specialised by operator and by a constant value ------


def _schedule(effect: Effect) -> Step:
    target, on, delay = effect.target, effect.on, effect.delay
    if on:  # `schedule E on DATE`
        day = on.iso()

        def schedule_on(state: Any, _before: dict[str, Any]) -> None:
            state.scheduled[target] = day

        return schedule_on
    assert delay is not None

    def schedule_in(state: Any, _before: dict[str, Any]) -> None:
        state.scheduled[target] = state.date.plus(*delay).iso()

    return schedule_in


def _unlock(target: str) -> Step:
    def unlock(state: Any, _before: dict[str, Any]) -> None:
        if target not in state.codex:
            state.codex.append(target)

    return unlock


def _set_unbounded(target: str, value: Fn) -> Step:
    """A flag (no bounds): whatever the operator, it takes the value."""

    def set_flag(state: Any, before: dict[str, Any]) -> None:
        values = state.vars
        if target not in before:
            before[target] = values[target]
        values[target] = value(state)

    return set_flag


def _whole(new: Any, low: float, high: float) -> Any:
    """Clamped to the bounds; stats and relations are whole numbers: `workers -= hunger / 15`
    must not show the player "76 → 70.7"; halves round away from zero, the same on every machine."""
    new = low if new < low else high if new > high else new
    if isinstance(new, float):
        new = math.floor(new + 0.5) if new >= 0 else -math.floor(-new + 0.5)
    return new


def _add_constant(target: str, amount: Any, low: float, high: float) -> Step:
    def add(state: Any, before: dict[str, Any]) -> None:
        values = state.vars
        current = values[target]
        if target not in before:
            before[target] = current
        new = current + amount
        new = low if new < low else high if new > high else new
        if isinstance(new, float):
            new = math.floor(new + 0.5) if new >= 0 else -math.floor(-new + 0.5)
        values[target] = new

    return add


def _set_constant(target: str, amount: Any, low: float, high: float) -> Step:
    new = _whole(amount, low, high)

    def assign(state: Any, before: dict[str, Any]) -> None:
        values = state.vars
        if target not in before:
            before[target] = values[target]
        values[target] = new

    return assign


def _computed(target: str, value: Fn, low: float, high: float, sign: int) -> Step:
    """`+=` (sign 1), `-=` (-1) or `=` (0) of a value computed from the state."""

    def apply(state: Any, before: dict[str, Any]) -> None:
        values = state.vars
        if target not in before:
            before[target] = values[target]
        amount = value(state)
        current = values[target]
        new = current + amount if sign > 0 else current - amount if sign < 0 else amount
        values[target] = _whole(new, low, high)

    return apply


_CONSTANT_STEPS: dict[str, Callable[[str, Any, float, float], Step]] = {
    # x - k is exactly x + (-k) in integer and in IEEE arithmetic: one closure serves both
    "+=": _add_constant, "-=": lambda t, k, lo, hi: _add_constant(t, -k, lo, hi), "=": _set_constant,
}
_COMPUTED_STEPS: dict[str, Callable[[str, Fn, float, float], Step]] = {
    "+=": lambda t, v, lo, hi: _computed(t, v, lo, hi, 1),
    "-=": lambda t, v, lo, hi: _computed(t, v, lo, hi, -1),
    "=": lambda t, v, lo, hi: _computed(t, v, lo, hi, 0),
}


# -- scenes -------------------------------------------------------------------------------------


class ChoicePlan:
    """A choice as the engine runs it: its condition's closure, its keys, its compiled effects
    and each outcome's weight and effects."""

    __slots__ = ("choice", "condition", "effects", "fallback", "id", "key", "locked", "node", "once", "outcomes", "reads_changed",
                 "weights")

    def __init__(self, plan: StoryPlan, node: Node, choice: Choice) -> None:
        self.choice = choice
        self.node = node  # the scene it is taken in
        self.locked = choice.locked
        self.id = choice.id
        self.key = f"{node.id}.{choice.id}"  # as `state.chosen` holds it
        # the events to test again after taking it: those reading `chose(...)` of it or `decisions`
        self.reads_changed = plan.reads(chose_key(self.key), "decisions")
        self.once = choice.once
        self.fallback = choice.fallback
        self.condition: Fn | None = choice.condition.fn if choice.condition is not None else None
        self.effects = plan.steps(choice.effects)
        self.weights: tuple[Fn, ...] = tuple(o.weight.fn for o in choice.outcomes)
        self.outcomes = tuple(plan.steps(o.effects) for o in choice.outcomes)


_Mentions = tuple[tuple[Fn | None, frozenset[str], tuple[Any, ...]], ...]  # an {if}'s branches, see `_branches`


class NodePlan:
    """A scene, event or ending as the engine runs it."""

    __slots__ = ("choices", "conds", "first", "mentioned", "node", "reads_visit", "static")

    def __init__(self, plan: StoryPlan, node: Node) -> None:
        self.node = node
        self.choices = tuple(ChoicePlan(plan, node, c) for c in node.choices)
        known = plan.codex_ids
        self.reads_visit = plan.reads(visited_key(node.id))  # the events to test again on entry
        # the entries a scene's entry unlocks, in the order `Game._enter` unlocks them: its own
        # `codex:` list, then the sorted mentions of its text (the unconditional ones here, those
        # of the `{if}` passages shown, `conds`, added on entry)
        self.first = _unique(c for c in node.codex if c in known)
        self.mentioned = frozenset(node.text.codex & known)
        conds = (_branches(cond, known) for cond in node.text.mention_conds)
        self.conds = tuple((_every_id(branches), branches) for branches in conds)
        self.static = self.first + tuple(sorted(self.mentioned))

    def unlock(self, state: Any) -> None:
        """Unlock (append to `state.codex`) what entering this scene in `state` unlocks: its
        `codex:` list in order, then the sorted entries its shown text mentions, each once.
        An {if} passage whose every mention is unlocked already can add nothing: its conditions
        are not evaluated (most are, after a scene's first visit)."""
        codex = state.codex
        if not self.conds:
            for cid in self.static:
                if cid not in codex:
                    codex.append(cid)
            return
        unlocked = set(codex)
        found = set(self.mentioned)
        for every, branches in self.conds:
            if not every <= unlocked:
                _shown_mentions(branches, state, found)
        for cid in self.first:
            if cid not in unlocked:
                codex.append(cid)
                unlocked.add(cid)
        codex.extend(sorted(found - unlocked))


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def _branches(cond: Cond, known: frozenset[str]) -> _Mentions:
    """An {if} passage that mentions codex entries, as (condition, the entries its own text
    mentions, the nested {if}s that mention any) per branch: evaluated without walking parts."""
    out = []
    for expr, body in cond.branches:
        direct: set[str] = set()
        nested = []
        for part in body:
            if isinstance(part, Text):
                direct |= part.codex
            elif isinstance(part, Cond) and part.mentions:
                nested.append(_branches(part, known))
        out.append((_fn(expr), frozenset(direct & known), tuple(nested)))
    return tuple(out)


def _every_id(branches: _Mentions) -> frozenset[str]:
    """Every entry an {if} passage can mention, whichever branches hold."""
    found: set[str] = set()
    for _condition, direct, nested in branches:
        found |= direct
        for inner in nested:
            found |= _every_id(inner)
    return frozenset(found)


def _fn(expr: Expr | None) -> Fn | None:
    return expr.fn if expr is not None else None


def _shown_mentions(branches: _Mentions, state: Any, found: set[str]) -> None:
    """The mentions of the branch of an {if} that holds (no condition evaluated for nothing)."""
    for condition, direct, nested in branches:
        if condition is None or condition(state):
            found |= direct
            for inner in nested:
                _shown_mentions(inner, state, found)
            return

