"""Translate a story to ink (https://github.com/inkle/ink), so the engine can be measured
against inkjs playing the same game (bench/bench_ink.py, issue 19).

    python bench/ink/translate.py [STORY_DIR] [-o OUT.ink] [--text] [--trace]

The translation keeps the game's logic exactly; `bench_ink.py --verify` replays inkjs's games in
our engine and checks every decision (the scene, the choices offered, the outcome drawn) and the
final values. How each part maps:

- a scene, event or ending -> a knot `k_<id>`; its date -> the calendar variables, set on entry
  by the engine's rule (a scene moves the calendar to its date unless it is earlier; an event's
  day is its date, else its window's opening day, else the day it was scheduled for);
- a choice -> `* (c_<id>) {condition} [label]`: ink's once-only `*` for `once: true` (ink hides a
  chosen `*` choice, as we hide a chosen `once` choice), sticky `+` otherwise; a fallback choice
  is guarded by "no other choice is available" (ink's own fallback choices are taken without the
  player, ours are shown and count as decisions);
- effects -> assignments, clamped to the stat's range and rounded half away from zero when the
  value can be fractional, in the engine's order: the choice's effects, the outcome draw, the
  outcome's effects, `decisions + 1`, the result text, the move;
- weighted outcomes -> one RANDOM draw in [0, 1) (six decimal places) against the cumulative
  weights, negative weights counting 0 and an all-zero draw picking uniformly (effects.py);
- events -> every move to a scene goes through the knot `go(-> target, day)`, which asks
  `due_event(day)` for the first event in firing order that has not fired, whose window is open
  on the day the move reaches and has not closed, and whose condition holds (the engine's
  `events.Due` gives exactly the linear scan's answer); an event shown saves the target in
  `resume`, and an event's choice without a `goto` moves on to it through `go` again (a flat
  knot, not a tunnel: an event's choice with its own `goto` would leave a tunnel's frame behind);
  `--events by_year` groups the events by the current year first (`Translator._due`);
- `schedule EVENT on DATE / in N units` -> the event's own date variables (month arithmetic
  clamps to the month's end, as dates.py does);
- expressions -> ink expressions: `visited(x)` is the knot's read count, `chose(a.b)` the
  labelled choice's, `if()` / `attitude()` / `%` small ink functions, `/` a float division that
  gives 0 for a 0 divisor (expr_compile.py), chained comparisons a conjunction;
- an ending -> its knot ends the story (`-> END`).

Approximations (they do not change which choices a game offers, takes or how it ends): numbers
are not capped at +-10^15 (no story value comes near it); codex unlocks are not translated
(nothing an expression reads depends on them; our engine still does that work); with `--text`,
interpolated numbers print as ink prints them (a true flag prints "true", not "yes"; 2.5 prints
"2.5", 2.333 more digits) and a locked choice is not listed (ink cannot show a choice that cannot
be taken), and "Why?"/previews have no ink counterpart. Without `--text`, a knot has no prose and
a choice is labelled with its id, as `explore` plays without rendering.
`--trace` adds a line `@k <scene>` on entering each knot and `@o <n>` for each outcome drawn,
for the verifier.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from kremlin_tui.expr_ast import And, Arith, Ast, Call, Cmp, Const, Neg, Not, Or, Ref, Var, walk

INK_FUNCTIONS = """\
=== function iff(c, a, b) ===
{ c:
    ~ return a
}
~ return b

=== function div(a, b) ===
{ b == 0:
    ~ return 0
}
~ return FLOAT(a) / b

=== function mod(a, b) ===
{ b == 0:
    ~ return 0
}
~ temp r = a % b
{ r != 0 && (r < 0) != (b < 0):
    ~ r = r + b
}
~ return r

=== function rnd(x) ===
{ x >= 0:
    ~ return INT(x + 0.5)
}
~ return 0 - INT(0.5 - x)

=== function attitude(x) ===
{
- x <= -60: ~ return "hostile"
- x <= -30: ~ return "cold"
- x <= -10: ~ return "wary"
- x < 10: ~ return "neutral"
- x < 30: ~ return "cordial"
- x < 60: ~ return "friendly"
}
~ return "allied"

=== function setd(o, y, m, d, p) ===
~ v_today = o
~ v_year = y
~ v_month = m
~ v_day = d
~ v_prec = p

