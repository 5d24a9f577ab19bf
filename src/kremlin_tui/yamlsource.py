"""Read a YAML file into a small positioned tree, refusing hostile input before it can hurt.

We stream libyaml's parser events instead of using its composer: the composer recurses in C and
crashes on deeply nested input, and it expands nothing we could bound. Building the tree here
lets us refuse tags, aliases, excessive depth and size with a positioned error, and keep every
scalar as the text the writer typed (so a label `No` stays "No", not YAML 1.1's `False`).
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import yaml

from kremlin_tui.diagnostics import Collector, Pos
from kremlin_tui.memo import enabled as memo_enabled
from kremlin_tui.memo import memo
from kremlin_tui.records import dataclass
from kremlin_tui.scalarpos import scalar_position
from kremlin_tui.storyfiles import read_limited

MAX_DEPTH = 64
_new_pos = tuple.__new__  # _new_pos(Pos, (path, line, col)): a Pos without its Python-level __new__
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "!",
    None,
}


def _mark_pos(node: YScalar | YSeq | YMap) -> Pos:
    """Where the node starts: made from libyaml's mark (0-based line and column; its name is
    the path messages show) when asked for. A clean load asks for fewer than half of them."""
    mark = node.mark
    return _new_pos(Pos, (mark.name, mark.line + 1, mark.column + 1))


@dataclass(eq=False, slots=True)
class YScalar:
    """A YAML scalar with its position: the text as written, and how it was written."""

    text: str
    mark: Any  # where it starts: libyaml's mark (see `pos`)
    plain: bool  # unquoted: may be a number, a boolean or null
    block: bool = False  # written as a `|` or `>` block
    quote: str = ""  # '"' or "'" for a quoted scalar: offsets in its text need decoding to positions
    pos = property(_mark_pos)


@dataclass(eq=False, slots=True)
class YSeq:
    """A YAML sequence with its position."""

    items: list[YNode]
    mark: Any
    pos = property(_mark_pos)


@dataclass(eq=False, slots=True)
class YMap:
    """A YAML mapping with its position and each key's (errors point at the key)."""

    items: dict[str, YNode]
    # Where each key is, as libyaml's mark: a story's mappings have ~9,000 keys and only a
    # message about a key needs its place, so `key_pos` makes the Pos.
    key_marks: dict[str, Any]
    mark: Any
    pos = property(_mark_pos)

    @property
    def order(self) -> list[str]:
        """The keys in the order they are written (`items` keeps it: every key has a value)."""
        return list(self.items)

    def key_pos(self, key: str) -> Pos:
        """Where `key` is written (one of this mapping's keys)."""
        mark = self.key_marks[key]
        return _new_pos(Pos, (mark.name, mark.line + 1, mark.column + 1))


YNode = YScalar | YSeq | YMap


def read_yaml_file(path: str, display_path: str, out: Collector) -> YNode | None:
    """Return the file's tree, or None after reporting why it cannot be read."""
    data = read_limited(path, display_path, out)
    return None if data is None else parse_yaml_bytes(data, display_path, out)


def parse_yaml_bytes(data: bytes, display_path: str, out: Collector) -> YNode | None:
    """The file's tree, or None after reporting why not. libyaml checks, as it reads them, that
    the bytes are UTF-8 (a file starting with a UTF-16 byte order mark, which libyaml would read
    as UTF-16, is decoded first, and refused), so a file it reads to the end is not decoded here: its text is decoded if a position inside a
    scalar is ever asked for (`utf8_text`). A file it stops reading is decoded, so invalid UTF-8
    is what is reported, wherever it is (libyaml may meet a syntax error first)."""
    if memo_enabled() or data.startswith(_UTF16_BOMS):
        text = decode(data, display_path, out)
        return None if text is None else parse_yaml_text(text, display_path, out, data)
    reported = Collector()
    tree = _parse_yaml_text(data, display_path, reported, data)
    if tree is None and decode(data, display_path, out) is None:  # (a tree: libyaml read every byte)
        return None
    out.items.extend(reported.items)
    return tree


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def utf8_text(data: bytes, errors: str = "strict") -> str:
    """The text of a story file's bytes: what "utf-8-sig" gives (one leading byte order mark
    dropped, offsets after it), without that codec's Python-level wrapper."""
    return data[3:].decode("utf-8", errors) if data.startswith(codecs.BOM_UTF8) else data.decode("utf-8", errors)


def decode(data: bytes, display_path: str, out: Collector) -> str | None:
    """UTF-8 text, or None after reporting where the first invalid byte is."""
    try:
        return utf8_text(data)
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        out.error(Pos(display_path, line, col), "encoding", "the file is not valid UTF-8" + _wide_encoding(data))
        return None


