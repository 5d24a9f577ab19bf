"""Read a YAML file into a small positioned tree, refusing hostile input before it can hurt.

We stream libyaml's parser events instead of using its composer: the composer recurses in C and
crashes on deeply nested input, and it expands nothing we could bound. Building the tree here
lets us refuse tags, aliases, excessive depth and size with a positioned error, and keep every
scalar as the text the writer typed (so a label `No` stays "No", not YAML 1.1's `False`).
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass, field

import yaml

from kremlin_tui.diagnostics import Collector, Pos
from kremlin_tui.memo import enabled as memo_enabled
from kremlin_tui.memo import memo

MAX_FILE_BYTES = 8 * 1024 * 1024
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


@dataclass(eq=False)
class YScalar:
    text: str
    pos: Pos
    plain: bool  # unquoted: may be a number, a boolean or null
    block: bool = False  # written as a `|` or `>` block
    quote: str = ""  # '"' or "'" for a quoted scalar: offsets in its text need decoding to positions


@dataclass(eq=False)
class YSeq:
    items: list[YNode]
    pos: Pos


@dataclass(eq=False)
class YMap:
    items: dict[str, YNode]
    keys: dict[str, Pos]
    pos: Pos
    order: list[str] = field(default_factory=list)


YNode = YScalar | YSeq | YMap


def read_yaml_file(path: str, display_path: str, out: Collector) -> YNode | None:
    """Return the file's tree, or None after reporting why it cannot be read."""
    data = read_limited(path, display_path, out)
    return None if data is None else parse_yaml_bytes(data, display_path, out)


