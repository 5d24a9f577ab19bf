""""Why?": why a scene or event is here and why a stat has its value, from the engine's records.

Headless: plain mode's `why`, the TUI's Why screen and the journal all read these reports.
Conditions are put into words from the story's own declarations ("Party standing below 30",
a flag's description), and each is traced to the decision that made it true through the
provenance the engine records for every variable (`GameState.provenance`), falling back on the
history (which lists every change) for moments before the last few changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kremlin_tui.calendar import DAY, DECISIONS, MONTH, YEAR
from kremlin_tui.dates import MONTHS, GameDate
from kremlin_tui.engine import PROVENANCE_DEPTH
from kremlin_tui.expr import And, Arith, Ast, Call, Cmp, Const, Neg, Not, Or, Ref, Var, format_value, reads
from kremlin_tui.model import EffectOp, FlagDef, Node, Story
from kremlin_tui.state import ChangeKind
from kremlin_tui.template import Cond, Template
from kremlin_tui.why_threshold import made_true, number_tests

if TYPE_CHECKING:
    from kremlin_tui.engine import Game, GameState, Step

_HINT = re.compile(r"\s*\((?=[^()]*(?:▲|▼|gamble))[^()]*\)\s*$")
_OP_WORDS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "exactly", "!=": "not"}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_SHOWN = (ChangeKind.STAT, ChangeKind.RELATION)  # the changes shown as numbers


@dataclass(frozen=True)
class Cause:
    """One decision that made something true (or moved a stat)."""

    decision: int  # 1-based number in the history; 0: set in the writers' debugger
    date: str  # "October 1925"
    scene: str  # the scene's title
    label: str  # the choice as the player read it, without a hand-written hint
    event: bool  # taken in an event
    detail: str = ""  # what it did to the variable asked about: "Party standing ▼1 (45 → 44)"

    def words(self) -> str:
        if self.decision == 0:
            return "set by hand in the writers' debugger"
        where = f"{self.scene} (an event)" if self.event else self.scene
        text = f"{self.date}, {where}: you chose “{self.label}”"
        return f"{text}: {self.detail}" if self.detail else text

    def short(self) -> str:
        """For the journal: "January 1924, The Telegram at Tiflis: “Order a special train…”"."""
        if self.decision == 0:
            return "the writers' debugger"
        return f"{self.date}, {self.scene}: “{self.label}”"


@dataclass(frozen=True)
class Reason:
    """A condition in words, with the decisions that made it hold."""

    text: str
    holds: bool
    causes: tuple[Cause, ...] = ()


@dataclass(frozen=True)
class Why:
    """The answer to "Why?" about one thing: a scene, an event, an ending or a stat."""

    subject: str  # "Frunze's Operation", "Party standing"
    summary: str  # one sentence: "An event: it happens when these hold."
    reasons: tuple[Reason, ...]

    def lines(self) -> list[str]:
        """As plain text lines (plain mode, tests); causes indented under their reason."""
        out = [self.summary]
        for reason in self.reasons:
            out.append(f"  • {reason.text}")
            out.extend(f"      ← {cause.words()}" for cause in reason.causes)
        return out


# -- conditions in words ----------------------------------------------------------------------


def condition_reasons(ast: Ast, game: Game, upto: int | None = None) -> list[Reason]:
    """A condition as a list of reasons (its `and` parts), each with its causes."""
    parts = ast.items if type(ast) is And else (ast,)
    return [Reason(say(part, game.story, game.state), _holds(part, game.state),
                   tuple(causes_of(part, game, upto))) for part in parts]


def _holds(ast: Ast, state: GameState | Then) -> bool:
    from kremlin_tui.expr import compile_ast

    try:
        return bool(compile_ast(ast)(state))
    except Exception:  # a reason is shown even where a condition cannot be evaluated now
        return False


def say(ast: Ast, story: Story, state: GameState | None = None) -> str:
    """An expression in words a player reads: "Party standing below 30", a flag's description,
    "you chose “…” in “…”"; anything else is written out with labels for names."""
    match ast:
        case Var(name) if name in story.flags:
            return _flag_words(name, story, True)
        case Var(name):
            return _name(name, story)
        case Not(Var(name)) if name in story.flags:
            return _flag_words(name, story, False)
        case Not(Call("chose", (Ref(key), *_))):
            return "you did not " + _chose(key, story)[4:]
        case Not(inner):
            return f"not ({say(inner, story, state)})"
        case And(items):
            return " and ".join(say(item, story, state) for item in items)
        case Or(items):
            return "either " + ", or ".join(say(item, story, state) for item in items)
        case Call("chose", (Ref(key), *_)):
            return _chose(key, story)
        case Call("visited", (Ref(node_id), *_)):
            node = story.nodes.get(node_id)
            return f"you have seen “{node.title if node else node_id}”"
        case Cmp((op,), (left, right)):
            text = _comparison(op, left, right, story)
            if text:
                return text
    return _plain(ast, story)


def _comparison(op: str, left: Ast, right: Ast, story: Story) -> str | None:
    left, right = _literal(left), _literal(right)
    if type(left) is Const and type(right) is not Const:
        op, left, right = _FLIP[op], right, left
    if type(right) is not Const:
        return None
    value = right.value
    match left:
        case Var(name):
            return _variable_comparison(name, op, value, story)
        case Call("attitude", (Ref(country), *_)) if op in ("==", "!="):
            return f"{_name(country, story)} is {'not ' if op == '!=' else ''}{value}"
        case Call("visited", (Ref(node_id), *_)) if isinstance(value, int):
            node = story.nodes.get(node_id)
            title = node.title if node else node_id
            if (op, value) in (("==", 0), ("<=", 0), ("<", 1)):
                return f"you have not seen “{title}”"
            if (op, value) in ((">", 0), (">=", 1), ("!=", 0)):
                return f"you have seen “{title}”"
    return None


def _variable_comparison(name: str, op: str, value: Any, story: Story) -> str | None:
    if name in story.flags and story.flags[name].values is not None:
        return _enumerated_words(story.flags[name], op, value)
    if name in story.flags and isinstance(value, bool):
        return _flag_words(name, story, (op == "==") == value)
    if name == YEAR:
        return {"<": f"before {value}", "<=": f"{value} or earlier", ">": f"after {value}",
                ">=": f"{value} or later", "==": f"in {value}", "!=": f"not in {value}"}[op]
    if name == DECISIONS:
        return f"after {value} decisions" if op in (">", ">=") else None
    if name in story.stats or name in story.relations:
        return f"{_name(name, story)} {_OP_WORDS[op]} {format_value(value)}"
    return None


def _enumerated_words(flag: FlagDef, op: str, value: Any) -> str:
    """A named-value flag in the writer's words (its labels, else ids with spaces).

    `flag != value` means "one of the others", so the others are named: "not none", "not not yet
    decided" or "not no one: the USSR fought alone" read badly. Against the value the flag starts
    with, the others are the decided ones (and past three, the question is said to be decided);
    against any other value the starting one is among them, since it is still possible. Past three,
    the one excluded value is named instead, in quotes: labels hold commas and colons of their own."""
    description = flag.description.rstrip(".")
    if op == "==":
        return f"{description}: {flag.label_of(value)}"
    if flag.values is None:
        return f"{description}: not “{flag.label_of(value)}”"
    others = [flag.label_of(other) for other in flag.values if other != value]
    if len(others) == 1:
        return f"{description}: {others[0]}"
    if len(others) <= _NAMED_AT_MOST:
        return f"{description}: " + " or ".join(f"“{label}”" for label in others)
    if value == flag.initial:
        return f"{description}: decided"
    return f"{description}: not “{flag.label_of(value)}”"


_NAMED_AT_MOST = 3  # more alternatives than this make a line no one reads


def format_delta(delta: float) -> str:
    """▲5 or ▼3 (as `present.arrow`; why.py stays below the presentation layer)."""
    return ("▲" if delta > 0 else "▼") + format_value(abs(float(delta)))


def _literal(ast: Ast) -> Ast:
    """-25 is parsed as neg(25): a constant all the same."""
    match ast:
        case Neg(Const(value)) if not isinstance(value, str | bool):
            return Const(-value)
    return ast


def _flag_words(name: str, story: Story, true: bool) -> str:
    description = story.flags[name].description.strip().rstrip(".") or name.replace("_", " ")
    return description if true else f"not so: {description}"


def _chose(key: str, story: Story) -> str:
    node_id, _, choice_id = key.partition(".")
    node = story.nodes.get(node_id)
    if node is None:
        return f"you chose {key}"
    choice = next((c for c in node.choices if c.id == choice_id), None)
    label = without_hint(choice.label.source) if choice else choice_id
    return f"you chose “{label}” in “{node.title}”"


_CALENDAR_WORDS = {YEAR: "the year", MONTH: "the month", DAY: "the day", DECISIONS: "decisions taken"}


def _name(name: str, story: Story) -> str:
    if name in story.stats or name in story.relations:
        return story.label_of(name)
    return _CALENDAR_WORDS.get(name, name)


def _plain(ast: Ast, story: Story) -> str:
    match ast:
        case Const(value):
            return format_value(value) if not isinstance(value, str) else f"'{value}'"
        case Var(name):
            return _name(name, story)
        case Neg(operand):
            return f"-{_plain(operand, story)}"
        case Not(operand):
            return f"not {_plain(operand, story)}"
        case And(items) | Or(items):
            word = "and" if type(ast) is And else "or"
            return f" {word} ".join(_plain(item, story) for item in items)
        case Arith(op, left, right):
            return f"{_plain(left, story)} {op} {_plain(right, story)}"
        case Cmp(ops, operands):
            out = _plain(operands[0], story)
            for op, operand in zip(ops, operands[1:], strict=True):
                out += f" {op} {_plain(operand, story)}"
            return out
        case Call(name, args):
            shown = ", ".join(a.name if type(a) is Ref else _plain(a, story) for a in args)
            return f"{name}({shown})"
    return "?"


def without_hint(label: str) -> str:
    """A chosen label without its hand-written hint ("(Party ▲, a gamble)"): wherever a decision
    is told after it was taken (Why?, the journal, "You chose"), the real consequences are shown
    next to it. The one function for all of them: present.outcome and present.journal call it."""
    return _HINT.sub("", label.strip()) or label.strip()


# -- causes -----------------------------------------------------------------------------------


def causes_of(ast: Ast, game: Game, upto: int | None = None) -> list[Cause]:
    """The decisions (up to decision number `upto`, default: all so far) that last changed each
    variable the expression reads, and the ones it names with `chose(...)`/`visited(...)`."""
    state = game.state
    limit = len(state.history) if upto is None else upto
    if type(ast) is Or:  # only the alternatives that held (now, or when decision `upto` was taken) are causes
        then = state if upto is None else state_after(game, upto)
        ast = Or(tuple(item for item in ast.items if _holds(item, then)) or ast.items)
    numbers: dict[int, str] = {}
    tests = number_tests(ast, game.story)
    for name, refs in _reads(ast):
        if name in tests:  # "OGPU power at least 60": the decision that made it so, not the last to move it
            crossed = made_true(state.history, state.vars, tests[name], limit)
            number, name = crossed if crossed is not None else (None, name)
        elif refs == "chose":
            node_id, _, choice_id = name.partition(".")
            number = _find_step(state.history, limit, lambda s, n=node_id, c=choice_id: s.node == n and s.choice == c)
        elif refs == "visited":
            number = _find_step(state.history, limit, lambda s, n=name: s.node == n, first=True)
        else:
            number = last_change(state, name, limit)
        if number is not None:
            numbers.setdefault(number, name if refs == "var" else "")
    return [cause(game, number, name) for number, name in sorted(numbers.items())]


@dataclass(frozen=True)
class Then:
    """What expressions read (`vars`, `visits`, `chosen`) as it was right after a past decision."""

    vars: dict[str, Any]
    visits: dict[str, int]
    chosen: frozenset[str]


def state_after(game: Game, upto: int) -> Then:
    """The state right after decision `upto`: today's values with every later change undone
    (each step records its changes' old values), so "which `or` branch held when the event
    fired" is answered for the moment it fired, not for today."""
    history = game.state.history
    values = dict(game.state.vars)
    for step in reversed(history[upto:]):
        for change in reversed(step.changes):
            values[change.name] = change.old
    values[DECISIONS] = upto
    if upto < len(history):  # the calendar as the next step found it
        day = GameDate.parse(history[upto].date).day
        values.update(year=day.year, month=day.month, day=day.day)
    visits: dict[str, int] = {}
    for step in history[:upto]:
        visits[step.node] = visits.get(step.node, 0) + 1
    return Then(values, visits, frozenset(f"{step.node}.{step.choice}" for step in history[:upto]))


def _reads(ast: Ast) -> list[tuple[str, str]]:
    return [(name, how if how in ("chose", "visited") else "var") for name, how in reads(ast)]


def last_change(state: GameState, name: str, upto: int) -> int | None:
    """The decision number (≤ upto) that last changed `name`: from the recorded provenance, or,
    for a moment before the changes it remembers, from the history."""
    for number in reversed(state.provenance.get(name, ())):
        if number <= upto:
            return number
    if len(state.provenance.get(name, ())) < PROVENANCE_DEPTH:
        return None  # provenance remembers every change there was
    return _find_step(state.history, upto, lambda s: any(c.name == name for c in s.changes))


def _find_step(history: list[Step], upto: int, test: Any, first: bool = False) -> int | None:
    indices = range(min(upto, len(history)))
    for index in indices if first else reversed(indices):
        if test(history[index]):
            return index + 1
    return None


def cause(game: Game, number: int, name: str = "") -> Cause:
    """Decision `number` (1-based) as a cause; `name`: the variable whose change it details."""
    if number == 0 or number > len(game.state.history):
        return Cause(0, "", "", "", False)
    step = game.state.history[number - 1]
    node = game.story.nodes.get(step.node)
    day = GameDate.parse(step.date).day
    detail = ""
    for change in step.changes:
        if change.name == name and change.kind in _SHOWN and change.delta:
            detail = f"{change.label} {format_delta(change.delta)} ({format_value(change.old)} → {format_value(change.new)})"
    label = without_hint(step.label) if step.label != step.choice else _choice_label(node, step.choice)
    return Cause(number, f"{MONTHS[day.month - 1]} {day.year}", step.title or step.node, label,
                 node is not None and node.event is not None, detail)


def _choice_label(node: Node | None, choice_id: str) -> str:
    choice = next((c for c in node.choices if c.id == choice_id), None) if node else None
    return without_hint(choice.label.source) if choice else choice_id


# -- reports ----------------------------------------------------------------------------------


def why_here(game: Game) -> Why:
    """Why the current scene, event or ending is here, and why its text says what it says."""
    node = game.node
    state = game.state
    reasons: list[Reason] = []
    if node.event is not None:
        summary = "An event: it interrupts when its time has come and these hold."
        reasons.extend(event_reasons(game, node, len(state.history)))
    else:
        kind = "An ending" if node.is_ending else "A scene"
        summary = f"{kind}: you came here by your last decision." if state.history else f"{kind}: the story begins here."
        if state.history:
            reasons.append(Reason(cause(game, len(state.history)).words(), True))
    reasons.extend(passage_reasons(game, node.text))
    return Why(node.title, summary, tuple(reasons))


def event_reasons(game: Game, node: Node, upto: int) -> list[Reason]:
    """Why an event fired (at decision `upto`): its dates, its schedule and its condition."""
    trigger = node.event
    assert trigger is not None
    reasons: list[Reason] = []
    if trigger.after is not None and trigger.before is not None:
        reasons.append(Reason(f"its time had come: between {trigger.after.display()} and {trigger.before.display()}", True))
    elif trigger.after is not None:
        reasons.append(Reason(f"its time had come: {trigger.after.display()} or later", True))
    elif trigger.before is not None:
        reasons.append(Reason(f"its time had not passed: {trigger.before.display()} at the latest", True))
    if trigger.scheduled:
        number = _find_step(game.state.history, upto, lambda s: _schedules(game.story, s, node.id))
        causes = (cause(game, number),) if number else ()
        reasons.append(Reason("a decision set it in motion", True, causes))
    if trigger.condition is not None:
        reasons.extend(condition_reasons(trigger.condition.ast, game, upto))
    return reasons


def _schedules(story: Story, step: Step, event_id: str) -> bool:
    node = story.nodes.get(step.node)
    choice = next((c for c in node.choices if c.id == step.choice), None) if node else None
    if choice is None:
        return False
    effects = list(choice.effects)
    if step.outcome is not None and step.outcome < len(choice.outcomes):
        effects += choice.outcomes[step.outcome].effects
    return any(e.op == EffectOp.SCHEDULE and e.target == event_id for e in effects)


def event_causes(game: Game, node: Node, upto: int) -> list[Cause]:
    """The decisions that set off an event that fired after decision `upto`, oldest first."""
    seen: dict[int, Cause] = {}
    for reason in event_reasons(game, node, upto):
        for item in reason.causes:
            seen.setdefault(item.decision, item)
    return [seen[n] for n in sorted(seen)]


def passage_reasons(game: Game, text: Template) -> list[Reason]:
    """The conditions of the `{if}` passages the text shows now, with their causes."""
    out: list[Reason] = []
    seen: set[str] = set()

    def walk(parts: list[Any]) -> None:
        for part in parts:
            if not isinstance(part, Cond):
                continue
            for condition, body in part.branches:
                if condition is None:
                    walk(body)
                    break
                if _holds(condition.ast, game.state):
                    for reason in condition_reasons(condition.ast, game):
                        if reason.holds and reason.causes and reason.text not in seen:
                            seen.add(reason.text)
                            out.append(Reason(f"the text reflects: {reason.text}", True, reason.causes))
                    walk(body)
                    break

    walk(text.parts)
    return out


def why_stat(game: Game, name: str) -> Why:
    """Why a stat or relation has its value: the last decisions that moved it."""
    story = game.story
    value = game.state.vars[name]
    label = story.label_of(name)
    bounds = story.bounds(name)
    at = ""
    if bounds is not None and value <= bounds[0]:
        at = " (its lowest)"
    elif bounds is not None and value >= bounds[1]:
        at = " (its highest)"
    numbers = game.state.provenance.get(name, ())
    if not numbers:
        summary = f"{label} is {format_value(value)}{at}: no decision has moved it yet."
        return Why(label, summary, ())
    summary = f"{label} is {format_value(value)}{at}. The last decisions that moved it:"
    causes = [cause(game, n, name) for n in reversed(numbers)]
    return Why(label, summary, tuple(Reason(c.words(), True) for c in causes))


def find_variable(story: Story, word: str) -> str | None:
    """The visible stat or relation a player means by `word` (id, label or a unique prefix)."""
    word = word.strip().lower()
    if not word:
        return None
    names = {s.id: s.label for s in story.stats.values() if not s.hidden}
    names.update({r.id: r.name for r in story.relations.values()})
    for name, label in names.items():
        if word in (name.lower(), label.lower()):
            return name
    matches = [name for name, label in names.items()
               if label.lower().startswith(word) or name.lower().startswith(word)
               or any(part.startswith(word) for part in re.split(r"\W+", label.lower()))]
    return matches[0] if len(matches) == 1 else None
