"""A compiled-story cache, so a warm start skips YAML: data only, never code.

The cache folder (KREMLIN_TUI_CACHE, else $XDG_CACHE_HOME/kremlin-tui, else ~/.cache/kremlin-tui)
may be shared or planted by someone else, so nothing read from it can run code:

- The format is JSON (see "The story cache" in docs/story-format.md): a decoder that knows a
  closed list of the model's own classes rebuilds them from lists of plain values. There is no
  pickle, no class name looked up by string outside that list, no eval.
- Files and the folder are created owner-only (0600, 0700). A file is read only if it is a
  regular file (no symlink, FIFO or device), owned by this user, not writable by anyone else, in
  a folder that is ours and not writable by others; otherwise it is ignored.
- Each file names its key (the story files' content hash, the story folders, the working
  directory the paths in messages are relative to, and a fingerprint of the code's model) and
  carries the SHA-256 of its payload. A stale, garbled, truncated or foreign file is ignored and
  rebuilt, never trusted, and never makes loading fail.

Scenes are decoded on first use (`cache_items.LazyMap`): a game touches a few scenes at start, not
all; until then they stay in the verified cache file (where the system can read at an offset).
KREMLIN_TUI_NO_CACHE=1 switches the cache off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
import sys
import tempfile
import zlib
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from kremlin_tui import __version__
from kremlin_tui.bounded import read_bounded
from kremlin_tui.cache_items import CAN_READ_AT, MAX_BYTES, CacheError, FileBody, LazyMap, MemoryBody, Rebuild
from kremlin_tui.dates import GameDate, Precision
from kremlin_tui.diagnostics import Pos
from kremlin_tui.expr import NODE_CLASSES, Expr
from kremlin_tui.model import MODEL_CLASSES, Campaign, CodexEntry, EventTrigger, Node, Story
from kremlin_tui.paths import xdg_dir
from kremlin_tui.template import Cond, Interp, Template, Text

FORMAT = 3  # format 1 was not data-only; format 2 kept scenes uncompressed
MAGIC = b"KTUI-STORY-CACHE-JSON-3\n"
PACK_LEVEL = 6  # zlib level of each scene and codex entry: written once per story edit, read in pieces
_MODEL = MODEL_CLASSES + NODE_CLASSES  # the story's classes, and an expression's tree nodes


def cache_dir() -> Path | None:
    if os.environ.get("KREMLIN_TUI_NO_CACHE"):
        return None
    explicit = os.environ.get("KREMLIN_TUI_CACHE")
    if explicit:
        return Path(explicit)
    fallback = Path.home() / ".cache"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        fallback = Path(os.environ["LOCALAPPDATA"])  # %LOCALAPPDATA%\\kremlin-tui, as docs/cache.md says
    return xdg_dir("XDG_CACHE_HOME", fallback) / "kremlin-tui"


@cache
def fingerprint() -> str:
    """The code's side of the key: a cache written by another version of the model (a field
    added, renamed or moved) has another name, so it is never decoded into the wrong fields."""
    shapes = [f"{cls.__name__}({','.join(f.name for f in dataclasses.fields(cls))})" for cls in _MODEL]
    shapes += [f"Expr{Expr.__slots__}", f"Template{Template.__slots__}", "Text(text,codex)", "Story" +
               ",".join(f.name for f in dataclasses.fields(Story))]
    text = f"{FORMAT}|{__version__}|{sys.version_info[:2]}|{'|'.join(shapes)}"
    return hashlib.sha256(text.encode()).hexdigest()


def cache_key(content_hash: str, dirs: list[str]) -> str:
    """What a cached story depends on besides its files' bytes: the folders it was loaded from
    (kept in the story), the working directory (positions in messages are relative to it), the
    code's fingerprint."""
    parts = [content_hash, fingerprint(), os.getcwd(), *(os.path.abspath(d) for d in dirs)]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _path(key: str) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    return directory / f"story-{key[:40]}.json"


# -- encoding ----------------------------------------------------------------------------------
#
# Every JSON list is tagged by its first item ("t" tuple, "l" list, "s" frozenset, "P" position,
# "D" date, "E" expression, "M"/"m" template, a model class's or expression node's name), so
# decoding never guesses.
# File paths are written once, in a table (positions name them by number), and a template's
# expressions once (its parts name them by number), as the built story shares those objects.


