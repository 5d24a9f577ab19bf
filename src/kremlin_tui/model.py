"""The loaded story: immutable data shared by every front end. All mutable play lives in GameState."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kremlin_tui.dates import GameDate, Precision
from kremlin_tui.diagnostics import Pos
from kremlin_tui.expr import Expr
from kremlin_tui.records import dataclass
from kremlin_tui.template import Template

if TYPE_CHECKING:
    from kremlin_tui.engine_plan import StoryPlan
    from kremlin_tui.events import EventIndex


@dataclass(frozen=True)
class MapCountry:
    """A letter of the map's grid: the player's own country, or a relation's (coloured by its
    attitude)."""

    letter: str
    relation: str  # a relation id; "" for the player's own country
    name: str  # the legend's name for the player's own country
    pos: Pos


@dataclass(frozen=True)
class MapLabel:
    """A place name written on the map, at a cell of its region's grid."""

    row: int  # 0-based in the region's grid
    col: int
    text: str


@dataclass(frozen=True)
class MapRegion:
    """One panel of the map; regions stand side by side, or one under another on narrow screens."""

    name: str
    rows: tuple[str, ...]  # all the same width
    labels: tuple[MapLabel, ...]


@dataclass(frozen=True)
class StoryMap:
    """The map screen: a title and regions of letters, each letter a country, the sea or land."""

    title: str
    sea: str  # the sea's letter
    land: str  # the letter of land that belongs to no listed country
    countries: tuple[MapCountry, ...]
    regions: tuple[MapRegion, ...]
    pos: Pos


@dataclass(frozen=True)
class Campaign:
    """The story's front matter: where it starts, when, and what the player reads first."""

    id: str
    title: str
    start: str
    start_date: GameDate
    premise: str
    content_note: str
    pos: Pos
    tagline: str = ""  # one line under the title, e.g. "An alternate history · Moscow, 1924"
    map: StoryMap | None = None  # the map screen's grid; None: the story has no map


@dataclass(frozen=True)
class Chapter:
    """A part of the story with its years; scenes name the chapter they belong to."""

    id: str
    title: str
    years: str
    pos: Pos


@dataclass(frozen=True)
class StatDef:
    """A stat's declaration: its range, start and label, and whether more is better."""

    id: str
    label: str
    min: float
    max: float
    initial: float
    description: str
    hidden: bool
    polarity: str  # "up": higher is better; "down": higher is worse; "neutral"
    pos: Pos
    # "min" or "max": a hidden counter whose bound means "it never happened" (no famine, no
    # suspicion of a coup); the dead-stat report lists its stays there apart, as at rest
    rests_at: str | None = None


@dataclass(frozen=True)
class RelationDef:
    """A relation with a country or faction: a number in a range, read as an attitude."""

    id: str
    name: str
    min: float
    max: float
    initial: float
    description: str
    pos: Pos


@dataclass(frozen=True)
class FlagDef:
    """A flag's declaration: true/false, or one of a list of values, with the words Why? shows."""

    id: str
    description: str
    values: tuple[str, ...] | None  # None: a true/false flag
    initial: bool | str
    pos: Pos
    # (value, words) for the values the writer labelled: what a player reads in Why? ("with
    # Zinoviev and Kamenev"), not the id the story's expressions use
    labels: tuple[tuple[str, str], ...] = ()

    def label_of(self, value: object) -> str:
        """The words for one of the flag's values: its label, else the id with spaces for '_'."""
        for name, words in self.labels:
            if name == value:
                return words
        return str(value).replace("_", " ")


class EffectOp(StrEnum):
    """What an effect does: `party += 5`, `party -= 5`, `party = 5`, `schedule E in 3 months`,
    `unlock ENTRY`."""

    ADD = "+="
    SUBTRACT = "-="
    SET = "="
    SCHEDULE = "schedule"
    UNLOCK = "unlock"


class NodeKind(StrEnum):
    """A node is an ordinary scene, an event (fires by itself when due) or an ending."""

    SCENE = "scene"
    EVENT = "event"
    ENDING = "ending"


@dataclass(frozen=True, slots=True)  # slots: a story builds thousands (a third of the init time)
class Effect:
    """One effect statement (`op` is an `EffectOp`; a cached story gives back plain strings,
    which compare equal)."""

    op: str
    target: str
    value: Expr | None
    pos: Pos
    delay: tuple[int, str] | None = None  # schedule ... in N unit
    on: GameDate | None = None  # schedule ... on DATE


@dataclass(frozen=True, slots=True)  # slots: a story builds thousands (a third of the init time)
class Outcome:
    """One possible result of a choice, drawn by weight: its effects, text and destination."""

    weight: Expr
    effects: tuple[Effect, ...]
    result: Template | None
    goto: str | None
    pos: Pos
    goto_pos: Pos | None = None


@dataclass(frozen=True, slots=True)  # slots: a story builds thousands (a third of the init time)
class Choice:
    """A choice offered in a scene: when it shows, what it does and where it leads."""

    id: str
    label: Template
    condition: Expr | None
    locked: str | None
    once: bool
    fallback: bool
    effects: tuple[Effect, ...]
    result: Template | None
    goto: str | None
    outcomes: tuple[Outcome, ...]
    hide_effects: bool
    pos: Pos
    node: str = ""  # the scene it belongs to (set for choices added by `extend`)
    goto_pos: Pos | None = None
    preview: tuple[tuple[str, float], ...] = ()  # certain changes shown on the choice

    def destinations(self) -> list[str]:
        """Where the choice can lead: its `goto` and each outcome's, in order (an outcome
        without one goes where the choice does; an event's choice without any resumes)."""
        return [t for t in (self.goto, *(o.goto for o in self.outcomes)) if t]


