"""Which event is due: the question the engine asks on every move, answered without testing
every event of the story each time.

The answer is exactly the old linear scan's (the first event in firing order that has not fired,
whose window has opened by the day the move reaches and has not closed, and whose condition
holds), but an event is looked at only when something about it can have changed:

- events wait in order of the day their window opens and join the open set when a move reaches
  that day; fired and expired ones leave it for good (the calendar never goes back);
- an open event's condition is tested once, and again only after a variable it reads has changed
  (each decision reports what it changed: `Due.changed`); a condition `a and b and c` found false
  is tested again only when something the first false part reads has changed (`decisions < 50`
  holding does not make `party <= 20 and decisions < 50` worth testing after every decision);
- scheduled events, whose day lives in the game state, are looked at while they are scheduled.

Conditions are pure functions of the variables, the visits and the choices taken, so a cached
result is the result the scan would compute. A `Due` lives on the one `GameState` object it
follows (a copy of a state, a loaded or an undone one starts without one).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING

from kremlin_tui.dates import GameDate
from kremlin_tui.expr_ast import And, Ast
from kremlin_tui.expr_ast import reads as expr_reads
from kremlin_tui.expr_base import Fn
from kremlin_tui.expr_compile import compile_ast

if TYPE_CHECKING:
    from kremlin_tui.engine import GameState
    from kremlin_tui.model import EventTrigger, Story


def visited_key(node: str) -> str:
    """The name under which `visited(node)` is read (and its change reported)."""
    return f"visited:{node}"


def chose_key(choice: str) -> str:
    """The name under which `chose(scene.choice)` is read."""
    return f"chose:{choice}"


_NEVER = date.max.toordinal() + 1  # after every day: ends the lists of opening and closing days


def _conjuncts(ast: Ast) -> list[Ast]:
    """The parts of a condition that must all hold: the items of a top-level `and` (nested ones
    flattened), else the condition itself."""
    if type(ast) is not And:
        return [ast]
    return [part for item in ast.items for part in _conjuncts(item)]


def reads(ast: Ast) -> frozenset[str]:
    """Every name an expression can read, as `Due.changed` reports changes: variables (and the
    country of `attitude(c)`), and `visited:`/`chose:` keys for the history functions."""
    found: set[str] = set()
    for name, how in expr_reads(ast):
        found.add(visited_key(name) if how == "visited" else chose_key(name) if how == "chose" else name)
    return frozenset(found)


@dataclass(frozen=True)
class _Event:
    rank: int  # position in firing order: the lower, the sooner it fires
    id: str
    trigger: EventTrigger
    opens: int  # the ordinal of the day its window opens (0: from the start)
    closes: int | None  # the ordinal of its window's last day, None if it never closes
    reads: frozenset[str]  # what its condition reads (see `reads`)
    bit: int  # 1 << rank: the event in a bit set
    test: Fn | None  # its condition's compiled closure (None: no condition)
    parts: tuple[tuple[Fn, int], ...] = ()  # the condition's `and` parts: closure, watch slot bit
    slots: int = 0  # the bits of all its parts' watch slots

    def holds(self, state: GameState) -> bool:
        return self.test is None or bool(self.test(state))


class EventIndex:
    """A story's events arranged for `Due`: built once per story.

    Sets of events are ints used as bit sets (bit `rank` for the event of that rank): a move's
    bookkeeping is then a few integer operations however many events are open, and the lowest
    set bit is the event that fires first."""

    def __init__(self, story: Story) -> None:
        self.story = story
        events: list[_Event] = []
        self.slot_event: list[int] = []  # a watch slot (one per `and` part of a condition) -> its event's rank
        watch: dict[str, int] = {}  # a name -> the watch slots of the parts that read it
        for rank, event_id in enumerate(story.events):
            trigger = story.triggers[event_id]
            closes = trigger.last_day.toordinal() if trigger.before is not None else None
            opens = trigger.after.day.toordinal() if trigger.after is not None and not trigger.scheduled else 0
            condition = trigger.condition
            names = reads(condition.ast) if condition is not None else frozenset()
            test = condition.fn if condition is not None else None
            parts = []
            for part in _conjuncts(condition.ast) if condition is not None else ():
                parts.append((compile_ast(part), 1 << len(self.slot_event)))
                self.slot_event.append(rank)
                for name in reads(part):
                    watch[name] = watch.get(name, 0) | parts[-1][1]
            slots = sum(bit for _, bit in parts)
            events.append(_Event(rank, event_id, trigger, opens, closes, names, 1 << rank, test, tuple(parts), slots))
        self.events = tuple(events)
        self.by_id = {event.id: event for event in events}
        waiting = sorted((e for e in events if not e.trigger.scheduled), key=lambda e: (e.opens, e.rank))
        self.waiting = tuple(waiting)
        self.opening_days = [e.opens for e in waiting] + [_NEVER]  # the end: no length check per move
        self.opened_by = [0]  # opened_by[i]: the events of `waiting[:i]`
        for event in waiting:
            self.opened_by.append(self.opened_by[-1] | event.bit)
        closers = sorted((e for e in waiting if e.closes is not None), key=lambda e: (e.closes, e.rank))
        self.closing_days = [e.closes for e in closers] + [_NEVER]
        self.closed_by = [0]  # closed_by[i]: the events of `closers[:i]`
        for event in closers:
            self.closed_by.append(self.closed_by[-1] | event.bit)
        self.watch = watch
        self.scheduled = 0
        for event in events:
            if event.trigger.scheduled:
                self.scheduled |= event.bit

    def mask(self, names: Iterable[str]) -> int:
        """The watch slots of the condition parts that read any of `names` (see `Due.invalidate`)."""
        watch = self.watch
        found = 0
        for name in names:
            found |= watch.get(name, 0)
        return found


class Due:
    """The open events of one game state, with their conditions' last results (bit sets, see
    `EventIndex`)."""

    def __init__(self, index: EventIndex) -> None:
        self.index = index
        self.cursor = 0  # events in `index.waiting` before it have been opened
        self.closed = 0  # events in the index's closing order before it are past their window
        self.live = 0  # opened events not fired or past (as far as is known), scheduled ones aside
        self.holds = 0  # live events whose condition held when last tested
        self.stale = 0  # live events whose condition must be tested (again)
        self.pending = 0  # scheduled events not known to have fired
        # the watch slots of the tested live events: all of an event's parts if it held, the
        # first false part if not; a change to what an armed part reads makes its event stale
        self.armed = 0
        self.scheduled_seen = 0  # len(state.scheduled) when `pending` was made (keys are never removed)

    def changed(self, names: Iterable[str]) -> None:
        """Names whose value may have changed since the last `next`."""
        self.invalidate(self.index.mask(names))

    def invalidate(self, slots: int) -> None:
        """Condition parts (watch slots, `EventIndex.mask`) whose value may have changed since
        the last `next`: the events watching them are tested again."""
        hit = slots & self.armed
        if not hit:
            return
        index = self.index
        events = 0
        while hit:
            event = index.events[index.slot_event[(hit & -hit).bit_length() - 1]]
            events |= event.bit
            hit &= ~event.slots
            self.armed &= ~event.slots
        events &= self.live
        self.stale |= events
        self.holds &= ~events

    def next(self, state: GameState, moving_to: date) -> tuple[str, GameDate] | None:
        """The event to show before a move that reaches `moving_to`, with its date, or None.
        `state` is the state this index has followed from its first move."""
        now = state.date.day.toordinal()
        limit = moving_to.toordinal()
        index = self.index
        if index.closing_days[self.closed] < now or index.opening_days[self.cursor] <= limit:
            self._refresh(state, limit, now)
        if len(state.scheduled) != self.scheduled_seen:
            self._schedule(state)
        candidates = ((self.holds | self.stale) & self.live) | self.pending
        if not candidates:
            return None  # the common case: nothing open can have become true
        events = self.index.events
        while candidates:  # lowest rank (first to fire) first
            low = candidates & -candidates
            candidates ^= low
            event = events[low.bit_length() - 1]
            if event.trigger.scheduled:
                when = self._scheduled_due(event, state, moving_to, now)
                if when is not None:
                    return event.id, when
            elif event.id in state.fired or (event.closes is not None and now > event.closes):
                self._drop(event.bit)
            elif event.opens <= limit and self._holds(event, state):  # else opened by a longer move
                return event.id, event.trigger.after or state.date
        return None

    def _refresh(self, state: GameState, limit: int, now: int) -> None:
        """Close the events whose window is past and open those a move to day `limit` reaches
        (`next` calls it only when there is one of either)."""
        index = self.index
        if index.closing_days[self.closed] < now:
            self.closed = bisect_left(index.closing_days, now)
            self._drop(index.closed_by[self.closed])
        if index.opening_days[self.cursor] <= limit:
            self._open(limit, state.fired)

    def _holds(self, event: _Event, state: GameState) -> bool:
        """Whether an open event's condition holds, tested only if it may have changed: part by
        part, as `and` evaluates, arming the first false part's slot (or all, if it holds)."""
        bit = event.bit
        if self.stale & bit:
            self.stale &= ~bit
            for test, slot in event.parts:
                if not test(state):
                    self.armed |= slot
                    return False
            self.holds |= bit
            self.armed |= event.slots
        return bool(self.holds & bit)

    def _scheduled_due(self, event: _Event, state: GameState, moving_to: date, now: int) -> GameDate | None:
        """The day a scheduled event is due on, if it is due now (tested every move while it waits)."""
        if event.id in state.fired:
            self.pending &= ~event.bit
            return None
        when = GameDate.parse(state.scheduled[event.id])
        if when.day > moving_to or (event.closes is not None and now > event.closes):
            return None
        return when if event.holds(state) else None

    def _schedule(self, state: GameState) -> None:
        by_id = self.index.by_id
        fired = state.fired
        for event_id in islice(state.scheduled, self.scheduled_seen, None):  # new keys come last
            event = by_id.get(event_id)
            if event is not None and event.trigger.scheduled and event_id not in fired:
                self.pending |= event.bit
        self.scheduled_seen = len(state.scheduled)

    def _open(self, limit: int, fired: set[str]) -> None:
        """Open the events whose window a move to day `limit` reaches: they join the live ones,
        to be tested (those fired already, or whose window is past, never do)."""
        index = self.index
        end = bisect_right(index.opening_days, limit)
        opened = index.opened_by[end] & ~index.opened_by[self.cursor] & ~index.closed_by[self.closed]
        if fired:
            for event in index.waiting[self.cursor:end]:
                if event.id in fired:
                    opened &= ~event.bit
        self.live |= opened
        self.stale |= opened
        self.cursor = end

    def _drop(self, events: int) -> None:
        keep = ~events
        self.live &= keep
        self.holds &= keep
        self.stale &= keep
