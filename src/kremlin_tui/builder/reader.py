"""Typed access to the YAML tree, and file positions of characters inside its scalars.

Every other part of the builder reads story files through a `Reader`: it checks a mapping's
keys against `spec.py`, turns scalars into text, ids, numbers, booleans and dates, and reports
what is wrong with the position the writer must look at. Positions inside a scalar (where in a
`|` block an expression starts) are worked out here too, with the memos that keep them cheap.
"""

from __future__ import annotations

import bisect
import re

from kremlin_tui.dates import GameDate
from kremlin_tui.diagnostics import Collector, Pos, article, shown
from kremlin_tui.expr import NUMBER_LIMIT, LaterPos
from kremlin_tui.memo import enabled as memo_enabled
from kremlin_tui.scalarpos import folded_position, scalar_position
from kremlin_tui.spec import OBJECTS
from kremlin_tui.yamlsource import YMap, YNode, YScalar, YSeq, utf8_text

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = ("true", "True", "yes")
_FALSE = ("false", "False", "no")
_new_pos = tuple.__new__  # _new_pos(Pos, (path, line, col)): a Pos (or a LaterPos) without a Python-level __new__
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def forget_plans() -> None:
    """Drop the mappings' key plans (loader.forget: a benchmark's fresh-process rounds)."""
    for plans in _PLANS.values():
        plans.clear()


def parse_number(text: str) -> int | float | None:
    """A decimal number as a writer types it, or None; never raises, whatever the length.
    (`inf`, `nan`, `1_000` and hexadecimal are not numbers here.)"""
    text = text.strip()
    if len(text) > 100 or not _NUMBER.fullmatch(text):
        return None
    if text.lstrip("+-").isdigit():
        return int(text)
    return float(text)


