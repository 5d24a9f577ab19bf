"""The undo and redo stacks: game states that share their structure.

A state holds a few hundred values (every stat, flag, visit and choice so far, the history) and
one decision changes a handful of them, so fifty full copies would be fifty times the same data.
A `StateStack` keeps only its newest state whole; each older one is kept as what differs from the
state above it (`_Delta`), and is rebuilt, exactly, when the one above is popped. The deltas are
taken between the stored states themselves, so whatever happened between two decisions (the
writers' debugger setting a variable) is undone exactly too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from itertools import compress, islice
from operator import is_, is_not
from typing import Any

from kremlin_tui.model import Story
from kremlin_tui.state import GameState

_FIELDS = tuple(f.name for f in dataclasses.fields(GameState) if f.compare)  # `due` is not part of a state's value


def _same(a: Any, b: Any) -> bool:
    """Equal and of one type (1, 1.0 and True are equal, but a restored state must hold the very value)."""
    return a is b or (type(a) is type(b) and a == b)


def _dict_delta(older: dict[Any, Any], newer: dict[Any, Any]) -> Any:
    """("p", old values of changed keys, keys added since) when `newer` starts with `older`'s keys
    in their order, else the whole older mapping: a delta that restores the order as well.
    None: no difference.

    One decision changes a handful of a state's hundreds of values, and most values that did not
    change are the very same objects: the keys and values are walked pairwise by `map` and
    `compress` (in C), and only the values that are not identical are compared in Python."""
    if len(newer) < len(older) or list(older) != list(islice(newer, len(older))):
        return dict(older)
    changed: dict[Any, Any] = {}
    for key in compress(older, map(is_not, older.values(), newer.values())):
        value, new = older[key], newer[key]
        if type(new) is not type(value) or new != value:
            changed[key] = value
    added = tuple(islice(newer, len(older), None))
    return ("p", changed or None, added) if changed or added else None


def _list_delta(older: list[Any], newer: list[Any]) -> Any:
    """The older list's length when it is the start of the newer one (history and codex only
    grow), else the whole older list. None: no difference. (Items that are the very same
    objects, the usual case, are recognised in C, as in `_dict_delta`.)"""
    if len(older) <= len(newer) and (all(map(is_, older, newer))
                                     or all(_same(a, b) for a, b in zip(older, newer, strict=False))):
        return len(older) if len(older) < len(newer) else None
    return list(older)


def _set_delta(older: set[Any], newer: set[Any]) -> Any:
    removed, added = older - newer, newer - older
    return ("s", tuple(removed), tuple(added)) if removed or added else None


def _delta(older: GameState, newer: GameState) -> dict[str, Any]:
    """What turns `newer` back into `older`: an entry for each field that differs."""
    out: dict[str, Any] = {}
    for name in _FIELDS:
        old, new = getattr(older, name), getattr(newer, name)
        if type(old) is dict and type(new) is dict:
            entry = _dict_delta(old, new)
        elif type(old) is list and type(new) is list:
            entry = _list_delta(old, new)
        elif type(old) is set and type(new) is set:
            entry = _set_delta(old, new)
        else:
            entry = None if _same(old, new) else ("v", old)
        if entry is not None:
            out[name] = entry
    return out


def _apply(delta: dict[str, Any], newer: GameState) -> GameState:
    """The older state `delta` was taken from, built fresh (nothing mutable shared with `newer`)."""
    older = newer.copy()
    for name, entry in delta.items():
        new = getattr(newer, name)
        if type(entry) is int:
            value: Any = new[:entry]
        elif type(entry) is tuple and entry[0] == "v":
            value = entry[1]
        elif type(entry) is tuple and entry[0] == "s":
            value = new.difference(entry[2]).union(entry[1])
        elif type(entry) is tuple:  # "p": a patch of a mapping
            value = dict(new)
            for key in entry[2]:
                del value[key]
            if entry[1]:
                value.update(entry[1])
        else:
            value = type(entry)(entry)  # a whole dict or list, copied again for the caller to own
        setattr(older, name, value)
    return older


class StateStack:
    """A stack of game states; `push` takes ownership (the state must not change afterwards) and
    `pop` hands out a state the caller owns. The newest is kept whole, the others as deltas."""

    def __init__(self, states: Iterable[GameState] = ()) -> None:
        self._top: GameState | None = None
        self._below: list[dict[str, Any]] = []  # deltas, the oldest first
        for state in states:
            self.push(state)

    def __len__(self) -> int:
        return len(self._below) + (self._top is not None)

    def push(self, state: GameState) -> None:
        if self._top is not None:
            self._below.append(_delta(self._top, state))
        self._top = state

    def pop(self) -> GameState:
        state = self._top
        if state is None:
            raise IndexError("pop from an empty StateStack")
        self._top = _apply(self._below.pop(), state) if self._below else None
        return state

    def clear(self) -> None:
        self._top = None
        self._below.clear()

    def keep(self, limit: int) -> None:
        """Forget all but the newest `limit` states."""
        excess = len(self) - limit
        if excess > 0:
            del self._below[:excess]


def replay_states(story: Story, state: GameState, limit: int) -> tuple[StateStack | None, str]:
    """The undo stack of `state`, rebuilt by replaying its history from the seed (after a load,
    or past the in-memory limit): the states before each of the last `limit` decisions. Only if
    the replay reproduces `state` exactly, so an undo can never land on a state the game was
    not really in; else (None, why)."""
    from kremlin_tui.engine import EngineError, Game

    try:
        game = Game.new(story, state.seed)
        snapshots = StateStack()
        for step in state.history:
            if game.ended or game.state.node != step.node:
                raise EngineError(f"the story no longer leads to '{step.node}' there")
            snapshots.push(game.state.copy())
            snapshots.keep(limit)
            game.choose(step.choice)
    except EngineError as exc:
        return None, f"the earlier decisions cannot be rebuilt ({exc})"
    if game.state.to_json() != state.to_json():
        return None, ("the earlier decisions cannot be rebuilt exactly (the game was changed by the "
                      "debugger or loaded from an edited story)")
    return snapshots, ""
