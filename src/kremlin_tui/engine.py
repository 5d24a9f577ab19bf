"""The game engine: the one API that the TUI, the plain mode, the play-tester and the tests drive.

`Game` pairs an immutable `Story` with a mutable `GameState`. Everything that changes during
play (variables, visits, the calendar, scheduled events, the random generator, the history)
lives in the state, which serialises to JSON and back, so the same seed and the same choices
always give the same game.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kremlin_tui import rng
from kremlin_tui.calendar import DAY, DECISIONS, MONTH, YEAR
from kremlin_tui.dates import GameDate
from kremlin_tui.effects import clean_weights
from kremlin_tui.engine_plan import ChoicePlan, NodePlan, apply_steps
from kremlin_tui.events import Due
from kremlin_tui.model import Node, NodeKind, Story
from kremlin_tui.preview import ChoicePreview, Preview, honest_label, preview_choice
from kremlin_tui.preview import OutcomeChance as OutcomeChance  # re-exported: part of the engine API
from kremlin_tui.state import (
    DEBUGGER,
    PROVENANCE_DEPTH,
    STATE_VERSION,
    Change,
    GameState,
    Step,
    built,
    make_change,
    make_step,
    provenance_from_history,
    record,
)
from kremlin_tui.template import Template

if TYPE_CHECKING:
    from kremlin_tui.why import Why

__all__ = [  # the engine API; the state's classes live in `state` and are part of it
    "DEBUGGER", "PROVENANCE_DEPTH", "STATE_VERSION", "Change", "ChoiceUnavailable", "ChoiceView", "EngineError", "Game",
    "GameState", "OutcomeChance", "Scene", "Step", "TurnResult", "provenance_from_history",
]


class EngineError(Exception):
    """The story asked the engine for something impossible (reported by `explore`)."""


class ChoiceUnavailable(EngineError):
    """The player picked a choice that is locked, hidden or unknown."""


@dataclass(frozen=True)
class ChoiceView:
    number: int  # 1-based, as the player picks it
    id: str
    label: str
    available: bool
    locked_reason: str | None
    preview: tuple[Preview, ...]  # the changes the choice will certainly cause now (see `Game.preview`)
    gamble: ChoicePreview | None = None  # the possible results and their chances; None when certain
    ends: bool = False  # taking it certainly ends the game (a gamble's results say so each)


@dataclass(frozen=True)
class Scene:
    node: str
    kind: NodeKind
    title: str
    date: str  # as a player reads it: "21 January 1924"
    place: str
    chapter: str
    chapter_title: str
    tags: tuple[str, ...]
    text: str
    choices: tuple[ChoiceView, ...]
    divergence: str = ""


@dataclass(frozen=True)
class TurnResult:
    """What one decision did, for the front end to show before the next scene."""

    label: str
    result: str
    changes: tuple[Change, ...]
    events: tuple[str, ...]  # titles of the events that fired
    codex: tuple[str, ...]  # newly unlocked codex ids
    ending: str | None
    outcome: int | None


class Game:
    """A game in progress. Front ends call `scene()`, `choose()` and read `state`."""

    def __init__(self, story: Story, state: GameState) -> None:
        self.story = story
        self.state = state
        self._moves = 0  # counts the engine's own changes to the state: a key of `_visible`'s memory
        self._shown: tuple[GameState, tuple[Any, ...], list[tuple[ChoicePlan, bool]]] | None = None

    @classmethod
    def new(cls, story: Story, seed: int = 0) -> Game:
        values = story.initial_vars()
        start = story.campaign.start_date
        values.update(year=start.day.year, month=start.day.month, day=start.day.day, decisions=0)
        state = GameState(
            seed=seed,
            rng=rng.seed_state(seed),
            node=story.campaign.start,
            date=start,
            vars=values,
            story_id=story.campaign.id,
            story_hash=story.content_hash,
        )
        game = cls(story, state)
        game._enter(story.plan.node(story.campaign.start), None)
        return game

    @classmethod
    def replay(cls, story: Story, seed: int, steps: list[tuple[str, str]]) -> tuple[Game, int, str | None]:
        """Re-play (scene id, choice id) decisions from the seed on a possibly edited story.

        Returns the game, how many decisions were kept, and why replay stopped early (None if
        every decision still applies). Used by live reload and by save migration."""
        game = cls.new(story, seed)
        for kept, (node_id, choice_id) in enumerate(steps):
            if game.ended:
                return game, kept, f"the game ended before decision {kept + 1}"
            if game.state.node != node_id:
                return game, kept, f"decision {kept + 1} was taken in '{node_id}', but the story now reaches '{game.state.node}'"
            if choice_id not in game.available_ids():
                return game, kept, f"choice '{node_id}.{choice_id}' no longer exists or is not available"
            game.choose(choice_id)
        return game, len(steps), None

    # -- reading ----------------------------------------------------------------------------

    @property
    def node(self) -> Node:
        return self.story.plan.node(self.state.node).node

    @property
    def ended(self) -> bool:
        return self.state.ending is not None

    def scene(self, previews: bool = True) -> Scene:
        """What the player reads now: the scene's text and its choices (see `choices`)."""
        node = self.node
        return Scene(
            node=node.id,
            kind=node.kind,
            title=node.title,
            date=self.state.date.display(),
            place=node.place,
            chapter=node.chapter,
            chapter_title=self.story.chapter_title(node.chapter),
            tags=node.tags,
            text=self.render(node.text),
            choices=tuple(self.choices(previews=previews)),
            divergence=self.render(node.divergence),
        )

    def choices(self, render: bool = True, previews: bool = True) -> list[ChoiceView]:
        """The choices shown now. `previews=False` leaves out what each would change (`preview`,
        `gamble` and `ends` empty): a preview simulates the choice, the costliest part, and a
        reader that shows none need not pay for it. `render=False` (the play-tester's fast path) also skips
        rendering the labels (each label is then the choice's id)."""
        views: list[ChoiceView] = []
        for number, (plan, available) in enumerate(self._visible(), start=1):
            choice = plan.choice
            preview = preview_choice(self.story, self.state, choice) if render and previews else None
            views.append(
                ChoiceView(
                    number=number,
                    id=choice.id,
                    label=honest_label(self.render(choice.label), preview) if render else choice.id,
                    available=available,
                    locked_reason=None if available else choice.locked,
                    preview=preview.certain if preview else (),
                    gamble=preview if preview and preview.is_gamble else None,
                    ends=preview.ends if preview else False,
                )
            )
        return views

    def preview(self, pick: str | int, reveal: bool = False) -> ChoicePreview:
        """What a visible choice (by id or 1-based number) will do if taken now: its certain
        changes and, if its result is not certain, each possible result with its chance.
        `reveal` also shows hidden stats, flags and `hide_effects` choices (tests, writers)."""
        visible = self._visible()
        if isinstance(pick, int):
            if not 1 <= pick <= len(visible):
                raise ChoiceUnavailable(f"there is no choice {pick}")
            choice = visible[pick - 1][0].choice
        else:
            matches = [p.choice for p, _ok in visible if p.id == pick]
            if not matches:
                raise ChoiceUnavailable(f"'{pick}' is not a choice here")
            choice = matches[0]
        return preview_choice(self.story, self.state, choice, reveal)

    def available_ids(self) -> list[str]:
        """The ids of the choices the player can take now (used by the play-tester)."""
        return [p.id for p, ok in self._visible() if ok]

    def _visible(self) -> list[tuple[ChoicePlan, bool]]:
        """The choices shown now, each with whether it can be taken; worked out once per
        decision (the play-tester asks for the ids, then takes one)."""
        state = self.state
        key = (self._moves, state.node, state.vars.get(DECISIONS))
        shown = self._shown
        if shown is not None and shown[0] is state and shown[1] == key:
            return shown[2]
        chosen = state.chosen
        regular: list[tuple[ChoicePlan, bool]] = []
        fallbacks: list[ChoicePlan] = []
        any_available = False
        for plan in self.story.plan.node(state.node).choices:
            if plan.once and plan.key in chosen:
                continue
            condition = plan.condition
            ok = condition is None or bool(condition(state))
            if plan.fallback:
                if ok:
                    fallbacks.append(plan)
                continue
            if ok:
                any_available = True
                regular.append((plan, True))
            elif plan.locked:
                regular.append((plan, False))
        if fallbacks and not any_available:
            regular.extend((c, True) for c in fallbacks)
        self._shown = (state, key, regular)
        return regular

    # -- deciding ----------------------------------------------------------------------------

    def choose(self, pick: str | int, render: bool = True) -> TurnResult:
        """Take a choice by id or by its 1-based number; raises ChoiceUnavailable."""
        if self.state.ending is not None:
            raise ChoiceUnavailable("the game is over")
        plan = self._find(pick)
        choice = plan.choice
        state = self.state
        node = plan.node
        self._moves += 1
        before: dict[str, Any] = {}  # the old value of every variable an effect touches
        codex_before = len(state.codex)
        apply_steps(plan.effects, state, before)
        outcome_index: int | None = None
        outcome = None
        if plan.weights:
            outcome_index = self._draw([weight(state) for weight in plan.weights])
            outcome = choice.outcomes[outcome_index]
            apply_steps(plan.outcomes[outcome_index], state, before)
        state.chosen.add(plan.key)
        state.vars[DECISIONS] = state.vars.get(DECISIONS, 0) + 1
        due = state.due
        if due is not None:  # the names this decision may have changed (see `events.Due`)
            due.invalidate(due.index.mask(before) | plan.reads_changed)
        target = (outcome.goto if outcome else None) or choice.goto
        if target is None:
            target = state.resume
            if target is None:
                raise EngineError(f"'{node.id}.{choice.id}' has no goto and there is no scene to resume")
        state.resume = None
        result = ""
        label = choice.id
        if render:
            texts = [self.render(t) for t in (choice.result, outcome.result if outcome else None)]
            result = "\n\n".join(t for t in texts if t)
            label = self.render(choice.label)
        changes = self._diff(before)
        record(state.provenance, changes, state.vars[DECISIONS])
        step = make_step(node.id, choice.id, state.date.iso(), node.title, label, outcome_index, changes, ())
        state.history.append(step)
        fired = self._advance(target)
        step.events = fired
        return built(
            TurnResult,
            label=label,
            result=result,
            changes=tuple(changes),
            events=tuple(self.story.plan.node(e).node.title for e in fired) if fired else (),
            codex=tuple(state.codex[codex_before:]),
            ending=state.ending,
            outcome=outcome_index,
        )

    def _find(self, pick: str | int) -> ChoicePlan:
        visible = self._visible()
        if isinstance(pick, int):
            if not 1 <= pick <= len(visible):
                raise ChoiceUnavailable(f"there is no choice {pick}")
            plan, ok = visible[pick - 1]
        else:
            matches = [(p, available) for p, available in visible if p.id == pick]
            if not matches:
                raise ChoiceUnavailable(f"'{pick}' is not a choice here")
            plan, ok = matches[0]
        if not ok:
            raise ChoiceUnavailable(plan.locked or "that choice is locked")
        return plan

    def _draw(self, weights: list[Any]) -> int:
        clean = clean_weights(weights)
        total = sum(clean)
        self.state.rng, roll = rng.uniform(self.state.rng)
        if total <= 0:
            return min(int(roll * len(clean)), len(clean) - 1)
        threshold = roll * total
        running = 0.0
        for index, weight in enumerate(clean):
            running += weight
            if threshold < running:
                return index
        return len(clean) - 1

    def _diff(self, before: dict[str, Any]) -> list[Change]:
        """What changed, in story declaration order (stats, relations, flags): the variables the
        effects touched (`before`), not the whole state. A flag's change is never shown."""
        if not before:
            return []
        plan = self.story.plan
        describe = plan.describe
        values = self.state.vars
        changes = []
        for name in sorted(before, key=plan.order.__getitem__) if len(before) > 1 else before:
            old = before[name]
            new = values[name]
            if new == old and type(new) is type(old):
                continue
            described = describe.get(name)
            if described is not None:
                kind, label, polarity = described
                changes.append(make_change(name, kind, label, old, new, polarity))
        return changes

    # -- moving ------------------------------------------------------------------------------

    def _advance(self, target: str) -> tuple[str, ...]:
        """Move toward `target`, showing a due event first if there is one (the events set off:
        a tuple, which `Step.events` keeps as it is)."""
        plan = self.story.plan
        dest = plan.find(target)
        if dest is None:
            raise EngineError(f"unknown scene '{target}'")
        if not dest.node.is_ending:
            day = dest.node.date
            state = self.state
            moving_to = day.day if day and day.day > state.date.day else state.date.day
            if state.due is None:  # built on a state's first move
                state.due = Due(self.story.event_index)
            due = state.due.next(state, moving_to)
            if due is not None:
                event_id, when = due
                self.state.resume = target
                self._enter(plan.node(event_id), when)
                return (event_id,)
        self._enter(dest, None)
        return ()

    def _changed(self, names: Iterable[str]) -> None:
        """Tell the event index which names may have changed (see `events.Due`)."""
        if self.state.due is not None:
            self.state.due.changed(names)

    def _enter(self, plan: NodePlan, due: GameDate | None) -> None:
        state = self.state
        node = plan.node
        if node.event is not None:
            state.fired.add(node.id)
            when = node.date or due
            if when is not None and when.day > state.date.day:
                self._set_date(when)
        elif node.date is not None and node.date.day >= state.date.day:
            self._set_date(node.date)
        state.node = node.id
        state.visits[node.id] = state.visits.get(node.id, 0) + 1
        if state.due is not None:
            state.due.invalidate(plan.reads_visit)
        if node.is_ending:
            state.ending = node.id
        plan.unlock(state)

    def _set_date(self, when: GameDate) -> None:
        self.state.date = when
        values = self.state.vars
        values[YEAR], values[MONTH], values[DAY] = when.day.year, when.day.month, when.day.day
        reads_date = self.story.plan.reads_date
        if reads_date and self.state.due is not None:
            self.state.due.invalidate(reads_date)

    # -- the writers' debugger -------------------------------------------------------------------

    def debug_set(self, name: str, value: Any) -> Any:
        """Set any stat, relation or flag (clamped, type-checked); returns the value set."""
        story = self.story
        if name in story.flags:
            flag = story.flags[name]
            if flag.values is None and not isinstance(value, bool):
                raise ValueError(f"'{name}' is true or false")
            if flag.values is not None and value not in flag.values:
                raise ValueError(f"'{name}' is one of {', '.join(flag.values)}")
        else:
            bounds = story.bounds(name)
            if bounds is None:
                raise ValueError(f"unknown stat, relation or flag '{name}'")
            if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN: no order, no save
                raise ValueError(f"'{name}' is a number")
            value = min(max(value, bounds[0]), bounds[1])
        self._moves += 1
        if self.state.vars.get(name) != value:
            provenance = self.state.provenance
            provenance[name] = (*provenance.get(name, ())[1 - PROVENANCE_DEPTH:], DEBUGGER)
        self.state.vars[name] = value
        self._changed((name,))
        return value

    def debug_goto(self, node_id: str) -> None:
        """Jump to a scene, as if a choice had led there (events are not checked)."""
        plan = self.story.plan.find(node_id)
        if plan is None:
            raise ValueError(f"unknown scene '{node_id}'")
        self._moves += 1
        # an event resumes toward the scene the writer jumped from
        self.state.resume = self.state.node if plan.node.event is not None and not self.node.is_ending else None
        self.state.ending = None
        self._enter(plan, None)

    # -- "Why?" ----------------------------------------------------------------------------------

    def why(self, name: str | None = None) -> Why:
        """Why the current scene or event is here (its condition in words and the decisions that
        made it true), or, given a stat or relation id, why that variable has its value."""
        from kremlin_tui import why

        return why.why_here(self) if name is None else why.why_stat(self, name)

    # -- helpers for front ends ------------------------------------------------------------------

    def render(self, template: Template | None) -> str:
        """A text as the player reads it now ("" for no text)."""
        return template.render(self.state).strip() if template else ""

    def visible_stats(self) -> list[tuple[str, str, Any]]:
        return [(s.id, s.label, self.state.vars[s.id]) for s in self.story.stats.values() if not s.hidden]

    def relations(self) -> list[tuple[str, str, Any]]:
        return [(r.id, r.name, self.state.vars[r.id]) for r in self.story.relations.values()]
