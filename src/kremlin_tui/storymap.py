"""The campaign's map (`campaign.map` in the manifest), read and checked.

The map screen draws regions as grids of letters: each letter is a country, coloured by the
attitude of the relation it names, or the player's own country. The grids live in the story,
not in the UI code, so a mod or another campaign can redraw them. This module is separate from
the loader (which calls `build_map` once, after the relations are known) so the map's rules stay
in one small place: every mistake is reported at its file:line:col, and a map with errors is
dropped (the story still loads errors-and-all through `check`).
"""

from __future__ import annotations

from typing import Protocol

from kremlin_tui.diagnostics import Pos, shown
from kremlin_tui.model import MapCountry, MapLabel, MapRegion, RelationDef, StoryMap
from kremlin_tui.yamlsource import YNode, YScalar

DEFAULT_SEA = "~"
DEFAULT_LAND = "."
BLANK = " "  # a cell that draws nothing (e.g. beside a coast)


class Reader(Protocol):
    """What the map needs from the loader: typed access to YAML values, and errors."""

    def error(self, pos: Pos, code: str, message: str) -> None: ...
    def fields(self, node: YNode, kind: str) -> dict[str, YNode] | None: ...
    def text(self, node: YNode | None, what: str) -> str | None: ...
    def ident(self, node: YNode | None, what: str) -> str | None: ...
    def number(self, node: YNode | None, what: str, default: float | None = None) -> float | None: ...
    def boolean(self, node: YNode | None, what: str) -> bool: ...
    def items(self, node: YNode | None, what: str) -> list[YNode]: ...
    def scalar_pos(self, scalar: YScalar, offset: int) -> Pos: ...


def build_map(read: Reader, node: YNode | None, relations: dict[str, RelationDef]) -> StoryMap | None:
    """The manifest's `map`, or None when there is none or it has errors (reported)."""
    if node is None:
        return None
    values = read.fields(node, "map")
    if values is None:
        return None
    errors = _Errors(read)
    sea = _letter(errors, values.get("sea"), "map sea", DEFAULT_SEA)
    land = _letter(errors, values.get("land"), "map land", DEFAULT_LAND)
    if sea == land and "sea" in values:
        errors.report(values["sea"].pos, "map", f"the sea and the land are both drawn with '{shown(sea)}'")
    seen = {sea: "the sea", land: "land"}
    countries = _countries(errors, values.get("countries"), relations, seen)
    letters = {*seen, BLANK}  # a letter whose country had an error is no second error in the rows
    regions = tuple(r for r in (_region(errors, item, letters, sea, land) for item in read.items(values.get("regions"), "regions")) if r)
    if "regions" in values and not regions and not errors.count:
        errors.report(values["regions"].pos, "map", "the map needs at least one region")
    if errors.count:
        return None
    return StoryMap(read.text(values.get("title"), "map title") or "Map", sea, land, countries, regions, node.pos)


class _Errors:
    """Counts the map's errors, so one mistake drops the map without dropping the story."""

    def __init__(self, read: Reader) -> None:
        self.read = read
        self.count = 0

    def report(self, pos: Pos, code: str, message: str) -> None:
        self.count += 1
        self.read.error(pos, code, message)


def _letter(errors: _Errors, node: YNode | None, what: str, default: str) -> str:
    if node is None:
        return default
    value = errors.read.text(node, what)
    if value is None:
        errors.count += 1
        return default
    if len(value) != 1 or value == BLANK:
        errors.report(node.pos, "map", f"{what} must be one character (not a space), not '{shown(value)}'")
        return default
    return value


