"""Work a long-lived process keeps between checks of the same story.

The language server checks the whole story after every edit, but between two edits only one
file has changed: its other files parse to the same trees and their texts mention the same
codex entries. `remember()` (called by the server) turns these memos on; a one-shot command
gains nothing from them and a test suite that loads thousands of stories should not hold them,
so they are off by default. Every entry is keyed by everything its result depends on (a file's
path and full text; a text and the codex words it was scanned for), so a hit gives exactly what
a fresh computation would. Each memo keeps its most recent entries only.
"""

from __future__ import annotations

from _thread import allocate_lock  # (threading's Lock, without importing threading: every command would)
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A bounded memo, least recently used out first; inert until `remember()`."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()
        self.lock = allocate_lock()  # the server checks in a worker thread

    def get(self, key: K) -> V | None:
        if not _on:
            return None
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        if not _on:
            return
        with self.lock:
            self.items[key] = value
            if len(self.items) > self.size:
                self.items.popitem(last=False)


_on = False


def remember(on: bool = True) -> None:
    """Keep results between loads (the language server), or stop and forget them."""
    global _on
    _on = on
    if not on:
        for kept in _ALL:
            with kept.lock:
                kept.items.clear()


def enabled() -> bool:
    return _on


def digest(text: str) -> str:
    """A memo key for a long text: its sha256, hex. Only the language server keys memos this
    way, so hashlib (and OpenSSL behind it) is imported on first use, not by every command."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


_ALL: list[Memo] = []  # type: ignore[type-arg]


def memo(size: int) -> Memo:  # type: ignore[type-arg]
    """A new memo that `remember(False)` clears."""
    made: Memo = Memo(size)  # type: ignore[type-arg]
    _ALL.append(made)
    return made
