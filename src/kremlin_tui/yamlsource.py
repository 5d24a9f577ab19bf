"""Read a YAML file into a small positioned tree, refusing hostile input before it can hurt.

We stream libyaml's parser events instead of using its composer: the composer recurses in C and
crashes on deeply nested input, and it expands nothing we could bound. Building the tree here
lets us refuse tags, aliases, excessive depth and size with a positioned error, and keep every
scalar as the text the writer typed (so a label `No` stays "No", not YAML 1.1's `False`).
"""

from __future__ import annotations

import bisect
import codecs
import re
from typing import Any

import yaml

from kremlin_tui.diagnostics import Collector, Pos
from kremlin_tui.memo import enabled as memo_enabled
from kremlin_tui.memo import memo
from kremlin_tui.records import dataclass
from kremlin_tui.storyfiles import read_limited

MAX_DEPTH = 64
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


@dataclass(eq=False, slots=True)
class YScalar:
    """A YAML scalar with its position: the text as written, and how it was written."""

    text: str
    pos: Pos
    plain: bool  # unquoted: may be a number, a boolean or null
    block: bool = False  # written as a `|` or `>` block
    quote: str = ""  # '"' or "'" for a quoted scalar: offsets in its text need decoding to positions


@dataclass(eq=False, slots=True)
class YSeq:
    """A YAML sequence with its position."""

    items: list[YNode]
    pos: Pos


@dataclass(eq=False, slots=True)
class YMap:
    """A YAML mapping with its position and each key's (errors point at the key)."""

    items: dict[str, YNode]
    # Where each key is, as libyaml's mark (0-based line and column): a story's mappings have
    # ~9,000 keys and only a message about a key needs its place, so `key_pos` makes the Pos.
    key_marks: dict[str, Any]
    pos: Pos

    @property
    def order(self) -> list[str]:
        """The keys in the order they are written (`items` keeps it: every key has a value)."""
        return list(self.items)

    def key_pos(self, key: str) -> Pos:
        """Where `key` is written (one of this mapping's keys)."""
        mark = self.key_marks[key]
        return Pos(self.pos.path, mark.line + 1, mark.column + 1)


YNode = YScalar | YSeq | YMap


def read_yaml_file(path: str, display_path: str, out: Collector) -> YNode | None:
    """Return the file's tree, or None after reporting why it cannot be read."""
    data = read_limited(path, display_path, out)
    return None if data is None else parse_yaml_bytes(data, display_path, out)


def parse_yaml_bytes(data: bytes, display_path: str, out: Collector) -> YNode | None:
    text = decode(data, display_path, out)
    return None if text is None else parse_yaml_text(text, display_path, out, data)


def decode(data: bytes, display_path: str, out: Collector) -> str | None:
    """UTF-8 text, or None after reporting where the first invalid byte is."""
    try:
        # what "utf-8-sig" does (drop one leading byte order mark, and report offsets after
        # it), without that codec's Python-level wrapper
        return data[3:].decode("utf-8") if data.startswith(codecs.BOM_UTF8) else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        out.error(Pos(display_path, line, col), "encoding", "the file is not valid UTF-8")
        return None


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


def _parse_yaml_text(text: str, display_path: str, out: Collector, data: bytes | None = None) -> YNode | None:
    loader = _Loader(text if data is None else data)
    try:
        root = _build(loader, display_path, out, text)
        return YScalar("", Pos(display_path, 1, 1), True) if root is None else root
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
    the UTF-8 text, and its own message names "<byte string>" and that offset, not the line."""
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


_IN_LIST: tuple[None, dict[str, Any]] = (None, {})  # inside a list: no values, no key marks (never written)


class _Refused(Exception):
    """Stops reading a file after a positioned error was reported."""


class _Tree:
    """The tree being built from libyaml's events: the open collections and their keys."""

    def __init__(self, path: str, out: Collector, source: str) -> None:
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
        if not self.lines:
            self.lines.extend(self.source.split("\n"))
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

    def open(self, event: yaml.Event, mapping: bool, as_key: bool) -> YMap | YSeq:
        """The node a mapping or list starts (refused as a key, past MAX_DEPTH, or if tagged)."""
        if event.anchor is not None or event.tag not in _STANDARD_TAGS:
            self.unsupported(event)
        if len(self.stack) >= MAX_DEPTH:
            self.refuse(event, "too-deep", f"the file nests deeper than {MAX_DEPTH} levels")
        if as_key:
            self.refuse(event, "key", "a mapping key must be a plain word, not a list or mapping")
        mark = event.start_mark
        pos = tuple.__new__(Pos, (self.path, mark.line + 1, mark.column + 1))
        return YMap({}, {}, pos) if mapping else YSeq([], pos)