def describe(node: YNode) -> str:
    """How a message names what the writer wrote where something else was expected."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return f"'{shown(node.text)}'"


def one_of(values: tuple[str, ...]) -> str:
    """'up, down or neutral': a vocabulary as a message lists it."""
    return f"{', '.join(values[:-1])} or {values[-1]}" if len(values) > 1 else "".join(values)


def is_true(node: YNode | None) -> bool:
    """A `true` without reporting anything (the value is checked where it is built)."""
    return isinstance(node, YScalar) and node.text in _TRUE


# Each kind of object's keys: their places in spec order, the required ones (in that order), all.
_FIELDS = {kind: ({f.name: i for i, f in enumerate(spec)}, tuple(f.name for f in spec if f.required),
                  frozenset(f.name for f in spec)) for kind, spec in OBJECTS.items()}
_PLANS: dict[str, dict[tuple[str, ...], tuple[tuple[str, ...], bool]]] = {kind: {} for kind in OBJECTS}  # see Reader._plan


class Reader:
    """Typed access to one story's YAML trees; problems go to `out`."""

    def __init__(self, out: Collector) -> None:
        self.out = out
        self.texts: dict[str, bytes] = {}  # each file's bytes, decoded into `lines` when first needed
        self.lines: dict[str, list[str]] = {}  # each file's lines, for positions inside scalars
        self.indents: dict[tuple[str, int], int] = {}
        self.flow_memo: dict[int, tuple[int, int, int]] = {}  # scalar_position's memo (id of a scalar)
        self.breaks: dict[int, list[int]] = {}  # line-break offsets of long block scalars
        self.folded_memo: dict[int, list[tuple[int, int]] | None] = {}  # folded_position's alignments
        self.place_now = memo_enabled()  # (see `place`; whether memos are kept does not change during a load)

    def error(self, pos: Pos, code: str, message: str) -> None:
        self.out.error(pos, code, message)

    def warning(self, pos: Pos, code: str, message: str) -> None:
        self.out.warning(pos, code, message)

    def fields(self, node: YNode, kind: str) -> dict[str, YNode] | None:
        """Check a mapping against its spec: unknown keys, missing keys."""
        if not isinstance(node, YMap):
            self.error(node.pos, "type", f"expected {article(kind)} (a mapping of keys), found {describe(node)}")
            return None
        items = node.items  # (in the order they are written)
        plan = _PLANS[kind].get(tuple(items))
        order, incomplete = plan if plan is not None else self._plan(node, kind)
        # the keys present, in spec order, less those with an empty value
        result: dict[str, YNode] = {}
        for name in order:
            value = items[name]
            if type(value) is YScalar and value.plain and value.text in NULL:
                incomplete = True  # (if it was a required key's, that key is missing)
            else:
                result[name] = value
        if incomplete:
            for name in _FIELDS[kind][1]:
                if name not in result:
                    self.error(node.pos, "missing-key", f"{article(kind)} needs '{name}'")
        return result

    def _plan(self, node: YMap, kind: str) -> tuple[tuple[str, ...], bool]:
        """A mapping's known keys in spec order (a mapping has a few of the many keys a spec
        allows), and whether a required key is not among them; its unknown keys reported. Kept
        per kind and key order when all are known: a story's mappings repeat a few dozen key
        orders (`_PLANS`)."""
        places, required, allowed = _FIELDS[kind]
        keys = node.order
        incomplete = any(name not in node.items for name in required)
        if not allowed.issuperset(keys):
            for key in keys:
                if key not in places:
                    import difflib  # (only for a misspelt name: not on every load)

                    close = difflib.get_close_matches(key, allowed, n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    self.error(node.key_pos(key), "unknown-key", f"unknown key '{shown(key)}' in {article(kind)}{hint}")
            return tuple(sorted((key for key in keys if key in places), key=places.__getitem__)), incomplete
        plan = tuple(sorted(keys, key=places.__getitem__)), incomplete
        plans = _PLANS[kind]
        if len(plans) >= 4096:  # the language server reads many stories: start afresh past this
            plans.clear()
        plans[tuple(keys)] = plan
        return plan

    def text(self, node: YNode | None, what: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, YScalar):
            self.error(node.pos, "type", f"{what} must be text, found {describe(node)}")
            return None
        return node.text

    def ident(self, node: YNode | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is None or node is None:
            return None
        if not _ID.match(value):
            self.error(node.pos, "bad-id", f"{what} '{shown(value)}' must be letters, digits and '_' (not starting with a digit)")
            return None
        return value

    def number(self, node: YNode | None, what: str, default: float | None = None) -> float | None:
        if node is None:
            return default
        value = self.text(node, what)
        if value is None:
            return default
        number = parse_number(value)
        if number is None:
            self.error(node.pos, "type", f"{what} must be a number, not '{shown(value)}'")
            return default
        if not -NUMBER_LIMIT < number < NUMBER_LIMIT:  # also NaN and infinities
            self.error(node.pos, "number", f"{what} {shown(value)} is out of range: a number in a story lies "
                       f"between -{NUMBER_LIMIT:.0e} and {NUMBER_LIMIT:.0e}".replace("e+", "e"))
            return default
        return number

    def boolean(self, node: YNode | None, what: str) -> bool:
        if node is None:
            return False
        value = self.text(node, what)
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if value is not None:
            self.error(node.pos, "type", f"{what} must be true or false, not '{shown(value)}'")
        return False

    def date(self, node: YNode | None, what: str) -> GameDate | None:
        value = self.text(node, what)
        if value is None or node is None:
            return None
        try:
            return GameDate.parse(value)
        except ValueError as exc:
            self.error(node.pos, "bad-date", f"{what}: {exc}")
            return None

    def items(self, node: YNode | None, what: str) -> list[YNode]:
        if node is None:
            return []
        if isinstance(node, YSeq):
            return node.items
        if isinstance(node, YScalar):
            return [node]
        self.error(node.pos, "type", f"{what} must be a list, found a mapping")
        return []

    def strings(self, node: YNode | None, what: str) -> tuple[str, ...]:
        return tuple(v for v in (self.text(item, what) for item in self.items(node, what)) if v is not None)

    def choice(self, node: YNode | None, what: str, values: tuple[str, ...], default: str) -> str:
        """One word of a fixed vocabulary (`spec.py` lists it); an unknown word is reported."""
        value = self.text(node, what) or default
        if value not in values and node is not None:
            self.error(node.pos, "enum", f"{what} must be {one_of(values)}")
        return value

    # -- positions ------------------------------------------------------------------------

    def lines_of(self, path: str) -> list[str]:
        """A file's lines: split the first time a position inside one of its scalars is asked
        for (a clean load asks for none; see `place`)."""
        lines = self.lines.get(path)
        if lines is None:
            text = self.texts.get(path)
            lines = self.lines[path] = [] if text is None else utf8_text(text).split("\n")
        return lines

    def place(self, scalar: YScalar, offset: int) -> Pos | LaterPos:
        """`scalar_pos(scalar, offset)`, or what to work it out from when it is first asked for
        (an expression's place is needed only for a message or the cache). The language server
        keeps built texts between checks (memo.py): there it is worked out now, so no kept text
        holds an old reader alive."""
        if offset == 0 and not scalar.block and not scalar.quote:
            return scalar.pos
        if self.place_now:
            return self.scalar_pos(scalar, offset)
        return _new_pos(LaterPos, (self.scalar_pos, scalar, offset))

    def scalar_pos(self, scalar: YScalar, offset: int) -> Pos:
        """The file position of a character inside a scalar's text."""
        pos = scalar.pos
        if not scalar.block:
            if offset == 0:
                return pos if not scalar.quote else _new_pos(Pos, (pos[0], pos[1], pos[2] + 1))
            return scalar_position(self.lines_of(pos[0]), scalar, offset, self.flow_memo)
        path, line, col = pos
        lines = self.lines_of(path)
        if line <= len(lines) and lines[line - 1][col - 1:col] == ">":  # folded: lines joined by spaces
            folded = folded_position(lines, scalar, offset, self.block_indent(scalar), self.folded_memo)
            if folded is not None:
                return folded
        line_offset, column_in_line = self._line_and_column(scalar, offset)
        # line + line_offset: the 0-based index of the line after the indicator, plus the lines before `offset`
        return _new_pos(Pos, (path, line + line_offset + 1, self.block_indent(scalar) + column_in_line + 1))

    def _line_and_column(self, scalar: YScalar, offset: int) -> tuple[int, int]:
        text = scalar.text
        if len(text) < 4096:
            return text.count("\n", 0, offset), offset - (text.rfind("\n", 0, offset) + 1)
        # a long text with many {expressions}: index its line breaks once, not per position
        breaks = self.breaks.get(id(scalar))
        if breaks is None:
            breaks = self.breaks[id(scalar)] = [m.start() for m in re.finditer("\n", text)]
        line_offset = bisect.bisect_left(breaks, offset)
        return line_offset, offset - (breaks[line_offset - 1] + 1 if line_offset else 0)

    def block_indent(self, scalar: YScalar) -> int:
        """The indentation of a `|` block's content (YAML strips it from the text)."""
        key = (scalar.pos.path, scalar.pos.line)
        indent = self.indents.get(key)
        if indent is None:
            lines = self.lines_of(scalar.pos.path)
            row = scalar.pos.line
            while row < len(lines) and not lines[row].strip():
                row += 1
            indent = len(lines[row]) - len(lines[row].lstrip(" ")) if row < len(lines) else 0
            self.indents[key] = indent
        return indent
