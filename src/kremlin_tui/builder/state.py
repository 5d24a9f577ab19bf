"""The state a story declares: stats, relations and flags, and the names expressions may read.

`story_variables` is the one place that says which names an expression can read and what
values each can hold: the loader checks expressions against it, and the checker narrows each
flag to the values something in the story can give it.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from kremlin_tui.builder.declarations import Declarations, Declared
from kremlin_tui.builder.reader import Reader, one_of
from kremlin_tui.calendar import DAY, DECISIONS, MONTH, YEAR
from kremlin_tui.diagnostics import Pos, shown
from kremlin_tui.expr import BOOL, CALENDAR, NUM, RESERVED, STR, VarInfo
from kremlin_tui.model import FlagDef, RelationDef, StatDef
from kremlin_tui.records import dataclass
from kremlin_tui.spec import POLARITIES, RESTS_AT, Polarity
from kremlin_tui.yamlsource import YMap, YNode


@dataclass(frozen=True)
class StateDefs:
    """The story's declared stats, relations and flags, by id."""

    stats: dict[str, StatDef]
    relations: dict[str, RelationDef]
    flags: dict[str, FlagDef]


def story_variables(stats: Mapping[str, StatDef], relations: Mapping[str, RelationDef], flags: Mapping[str, FlagDef],
                    flag_values: Mapping[str, Set[Any]] | None = None) -> dict[str, VarInfo]:
    """Every name an expression can read. `flag_values` narrows flags to the values they can
    really take (the checker's refined scope); by default a flag may hold any of its values."""
    variables: dict[str, VarInfo] = {}
    for s in stats.values():
        variables[s.id] = VarInfo(NUM, s.min, s.max)
    for r in relations.values():
        variables[r.id] = VarInfo(NUM, r.min, r.max)
    for f in flags.values():
        kind = BOOL if f.values is None else STR
        if flag_values is not None:
            values = frozenset(flag_values[f.id])
        else:
            values = frozenset({True, False}) if f.values is None else frozenset(f.values)
        variables[f.id] = VarInfo(kind, values=values)
    variables[YEAR] = VarInfo(NUM, 1, 9999)
    variables[MONTH] = VarInfo(NUM, 1, 12)
    variables[DAY] = VarInfo(NUM, 1, 31)
    variables[DECISIONS] = VarInfo(NUM, 0, float("inf"))
    assert set(CALENDAR) <= set(variables)
    return variables


class _Names:
    """Stats, relations and flags share one namespace: each id is claimed once."""

    def __init__(self, read: Reader) -> None:
        self.read = read
        self.seen: dict[str, Pos] = {}

    def claim(self, node: YNode | None, what: str) -> str | None:
        sid = self.read.ident(node, what)
        if sid is None or node is None:
            return None
        if sid in RESERVED:
            self.read.error(node.pos, "reserved", f"'{sid}' is a reserved name; choose another id")
            return None
        if sid in self.seen:
            self.read.error(node.pos, "duplicate-id", f"'{sid}' is already declared at {self.seen[sid]}")
            return None
        self.seen[sid] = node.pos
        return sid


def build_state(read: Reader, raw: Declarations) -> StateDefs:
    names = _Names(read)
    stats = {s.id: s for s in (_stat(read, names, d) for d in raw.stats) if s is not None}
    relations = {r.id: r for r in (_relation(read, names, d) for d in raw.relations) if r is not None}
    flags = {f.id: f for f in (_flag(read, names, d) for d in raw.flags) if f is not None}
    return StateDefs(stats, relations, flags)


def _stat(read: Reader, names: _Names, declared: Declared) -> StatDef | None:
    values, pos = declared.values, declared.pos
    sid = names.claim(values.get("id"), "stat id")
    label = read.text(values.get("label"), "label")
    low = read.number(values.get("min"), "min", 0)
    high = read.number(values.get("max"), "max", 100)
    initial = read.number(values.get("initial"), "initial")
    if sid is None or label is None or initial is None or low is None or high is None:
        return None
    if not low <= initial <= high:
        read.error(pos, "range", f"stat '{sid}': initial {initial} is outside {low}..{high}")
    polarity = read.choice(values.get("polarity"), "polarity", POLARITIES, Polarity.UP)
    polarity = Polarity(polarity) if polarity in POLARITIES else polarity  # else the story does not load
    hidden = read.boolean(values.get("hidden"), "hidden")
    rests_at = _rests_at(read, values.get("rests_at"), sid, hidden)
    return StatDef(sid, label, low, high, initial, read.text(values.get("description"), "description") or "",
                   hidden, polarity, pos, rests_at)