=== function days_in(y, m) ===
{ m == 2:
    { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0:
        ~ return 29
    }
    ~ return 28
}
{ m == 4 || m == 6 || m == 9 || m == 11:
    ~ return 30
}
~ return 31

// Python's date.toordinal() of a day (Howard Hinnant's days_from_civil, shifted)
=== function ordinal(y, m, d) ===
~ temp yy = y
{ m <= 2:
    ~ yy = y - 1
}
~ temp era = yy / 400
~ temp yoe = yy - era * 400
~ temp mp = (m + 9) % 12
~ temp doy = (153 * mp + 2) / 5 + d - 1
~ temp doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
~ return era * 146097 + doe - 719468 + 719163

// the day `n` days or months after today, into g_o, g_y, g_m, g_d, g_p (dates.py's GameDate.plus)
=== function plus_months(n) ===
~ temp index = v_year * 12 + v_month - 1 + n
~ g_y = index / 12
~ g_m = index % 12 + 1
~ g_d = MIN(v_day, days_in(g_y, g_m))
~ g_o = ordinal(g_y, g_m, g_d)
~ g_p = v_prec

=== function plus_days(n) ===
~ g_o = v_today + n
~ temp z = g_o - 719163 + 719468
~ temp era = z / 146097
~ temp doe = z - era * 146097
~ temp yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
~ temp doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
~ temp mp = (5 * doy + 2) / 153
~ g_d = doy - (153 * mp + 2) / 5 + 1
~ g_m = mp + 3
{ g_m > 12:
    ~ g_m = g_m - 12
}
~ g_y = yoe + era * 400
{ g_m <= 2:
    ~ g_y = g_y + 1
}
~ g_p = 3

=== function date_text() ===
~ temp name = month_name(v_month)
{
- v_prec == 1: ~ return "{v_year}"
- v_prec == 2: ~ return "{name} {v_year}"
}
~ return "{v_day} {name} {v_year}"