class _Encoder:
    def __init__(self) -> None:
        self.paths: dict[str, int] = {}

    def enc(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, bool, int, float)):
            return value
        kind = type(value)
        enc = self.enc
        if kind is tuple:
            return ["t", *map(enc, value)]
        if kind is Pos:
            index = self.paths.setdefault(value.path, len(self.paths))
            return ["P", index, value.line, value.col]
        if kind in _FIELDS:
            return [kind.__name__, *(enc(getattr(value, f)) for f in _FIELDS[kind])]
        if kind is Template:
            return self.template(value)
        if kind is Expr:
            return ["E", value.source, enc(value.ast), enc(value.pos)]
        if kind is list:
            return ["l", *map(enc, value)]
        if kind is dict:
            if not all(isinstance(k, str) for k in value):
                raise CacheError("a mapping with keys that are not text")
            return {k: enc(v) for k, v in value.items()}
        if kind is frozenset:
            return ["s", *sorted(map(enc, value))]
        if kind is GameDate:
            return ["D", value.day.toordinal(), value.precision]
        raise CacheError(f"cannot cache a {kind.__name__}")

    def template(self, template: Template) -> list[Any]:
        parts = template.parts
        if not template.exprs and len(parts) == 1 and type(parts[0]) is Text and parts[0].text == template.source:
            return ["m", template.source, sorted(parts[0].codex)]  # static text: the source once
        exprs = [self.enc(expr) for expr, _offset in template.exprs]
        numbers = {id(expr): n for n, (expr, _offset) in enumerate(template.exprs)}

        def ref(expr: Expr | None) -> Any:
            if expr is None:
                return None
            number = numbers.get(id(expr))
            if number is None:
                raise CacheError("a template part with an expression the template does not list")
            return number

        def part(item: Any) -> list[Any]:
            if type(item) is Text:
                return [0, item.text, sorted(item.codex)]
            if type(item) is Interp:
                return [1, ref(item.expr)]
            if type(item) is Cond:
                return [2, [[ref(cond), [part(p) for p in branch]] for cond, branch in item.branches]]
            raise CacheError(f"a template part that is a {type(item).__name__}")

        return ["M", template.source, exprs, [offset for _expr, offset in template.exprs], [part(p) for p in parts]]


class _Decoder:
    """Rebuilds values from `_Encoder`'s data: only the model's own classes, each from exactly
    as many plain values as it has fields. Anything else raises CacheError."""

    def __init__(self, paths: list[str]) -> None:
        if not all(type(p) is str for p in paths):
            raise CacheError("a path that is not text")
        self.paths = paths
        self.trees: dict[str, Any] = {}
        dec = self.dec
        self.table: dict[str, Callable[[list[Any]], Any]] = {
            "t": lambda item: tuple(map(dec, item[1:])),
            "l": lambda item: list(map(dec, item[1:])),
            "s": lambda item: frozenset(map(dec, item[1:])),
            "P": self.pos,
            "D": lambda item: GameDate(date.fromordinal(_int(item[1])), Precision(_string(item[2]))),
            "E": self.expr,
            "M": self.template,
            "m": lambda item: Template(_string(item[1]), [Text(item[1], _codex(item[2]))], []),
            **{cls.__name__: self.model(cls) for cls in _MODEL},
        }
        self.sizes = {"t": None, "l": None, "s": None, "P": 4, "D": 3, "E": 4, "M": 5, "m": 3}

    def dec(self, value: Any) -> Any:
        kind = type(value)
        if kind is list:
            if not value or type(value[0]) is not str:
                raise CacheError("an untagged list")
            tag = value[0]
            decode = self.table.get(tag)
            if decode is None:
                raise CacheError(f"an unknown tag {tag[:20]!r}")
            size = self.sizes.get(tag)
            if size is not None and len(value) != size:
                raise CacheError(f"a '{tag}' of {len(value) - 1} items")
            return decode(value)
        if kind is dict:
            return {k: self.dec(v) for k, v in value.items()}
        return value

    def expr(self, item: list[Any]) -> Expr:
        """An expression; its tree is decoded once per source text and shared, as the parser
        shares it in a cold load (trees are immutable)."""
        source = _string(item[1])
        ast = self.trees.get(source)
        if ast is None:
            ast = self.trees[source] = _node(self.dec(item[2]))
        return Expr(source, ast, self.dec(item[3]))

    def pos(self, item: list[Any]) -> Pos:
        index = _int(item[1])
        if not 0 <= index < len(self.paths):
            raise CacheError("a position in an unknown file")
        return Pos(self.paths[index], _int(item[2]), _int(item[3]))

    def model(self, cls: type) -> Callable[[list[Any]], Any]:
        count = len(_FIELDS[cls])
        dec = self.dec

        def decode(item: list[Any]) -> Any:
            if len(item) != count + 1:
                raise CacheError(f"a {cls.__name__} with {len(item) - 1} fields, not {count}")
            return cls(*map(dec, item[1:]))

        return decode

    def template(self, item: list[Any]) -> Template:
        _tag, source, exprs_data, offsets, parts_data = item
        exprs = [self.dec(e) for e in exprs_data]
        if len(offsets) != len(exprs) or not all(type(e) is Expr for e in exprs):
            raise CacheError("a template whose expressions do not match")

        def ref(number: Any) -> Expr | None:
            if number is None:
                return None
            if type(number) is not int or not 0 <= number < len(exprs):
                raise CacheError("a template part naming no expression")
            return exprs[number]

        def part(data: list[Any]) -> Any:
            if type(data) is not list or not data:
                raise CacheError("a template part that is not a list")
            if data[0] == 0 and len(data) == 3:
                return Text(_string(data[1]), _codex(data[2]))
            if data[0] == 1 and len(data) == 2:
                return Interp(ref(data[1]))  # type: ignore[arg-type]
            if data[0] == 2 and len(data) == 2:
                return Cond([(ref(cond), [part(p) for p in branch]) for cond, branch in data[1]])
            raise CacheError("an unknown template part")

        return Template(_string(source), [part(p) for p in parts_data],
                        [(expr, _int(offset)) for expr, offset in zip(exprs, offsets, strict=True)])