def _rests_at(read: Reader, node: YNode | None, sid: str, hidden: bool) -> str | None:
    rests_at = read.text(node, "rests_at")
    if rests_at is None or node is None:
        return None
    if rests_at not in RESTS_AT:
        read.error(node.pos, "enum", f"rests_at must be {one_of(RESTS_AT)}")
        return None
    if not hidden:  # a visible stat stuck at a bound is what the dead-stat report exists to catch
        read.error(node.pos, "rests-at-visible",
                   f"stat '{sid}': rests_at is only for hidden counters; give a visible stat consequences")
        return None
    return rests_at


def _relation(read: Reader, names: _Names, declared: Declared) -> RelationDef | None:
    values, pos = declared.values, declared.pos
    rid = names.claim(values.get("id"), "relation id")
    name = read.text(values.get("name"), "name")
    initial = read.number(values.get("initial"), "initial")
    low = read.number(values.get("min"), "min", -100)
    high = read.number(values.get("max"), "max", 100)
    if rid is None or name is None or initial is None or low is None or high is None:
        return None
    if not low <= initial <= high:
        read.error(pos, "range", f"relation '{rid}': initial {initial} is outside {low}..{high}")
    return RelationDef(rid, name, low, high, initial, read.text(values.get("description"), "description") or "", pos)


def _flag(read: Reader, names: _Names, declared: Declared) -> FlagDef | None:
    values, pos = declared.values, declared.pos
    fid = names.claim(values.get("id"), "flag id")
    if fid is None:
        return None
    description = read.text(values.get("description"), "description") or ""
    options = read.strings(values.get("values"), "values") if "values" in values else None
    initial_node = values.get("initial")
    initial: bool | str
    if options is None:
        initial = read.boolean(initial_node, "initial")
    elif not options:
        read.error(pos, "enum", f"flag '{fid}': 'values' is empty")
        return None
    else:
        initial = read.text(initial_node, "initial") if initial_node is not None else options[0]  # type: ignore[assignment]
        if initial not in options:
            where = initial_node.pos if initial_node else pos
            read.error(where, "enum", f"flag '{fid}': initial '{shown(str(initial))}' is not one of its values")
            initial = options[0]
    labels = _labels(read, fid, values.get("labels"), options)
    return FlagDef(fid, description, options, initial, pos, labels)


def _labels(read: Reader, fid: str, node: YNode | None, options: tuple[str, ...] | None) -> tuple[tuple[str, str], ...]:
    """`labels: {value: words}`: what a player reads for a value, checked against the values."""
    if node is None:
        return ()
    if options is None:
        read.error(node.pos, "labels", f"flag '{fid}': labels are for a flag with values; a true/false flag "
                   "is put into words by its description")
        return ()
    if not isinstance(node, YMap):
        read.error(node.pos, "type", f"flag '{fid}': labels must be a mapping of value: words, e.g. "
                   f"{{{options[-1]}: …}}")
        return ()
    labels: list[tuple[str, str]] = []
    for key in node.order:
        if key not in options:
            import difflib  # (only for a misspelt name: not on every load)

            close = difflib.get_close_matches(key, options, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; its values: {shown(', '.join(options), 200)}"
            if " " in key:  # {a: one, two}: YAML read "two" as a key of its own
                hint += " (a label with a comma in it needs quotes)"
            read.error(node.key_pos(key), "enum", f"flag '{fid}': label for '{shown(key)}', which is not one of its values{hint}")
            continue
        words = read.text(node.items[key], f"flag '{fid}': the label of '{key}'")
        if words is not None and not words.strip():
            read.error(node.items[key].pos, "labels", f"flag '{fid}': the label of '{key}' is empty")
        elif words is not None:
            labels.append((key, " ".join(words.split())))
    return tuple(labels)
