"""The cached story's scenes, codex entries and event triggers, each decoded when first used.

A warm start decodes the story's header only; the rest stays compressed until a game needs it.
Where the items' bytes wait matters for a running game's memory (issue 19): held in memory,
the cache file's 0.8 MB of compressed scenes stayed in the process for its whole life. So, where
the system can read a file at an offset (`os.pread`: POSIX), they stay in the cache file, read
through a descriptor kept open (a file replaced or deleted meanwhile is still read as it was),
and each item is checked against a digest taken when the whole file was verified, so only bytes
that were verified are ever decoded. Should an item no longer read as it did (the file rewritten
in place), the story is built again from its files, if they still hold what was loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kremlin_tui.model import Story

MAX_BYTES = 256 * 1024 * 1024  # far beyond any story the loader accepts
CAN_READ_AT = hasattr(os, "pread")  # not on Windows: there the items stay in memory


class CacheError(Exception):
    """A value the cache cannot encode, or a file it will not trust."""


class Body(Protocol):
    def item(self, begin: int, end: int) -> bytes | memoryview: ...


class MemoryBody:
    """The compressed items, held in memory (a slice of the verified file's bytes)."""

    def __init__(self, body: memoryview) -> None:
        self._body = body

    def item(self, begin: int, end: int) -> memoryview:
        return self._body[begin:end]


def _digest(data: bytes | memoryview) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class FileBody:
    """The compressed items, left in the cache file: `fd` (ours, closed with this object) holds
    them from `offset` on; `body` is the verified file's copy of them, used here only to take
    each item's digest."""

    def __init__(self, fd: int, offset: int, body: memoryview, spans: Iterable[tuple[int, int]]) -> None:
        self._fd = fd
        self._offset = offset
        self._digests = {begin: _digest(body[begin:end]) for begin, end in spans}
        weakref.finalize(self, os.close, fd)

    def item(self, begin: int, end: int) -> bytes:
        try:
            data = os.pread(self._fd, end - begin, self._offset + begin)
        except OSError as error:
            raise CacheError(f"the cache file can no longer be read: {error}") from error
        if len(data) != end - begin or _digest(data) != self._digests.get(begin):
            raise CacheError("the cache file changed since it was read")
        return data


class Rebuild:
    """The story built again from its files, once, for items the cache file can no longer give;
    refused (CacheError) if the files no longer hold the story that was loaded."""

    def __init__(self, content_hash: str, dirs: list[str]) -> None:
        self._content_hash = content_hash
        self._dirs = dirs
        self._story: Story | None = None

    def story(self) -> Story:
        if self._story is None:
            from kremlin_tui.loader import load_story_with_diagnostics

            story = load_story_with_diagnostics(self._dirs, cache=False).story
            if story is None or story.content_hash != self._content_hash:
                raise CacheError("the cache file changed since it was read, and so did the story's files")
            self._story = story
        return self._story


def _unpack(packed: bytes | memoryview) -> bytes:
    """An item's JSON from its compressed bytes, never more than MAX_BYTES of it."""
    inflate = zlib.decompressobj()
    data = inflate.decompress(packed, MAX_BYTES)
    if inflate.unconsumed_tail or not inflate.eof:
        raise CacheError("a compressed item that is cut short or too large")
    return data


class LazyMap(Mapping[str, Any]):
    """Scenes (or codex entries, or triggers: the story's field `name`) kept compressed until
    first used, so a cached story starts in milliseconds: a game touches a few scenes at start,
    not all of them. `spans` says where in `body` each item is; `kind` is the class each must
    decode to; `rebuild`, when given, supplies an item the body can no longer give."""

    def __init__(self, body: Body, spans: dict[str, tuple[int, int]], kind: type,
                 decode: Callable[[Any], Any], name: str = "", rebuild: Rebuild | None = None) -> None:
        self._body = body
        self._spans = spans
        self._kind = kind
        self._decode = decode
        self._name = name
        self._rebuild = rebuild
        self._items: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        item = self._items.get(key)
        if item is None:
            item = self._items[key] = self._load(key)
        return item

    def _load(self, key: str) -> Any:
        start, end = self._spans[key]
        try:
            packed = self._body.item(start, end)
        except CacheError:
            if self._rebuild is None:
                raise
            return getattr(self._rebuild.story(), self._name)[key]
        item = self._decode(json.loads(_unpack(packed)))
        if type(item) is not self._kind:
            raise CacheError(f"'{key}' is not a {self._kind.__name__}")
        return item

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._spans else default

    def __contains__(self, key: object) -> bool:
        return key in self._spans

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)