def _string(value: Any) -> str:
    if type(value) is not str:
        raise CacheError("text expected")
    return value


def _node(value: Any) -> Any:
    if type(value) not in _NODES:
        raise CacheError("an expression that is not a tree of expression nodes")
    return value


_NODES = frozenset(NODE_CLASSES)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise CacheError("a whole number expected")
    return value


def _codex(value: Any) -> frozenset[str]:
    if type(value) is not list or not all(type(v) is str for v in value):
        raise CacheError("a codex list that is not text")
    return frozenset(value)


_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _MODEL}


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=True).encode("utf-8")


_LAZY = {"nodes": Node, "codex": CodexEntry, "triggers": EventTrigger}  # decoded on first use


def encode(story: Story) -> bytes:
    """The story as cache bytes (without the file's header): a JSON header (the story but its
    scenes and codex, the file paths, where each scene and entry is), then each one's JSON."""
    encoder = _Encoder()
    bodies: list[bytes] = []
    index: dict[str, list[list[Any]]] = {}
    offset = 0
    for name in _LAZY:
        spans = index[name] = []
        for item_id, item in getattr(story, name).items():
            blob = zlib.compress(_dumps(encoder.enc(item)), PACK_LEVEL)
            spans.append([item_id, offset, offset + len(blob)])
            bodies.append(blob)
            offset += len(blob)
    shell = {f.name: encoder.enc(getattr(story, f.name)) for f in dataclasses.fields(Story) if f.name not in _LAZY}
    header = _dumps({"story": shell, "paths": list(encoder.paths), "index": index})
    return str(len(header)).encode() + b"\n" + header + b"".join(bodies)


