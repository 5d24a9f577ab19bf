"""What the engine needs of a story on every decision, worked out once per story.

A decision tests the choices' conditions, applies effects, draws an outcome, records what
changed, asks which event is due and unlocks the codex entries the next scene mentions. Done
from the model alone, each of those re-derives the same facts every time: which bounds a
variable has, how a change is labelled, which codex entries a text mentions, what an effect's
operator is. A `StoryPlan` holds those facts, and per scene (on its first entry: a story from
the cache decodes a scene only when it is shown) a `NodePlan` with its choices' compiled
conditions and effects as closures. The plan is derived from the story alone and shared by
every game of it; nothing in it changes during play.

Effects are applied here and only here (`apply_steps`; `effects.apply_effects` runs the same
steps for the previews): one implementation of clamping, rounding and the order of effects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kremlin_tui.calendar import DATE_NAMES, DECISIONS
from kremlin_tui.events import chose_key, visited_key
from kremlin_tui.expr import Expr, Fn
from kremlin_tui.expr_compile import constant_of
from kremlin_tui.model import EffectOp
from kremlin_tui.state import ChangeKind
from kremlin_tui.template import Cond, Text

if TYPE_CHECKING:
    from kremlin_tui.model import Choice, Effect, Node, Story

Step = tuple[int, str, Any, Any, Any]  # a compiled effect: see `apply_steps`
_ADD, _SET, _SCHEDULE, _UNLOCK = EffectOp.ADD, EffectOp.SET, EffectOp.SCHEDULE, EffectOp.UNLOCK  # looked up once
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
            describe[stat.id] = (ChangeKind.HIDDEN if stat.hidden else ChangeKind.STAT, stat.label, stat.polarity)
            bounds[stat.id] = (stat.min, stat.max)
        for relation in story.relations.values():
            describe.setdefault(relation.id, (ChangeKind.RELATION, relation.name, "up"))
            bounds.setdefault(relation.id, (relation.min, relation.max))
        for flag in story.flags:
            describe.setdefault(flag, (ChangeKind.FLAG, flag, "neutral"))
        self.describe = describe
        self.bounds = bounds
        # what a preview says of a variable: (label, polarity, kind); a flag by its description
        previewed = {name: (label, polarity, kind) for name, (kind, label, polarity) in describe.items()}
        for flag in story.flags.values():
            if previewed[flag.id][2] == ChangeKind.FLAG:  # a stat or relation of the same name comes first
                previewed[flag.id] = (flag.description, "neutral", ChangeKind.FLAG)
        self.previewed = previewed
        # what a player may see change (visible stats and relations): asked by every preview
        self.visible_names = frozenset(s.id for s in story.stats.values() if not s.hidden) | frozenset(story.relations)
        self._nodes: dict[str, NodePlan] = {}
        # compiled effect lists by the list's identity, the list kept alive with them (two dicts,
        # not a dict of pairs: tens of thousands of pairs would be more objects for the GC to walk)
        self._steps: dict[int, tuple[Step, ...]] = {}
        self._kept: dict[int, tuple[Effect, ...]] = {}

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
        key = id(effects)
        if self._kept.get(key) is not effects:
            if len(self._kept) > MAX_CACHED_EFFECTS:
                self._kept.clear()
                self._steps.clear()
            self._steps[key] = tuple(self._step(e) for e in effects)
            self._kept[key] = effects
        return self._steps[key]

    def _step(self, effect: Effect) -> Step:
        op, target = effect.op, effect.target
        if op == _SCHEDULE:
            if effect.on:
                return (SCHEDULE_ON, target, effect.on.iso(), 0, 0)
            return (SCHEDULE_IN, target, effect.delay, 0, 0)
        if op == _UNLOCK:
            return (UNLOCK, target, None, 0, 0)
        value = effect.value
        assert value is not None
        bounds = self.bounds.get(target)
        folded, constant = constant_of(value.ast)
        if bounds is None:  # a flag: whatever the operator, it takes the value
            return (SET, target, constant, 0, 0) if folded else (FLAG, target, value.fn, 0, 0)
        low, high = bounds
        if folded and not isinstance(constant, str):  # text in a stat fails when run, as it always did
            if op == _SET:
                return (SET, target, _whole(constant, low, high), low, high)
            # x - k is exactly x + (-k) in integer and in IEEE arithmetic
            return (ADD, target, constant if op == _ADD else -constant, low, high)
        return (_COMPUTED[op], target, value.fn, low, high)


# -- effect steps ---------------------------------------------------------------------------------
# A step is a record, not a closure: (what, target, value, low, high). Most effects add or set a
# constant, and a tuple of strings and numbers is untracked by the cyclic GC once it has seen it,
# while a closure and its cells are traversed at every full collection: at 100x the campaign's
# size, a game plans thousands of scenes, and closures made full collections cost seconds.
ADD, SET, ADD_COMPUTED, SUBTRACT_COMPUTED, SET_COMPUTED, FLAG, SCHEDULE_ON, SCHEDULE_IN, UNLOCK = range(9)
_COMPUTED = {EffectOp.ADD: ADD_COMPUTED, EffectOp.SUBTRACT: SUBTRACT_COMPUTED, EffectOp.SET: SET_COMPUTED}


def apply_steps(steps: tuple[Step, ...], state: Any, before: dict[str, Any]) -> None:
    """Apply compiled effects in order; `before` collects the old value of each variable the
    first time it is touched."""
    values = state.vars
    for what, target, value, low, high in steps:
        if what == ADD:
            current = values[target]
            if target not in before:
                before[target] = current
            new = current + value
            new = low if new < low else high if new > high else new
            if isinstance(new, float):
                new = math.floor(new + 0.5) if new >= 0 else -math.floor(-new + 0.5)
            values[target] = new
        elif what == SET:
            if target not in before:
                before[target] = values[target]
            values[target] = value
        else:
            _apply_other(what, target, value, low, high, state, before)


def _apply_other(what: int, target: str, value: Any, low: Any, high: Any, state: Any, before: dict[str, Any]) -> None:
    """The rarer steps: computed values, flags, schedules, unlocks."""
    if what <= SET_COMPUTED or what == FLAG:
        values = state.vars
        if target not in before:
            before[target] = values[target]
        amount = value(state)
        if what == FLAG:  # no bounds: whatever the operator, the flag takes the value
            values[target] = amount
            return
        current = values[target]
        new = current + amount if what == ADD_COMPUTED else current - amount if what == SUBTRACT_COMPUTED else amount
        values[target] = _whole(new, low, high)
    elif what == SCHEDULE_ON:
        state.scheduled[target] = value
    elif what == SCHEDULE_IN:
        state.scheduled[target] = state.date.plus(*value).iso()
    elif target not in state.codex:  # UNLOCK
        state.codex.append(target)


def _whole(new: Any, low: float, high: float) -> Any:
    """Clamped to the bounds; stats and relations are whole numbers: `workers -= hunger / 15`
    must not show the player "76 → 70.7"; halves round away from zero, the same on every machine."""
    new = low if new < low else high if new > high else new
    if isinstance(new, float):
        new = math.floor(new + 0.5) if new >= 0 else -math.floor(-new + 0.5)
    return new


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
        self.reads_changed = plan.reads(chose_key(self.key), DECISIONS)
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