def _countries(errors: _Errors, node: YNode | None, relations: dict[str, RelationDef],
               seen: dict[str, str]) -> tuple[MapCountry, ...]:
    """The countries; `seen` (letter -> what it stands for) gains every letter claimed."""
    read = errors.read
    countries: list[MapCountry] = []
    for item in read.items(node, "countries"):
        values = read.fields(item, "map_country")
        if values is None:
            errors.count += 1
            continue
        letter = _letter(errors, values.get("letter"), "a country's letter", "")
        if not letter:
            continue
        if letter in seen:
            errors.report(values["letter"].pos, "map", f"letter '{shown(letter)}' already stands for {seen[letter]}")
            continue
        home = read.boolean(values.get("home"), "home")
        relation = read.ident(values.get("relation"), "relation") or ""
        seen[letter] = f"'{relation}'" if relation else "the home country"
        if home == bool(relation):
            errors.report(item.pos, "map", f"country '{shown(letter)}' needs either 'relation' (a relation id) "
                          "or 'home: true' (the player's own country), not both")
            continue
        if relation and relation not in relations:
            import difflib  # (only for a misspelt name: not on every load)

            close = difflib.get_close_matches(relation, list(relations), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            errors.report(values["relation"].pos, "unknown-name", f"country '{shown(letter)}': unknown relation '{shown(relation)}'{hint}")
            continue
        name = read.text(values.get("name"), "name") or ""
        countries.append(MapCountry(letter, relation, name if home else "", item.pos))
    return tuple(countries)


def _region(errors: _Errors, item: YNode, letters: set[str], sea: str, land: str) -> MapRegion | None:
    read = errors.read
    values = read.fields(item, "map_region")
    if values is None:
        errors.count += 1
        return None
    name = read.text(values.get("name"), "region name") or "?"
    scalar = values.get("rows")
    if not isinstance(scalar, YScalar):
        if scalar is not None:
            read.text(scalar, "rows")  # reports the type
        errors.count += 1
        return None
    rows = scalar.text.split("\n")
    while rows and not rows[-1]:
        rows.pop()  # a `|` block ends with a line break
    if not rows:
        errors.report(scalar.pos, "map", f"region '{shown(name)}' has no rows")
        return None
    width = len(rows[0])
    offset = 0
    unknown: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            errors.report(read.scalar_pos(scalar, offset), "map",
                          f"row {number} of region '{shown(name)}' is {len(row)} letters wide; its first row is {width}")
        for col, cell in enumerate(row):
            if cell not in letters and cell not in unknown:
                unknown.add(cell)
                errors.report(read.scalar_pos(scalar, offset + col), "map",
                              f"letter '{shown(cell)}' in region '{shown(name)}' is not a country's letter, the sea "
                              f"('{shown(sea)}') or land ('{shown(land)}'): add it to the map's countries")
        offset += len(row) + 1
    labels = tuple(label for label in (_label(errors, entry, name, rows) for entry in read.items(values.get("labels"), "labels")) if label)
    return MapRegion(name, tuple(rows), labels)


def _label(errors: _Errors, item: YNode, region: str, rows: list[str]) -> MapLabel | None:
    read = errors.read
    values = read.fields(item, "map_label")
    if values is None:
        errors.count += 1
        return None
    row = _whole(errors, values.get("row"), "label row")
    col = _whole(errors, values.get("col"), "label col")
    text = read.text(values.get("text"), "label text")
    if row is None or col is None or not text:
        if text == "":
            errors.report(item.pos, "map", "a label needs some text")
        return None
    width = len(rows[0])
    if not 1 <= row <= len(rows):
        errors.report(values["row"].pos, "map",
                      f"label '{shown(text)}': row {row} is outside region '{shown(region)}' (rows 1–{len(rows)})")
        return None
    if col < 1 or col + len(text) - 1 > width:
        errors.report(values["col"].pos, "map", f"label '{shown(text)}' at column {col} does not fit in region "
                      f"'{shown(region)}' ({width} columns wide)")
        return None
    return MapLabel(row - 1, col - 1, text)


def _whole(errors: _Errors, node: YNode | None, what: str) -> int | None:
    value = errors.read.number(node, what)
    if value is None:
        errors.count += 1
        return None
    if value != int(value):
        errors.report(node.pos if node is not None else Pos("", 0, 0), "type", f"{what} must be a whole number, not {value}")
        return None
    return int(value)