=== function month_name(m) ===
{ m:
- 1: ~ return "January"
- 2: ~ return "February"
- 3: ~ return "March"
- 4: ~ return "April"
- 5: ~ return "May"
- 6: ~ return "June"
- 7: ~ return "July"
- 8: ~ return "August"
- 9: ~ return "September"
- 10: ~ return "October"
- 11: ~ return "November"
}
~ return "December"
"""

PRECISION = {"year": 1, "month": 2, "day": 3}
# a character ink reads as markup anywhere in a line of text: escaped with a backslash
_SPECIAL = set("\\{}[]|#/<>-*+=~:")


class TranslationError(Exception):
    """The story uses something this translator cannot express in ink."""


def knot(node_id: str) -> str:
    return f"k_{node_id}"


def var(name: str) -> str:
    return f"v_{name}"


def escape(text: str) -> str:
    """Literal text for ink: markup characters escaped, a line break a space (callers split lines)."""
    return "".join(f"\\{ch}" if ch in _SPECIAL else " " if ch == "\n" else ch for ch in text)


# -- expressions ----------------------------------------------------------------------------------


def expr(ast: Ast) -> str:
    """An ink expression with the value our expression language gives (fully bracketed: ink's
    precedence of `not` differs from ours)."""
    match ast:
        case Const(value):
            return _const(value)
        case Var(name):
            return var(name)
        case And(items) | Or(items):
            joiner = " && " if type(ast) is And else " || "
            return "(" + joiner.join(expr(item) for item in items) + ")"
        case Not(operand):
            return f"(not {expr(operand)})"
        case Neg(operand):
            return f"(0 - {expr(operand)})"
        case Arith(op, left, right):
            return _arith(op, left, right)
        case Cmp(ops, operands):
            values = [expr(item) for item in operands]
            parts = [f"({values[i]} {op} {values[i + 1]})" for i, op in enumerate(ops)]
            return parts[0] if len(parts) == 1 else "(" + " && ".join(parts) + ")"
        case Call(name, args):
            return _call(name, args)
    raise TranslationError(f"unknown expression node {type(ast).__name__}")


def _const(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return f"FLOAT({int(value)})"  # inkjs's JSON writes 7.0 as 7, an integer: 22 / 7.0 would become 3
    if isinstance(value, int | float):
        return repr(value)
    if '"' in value or "\n" in value:
        raise TranslationError(f"ink strings cannot hold {value!r}")
    return f'"{value}"'


def _arith(op: str, left: Ast, right: Ast) -> str:
    a, b = expr(left), expr(right)
    if op == "/":
        if type(right) is Const and not isinstance(right.value, bool | str):
            return "0" if right.value == 0 else f"(FLOAT({a}) / {_const(right.value)})"
        return f"div({a}, {b})"
    if op == "%":
        return f"mod({a}, {b})"
    return f"({a} {op} {b})"


def _call(name: str, args: tuple[Ast, ...]) -> str:
    if name in ("visited", "chose", "attitude"):
        ref = args[0]
        if type(ref) is not Ref:
            raise TranslationError(f"{name}() takes a name")
        if name == "visited":
            return knot(ref.name)
        if name == "chose":
            scene, choice = ref.name.split(".", 1)
            return f"({knot(scene)}.c_{choice} > 0)"
        return f"attitude({var(ref.name)})"
    inner = [expr(a) for a in args]
    if name == "if":
        return f"iff({', '.join(inner)})"
    if name in ("min", "max"):
        out = inner[0]
        for item in inner[1:]:
            out = f"{name.upper()}({out}, {item})"
        return out
    if name == "abs":
        return f"MAX({inner[0]}, 0 - {inner[0]})"
    if name == "clamp":
        return f"MAX({inner[1]}, MIN({inner[2]}, {inner[0]}))"
    raise TranslationError(f"no ink translation for {name}()")


def may_be_fractional(ast: Ast) -> bool:
    """Whether an expression can give a fraction (a division or a decimal literal in it)."""
    return any((type(node) is Arith and node.op == "/") or (type(node) is Const and isinstance(node.value, float))
               for node in walk(ast))


# -- text -----------------------------------------------------------------------------------------


def inline(template: Any) -> str:
    """A template on one line: `{if}` passages become nested inline conditionals."""
    return "" if template is None else _inline_parts(template.parts).replace("\n", " ").strip()


def _inline_parts(parts: list[Any]) -> str:
    out: list[str] = []
    for part in parts:
        name = type(part).__name__
        if name == "Text":
            out.append(escape(part.text))
        elif name == "Interp":
            out.append("{" + expr(part.expr.ast) + "}")
        else:
            out.append(_inline_cond(part.branches))
    return "".join(out)


def _inline_cond(branches: list[tuple[Any, list[Any]]]) -> str:
    cond, body = branches[0]
    if cond is None:
        return _inline_parts(body)
    rest = _inline_cond(branches[1:]) if len(branches) > 1 else ""
    return "{" + expr(cond.ast) + ": " + _inline_parts(body) + ("|" + rest if rest else "") + "}"


def block(template: Any) -> list[str]:
    """A template as ink lines: a passage whose text spans lines becomes a multiline
    conditional; blank lines (paragraph breaks) are dropped, as ink drops them."""
    if template is None:
        return []
    lines: list[str] = []
    current: list[str] = []
    _block_parts(template.parts, lines, current)
    _flush(lines, current)
    return lines


def _flush(lines: list[str], current: list[str]) -> None:
    text = "".join(current).strip()
    if text:
        lines.append(text)
    current.clear()


def _block_parts(parts: list[Any], lines: list[str], current: list[str]) -> None:
    for part in parts:
        name = type(part).__name__
        if name == "Cond" and _spans_lines(part):
            _flush(lines, current)
            lines.append("{")
            for cond, body in part.branches:
                lines.append(f"- {expr(cond.ast)}:" if cond is not None else "- else:")
                inner: list[str] = []
                _block_parts(body, inner, [])
                lines.extend(f"    {line}" for line in inner)
            lines.append("}")
        elif name == "Text" and "\n" in part.text:
            pieces = part.text.split("\n")
            current.append(escape(pieces[0]))
            for piece in pieces[1:]:
                _flush(lines, current)
                current.append(escape(piece))
        else:
            current.append(_inline_parts([part]))
    _flush(lines, current)


def _spans_lines(cond: Any) -> bool:
    return any(_text_of(body) for _c, body in cond.branches)


def _text_of(parts: list[Any]) -> bool:
    for part in parts:
        name = type(part).__name__
        if (name == "Text" and "\n" in part.text.strip("\n")) or (name == "Cond" and _spans_lines(part)):
            return True
    return False


# -- the story ------------------------------------------------------------------------------------


class Translator:
    def __init__(self, story: Any, text: bool, trace: bool, events: str) -> None:
        self.story = story
        self.text = text
        self.trace = trace
        self.events = events
        self.out: list[str] = []

    def emit(self, *lines: str) -> None:
        self.out.extend(lines)

    def run(self) -> str:
        story = self.story
        start = story.campaign.start_date
        self.emit("// translated from the story by bench/ink/translate.py (do not edit)")
        for name, value in story.initial_vars().items():
            self.emit(f"VAR {var(name)} = {_const(value)}")
        self.emit(f"VAR v_year = {start.day.year}", f"VAR v_month = {start.day.month}", f"VAR v_day = {start.day.day}",
                  "VAR v_decisions = 0", f"VAR v_today = {start.day.toordinal()}", f"VAR v_prec = {PRECISION[start.precision]}",
                  f"VAR resume = -> {knot(story.campaign.start)}", "VAR resume_day = 0", 'VAR v__ending = ""',
                  "VAR g_o = 0", "VAR g_y = 0", "VAR g_m = 0", "VAR g_d = 0", "VAR g_p = 0")
        for event_id in self._scheduled():
            self.emit(*(f"VAR s_{event_id}{suffix} = 0" for suffix in ("", "_y", "_m", "_d", "_p")))
        self.emit("", f"-> {knot(story.campaign.start)}", "")
        self._go()
        self._due()
        for node in story.nodes.values():
            self._node(node)
        self.emit(INK_FUNCTIONS)
        return "\n".join(self.out) + "\n"

    def _scheduled(self) -> list[str]:
        return [e for e in self.story.events if self.story.nodes[e].event.scheduled]

    def _go(self) -> None:
        self.emit(
            "=== go(-> dest, dest_day) ===",
            "~ temp e = due_event(MAX(dest_day, v_today))",
            "{ e != -> k__none:",
            "    ~ resume = dest",
            "    ~ resume_day = dest_day",
            "    -> e",
            "}",
            "-> dest",
            "",
            "=== k__none ===",
            "-> END",
            "",
        )

    def _due(self) -> None:
        """`due_event(limit)`: the first due event in firing order, or `-> k__none`. "scan" tests
        every event on every move (the engine's old linear scan); "by_year" first picks, by the
        current year Y, the events that can be due while the move ends before Y+2 (not closed
        before Y, opening by the end of Y+1), as an ink author might, and scans them all only for
        a longer move."""
        events = list(self.story.events)
        if self.events == "scan":
            self._due_function("due_event", events)
            return
        first = self.story.campaign.start_date.day.year
        last = max([first, *(self._window(e)[0].year for e in events), *(d.year for d in self._dates())])
        self.emit("=== function due_event(limit) ===", "{ v_year:")
        for year in range(first, last + 1):
            self.emit(f"- {year}: ~ return due_{year}(limit)")
        self.emit("}", "~ return due_all(limit)", "")
        self._due_function("due_all", events)
        for year in range(first, last + 1):
            start, end = date(year, 1, 1), date(min(year + 1, date.max.year), 12, 31)
            inside = [e for e in events if self._window(e)[1] >= start and self._window(e)[0] <= end]
            self._due_function(f"due_{year}", inside, f"{{ limit > {end.toordinal()}:\n    ~ return due_all(limit)\n}}")

    def _window(self, event_id: str) -> tuple[date, date]:
        """The first and last day an event can be due on (a scheduled one: any day)."""
        trigger = self.story.nodes[event_id].event
        opens = trigger.after.day if trigger.after is not None and not trigger.scheduled else date.min
        return opens, trigger.last_day if trigger.before is not None else date.max

    def _dates(self) -> Iterator[date]:
        for node in self.story.nodes.values():
            if node.date is not None:
                yield node.date.day

    def _due_function(self, name: str, events: list[str], guard: str = "") -> None:
        self.emit(f"=== function {name}(limit) ===", *guard.splitlines())
        for event_id in events:
            trigger = self.story.nodes[event_id].event
            tests = [f"{knot(event_id)} == 0"]
            if trigger.scheduled:
                tests += [f"s_{event_id} > 0", f"s_{event_id} <= limit"]
            elif trigger.after is not None:
                tests.append(f"{trigger.after.day.toordinal()} <= limit")
            if trigger.before is not None:
                tests.append(f"v_today <= {trigger.last_day.toordinal()}")
            self.emit("{ " + " && ".join(tests) + ":")
            if trigger.condition is None:
                self.emit(f"    ~ return -> {knot(event_id)}")
            else:
                self.emit(f"    {{ {expr(trigger.condition.ast)}:", f"        ~ return -> {knot(event_id)}", "    }")
            self.emit("}")
        self.emit("~ return -> k__none", "")

    def _node(self, node: Any) -> None:
        self.emit(f"=== {knot(node.id)} ===")
        self._arrive(node)
        if self.trace:
            self.emit(f"@k {node.id}")
        if self.text:
            self.emit(escape(node.title), "{date_text()}", *block(node.text), *block(node.divergence))
        if node.is_ending:
            self.emit(f'~ v__ending = "{node.id}"', "-> END", "")
            return
        regular = [c for c in node.choices if not c.fallback]
        for n, choice in enumerate(node.choices):
            self._choice(node, choice, regular, n)
        self.emit("")

    def _arrive(self, node: Any) -> None:
        """Set the calendar as `Game._enter` does."""
        when = node.date
        if node.event is not None and when is None:
            if node.event.scheduled:
                s = f"s_{node.id}"
                self.emit(f"{{ {s} > v_today:", f"    ~ setd({s}, {s}_y, {s}_m, {s}_d, {s}_p)", "}")
                return
            when = node.event.after
        if when is None:
            return
        op = "<" if node.event is not None else "<="
        d, precision = when.day, PRECISION[when.precision]
        self.emit(f"{{ v_today {op} {d.toordinal()}:", f"    ~ setd({d.toordinal()}, {d.year}, {d.month}, {d.day}, {precision})", "}")

    def _available(self, node: Any, choice: Any) -> str | None:
        """When a choice can be taken, as an ink condition (None: always)."""
        parts = []
        if choice.condition is not None:
            parts.append(expr(choice.condition.ast))
        if choice.once:
            parts.append(f"({knot(node.id)}.c_{choice.id} == 0)")
        return " && ".join(parts) if parts else None

    def _choice(self, node: Any, choice: Any, regular: list[Any], n: int) -> None:
        guards = []
        if choice.condition is not None:
            guards.append(expr(choice.condition.ast))
        if choice.fallback:
            others = [self._available(node, c) for c in regular]
            guards.append("false" if None in others else f"not ({' || '.join(f'({o})' for o in others)})" if others else "true")
        label = inline(choice.label) if self.text else choice.id
        head = ("* " if choice.once else "+ ") + f"(c_{choice.id}) " + "".join(f"{{{g}}} " for g in guards)
        self.emit(f"{head}[{label}]")
        body: list[str] = []
        self._effects(choice.effects, body)
        if choice.outcomes:
            self._outcomes(choice, body, n)
        else:
            self._finish(choice.result, None, choice.goto, body)
        self.emit(*(f"    {line}" for line in body))

    def _finish(self, result: Any, outcome_result: Any, goto: str | None, body: list[str]) -> None:
        body.append("~ v_decisions = v_decisions + 1")
        if self.text:
            body.extend((*block(result), *block(outcome_result)))
        body.append(self._divert(goto))

    def _divert(self, target: str | None) -> str:
        if target is None:
            return "-> go(resume, resume_day)"
        dest = self.story.nodes[target]
        if dest.is_ending:
            return f"-> {knot(target)}"
        day = dest.date.day.toordinal() if dest.date is not None else 0
        return f"-> go(-> {knot(target)}, {day})"

    def _outcomes(self, choice: Any, body: list[str], n: int) -> None:
        """The weighted draw; its temporaries carry the choice's number `n` (ink scopes a
        temporary to the whole knot)."""
        count = len(choice.outcomes)
        w = [f"w{i}_{n}" for i in range(count)]
        total, r, o = f"total_{n}", f"r_{n}", f"o_{n}"
        for name, outcome in zip(w, choice.outcomes, strict=True):
            body.append(f"~ temp {name} = MAX({expr(outcome.weight.ast)}, 0)")
        body += [f"~ temp {total} = {' + '.join(w)}", f"~ temp {r} = FLOAT(RANDOM(0, 999999)) / 1000000", f"~ temp {o} = {count - 1}",
                 f"{{ {total} > 0:", f"    ~ {r} = {r} * {total}", "    {"]
        for i in range(count - 1):
            body.append(f"    - {r} < {' + '.join(w[: i + 1])}: ~ {o} = {i}")
        body += ["    }", "- else:", f"    ~ {o} = MIN(INT({r} * {count}), {count - 1})", "}", f"{{ {o}:"]
        for i, outcome in enumerate(choice.outcomes):
            inner: list[str] = [f"@o {i}"] if self.trace else []
            self._effects(outcome.effects, inner)
            self._finish(choice.result, outcome.result, outcome.goto or choice.goto, inner)
            body.append(f"- {i}:")
            body.extend(f"    {line}" for line in inner)
        body.append("}")

    def _effects(self, effects: tuple[Any, ...], body: list[str]) -> None:
        for effect in effects:
            body.extend(self._effect(effect))

    def _effect(self, effect: Any) -> Iterator[str]:
        op, target = str(effect.op), effect.target
        if op == "unlock":
            return  # nothing an expression reads (see the module's docstring)
        if op == "schedule":
            yield from self._schedule(effect)
            return
        value = expr(effect.value.ast)
        bounds = self.story.bounds(target)
        if bounds is None:
            yield f"~ {var(target)} = {value}"
            return
        new = {"+=": f"{var(target)} + {value}", "-=": f"{var(target)} - {value}", "=": value}[op]
        low, high = (_const(int(b) if float(b).is_integer() else b) for b in bounds)
        clamped = f"MIN(MAX({new}, {low}), {high})"
        yield f"~ {var(target)} = " + (f"rnd({clamped})" if may_be_fractional(effect.value.ast) else clamped)

    def _schedule(self, effect: Any) -> Iterator[str]:
        s = f"s_{effect.target}"
        if effect.on is not None:
            d = effect.on.day
            yield from (f"~ {s} = {d.toordinal()}", f"~ {s}_y = {d.year}", f"~ {s}_m = {d.month}", f"~ {s}_d = {d.day}",
                        f"~ {s}_p = {PRECISION[effect.on.precision]}")
            return
        amount, unit = effect.delay
        if unit.startswith("day"):
            yield f"~ plus_days({amount})"
        else:
            yield f"~ plus_months({amount * 12 if unit.startswith('year') else amount})"
        yield from (f"~ {s} = g_o", f"~ {s}_y = g_y", f"~ {s}_m = g_m", f"~ {s}_d = g_d", f"~ {s}_p = g_p")


EVENT_CHECKS = ("scan", "by_year")


def translate(story: Any, *, text: bool = False, trace: bool = False, events: str = "scan") -> str:
    """The story as ink source (see the module's docstring for what maps to what); `events`
    is how `due_event` looks for a due event (see `Translator._due`)."""
    if events not in EVENT_CHECKS:
        raise ValueError(f"events is one of {', '.join(EVENT_CHECKS)}")
    return Translator(story, text, trace, events).run()


def _ordinal_check() -> None:
    assert date(1970, 1, 1).toordinal() == 719163  # the constant the ink `ordinal` function adds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Translate a story to ink.")
    parser.add_argument("story", nargs="?", default=str(Path(__file__).resolve().parents[2] / "story"))
    parser.add_argument("-o", "--output", help="write here (default: standard output)")
    parser.add_argument("--text", action="store_true", help="with the prose and labels (default: choice ids only)")
    parser.add_argument("--trace", action="store_true", help="mark each knot entered and outcome drawn (for the verifier)")
    parser.add_argument("--events", choices=EVENT_CHECKS, default="scan", help="how the due event is looked for")
    args = parser.parse_args(argv)
    from kremlin_tui.loader import load_story

    source = translate(load_story([args.story]), text=args.text, trace=args.trace, events=args.events)
    if args.output:
        Path(args.output).write_text(source, encoding="utf-8")
    else:
        sys.stdout.write(source)
    return 0


if __name__ == "__main__":
    _ordinal_check()
    raise SystemExit(main())
