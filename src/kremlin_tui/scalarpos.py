"""Where a character inside a YAML scalar is in its file: the builder needs it for a message
about part of a value (an expression in an effect, a brace in a `|` text).

A scalar's text is not its source: escapes, quoting and line folding shift every later
character, so the source is walked (decoded again) to find an exact line and column. Only a
message or the story cache asks for these; a clean load asks for none.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from kremlin_tui.diagnostics import Pos

if TYPE_CHECKING:
    from kremlin_tui.yamlsource import YScalar

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
