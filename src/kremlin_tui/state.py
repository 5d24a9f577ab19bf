"""The game state: everything that changes in play, and the history of decisions that made it.

A state serialises to JSON and back (`to_json`/`from_json`, state version 3). The history is a
list of decisions (scene, choice, outcome) with what each changed and the text the player read
on the choice, not the prose that followed it: a save holds the decisions, and the journal,
provenance and "Why?" read them. Nothing is written twice: the labels, kinds and polarities of
the changed variables once per state (`names`); a change's old value only when it is not where
the previous change of that variable left it; a variable's current value only when the history
does not end with it; `chosen`, `visits` and `provenance` only when the history does not say
the same (see docs/saves.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from kremlin_tui.calendar import CALENDAR, DECISIONS
from kremlin_tui.dates import GameDate
from kremlin_tui.spec import Polarity

if TYPE_CHECKING:
    from kremlin_tui.events import Due

T = TypeVar("T")
STATE_VERSION = 3  # 1: steps held their result prose and every change in full; 2: every old value and var
PROVENANCE_DEPTH = 3  # decisions remembered per variable: the last ones that changed it
DEBUGGER = 0  # a provenance entry for a value set by hand in the writers' debugger


_new = object.__new__
_tuple_new = tuple.__new__


def built(cls: type[T], **fields: Any) -> T:
    """An instance of a frozen dataclass (without slots), built as its `__init__` builds it but
    in one step: the generated `__init__` sets each field through `object.__setattr__`, which
    costs twice as much, and the engine makes a `TurnResult` a decision. Every field must be
    given (tests/test_engine_plan.py checks the result is equal to one built by `__init__`)."""
    obj = _new(cls)
    obj.__dict__.update(fields)
    return obj


class ChangeKind(StrEnum):
    """What a changed variable is, which decides how the journal, previews and "Why?" show it."""

    STAT = "stat"
    HIDDEN = "hidden"  # a hidden stat: never shown as a number
    RELATION = "relation"
    FLAG = "flag"


# A decision's history record is a `Step` and its `Change`s, kept for the whole game: at 100 times
# the campaign's length, tens of thousands outlive the collector's young generations and each is
# walked by every full collection, so each is one tracked object (no attribute dict).
class Change(NamedTuple):
    """One variable that a decision changed. A named tuple: immutable, one object, and built by
    `make_change` (`tuple.__new__`) in an eighth of the time a frozen dataclass takes; the
    engine makes a few a decision and loading a save a few hundred."""

    name: str
    kind: str  # a ChangeKind (read from a save or the story cache: the same word, equal to it)
    label: str
    old: Any
    new: Any
    polarity: str = "up"

    @property
    def delta(self) -> float:
        old, new = self.old, self.new
        if isinstance(old, bool) or isinstance(new, bool):
            return 0
        if isinstance(old, int | float) and isinstance(new, int | float):
            return new - old
        return 0

    def to_json(self) -> dict[str, Any]:
        """The full record (format 1 of the history; kept for a label the story renamed mid-game)."""
        return {"name": self.name, "kind": self.kind, "label": self.label, "old": self.old, "new": self.new,
                "polarity": self.polarity}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return make_change(data["name"], _KINDS.get(data["kind"], data["kind"]), data["label"], data["old"],
                           data["new"], data.get("polarity", "up"))


_KINDS: dict[str, str] = {kind.value: kind for kind in ChangeKind}
_FLAG, _NEUTRAL = ChangeKind.FLAG, Polarity.NEUTRAL  # bound once: an enum member's lookup costs ~0.5 µs in 3.11


def make_change(name: str, kind: str, label: str, old: Any, new: Any, polarity: str) -> Change:
    """A Change, every field given, without the named tuple's keyword-handling `__new__`."""
    return _tuple_new(Change, (name, kind, label, old, new, polarity))


@dataclass(slots=True)
class Step:
    """One decision in the history: what was chosen, when, and what it changed. `events` is a
    tuple (`()` almost always: one object fewer a decision for the collector to walk)."""

    node: str
    choice: str
    date: str
    title: str = ""
    label: str = ""
    outcome: int | None = None
    changes: list[Change] = field(default_factory=list)
    events: tuple[str, ...] = ()


