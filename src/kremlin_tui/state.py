"""The game state: everything that changes in play, and the history of decisions that made it.

A state serialises to JSON and back (`to_json`/`from_json`, state version 2). The history is a
list of decisions (scene, choice, outcome) with what each changed and the text the player read
on the choice, not the prose that followed it: a save holds the decisions, and the journal,
provenance and "Why?" read them. The labels, kinds and polarities of the changed variables are
written once per state, in `names`, not once per change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, TypeVar

from kremlin_tui.calendar import DECISIONS
from kremlin_tui.dates import GameDate
from kremlin_tui.spec import Polarity

if TYPE_CHECKING:
    from kremlin_tui.events import Due

T = TypeVar("T")
STATE_VERSION = 2  # 1: history steps held their result prose and every change in full
PROVENANCE_DEPTH = 3  # decisions remembered per variable: the last ones that changed it
DEBUGGER = 0  # a provenance entry for a value set by hand in the writers' debugger


_new = object.__new__


def built(cls: type[T], **fields: Any) -> T:
    """An instance of a frozen dataclass (without slots), built as its `__init__` builds it but
    in one step: the generated `__init__` sets each field through `object.__setattr__`, which
    costs twice as much, and the engine makes a `TurnResult` and four `Change`s a decision.
    Every field must be given (tests/test_engine_plan.py checks the result is equal to one
    built by `__init__`)."""
    obj = _new(cls)
    obj.__dict__.update(fields)
    return obj


def maker(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for a slotted dataclass: each field set through its slot, in
    field order, every field given. What `__init__` does, without a frozen class's
    `object.__setattr__` per field (tests/test_engine_plan.py compares the two)."""
    setters = tuple(getattr(cls, f.name).__set__ for f in fields(cls))  # type: ignore[arg-type]

    def make(*values: Any) -> T:
        obj = _new(cls)
        for setter, value in zip(setters, values, strict=True):
            setter(obj, value)
        return obj

    return make


# A decision's history record is a `Step` and its `Change`s, kept for the whole game: at 100 times
# the campaign's length, tens of thousands outlive the collector's young generations and each is
# walked by every full collection. Slotted, each is one object the collector tracks (a dict of
# attributes holding lists or `Polarity` values would be a second).
@dataclass(frozen=True, slots=True)
class Change:
    """One variable that a decision changed."""

    name: str
    kind: str  # "stat", "hidden", "relation" or "flag"
    label: str
    old: Any
    new: Any
    polarity: str = "up"

    @property
    def delta(self) -> float:
        if isinstance(self.old, bool) or isinstance(self.new, bool):
            return 0
        if isinstance(self.old, int | float) and isinstance(self.new, int | float):
            return self.new - self.old
        return 0

    def to_json(self) -> dict[str, Any]:
        """The full record (format 1 of the history; kept for the debugger and tests)."""
        return {"name": self.name, "kind": self.kind, "label": self.label, "old": self.old, "new": self.new,
                "polarity": self.polarity}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(data["name"], data["kind"], data["label"], data["old"], data["new"], data.get("polarity", "up"))


@dataclass(slots=True)
class Step:
    """One decision in the history: what was chosen, when, and what it changed."""

    node: str
    choice: str
    date: str
    title: str = ""
    label: str = ""
    outcome: int | None = None
    changes: list[Change] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def to_json(self, names: dict[str, list[Any]] | None = None) -> list[Any]:
        """A row: [node, choice, date, title, label, outcome, changes, events], without the
        trailing ones that are empty. Each change is [name, old, new] when `names` describes it
        or it is a flag (see `change_names`), else a full record."""
        row: list[Any] = [self.node, self.choice, self.date, self.title, self.label, self.outcome,
                          [_change_json(c, names or {}) for c in self.changes], list(self.events)]
        while len(row) > ROW_MIN and (row[-1] is None or row[-1] == []):
            row.pop()
        return row

    @classmethod
    def from_json(cls, data: list[Any] | dict[str, Any], names: dict[str, Any] | None = None) -> Step:
        """A step from a row (`to_json()`), or from a record of state version 1."""
        if isinstance(data, dict):
            return cls(data["node"], data["choice"], data["date"], data.get("title", ""), data.get("label", ""),
                       data.get("outcome"), [_change(c, names) for c in data.get("changes", ())],
                       list(data.get("events", ())))
        node, choice, date, title, label, *rest = data
        outcome = rest[0] if rest else None
        changes = [_change(c, names) for c in rest[1]] if len(rest) > 1 else []
        return cls(node, choice, date, title, label, outcome, changes, list(rest[2]) if len(rest) > 2 else [])