def read_limited(path: str, display_path: str, out: Collector) -> bytes | None:
    """The file's bytes, refusing files over the size limit."""
    start = Pos(display_path, 1, 1)
    try:
        # O_NONBLOCK: if the file was swapped for a FIFO since it was listed, opening it must
        # not wait for a writer; fstat then refuses anything but a regular file.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                out.error(start, "io", "cannot read the file: it is not a regular file")
                return None
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        out.error(start, "io", f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        out.error(start, "too-large", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None
    return data


def parse_yaml_bytes(data: bytes, display_path: str, out: Collector) -> YNode | None:
    text = decode(data, display_path, out)
    return None if text is None else parse_yaml_text(text, display_path, out)


def decode(data: bytes, display_path: str, out: Collector) -> str | None:
    """UTF-8 text, or None after reporting where the first invalid byte is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        out.error(Pos(display_path, line, col), "encoding", "the file is not valid UTF-8")
        return None


_TREES = memo(64)  # (path, text) -> (tree, what parsing reported): files the server saw unchanged


def parse_yaml_text(text: str, display_path: str, out: Collector) -> YNode | None:
    """The file's tree; an empty or comment-only file is an empty scalar (it declares nothing).
    Nothing downstream changes a tree, so a remembered one (see memo.py) is shared."""
    if not memo_enabled():
        return _parse_yaml_text(text, display_path, out)
    key = (display_path, text)
    known = _TREES.get(key)
    if known is None:
        reported = Collector()
        known = (_parse_yaml_text(text, display_path, reported), reported.items)
        _TREES.put(key, known)
    out.items.extend(known[1])
    return known[0]


def _parse_yaml_text(text: str, display_path: str, out: Collector) -> YNode | None:
    loader = _Loader(text)
    try:
        root = _build(loader, display_path, out, text)
        return YScalar("", Pos(display_path, 1, 1), True) if root is None else root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(display_path, mark.line + 1, mark.column + 1) if mark else Pos(display_path, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        out.error(pos, "yaml", f"YAML syntax: {problem}")
    except yaml.YAMLError as exc:
        out.error(Pos(display_path, 1, 1), "yaml", f"YAML syntax: {exc}")
    except _Refused:
        pass
    finally:
        loader.dispose()
    return None


class _Refused(Exception):
    """Stops reading a file after a positioned error was reported."""


def _build(loader: yaml.CSafeLoader, path: str, out: Collector, source: str) -> YNode | None:
    # The hot loop of loading: one pass over libyaml's events, with the common case (a scalar
    # inside a mapping or a list) handled inline.
    lines: list[str] = []

    def text_lines() -> list[str]:
        if not lines:
            lines.extend(source.split("\n"))
        return lines

    stack: list[YSeq | YMap] = []
    keys: list[str | None] = []
    root: YNode | None = None
    documents = 0
    parent: YSeq | YMap | None = None
    key: str | None = None

    def refuse(event: yaml.Event, code: str, message: str) -> None:
        mark = event.start_mark
        out.error(Pos(path, mark.line + 1, mark.column + 1), code, message)
        raise _Refused

    get_event = loader.get_event
    scalar_event, stream_end = yaml.ScalarEvent, yaml.StreamEndEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    standard = _STANDARD_TAGS
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.anchor is not None:
                refuse(event, "anchor", "anchors and aliases (&name, *name) are not supported")
            tag = event.tag
            if tag not in standard:
                refuse(event, "tag", f"YAML tags such as '{tag}' are not allowed in story files")
            mark = event.start_mark
            style = event.style
            node: YNode = YScalar(event.value, Pos(path, mark.line + 1, mark.column + 1), not style and tag is None,
                                  style == "|" or style == ">", style if style == '"' or style == "'" else "")
            # Only a double-quoted escape (`"\e"`, `"\x9b"`) can put a control character in a
            # value: libyaml itself refuses raw ones. Checking these scalars alone keeps it cheap.
            if style == '"' and (bad := CONTROL.search(event.value)) is not None:
                where = scalar_position(text_lines(), node, bad.start())  # type: ignore[arg-type]
                out.error(where, "control-char", f"{describe_control(bad.group())} is not allowed in story text "
                          "(only line breaks and tabs are)")
        elif kind is map_start or kind is seq_start:
            if event.anchor is not None:
                refuse(event, "anchor", "anchors and aliases (&name, *name) are not supported")
            if event.tag not in standard:
                refuse(event, "tag", f"YAML tags such as '{event.tag}' are not allowed in story files")
            if len(stack) >= MAX_DEPTH:
                refuse(event, "too-deep", f"the file nests deeper than {MAX_DEPTH} levels")
            mark = event.start_mark
            pos = Pos(path, mark.line + 1, mark.column + 1)
            node = YMap({}, {}, pos) if kind is map_start else YSeq([], pos)
        elif kind is map_end or kind is seq_end:
            stack.pop()
            keys.pop()
            parent = stack[-1] if stack else None
            key = keys[-1] if keys else None
            continue
        elif kind is stream_end or event is None:
            break
        elif kind is yaml.AliasEvent:
            refuse(event, "alias", "anchors and aliases (&name, *name) are not supported")
            continue
        else:
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    refuse(event, "documents", "a story file holds one YAML document (remove the extra '---')")
            continue
        # attach the new node to its parent
        if parent is None:
            root = node
        elif type(parent) is YSeq:
            parent.items.append(node)
        elif key is None:
            if type(node) is not YScalar:
                refuse(event, "key", "a mapping key must be a plain word, not a list or mapping")
            text = node.text  # type: ignore[union-attr]
            if text in parent.keys:  # type: ignore[union-attr]
                refuse(event, "duplicate-key", f"the key '{text}' appears twice in this mapping")
            key = keys[-1] = text
            parent.keys[text] = node.pos  # type: ignore[union-attr]
            parent.order.append(text)  # type: ignore[union-attr]
            continue
        else:
            parent.items[key] = node  # type: ignore[index]
            key = keys[-1] = None
        if type(node) is not YScalar:
            stack.append(node)  # type: ignore[arg-type]
            keys.append(None)
            parent, key = node, None  # type: ignore[assignment]
    return root


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
    row, col = start.line - 1, start.col - 1
    quote = scalar.quote
    first = col + (1 if quote else 0)
    state = memo.get(id(scalar)) if memo is not None else None
    if state is None:
        source = lines[row][first:first + len(text)] if row < len(lines) else ""
        verbatim = source == text and not (quote == '"' and "\\" in source) and not (quote == "'" and "''" in source)
        state = _VERBATIM if verbatim else (0, row, first)
        if memo is not None:
            memo[id(scalar)] = state
    if state is _VERBATIM:
        return Pos(start.path, start.line, first + offset + 1)
    if state[0] > offset:  # asked for an earlier character than the last walk reached: start over
        state = (0, row, first)
    walked = _walk_flow(lines, state[1], state[2], quote, offset, text, state[0])
    if walked is None:
        return start
    place, checkpoint = walked
    if memo is not None and checkpoint is not None:
        memo[id(scalar)] = checkpoint
    return Pos(start.path, place[0] + 1, place[1] + 1)


def _walk_flow(lines: list[str], row: int, col: int, quote: str, offset: int, value: str,
               index: int = 0) -> tuple[tuple[int, int], tuple[int, int, int] | None] | None:
    """Decode a flow scalar from (row, col), where value character `index` starts, until value
    character `offset`: its 0-based place, and a checkpoint to resume from (or None)."""
    made: list[str] = []  # decoded characters, to check the walk against the real value
    places: list[tuple[int, int]] = []
    spaces: list[tuple[int, int]] = []  # unescaped blanks: kept only if the line goes on
    want = offset - index
    plain_last = False

    def emit(char: str, place: tuple[int, int]) -> bool:
        made.append(char)
        places.append(place)
        return len(made) > want

    while row < len(lines):
        line = lines[row]
        if col >= len(line):  # a line break: fold it
            spaces.clear()
            row += 1
            blank = 0
            while row < len(lines) and not lines[row].strip(" \t"):
                blank += 1
                row += 1
            if row >= len(lines):
                return None
            col = len(lines[row]) - len(lines[row].lstrip(" \t"))
            done = any(emit("\n", (row, col)) for _ in range(blank)) if blank else emit(" ", (row, col))
            if done:
                break
            continue
        char = line[col]
        if char in " \t":
            spaces.append((row, col))
            col += 1
            continue
        if quote and char == quote and not (quote == "'" and line[col + 1:col + 2] == "'"):
            return None  # the closing quote came first
        if spaces:
            if any(emit(line[r_c[1]], r_c) for r_c in spaces):
                break
            spaces.clear()
        if quote == "'" and char == "'":  # '' is one quote
            if emit("'", (row, col)):
                break
            col += 2
            continue
        if quote == '"' and char == "\\":
            code = line[col + 1:col + 2]
            if not code:  # an escaped line break: no character, no folding
                row += 1
                if row >= len(lines):
                    return None
                col = len(lines[row]) - len(lines[row].lstrip(" \t"))
                continue
            width = _ESCAPE_LENGTHS.get(code)
            if width:
                try:
                    decoded = chr(int(line[col + 2:col + 2 + width], 16))
                except ValueError:
                    return None
            elif code in _SIMPLE_ESCAPES:
                decoded, width = _SIMPLE_ESCAPES[code], 0
            else:
                return None
            if emit(decoded, (row, col)):
                break
            col += 2 + width
            continue
        if emit(char, (row, col)):
            plain_last = True
            break
        col += 1
    if len(made) <= want or "".join(made) != value[index:offset + 1]:
        return None
    place = places[want]
    return place, ((offset, place[0], place[1]) if plain_last else None)


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