def decode(payload: bytes | memoryview, file: OpenFile | None = None) -> Story:
    """A story from `encode`'s bytes; CacheError (or a JSON error) if they are not that. With
    `file` (the verified file the payload was read from) the scenes are read from it when needed."""
    payload = memoryview(payload)
    newline = bytes(payload[:24]).index(b"\n")
    length = int(bytes(payload[:newline]))
    start = newline + 1
    header = json.loads(bytes(payload[start : start + length]))
    body = payload[start + length :]
    decoder = _Decoder(header["paths"])
    spans: dict[str, dict[str, tuple[int, int]]] = {}
    for name in _LAZY:
        spans[name] = {}
        for item_id, begin, end in header["index"][name]:
            if type(item_id) is not str or not (type(begin) is int and type(end) is int and 0 <= begin <= end <= len(body)):
                raise CacheError("an index out of range")
            spans[name][item_id] = (begin, end)
    source: MemoryBody | FileBody = MemoryBody(body)
    rebuild = None
    if file is not None:
        every = [span for items in spans.values() for span in items.values()]
        source = FileBody(os.dup(file.fd), file.offset + start + length, body, every)
        rebuild = Rebuild(file.content_hash, file.dirs)
    lazy = {name: LazyMap(source, spans[name], kind, decoder.dec, name, rebuild) for name, kind in _LAZY.items()}
    shell = {name: decoder.dec(value) for name, value in header["story"].items()}
    story = Story(**lazy, **shell)
    if type(story.campaign) is not Campaign:
        raise CacheError("not a story")
    return story


class OpenFile(NamedTuple):
    """A verified cache file, still open: `offset` is where its payload starts; the story it holds
    was loaded from `dirs` and has this `content_hash`."""

    fd: int
    offset: int
    content_hash: str
    dirs: list[str]


# -- files -------------------------------------------------------------------------------------

def _trusted_dir(directory: Path) -> bool:
    """Ours and writable by no one else (on POSIX); created owner-only if missing."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.lstat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return stat.S_ISDIR(info.st_mode)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    if info.st_mode & 0o077:
        try:  # our own folder made by an older version, or with a loose umask: tighten it
            os.chmod(directory, 0o700)
        except OSError:
            return False
    return True


def cache_writable() -> bool:
    """Whether a story built now would be cached: the cache is on, its folder ours and writable."""
    directory = cache_dir()
    return directory is not None and _trusted_dir(directory) and os.access(directory, os.W_OK)


def _read_trusted(path: Path) -> bytes | None:
    """The file's bytes if it is a regular file that only this user could have written."""
    opened = _open_trusted(path)
    if opened is None:
        return None
    os.close(opened[0])
    return opened[1]


def _open_trusted(path: Path) -> tuple[int, bytes] | None:
    """An open descriptor (the caller closes it) and the file's bytes, if it is a regular file
    that only this user could have written."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        trusted = stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES and not (
            hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022))
        if trusted:
            with os.fdopen(fd, "rb", closefd=False) as handle:
                return fd, read_bounded(handle, MAX_BYTES)
    except (OSError, MemoryError):  # the cache is an optimisation: the story files are read instead
        pass
    os.close(fd)
    return None


def read(content_hash: str, dirs: list[str]) -> Story | None:
    """The cached story for these files and folders, or None (missing, stale, foreign, damaged)."""
    key = cache_key(content_hash, dirs)
    path = _path(key)
    if path is None or not _trusted_dir(path.parent):
        return None
    opened = _open_trusted(path)
    if opened is None:
        return None
    fd, blob = opened
    try:
        return _verified(blob, key, OpenFile(fd, _HEADER, content_hash, list(dirs)))
    finally:
        os.close(fd)


_HEADER = len(MAGIC) + 65 + 65  # the magic line, the key and the payload's digest, each on a line


def _verified(blob: bytes, key: str, file: OpenFile) -> Story | None:
    """The story in a cache file's bytes, if they are what `write` wrote for this key."""
    if len(blob) < _HEADER or not blob.startswith(MAGIC):
        return None
    stored_key = blob[len(MAGIC) : len(MAGIC) + 64]
    digest = blob[len(MAGIC) + 65 : len(MAGIC) + 129]
    payload = memoryview(blob)[_HEADER:]  # no copy of a file of megabytes
    if stored_key != key.encode() or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    try:
        story = decode(payload, file if CAN_READ_AT else None)
    except (CacheError, ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError, AttributeError):
        return None
    return story if story.content_hash == file.content_hash else None


def write(content_hash: str, dirs: list[str], story: Story) -> None:
    """Cache a freshly built story. Failing to is never an error: the cache is an optimisation."""
    key = cache_key(content_hash, dirs)
    path = _path(key)
    if path is None:
        return
    try:
        payload = encode(story)
    except (CacheError, ValueError, TypeError, RecursionError):
        return
    blob = MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    if not _trusted_dir(path.parent):
        return
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")  # 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