ROW_MIN = 5  # node, choice, date, title, label
make_change: Callable[..., Change] = maker(Change)  # (name, kind, label, old, new, polarity)
make_step: Callable[..., Step] = maker(Step)  # (node, choice, date, title, label, outcome, changes, events)


def _change(data: Any, names: dict[str, Any] | None) -> Change:
    if isinstance(data, dict):
        return Change.from_json(data)
    name, old, new = data
    described = (names or {}).get(name)
    if described is None:  # a flag: its label is its name, it has no polarity
        return make_change(name, "flag", name, old, new, Polarity.NEUTRAL)
    return make_change(name, described[0], described[1], old, new, described[2])


def _is_plain_flag(change: Change) -> bool:
    return change.kind == "flag" and change.label == change.name and change.polarity == Polarity.NEUTRAL


def _change_json(change: Change, names: dict[str, list[Any]]) -> Any:
    if _is_plain_flag(change):
        return [change.name, change.old, change.new]
    described = names.get(change.name)
    if described is not None and described[0] == change.kind and described[1] == change.label \
            and described[2] == change.polarity:
        return [change.name, change.old, change.new]
    return change.to_json()  # described otherwise earlier (a story edited mid-game): kept as shown


def change_names(history: list[Step]) -> dict[str, list[Any]]:
    """The kind, label and polarity of every variable the history changed, as first recorded
    (written once per state rather than once per change)."""
    names: dict[str, list[Any]] = {}
    for step in history:
        for change in step.changes:
            if change.name not in names and not _is_plain_flag(change):
                names[change.name] = [change.kind, change.label, change.polarity]
    return names


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
        """Everything, in JSON. `chosen` and `visits` are left out when the history says the same
        (almost always: only the writers' debugger makes them differ)."""
        names = change_names(self.history)
        data = {
            "version": STATE_VERSION,
            "story_id": self.story_id,
            "story_hash": self.story_hash,
            "seed": self.seed,
            "rng": self.rng,
            "node": self.node,
            "date": self.date.iso(),
            "vars": dict(self.vars),
            "visits": dict(self.visits),
            "chosen": sorted(self.chosen),
            "fired": sorted(self.fired),
            "scheduled": dict(self.scheduled),
            "codex": list(self.codex),
            "resume": self.resume,
            "ending": self.ending,
            "names": names,
            "history": [s.to_json(names) for s in self.history],
            "provenance": {name: list(numbers) for name, numbers in self.provenance.items()},
        }
        if self.chosen == history_chosen(self.history):
            del data["chosen"]
        if self.visits == history_visits(self.history, self.node):
            del data["visits"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GameState:
        """A state from `to_json()`; a state saved before provenance was recorded gets it rebuilt
        from its history, which lists every change each decision made."""
        state = cls._from_json(data)
        if "provenance" in data:
            state.provenance = {str(k): tuple(int(n) for n in v) for k, v in data["provenance"].items()}
        else:
            state.provenance = provenance_from_history(state.history)
        return state

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> GameState:
        names = data.get("names", {})
        history = [Step.from_json(s, names) for s in data.get("history", [])]
        node = str(data["node"])
        visits = data.get("visits")
        return cls(
            seed=int(data["seed"]),
            rng=int(data["rng"]),
            node=node,
            date=GameDate.parse(data["date"]),
            vars=dict(data["vars"]),
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
        )


def record(provenance: dict[str, tuple[int, ...]], changes: list[Change], number: int) -> None:
    """Decision `number` is the latest cause of each change (a few dict operations per decision:
    provenance must not slow the play-tester)."""
    for change in changes:
        name = change.name
        old = provenance.get(name)
        provenance[name] = (number,) if old is None else (*old[1 - PROVENANCE_DEPTH:], number)


def provenance_from_history(history: list[Step]) -> dict[str, tuple[int, ...]]:
    """The provenance a game records, recomputed from the changes in its history."""
    provenance: dict[str, tuple[int, ...]] = {}
    for number, step in enumerate(history, start=1):
        record(provenance, step.changes, number)
    return provenance