def _build(loader: yaml.CSafeLoader, path: str, out: Collector, source: str) -> YNode | None:
    # The hot loop of loading: one pass over libyaml's events, with the common cases (a key or a
    # value inside a mapping, an item of a list) handled inline on local variables: the open
    # mapping's dicts (`values` is None inside a list) and the key waiting for its value. A key
    # is kept as its text and libyaml's mark (YMap.key_pos), not as a node. The rare cases are `_Tree`'s methods.
    tree = _Tree(path, out, source)
    stack = tree.stack
    values: dict[str, YNode] | None = None
    places: dict[str, Any] = {}  # the open mapping's key marks
    key: str | None = None
    get_event, new_tuple = loader.get_event, tuple.__new__  # new_tuple(Pos, ...): no Python-level __new__
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
                pos = new_tuple(Pos, (path, mark.line + 1, mark.column + 1))
                tree.control_char(YScalar(text, pos, False, False, style), bad)
            if key is None and values is not None:  # a mapping's key: its mark, not yet a Pos
                if text in places:
                    tree.refuse(event, "duplicate-key", f"the key '{text}' appears twice in this mapping")
                places[text] = mark
                key = text
                continue
            pos = new_tuple(Pos, (path, mark.line + 1, mark.column + 1))
            node: YNode = YScalar(text, pos, not style and tag is None, style == "|" or style == ">",
                                  style if style == '"' or style == "'" else "")
        elif kind is map_start or kind is seq_start:
            node = tree.open(event, kind is map_start, key is None and values is not None)
        elif kind is map_end or kind is seq_end:
            stack.pop()
            top = stack[-1] if stack else None  # the innermost open collection
            values, places = (top.items, top.key_marks) if type(top) is YMap else _IN_LIST
            key = None
            continue
        elif kind is yaml.StreamEndEvent or event is None:
            break
        else:
            tree.other(event)
            continue
        # attach the new node to its parent
        if values is not None:
            values[key] = node  # type: ignore[index]
            key = None
        elif stack:
            stack[-1].items.append(node)  # type: ignore[arg-type]
        else:
            tree.root = node
        if type(node) is not YScalar:
            stack.append(node)  # type: ignore[arg-type]
            values, places = (node.items, node.key_marks) if type(node) is YMap else _IN_LIST
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


_ESCAPE_LENGTHS = {"x": 2, "u": 4, "U": 8}
_SIMPLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
                   "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
                   "_": "\xa0", "L": "\u2028", "P": "\u2029"}


_VERBATIM = (-1, -1, -1)  # memo: the value is its source, on one line
_new_pos = tuple.__new__  # _new_pos(Pos, (path, line, col)): a Pos without its Python-level __new__


def scalar_position(lines: list[str], scalar: YScalar, offset: int, memo: dict[int, tuple[int, int, int]] | None = None) -> Pos:
    """The file position of character `offset` of a flow (plain or quoted) scalar's value.

    A value is not its source: escapes (`\\n` is two characters in the file, one in the value)
    and line folding (a line break in the file is a space in the value) shift every later
    character. Walking the source while decoding it gives exact positions; if the walk does not
    reproduce the value (a case it does not model), the scalar's start is the honest answer.
    `memo` (one dict per load) keeps, per scalar, whether it is verbatim or where the last walk
    stopped, so many positions in one long scalar cost one walk, not one each.
    """
    start = scalar.pos
    text = scalar.text
    if offset >= len(text):  # just past the end (e.g. "nothing after '='")
        if not text:
            return start if not scalar.quote else Pos(start.path, start.line, start.col + 1)
        last = scalar_position(lines, scalar, len(text) - 1, memo)
        return last if last == start else Pos(last.path, last.line, last.col + 1 + offset - len(text))
    path, line, col = start
    quote = scalar.quote
    first = col if quote else col - 1  # 0-based column of the value's first character
    state = memo.get(id(scalar)) if memo is not None else None
    if state is None:
        source = lines[line - 1][first:first + len(text)] if line <= len(lines) else ""
        verbatim = source == text and not (quote == '"' and "\\" in source) and not (quote == "'" and "''" in source)
        state = _VERBATIM if verbatim else (0, line - 1, first)
        if memo is not None:
            memo[id(scalar)] = state
    if state is _VERBATIM:
        return _new_pos(Pos, (path, line, first + offset + 1))
    if state[0] > offset:  # asked for an earlier character than the last walk reached: start over
        state = (0, line - 1, first)
    walked = _walk_flow(lines, state[1], state[2], quote, offset, text, state[0])
    if walked is None:
        return start
    place, checkpoint = walked
    if memo is not None and checkpoint is not None:
        memo[id(scalar)] = checkpoint
    return Pos(path, place[0] + 1, place[1] + 1)


def _walk_flow(lines: list[str], row: int, col: int, quote: str, offset: int, value: str,
               index: int = 0) -> tuple[tuple[int, int], tuple[int, int, int] | None] | None:
    """Decode a flow scalar from (row, col), where value character `index` starts, until value
    character `offset`: its 0-based place, and a checkpoint to resume from (or None)."""
    want = offset - index
    walk = _FlowWalk(lines, row, col, quote, want)
    if walk.run() == _FAIL or len(walk.made) <= want or "".join(walk.made) != value[index:offset + 1]:
        return None
    place = walk.places[want]
    return place, ((offset, place[0], place[1]) if walk.plain_last else None)