ROW_MIN = 5  # node, choice, date, title, label
# (node, choice, date, title, label, outcome, changes, events): a slotted dataclass that is not
# frozen sets its fields by plain attribute stores, the quickest way to build one
make_step: Callable[..., Step] = Step


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type, so one can stand for the other in a save (1, 1.0 and true
    differ; so do 0.0 and -0.0)."""
    if type(a) is not type(b) or a != b:
        return False
    return type(a) is not float or math.copysign(1.0, a) == math.copysign(1.0, b)


def _is_plain_flag(change: Change) -> bool:
    return change.kind == _FLAG and change.label == change.name and change.polarity == _NEUTRAL


def change_names(history: list[Step]) -> dict[str, list[Any]]:
    """The kind, label and polarity of every variable the history changed, as first recorded
    (written once per state rather than once per change)."""
    names: dict[str, list[Any]] = {}
    for step in history:
        for change in step.changes:
            if change.name not in names and not _is_plain_flag(change):
                names[change.name] = [change.kind, change.label, change.polarity]
    return names


def history_rows(history: list[Step], names: dict[str, list[Any]]) -> tuple[list[list[Any]], dict[str, Any]]:
    """The history as rows, [node, choice, date, title, label, outcome, changes, events] without
    the trailing ones that are empty, and where each variable the history changed was left (its
    last change's new value). A change is [name, new] when it starts where the previous change
    of that name ended, else [name, old, new]; a full record when `names` describes it otherwise
    (a label the story renamed mid-game: kept as shown). Written out: a save is made after every
    decision."""
    last: dict[str, Any] = {}
    rows = []
    missing = _MISSING
    for step in history:
        changes = []
        for change in step.changes:
            name, kind, label, old, new, polarity = change
            described = names.get(name)
            if (described is None or described[0] != kind or described[1] != label or described[2] != polarity) \
                    and not _is_plain_flag(change):
                changes.append(change.to_json())
            else:
                before = last.get(name, missing)
                changes.append([name, new] if before is old or (before is not missing and same_value(before, old))
                               else [name, old, new])
            last[name] = new
        row = [step.node, step.choice, step.date, step.title, step.label, step.outcome, changes, list(step.events)]
        while len(row) > ROW_MIN and (row[-1] is None or row[-1] == []):
            row.pop()
        rows.append(row)
    return rows, last


_MISSING = object()


def history_from_rows(rows: Iterable[Any], names: dict[str, Any]) -> tuple[list[Step], dict[str, Any]]:
    """`history_rows` read back (rows of state version 2 and 3, or version 1's records), and
    where each variable the history changed was left. The rows are checked before (the saves
    check them: `saves.document`); this is the hot loop of loading a save."""
    kinds = {name: (_KINDS.get(d[0], d[0]), d[1], d[2]) for name, d in names.items()}
    last: dict[str, Any] = {}
    history = []
    for row in rows:
        if isinstance(row, dict):  # state version 1
            row = [row["node"], row["choice"], row["date"], row.get("title", ""), row.get("label", ""),
                   row.get("outcome"), row.get("changes", []), row.get("events", [])]
        changes = []
        if len(row) > 6:
            for data in row[6]:
                if type(data) is list:
                    if len(data) == 2:
                        name, new = data
                        old = last[name]
                    else:
                        name, old, new = data
                    described = kinds.get(name)
                    if described is None:  # a flag: its label is its name, it has no polarity
                        described = kinds[name] = (_FLAG, name, _NEUTRAL)
                    changes.append(_tuple_new(Change, (name, described[0], described[1], old, new, described[2])))
                    last[name] = new
                else:
                    change = Change.from_json(data)
                    changes.append(change)
                    last[change.name] = change.new
        events = tuple(row[7]) if len(row) > 7 and row[7] else ()
        history.append(Step(row[0], row[1], row[2], row[3], row[4], row[5] if len(row) > 5 else None, changes, events))
    return history, last


def told_vars(values: dict[str, Any], last: dict[str, Any]) -> dict[str, Any]:
    """The variables a state writes: those the history does not end with (never the calendar,
    which the date is checked against), and null for a variable the history changed that the
    game no longer has (a story edit removed it)."""
    told = {name: value for name, value in values.items()
            if name not in last or name in CALENDAR or not same_value(last[name], value)}
    for name in last:
        if name not in values:
            told[name] = None
    return told


def history_chosen(history: list[Step]) -> set[str]:
    """The choices a game has taken, as its history records them ("scene.choice")."""
    return {f"{step.node}.{step.choice}" for step in history}


def history_visits(history: list[Step], node: str) -> dict[str, int]:
    """How often each scene was shown, as the history records it: every decision was taken in a
    scene shown, and the current scene is shown (the writers' debugger may add others)."""
    visits: dict[str, int] = {}
    for step in history:
        visits[step.node] = visits.get(step.node, 0) + 1
    visits[node] = visits.get(node, 0) + 1
    return visits


@dataclass
class GameState:
    """Everything that changes in play. `vars` also holds year, month, day and decisions so that
    expressions read them like any other name."""

    seed: int
    rng: int
    node: str
    date: GameDate
    vars: dict[str, Any]
    visits: dict[str, int] = field(default_factory=dict)
    chosen: set[str] = field(default_factory=set)
    fired: set[str] = field(default_factory=set)
    scheduled: dict[str, str] = field(default_factory=dict)
    codex: list[str] = field(default_factory=list)
    resume: str | None = None
    ending: str | None = None
    history: list[Step] = field(default_factory=list)
    story_id: str = ""
    story_hash: str = ""
    # for each stat, relation and flag, the decisions (1-based numbers into `history`, oldest
    # first, at most PROVENANCE_DEPTH) that last changed it: "why is Party standing 12?"
    provenance: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # which events are open and whose conditions held (see `events.Due`): not saved, not copied
    due: Due | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def decisions(self) -> int:
        return int(self.vars.get(DECISIONS, 0))

    def copy(self, history: bool = True) -> GameState:
        """An independent copy. History steps are shared (the engine never changes a step once
        `choose` has returned), which keeps undo snapshots cheap; `history=False` drops them
        for search, where only the position matters."""
        return replace(
            self,
            vars=dict(self.vars),
            visits=dict(self.visits),
            chosen=set(self.chosen),
            fired=set(self.fired),
            scheduled=dict(self.scheduled),
            codex=list(self.codex),
            history=list(self.history) if history else [],
            provenance=dict(self.provenance),
        )

    def to_json(self) -> dict[str, Any]:
        """Everything, in JSON, nothing twice (see the module docstring). `chosen`, `visits` and
        `provenance` are left out when the history says the same (almost always: only the
        writers' debugger and story edits make them differ)."""
        names = change_names(self.history)
        history, last = history_rows(self.history, names)
        data = {
            "version": STATE_VERSION,
            "story_id": self.story_id,
            "story_hash": self.story_hash,
            "seed": self.seed,
            "rng": self.rng,
            "node": self.node,
            "date": self.date.iso(),
            "vars": told_vars(self.vars, last),
            "visits": dict(self.visits),
            "chosen": sorted(self.chosen),
            "fired": sorted(self.fired),
            "scheduled": dict(self.scheduled),
            "codex": list(self.codex),
            "resume": self.resume,
            "ending": self.ending,
            "names": names,
            "history": history,
            "provenance": {name: list(numbers) for name, numbers in self.provenance.items()},
        }
        if self.chosen == history_chosen(self.history):
            del data["chosen"]
        if self.visits == history_visits(self.history, self.node):
            del data["visits"]
        if self.provenance == provenance_from_history(self.history):
            del data["provenance"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GameState:
        """A state from `to_json()` (state version 1 to 3; the saves check a state before)."""
        history, last = history_from_rows(data.get("history", ()), data.get("names", {}))
        node = str(data["node"])
        visits = data.get("visits")
        provenance = data.get("provenance")
        return cls(
            seed=int(data["seed"]),
            rng=int(data["rng"]),
            node=node,
            date=GameDate.parse(data["date"]),
            vars=_vars(data["vars"], last, data.get("version", STATE_VERSION)),
            visits={str(k): int(v) for k, v in visits.items()} if visits is not None else history_visits(history, node),
            chosen=set(data["chosen"]) if "chosen" in data else history_chosen(history),
            fired=set(data.get("fired", [])),
            scheduled=dict(data.get("scheduled", {})),
            codex=list(data.get("codex", [])),
            resume=data.get("resume"),
            ending=data.get("ending"),
            history=history,
            story_id=data.get("story_id", ""),
            story_hash=data.get("story_hash", ""),
            provenance={str(k): tuple(int(n) for n in v) for k, v in provenance.items()} if provenance is not None
            else provenance_from_history(history),  # left out as derivable, or saved before it was recorded
        )


def _vars(told: dict[str, Any], last: dict[str, Any], version: int) -> dict[str, Any]:
    """The variables `told_vars` wrote, completed by where the history left each one (a state
    of version 1 or 2 wrote every variable)."""
    values = dict(told)
    if version < 3:
        return values
    for name, value in last.items():
        if name not in values:
            values[name] = value
        elif values[name] is None:
            del values[name]
    return values


def record(provenance: dict[str, tuple[int, ...]], changes: list[Change], number: int) -> None:
    """Decision `number` is the latest cause of each change (a few dict operations per decision:
    provenance must not slow the play-tester)."""
    for change in changes:
        name = change.name
        old = provenance.get(name)
        provenance[name] = (number,) if old is None else (*old[1 - PROVENANCE_DEPTH:], number)


def provenance_from_history(history: list[Step]) -> dict[str, tuple[int, ...]]:
    """The provenance a game records (`record` after each decision), recomputed from the changes
    in its history: each name's decisions listed, then the last ones kept (a save leaves the
    provenance out when it is this, so every load of a save computes it)."""
    numbers: dict[str, list[int]] = {}
    for number, step in enumerate(history, start=1):
        for change in step.changes:
            listed = numbers.get(change.name)
            if listed is None:
                numbers[change.name] = [number]
            else:
                listed.append(number)
    return {name: tuple(listed[-PROVENANCE_DEPTH:]) for name, listed in numbers.items()}