@dataclass(frozen=True)
class EventTrigger:
    """When an event fires by itself: its date window, condition and priority."""

    after: GameDate | None
    before: GameDate | None
    condition: Expr | None
    priority: int
    scheduled: bool
    pos: Pos

    @cached_property
    def last_day(self) -> date:
        """The last calendar day `before` covers (all of 1939 for `before: 1939`)."""
        assert self.before is not None
        if self.before.precision == Precision.YEAR:
            return self.before.day.replace(month=12, day=31)
        if self.before.precision == Precision.MONTH:
            if self.before.day.year == date.max.year and self.before.day.month == 12:
                return date.max  # the month after December 9999 is past the calendar's end
            return date.fromordinal(self.before.plus(1, "months").day.toordinal() - 1)
        return self.before.day


@dataclass(frozen=True, slots=True)  # slots: built per scene, field by field (half the init time)
class Node:
    """A scene, an event (a scene with a trigger) or an ending."""

    id: str
    title: str
    text: Template
    date: GameDate | None
    place: str
    chapter: str
    tags: tuple[str, ...]
    codex: tuple[str, ...]
    choices: tuple[Choice, ...]
    event: EventTrigger | None
    is_ending: bool
    divergence: Template | None
    pos: Pos
    repeatable: bool = False  # may be shown more than once in a game; `explore` reports any other revisit

    @property
    def kind(self) -> NodeKind:
        return NodeKind.ENDING if self.is_ending else NodeKind.EVENT if self.event else NodeKind.SCENE


@dataclass(frozen=True)
class CodexEntry:
    """An encyclopedia entry, unlocked by a scene that names it or mentions one of its `match` words."""

    id: str
    title: str
    category: str
    text: Template
    match: tuple[str, ...]
    pos: Pos


@dataclass(frozen=True)
class Story:
    """A whole loaded story: the declarations, every node and codex entry, and where they came from."""

    campaign: Campaign
    chapters: tuple[Chapter, ...]
    stats: dict[str, StatDef]
    relations: dict[str, RelationDef]
    flags: dict[str, FlagDef]
    nodes: Mapping[str, Node]
    codex: Mapping[str, CodexEntry]  # a dict, or decoded on use from the cache
    events: tuple[str, ...]  # event node ids, highest priority first
    content_hash: str
    sources: tuple[str, ...]
    files: tuple[str, ...] = field(default=())
    # each event's trigger by id, the same objects as `nodes[id].event`: what the engine and the
    # thresholds read of every event, kept apart so that a story from the cache decodes an event's
    # scene (its text, its choices) only when the event fires
    triggers: Mapping[str, EventTrigger] = field(default_factory=dict)

    @cached_property
    def declaration_index(self) -> dict[str, int]:
        """Position of each variable in the story's declarations: changes are listed in this order."""
        return {name: i for i, name in enumerate((*self.stats, *self.relations, *self.flags))}

    @cached_property
    def event_index(self) -> EventIndex:
        """The events arranged by the day their window opens and by the names they read, built
        once (the engine asks which event is due on every move)."""
        from kremlin_tui.events import EventIndex

        return EventIndex(self)

    @cached_property
    def plan(self) -> StoryPlan:
        """What the engine runs of the story (compiled choices and effects, each scene's codex
        unlocks, change labels), worked out once per story and per scene on first entry."""
        from kremlin_tui.engine_plan import StoryPlan

        return StoryPlan(self)

    def initial_vars(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for stat in self.stats.values():
            values[stat.id] = stat.initial
        for rel in self.relations.values():
            values[rel.id] = rel.initial
        for flag in self.flags.values():
            values[flag.id] = flag.initial
        return values

    def bounds(self, name: str) -> tuple[float, float] | None:
        stat = self.stats.get(name)
        if stat is not None:
            return stat.min, stat.max
        rel = self.relations.get(name)
        if rel is not None:
            return rel.min, rel.max
        return None

    def label_of(self, name: str) -> str:
        if name in self.stats:
            return self.stats[name].label
        if name in self.relations:
            return self.relations[name].name
        return name

    def chapter_title(self, chapter_id: str) -> str:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter.title
        return chapter_id


class _ContentHash:
    """`Story.content_hash`, worked out the first time it is read.

    Only the cache's key and saves read a story's hash; `check` and the other loads that bypass
    the cache never do, and hashing 1.5 MB of story (with importing hashlib for it) was ~1-4 ms
    of such a load. So the field takes either the hash or a function that computes it (the
    loader passes `partial(content_hash, files)` when it has no hash at hand; the files' bytes
    stay alive until then); reading it always gives the hash, the same value either way. It
    stays a dataclass field: fields(), replace(), ==, repr and the cache see the hash."""

    def __set__(self, story: Story, value: str | Callable[[], str]) -> None:
        story.__dict__["_content_hash"] = value  # (set once, by __init__: the class is frozen)

    def __get__(self, story: Story | None, owner: type | None = None) -> Any:
        if story is None:
            return self
        value = story.__dict__["_content_hash"]
        if callable(value):  # (a str is not) two threads asking at once both compute the same hash
            value = story.__dict__["_content_hash"] = value()
        return value


Story.content_hash = _ContentHash()  # type: ignore[assignment]  # after @dataclass: a descriptor, not a default


# The model's own record types (every frozen dataclass a story is made of, `Story` aside): the
# story cache encodes and decodes exactly these, and nothing else, by name.
MODEL_CLASSES = (Campaign, StoryMap, MapCountry, MapRegion, MapLabel, Chapter, StatDef, RelationDef, FlagDef, Effect, Outcome,
                 Choice, EventTrigger, Node, CodexEntry)