def _wide_encoding(data: bytes) -> str:
    """Why, when the file was saved as UTF-16 or UTF-32 (a byte order mark, or a NUL byte in
    the first two, as ASCII text in those encodings has): an editor's "Unicode" option."""
    for mark, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                       (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(mark):
            return f": it was saved as {name} (it begins with a {name} byte order mark); save it as UTF-8"
    if b"\x00" in data[:2]:
        return ": it looks saved as UTF-16 or UTF-32 (NUL bytes between the letters); save it as UTF-8"
    return ""


_TREES = memo(64)  # (path, text) -> (tree, what parsing reported): files the server saw unchanged


def parse_yaml_text(text: str, display_path: str, out: Collector, data: bytes | None = None) -> YNode | None:
    """The file's tree; an empty or comment-only file is an empty scalar (it declares nothing).
    `data`: the UTF-8 bytes `text` was decoded from, if at hand (libyaml reads bytes; given a
    str it would encode it again). Nothing downstream changes a tree, so a remembered one (see
    memo.py) is shared."""
    if not memo_enabled():
        return _parse_yaml_text(text, display_path, out, data)
    key = (display_path, text)
    known = _TREES.get(key)
    if known is None:
        reported = Collector()
        known = (_parse_yaml_text(text, display_path, reported, data), reported.items)
        _TREES.put(key, known)
    out.items.extend(known[1])
    return known[0]


def _parse_yaml_text(text: str | bytes, display_path: str, out: Collector, data: bytes | None = None) -> YNode | None:
    """(`text` may be the bytes, not yet decoded: see parse_yaml_bytes.)"""
    loader = _Loader(_Named(text if data is None else data, display_path))
    try:
        root = _build(loader, display_path, out, text)
        return YScalar("", yaml.Mark(display_path, 0, 0, 0, None, None), True) if root is None else root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(display_path, mark.line + 1, mark.column + 1) if mark else Pos(display_path, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        out.error(pos, "yaml", f"YAML syntax: {problem}")
    except yaml.reader.ReaderError as exc:  # a raw control character (libyaml refuses it before parsing)
        _reader_error(exc, text if data is None else data, display_path, out)
    except yaml.YAMLError as exc:
        out.error(Pos(display_path, 1, 1), "yaml", f"YAML syntax: {exc}")
    except _Refused:
        pass
    finally:
        loader.dispose()
    return None


def _reader_error(exc: yaml.reader.ReaderError, source: str | bytes, display_path: str, out: Collector) -> None:
    """A character libyaml refuses while reading, where it is: libyaml gives a byte offset into
    the UTF-8 text, and its own message names "<byte string>" and that offset, not the line.
    (Bytes that are not UTF-8 are reported by parse_yaml_bytes, which decodes them then.)"""
    if not 0 <= exc.character <= 0x10FFFF:
        out.error(Pos(display_path, 1, 1), "encoding", "the file is not valid UTF-8")
        return
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    offset = max(0, min(exc.position, len(data)))
    if isinstance(source, bytes) and data.startswith(codecs.BOM_UTF8) and offset >= 3:
        data, offset = data[3:], offset - 3
    before = data[:offset]
    line_start = before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")
    pos, char = Pos(display_path, before.count(b"\n") + 1, len(line_start) + 1), chr(exc.character)
    if CONTROL.fullmatch(char):
        out.error(pos, "control-char", f"{describe_control(char)} is not allowed in story text (only line breaks and tabs are)")
    else:
        out.error(pos, "yaml", f"YAML syntax: the character U+{ord(char[:1] or ' '):04X} is not allowed in a YAML file")


class _Named:
    """The file as libyaml reads it: all at once, under the name its marks carry (the path
    messages show), so a node keeps libyaml's mark and makes its `Pos` only when asked."""

    __slots__ = ("data", "name")

    def __init__(self, data: bytes | str, name: str) -> None:
        self.data, self.name = data, name

    def read(self, _size: int) -> bytes | str:
        data, self.data = self.data, b""  # (then the end of the file)
        return data


_IN_LIST: tuple[None, dict[str, Any]] = (None, {})  # inside a list: no values, no key marks (never written)


class _Refused(Exception):
    """Stops reading a file after a positioned error was reported."""


class _Tree:
    """The tree being built from libyaml's events: the open collections and their keys."""

    def __init__(self, path: str, out: Collector, source: str | bytes) -> None:
        self.path = path
        self.out = out
        self.source = source
        self.lines: list[str] = []
        self.stack: list[YSeq | YMap] = []
        self.root: YNode | None = None
        self.documents = 0

    def refuse(self, event: yaml.Event, code: str, message: str) -> None:
        mark = event.start_mark
        self.out.error(Pos(self.path, mark.line + 1, mark.column + 1), code, message)
        raise _Refused

    def unsupported(self, event: yaml.Event) -> None:
        """Anchors, aliases and tags are refused (a story file is plain data)."""
        if event.anchor is not None:
            self.refuse(event, "anchor", "anchors and aliases (&name, *name) are not supported")
        if event.tag not in _STANDARD_TAGS:
            self.refuse(event, "tag", f"YAML tags such as '{event.tag}' are not allowed in story files")

    def control_char(self, node: YScalar, bad: re.Match[str]) -> None:
        if not self.lines:  # (bytes: any invalid UTF-8 is reported instead, in parse_yaml_bytes)
            source = self.source
            self.lines.extend((source if isinstance(source, str) else utf8_text(source, "replace")).split("\n"))
        where = scalar_position(self.lines, node, bad.start())
        self.out.error(where, "control-char", f"{describe_control(bad.group())} is not allowed in story text "
                       "(only line breaks and tabs are)")

    def other(self, event: yaml.Event) -> None:
        """An event that adds no node: an alias (refused), the start of a second document
        (refused), the start of the stream or the first document, a document's end."""
        if type(event) is yaml.AliasEvent:
            self.refuse(event, "alias", "anchors and aliases (&name, *name) are not supported")
        if type(event) is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self.refuse(event, "documents", "a story file holds one YAML document (remove the extra '---')")

    def open(self, event: yaml.Event, mapping: bool, values: dict[str, YNode] | None, key: str | None) -> YMap | YSeq:
        """The node a mapping or list starts (refused as a key, past MAX_DEPTH, or if tagged),
        attached to its parent (`values` and `key`: the open mapping's, as in `_build`) and open."""
        if event.anchor is not None or event.tag not in _STANDARD_TAGS:
            self.unsupported(event)
        stack = self.stack
        if len(stack) >= MAX_DEPTH:
            self.refuse(event, "too-deep", f"the file nests deeper than {MAX_DEPTH} levels")
        if key is None and values is not None:
            self.refuse(event, "key", "a mapping key must be a plain word, not a list or mapping")
        node = YMap({}, {}, event.start_mark) if mapping else YSeq([], event.start_mark)
        if values is not None:
            values[key] = node  # type: ignore[index]
        elif stack:
            stack[-1].items.append(node)  # type: ignore[arg-type]
        else:
            self.root = node
        stack.append(node)
        return node


def _build(loader: yaml.CSafeLoader, path: str, out: Collector, source: str | bytes) -> YNode | None:
    # The hot loop of loading: one pass over libyaml's events, with the common cases (a key or a
    # value inside a mapping, an item of a list) handled inline on local variables: the open
    # mapping's dicts (`values` is None inside a list) and the key waiting for its value. A key
    # is kept as its text and libyaml's mark (YMap.key_pos), not as a node. The rare cases, and
    # opening a list or mapping, are `_Tree`'s methods.
    tree = _Tree(path, out, source)
    stack = tree.stack
    values: dict[str, YNode] | None = None
    places: dict[str, Any] = {}  # the open mapping's key marks
    key: str | None = None
    get_event, new_scalar = loader.get_event, object.__new__
    scalar_event, standard, control = yaml.ScalarEvent, _STANDARD_TAGS, CONTROL.search
    map_start, seq_start, map_end, seq_end = yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.MappingEndEvent, yaml.SequenceEndEvent
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            tag, style, text = event.tag, event.style, event.value
            if event.anchor is not None or (tag is not None and tag not in standard):  # most have no tag
                tree.unsupported(event)
            mark = event.start_mark
            # Only a double-quoted escape (`"\e"`, `"\x9b"`) can put a control character in a
            # value: libyaml itself refuses raw ones. Checking these scalars alone keeps it cheap.
            if style == '"' and (bad := control(text)) is not None:
                tree.control_char(YScalar(text, mark, False, False, style), bad)
            if key is None and values is not None:  # a mapping's key: its mark, not yet a Pos
                if text in places:
                    tree.refuse(event, "duplicate-key", f"the key '{text}' appears twice in this mapping")
                places[text] = mark
                key = text
                continue
            node = new_scalar(YScalar)  # its slots set here: calling __init__ costs more than the rest of a value
            node.text, node.mark = text, mark
            if not style:
                node.plain, node.block, node.quote = tag is None, False, ""
            else:
                node.plain, node.block, node.quote = False, style == "|" or style == ">", style if style == '"' or style == "'" else ""
            if values is not None:
                values[key] = node  # type: ignore[index]
                key = None
            elif stack:
                stack[-1].items.append(node)  # type: ignore[arg-type]
            else:
                tree.root = node
        elif kind is map_start or kind is seq_start:
            opened = tree.open(event, kind is map_start, values, key)
            values, places = (opened.items, opened.key_marks) if kind is map_start else _IN_LIST  # type: ignore[union-attr]
            key = None
        elif kind is map_end or kind is seq_end:
            stack.pop()
            top = stack[-1] if stack else None  # the innermost open collection
            values, places = (top.items, top.key_marks) if type(top) is YMap else _IN_LIST
            key = None
        elif kind is yaml.StreamEndEvent or event is None:
            break
        else:
            tree.other(event)
    return tree.root


# ---------------------------------------------------------------------------------------------
# Story text may hold line breaks and tabs, never other control characters: C0 (ESC starts the
# terminal escapes that clear a screen or retitle a window), DEL, and C1 (0x9b is a one-byte CSI).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "backspace", "\x0b": "vertical tab",
                  "\x0c": "form feed", "\r": "carriage return", "\x1b": "ESC", "\x7f": "DEL"}


def describe_control(char: str) -> str:
    """A control character named for a message, never the character itself."""
    name = _CONTROL_NAMES.get(char)
    code = f"U+{ord(char):04X}"
    return f"the control character {code} ({name})" if name else f"the control character {code}"