_FAIL, _DONE, _GO = 0, 1, 2  # a step of the walk: the text is not what was expected; found; go on


class _FlowWalk:
    """A flow scalar decoded character by character, each with the place it was read from."""

    def __init__(self, lines: list[str], row: int, col: int, quote: str, want: int) -> None:
        self.lines, self.row, self.col, self.quote, self.want = lines, row, col, quote, want
        self.made: list[str] = []  # decoded characters, to check the walk against the real value
        self.places: list[tuple[int, int]] = []
        self.spaces: list[tuple[int, int]] = []  # unescaped blanks: kept only if the line goes on
        self.plain_last = False

    def emit(self, char: str, place: tuple[int, int]) -> bool:
        self.made.append(char)
        self.places.append(place)
        return len(self.made) > self.want

    def run(self) -> int:
        lines = self.lines
        while self.row < len(lines):
            line = lines[self.row]
            step = self.line_break() if self.col >= len(line) else self.char(line, line[self.col])
            if step != _GO:
                return step
        return _GO

    def line_break(self) -> int:
        """Fold a line break: one space, or a line feed per blank line."""
        lines = self.lines
        self.spaces.clear()
        self.row += 1
        blank = 0
        while self.row < len(lines) and not lines[self.row].strip(" \t"):
            blank += 1
            self.row += 1
        if self.row >= len(lines):
            return _FAIL
        self.col = len(lines[self.row]) - len(lines[self.row].lstrip(" \t"))
        place = (self.row, self.col)
        done = any(self.emit("\n", place) for _ in range(blank)) if blank else self.emit(" ", place)
        return _DONE if done else _GO

    def char(self, line: str, char: str) -> int:
        quote = self.quote
        if char in " \t":
            self.spaces.append((self.row, self.col))
            self.col += 1
            return _GO
        if quote and char == quote and not (quote == "'" and line[self.col + 1:self.col + 2] == "'"):
            return _FAIL  # the closing quote came first
        if self.spaces:
            if any(self.emit(line[r_c[1]], r_c) for r_c in self.spaces):
                return _DONE
            self.spaces.clear()
        if quote == "'" and char == "'":  # '' is one quote
            if self.emit("'", (self.row, self.col)):
                return _DONE
            self.col += 2
            return _GO
        if quote == '"' and char == "\\":
            return self.escape(line)
        if self.emit(char, (self.row, self.col)):
            self.plain_last = True
            return _DONE
        self.col += 1
        return _GO

    def escape(self, line: str) -> int:
        """A backslash escape in a double-quoted scalar (or an escaped line break)."""
        col = self.col
        code = line[col + 1:col + 2]
        if not code:  # an escaped line break: no character, no folding
            self.row += 1
            if self.row >= len(self.lines):
                return _FAIL
            self.col = len(self.lines[self.row]) - len(self.lines[self.row].lstrip(" \t"))
            return _GO
        width = _ESCAPE_LENGTHS.get(code)
        if width:
            try:
                decoded = chr(int(line[col + 2:col + 2 + width], 16))
            except ValueError:
                return _FAIL
        elif code in _SIMPLE_ESCAPES:
            decoded, width = _SIMPLE_ESCAPES[code], 0
        else:
            return _FAIL
        if self.emit(decoded, (self.row, col)):
            return _DONE
        self.col = col + 2 + width
        return _GO


def folded_position(lines: list[str], scalar: YScalar, offset: int, indent: int,
                    memo: dict[int, list[tuple[int, int]] | None] | None = None) -> Pos | None:
    """The file position of character `offset` of a `>` (folded) block's value, or None if the
    source cannot be aligned with the value. Folding joins lines with a space (or keeps line
    breaks), so each source line is found in the value once; `memo` keeps that alignment."""
    key = id(scalar)
    starts = memo.get(key, ()) if memo is not None else ()
    if starts == ():
        starts = _align_folded(lines, scalar, indent)
        if memo is not None:
            memo[key] = starts
    if not starts:
        return None
    index = bisect.bisect_right(starts, (offset, len(lines))) - 1
    if index < 0:
        return None
    begin, row = starts[index]
    width = len(lines[row]) - indent
    column = indent + min(offset - begin, width)  # a folding space or break: the end of its line
    return Pos(scalar.pos.path, row + 1, column + 1)


def _align_folded(lines: list[str], scalar: YScalar, indent: int) -> list[tuple[int, int]] | None:
    value = scalar.text
    starts: list[tuple[int, int]] = []
    index, row = 0, scalar.pos.line  # the line after the `>` indicator (0-based)
    while row < len(lines) and index < len(value):
        line = lines[row]
        if not line.strip():
            row += 1
            continue
        if len(line) - len(line.lstrip(" ")) < indent:
            break  # the block has ended
        content = line[indent:]
        start = index
        while not value.startswith(content, start):
            if start >= len(value) or value[start] not in " \n" or start - index > 1000:
                return None
            start += 1
        starts.append((start, row))
        index = start + len(content)
        row += 1
    return starts or None
