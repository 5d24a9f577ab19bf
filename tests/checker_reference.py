"""`check`'s analysis before its passes shared one walk of the story (main 14cfcd4, session 6):
checker.py's passes, structure.py, label_hints.py and story_stats.py in one module, the oracle of
test_checker_oracle.py (what `check` reports must not change while it gets faster)."""
# ruff: noqa
# mypy: ignore-errors
from __future__ import annotations


# ---- story_stats.py ------------------------------------------------------------


from typing import Any

from kremlin_tui.memo import memo
from kremlin_tui.model import Node, NodeKind, Story
from kremlin_tui.template import Template

WORD = r"[A-Za-zÀ-ÿ0-9'’-]+"
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'-") | frozenset(range(0xC0, 0x100))
_RUNS = bytes(0x61 if byte in _WORD_BYTES else 0x20 for byte in range(256))  # word byte -> 'a', other -> ' '
_WORDS = memo(15_000)  # the language server's memo (memo.py): a text's word count


def words(text: str) -> int:
    """How many words `text` holds: `len(re.findall(WORD, text))`, counted faster."""
    count = _WORDS.get(text)
    if count is None:
        runs = text.replace("’", "'").encode("latin-1", "replace").translate(_RUNS)
        count = runs.count(b" a") + runs.startswith(b"a")
        _WORDS.put(text, count)
    return count


def node_templates(node: Node) -> list[tuple[str, Template]]:
    """A scene's texts (its own, its ending's divergence, its choices' and outcomes'), each
    with how a message names it."""
    found = [(f"'{node.id}'", node.text)]
    if node.divergence:
        found.append((f"'{node.id}' divergence", node.divergence))
    for choice in node.choices:
        found.append((f"'{node.id}.{choice.id}' label", choice.label))
        if choice.result:
            found.append((f"'{node.id}.{choice.id}' result", choice.result))
        for outcome in choice.outcomes:
            if outcome.result:
                found.append((f"an outcome of '{node.id}.{choice.id}'", outcome.result))
    return found


def story_stats(story: Story) -> dict[str, Any]:
    """The figures `check` prints under its report (and puts in its JSON)."""
    nodes = story.nodes.values()
    per_chapter: dict[str, dict[str, int]] = {}
    # A scene's texts are counted together, joined by a character that is not a word character
    # (no two words merge): one count per scene rather than one per text, the same sum.
    total_words = words("\x00".join(entry.text.source for entry in story.codex.values()))
    for node in nodes:
        entry = per_chapter.setdefault(node.chapter or "-", {"scenes": 0, "events": 0, "endings": 0, "words": 0})
        entry[node.kind + "s"] += 1
        count = words("\x00".join(t.source for _where, t in node_templates(node)))  # each text counted once
        entry["words"] += count
        total_words += count
    return {
        "files": len(story.files),
        "scenes": sum(1 for n in nodes if n.kind == NodeKind.SCENE),
        "events": sum(1 for n in nodes if n.kind == NodeKind.EVENT),
        "endings": sum(1 for n in nodes if n.is_ending),
        "nodes": len(story.nodes),
        "choices": sum(len(n.choices) for n in nodes),
        "conditional_choices": sum(1 for n in nodes for c in n.choices if c.condition is not None),
        "codex": len(story.codex),
        "words": total_words,
        "chapters": per_chapter,
    }


# ---- structure.py ------------------------------------------------------------


from collections.abc import Iterable, Iterator

from kremlin_tui.analysed import truth_of
from kremlin_tui.diagnostics import Collector, shown
from kremlin_tui.expr import NUM, Arith, Ast, Expr, ExprError, Scope, analyze
from kremlin_tui.model import EffectOp, Node, Story
from kremlin_tui.template import Template

_SCHEDULE = EffectOp.SCHEDULE  # (bound once: an enum member's lookup costs ~75 ns in 3.11)


def check_structure(story: Story, out: Collector, available: dict[tuple[str, str], bool], scope: Scope,
                    templates: Iterable[tuple[str, Template]]) -> None:
    _closed_windows(story, out)
    endings = [n for n in story.nodes.values() if n.is_ending]
    if not endings:
        out.error(story.campaign.pos, "no-ending",
                  "the story has no ending: every game would go on for ever (add one under 'endings')")
    else:
        _traps(story, out, available, scope)
    _zero_divisors(story, out, scope, templates)


# -- loops with no way out ---------------------------------------------------------------------


def _targets(node: Node, available: dict[tuple[str, str], bool]) -> Iterator[str]:
    for choice in node.choices:
        if available.get((node.id, choice.id), True):
            yield from choice.destinations()


def _closed_windows(story: Story, out: Collector) -> None:
    """An event whose `before` is earlier than the story's start can never fire (the calendar
    only moves forward). (`before` earlier than `after` is the loader's error.)"""
    start = story.campaign.start_date
    for node in story.nodes.values():
        trigger = node.event
        if trigger is None or trigger.before is None:
            continue
        if trigger.last_day < start.day and not (trigger.after and trigger.last_day < trigger.after.day):
            out.error(trigger.pos, "never-open",
                      f"event '{node.id}' can never fire: its window closes ('before: {trigger.before.iso()}') "
                      f"before the story starts ({start.iso()})")


def _fires(event: Node, scope: Scope) -> bool:
    condition = event.event.condition if event.event else None
    if condition is None:
        return True
    return True in truth_of(condition, scope)


def _traps(story: Story, out: Collector, available: dict[tuple[str, str], bool], scope: Scope) -> None:
    nodes = story.nodes
    edges = {nid: [t for t in _targets(node, available) if t in nodes] for nid, node in nodes.items()}
    scheduled = {e.target for n in nodes.values() for c in n.choices
                 for e in (*c.effects, *(x for o in c.outcomes for x in o.effects)) if e.op == _SCHEDULE}
    events = [n for n in nodes.values() if n.event is not None and (not n.event.scheduled or n.id in scheduled)
              and _fires(n, scope)]
    # Which scenes can still reach an ending: walk the edges backwards from the endings.
    backwards: dict[str, list[str]] = {nid: [] for nid in nodes}
    for nid, targets in edges.items():
        for target in targets:
            backwards[target].append(nid)
    can_end = {nid for nid, node in nodes.items() if node.is_ending}
    frontier = list(can_end)
    while True:
        while frontier:
            for source in backwards[frontier.pop()]:
                if source not in can_end:
                    can_end.add(source)
                    frontier.append(source)
        # an event that leads to an ending rescues every scene where it might still fire
        rescuers = [e for e in events if e.id in can_end]
        rescued = [nid for nid, node in nodes.items()
                   if nid not in can_end and not node.is_ending and any(_may_fire(e, node) for e in rescuers)]
        if not rescued:
            break
        can_end.update(rescued)
        frontier.extend(rescued)
    reached = _reachable(story.campaign.start, edges, events)
    stuck = {nid for nid in reached if nid not in can_end}
    for component in _bottom_components(stuck, edges):
        ordered = sorted(component, key=lambda nid: (nodes[nid].pos.path, nodes[nid].pos.line, nodes[nid].pos.col))
        first = nodes[ordered[0]]
        names = ", ".join(f"'{nid}'" for nid in ordered[:6]) + (f" and {len(ordered) - 6} more" if len(ordered) > 6 else "")
        what = f"the scene '{first.id}' leads only back to itself" if len(ordered) == 1 else f"the scenes {names} lead only to each other"
        out.error(first.pos, "no-way-out", f"no way out: {what}, and no ending can be reached from there")


def _may_fire(event: Node, at: Node) -> bool:
    """Whether the event might still fire while the game is at this scene (its window may be open)."""
    trigger = event.event
    if trigger is None or at.date is None or trigger.before is None:
        return True
    return at.date.day <= trigger.last_day


def _reachable(start: str, edges: dict[str, list[str]], events: list[Node]) -> set[str]:
    seen = {start} | {e.id for e in events}
    frontier = list(seen)
    while frontier:
        for target in edges.get(frontier.pop(), ()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def cyclic_scenes(story: Story) -> set[str]:
    """The scenes that can be reached again after leaving them (on a loop of gotos, whatever
    the conditions): one pass over the story, where a search per scene cost scenes squared."""
    nodes = story.nodes
    edges = {nid: [t for c in node.choices for t in c.destinations() if t in nodes]
             for nid, node in nodes.items()}
    components, _component_of = _components(set(nodes), edges)
    return {nid for component in components if _looped(component, edges) for nid in component}


def _looped(component: set[str], edges: dict[str, list[str]]) -> bool:
    return len(component) > 1 or any(t in component for nid in component for t in edges[nid])


def _bottom_components(members: set[str], edges: dict[str, list[str]]) -> list[set[str]]:
    """The strongly connected components of the subgraph on `members` that no edge leaves,
    excluding a single scene without a loop to itself."""
    components, component_of = _components(members, edges)
    bottom: list[set[str]] = []
    for index, component in enumerate(components):
        leaves = any(component_of.get(t, -1) != index for nid in component for t in edges[nid])
        if not leaves and _looped(component, edges):
            bottom.append(component)
    return bottom


def _components(members: set[str], edges: dict[str, list[str]]) -> tuple[list[set[str]], dict[str, int]]:
    """Strongly connected components of the subgraph on `members` (Kosaraju, iterative)."""
    order: list[str] = []
    visited: set[str] = set()
    for root in sorted(members):
        if root in visited:
            continue
        visited.add(root)
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(edges[root]))]
        while stack:
            nid, targets = stack[-1]
            advanced = False
            for target in targets:
                if target in members and target not in visited:
                    visited.add(target)
                    stack.append((target, iter(edges[target])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                order.append(nid)
    reverse: dict[str, list[str]] = {nid: [] for nid in members}
    for nid in members:
        for target in edges[nid]:
            if target in members:
                reverse[target].append(nid)
    component_of: dict[str, int] = {}
    components: list[set[str]] = []
    for root in reversed(order):
        if root in component_of:
            continue
        component = {root}
        component_of[root] = len(components)
        frontier = [root]
        while frontier:
            for source in reverse[frontier.pop()]:
                if source not in component_of:
                    component_of[source] = len(components)
                    component.add(source)
                    frontier.append(source)
        components.append(component)
    return components, component_of


# -- division by a divisor that is always zero ---------------------------------------------------


def _expressions(story: Story, templates: Iterable[tuple[str, Template]]) -> Iterator[Expr]:
    for node in story.nodes.values():
        if node.event is not None and node.event.condition is not None:
            yield node.event.condition
        for choice in node.choices:
            if choice.condition is not None:
                yield choice.condition
            for effect in (*choice.effects, *(e for o in choice.outcomes for e in o.effects)):
                if effect.value is not None:
                    yield effect.value
            for outcome in choice.outcomes:
                yield outcome.weight
    for _where, template in templates:
        if "/" in template.source or "%" in template.source:  # (its expressions are parts of its source)
            for expr, _offset in template.exprs:
                yield expr


def _divisions(ast: Ast) -> Iterator[tuple[str, Ast]]:
    """Each division or remainder and its divisor (the last-written first)."""
    stack: list[Ast] = [ast]
    while stack:
        node = stack.pop()
        if type(node) is Arith and node.op in ("/", "%"):
            yield node.op, node.right
        stack.extend(node.children())


def _zero_divisors(story: Story, out: Collector, scope: Scope, templates: Iterable[tuple[str, Template]]) -> None:
    seen: set[int] = set()
    for expr in _expressions(story, templates):
        if id(expr) in seen or ("/" not in expr.source and "%" not in expr.source):
            continue  # (an expression divides only where its source has '/' or '%')
        seen.add(id(expr))
        for op, divisor in _divisions(expr.ast):
            try:
                value = analyze(divisor, scope)
            except ExprError:
                continue  # reported by the loader
            if value.kind == NUM and value.lo == 0 and value.hi == 0:
                gives = "x / 0" if op == "/" else "x % 0"
                out.error(expr.pos, "division-by-zero",
                          f"'{shown(expr.source)}' divides by zero: the divisor is always 0 ({gives} gives 0 in play)")
                break


# ---- label_hints.py ------------------------------------------------------------


import math
import re
from collections.abc import Iterator
from functools import lru_cache

from kremlin_tui.analysed import value_of
from kremlin_tui.diagnostics import Collector
from kremlin_tui.expr import NUM, And, Arith, Ast, Call, Cmp, Const, Expr, ExprError, Or, Scope, Var
from kremlin_tui.model import Choice, Effect, EffectOp, Node, Story
from kremlin_tui.records import dataclass
from kremlin_tui.template import Interp, Part, Template, Text

HINT_GROUP = re.compile(r"\(([^()]*[▲▼][^()]*|[^()]*\bgamble\b[^()]*)\)")
HINT_ITEM = re.compile(r"^(?P<name>[^▲▼]+?)\s*(?P<arrows>[▲▼]+)(?P<rest>.*)$")
GAMBLE_WORDS = re.compile(r"\b(gamble|risk|a vote)\b", re.IGNORECASE)
HINT_SEPARATOR = re.compile(r"[,;]| or ")
# Openings that tell the player *why* something is so: such a passage must have one cause (also
# what `explore --audit` flags; kept here, not in audit.py, so `check` never imports the audit).
# "Since" of time ("Since October the delegation…", "since 1918") tells no cause.
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_CALLBACK_WORDS = (r"(?:because|since(?!\s+(?:" + _MONTHS + r"|\d|then\b|last\b|early\b|late\b|the (?:spring|summer"
                   r"|autumn|winter)\b))|thanks to|now that|as a result of|after your?|having)\b")
CALLBACK = re.compile(r"^(" + _CALLBACK_WORDS + ")", re.IGNORECASE)
# The same words opening any later sentence of a passage, or its quoted speech: a callback in the
# middle of a paragraph ("… rapids. Because you brought Cooper's firm to the Dnieper, …") is as much
# a promise as one at its start.
CALLBACK_SENTENCE = re.compile(r"(?:[.!?][\"”’*_)]*\s+|\n\s*\n\s*)[\"“*_(]*(" + _CALLBACK_WORDS + r"[^.!?\n]*)",
                               re.IGNORECASE)
STOP = {"the", "of", "and", "a", "an"}
# Effect ops, bound once (an enum member's lookup costs ~75 ns in 3.11; the checks test thousands of effects)
_ADD, _SUBTRACT, _SET, _SCHEDULE, _UNLOCK = EffectOp.ADD, EffectOp.SUBTRACT, EffectOp.SET, EffectOp.SCHEDULE, EffectOp.UNLOCK

Span = tuple[float, float]  # the range a stat's change can take on one path through a choice
UNKNOWN: Span = (-math.inf, math.inf)


@dataclass(frozen=True)
class Hint:
    """One consequence a label claims, as `(Party ▲)`: the variables it may mean and which way."""

    text: str  # as written: "Party ▲"
    names: frozenset[str]  # the stats/relations it can mean (empty: not a variable we know)
    up: bool


@lru_cache(maxsize=4096)  # the same few names ("Party", "Army") in hundreds of labels
def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").replace("'s", "").replace("'", "").replace("–", " ").replace("-", " ")
    return " ".join(word[:-1] if word.endswith("s") and len(word) > 3 else word for word in text.split())


def aliases(story: Story) -> dict[str, set[str]]:
    """What a hint may call a stat or relation: its label or name, its id, and their words
    ("Party" for "Party standing", "Army" for "Red Army", "KMT" for `kmt`)."""
    found: dict[str, set[str]] = {}
    named = [(s.id, s.label) for s in story.stats.values()] + [(r.id, r.name) for r in story.relations.values()]
    for var, label in named:
        keys = {_norm(label), _norm(var.replace("_", " "))}
        keys |= {w for w in _norm(var.replace("_", " ")).split() if len(w) >= 3}
        keys |= {w for w in _norm(label).split() if len(w) >= 4 and w not in STOP}
        keys.add(_norm(label).split()[0] if label.strip() else "")
        for key in keys - {""}:
            found.setdefault(key, set()).add(var)
    return found


def parse_hints(label: str, names: dict[str, set[str]], known: dict[str, Hint | bool] | None = None) -> tuple[list[Hint], bool, bool]:
    """The stat hints of a label, whether it says it is a gamble, and whether it has hints at all.
    `known` keeps what each item of a hint group read as, for the next label with the same item
    (the shipped story's 1,419 items are 89 different texts: "Party ▲", "a gamble", ...)."""
    known = {} if known is None else known
    hints: list[Hint] = []
    gamble = False
    any_group = False
    for group in HINT_GROUP.finditer(label):
        any_group = True
        for item in HINT_SEPARATOR.split(group.group(1)):
            read = known.get(item)
            if read is None:
                read = known[item] = _read_item(item.strip(), names)
            if read is True:
                gamble = True
            elif read is not False:
                hints.append(read)
    return hints, gamble, any_group


def _read_item(item: str, names: dict[str, set[str]]) -> Hint | bool:
    """One item of a hint group: a hint, True for words that say it is a gamble, False for
    anything else (a qualified or two-way hint, other words)."""
    if GAMBLE_WORDS.search(item) and "▲" not in item and "▼" not in item:
        return True
    match = HINT_ITEM.match(item)
    if match is None or match.group("rest").strip():  # "Army ▲ later", "War danger ▼ if granted": qualified
        return False
    arrows = match.group("arrows")
    if "▲" in arrows and "▼" in arrows:
        return False
    name = match.group("name").strip()
    return Hint(f"{name} {arrows}", frozenset(names.get(_norm(name), ())), "▲" in arrows)


def _span(effect: Effect, scope: Scope) -> Span:
    if effect.value is None or effect.op not in (_ADD, _SUBTRACT):
        return UNKNOWN  # "=" sets a value: the change depends on what it was
    try:
        value = value_of(effect.value, scope)
    except ExprError:
        return UNKNOWN
    if value.kind != NUM:
        return UNKNOWN
    return (value.lo, value.hi) if effect.op == _ADD else (-value.hi, -value.lo)


def paths(choice: Choice) -> list[tuple[Effect, ...]]:
    """Every way through a choice: its own effects, then each outcome's."""
    if not choice.outcomes:
        return [choice.effects]
    return [choice.effects + outcome.effects for outcome in choice.outcomes]


def change_span(path: tuple[Effect, ...], name: str, scope: Scope) -> Span | None:
    """How much one path changes `name` (None: it does not touch it)."""
    total: Span | None = None
    for effect in path:
        if effect.target != name or effect.op in (_SCHEDULE, _UNLOCK):
            continue
        lo, hi = _span(effect, scope)
        total = (lo, hi) if total is None else (total[0] + lo, total[1] + hi)
    return total


def _results_differ(choice: Choice) -> bool:
    if len(choice.outcomes) < 2:
        return False
    seen = {(tuple((e.op, e.target, e.value.source if e.value else "", e.delay, e.on) for e in o.effects),
             o.goto or choice.goto) for o in choice.outcomes}
    if len(seen) > 1 and decided_by_state(choice):
        return False  # (p22truth, session 17: outcomes the state decides are one result; was p21truth's _routed)
    return len(seen) > 1


# (decided.py, p22truth session 17, copied: outcomes the state decides)
from itertools import product

from kremlin_tui.expr import Not

Formula = Any  # True, False, ("atom", key), ("not", f), ("and", fs), ("or", fs)
MAX_ATOMS = 12  # 4,096 assignments at most per pair of outcomes; beyond that, not decided
_OPPOSITE = {"<": ">=", ">": "<=", "!=": "=="}


def decided_by_state(choice: Choice) -> bool:
    """True if the choice has two or more outcomes and, in any state, one at most can be drawn."""
    if len(choice.outcomes) < 2:
        return False
    gates = [_gate(outcome.weight.ast) for outcome in choice.outcomes]
    return all(not _satisfiable(("and", (a, b)))
               for i, a in enumerate(gates) for b in gates[i + 1:])


def _key(ast: Ast) -> Any:
    """The shape of an expression without its offsets: the same comparison written twice is
    one unknown."""
    match ast:
        case Const(value):
            return ("const", type(value).__name__, value)
        case Var(name):
            return ("var", name)
        case _:
            return (type(ast).__name__, getattr(ast, "op", None) or getattr(ast, "ops", None)
                    or getattr(ast, "name", None), tuple(_key(child) for child in ast.children()))


def _formula(ast: Ast) -> Formula:
    match ast:
        case Const(value):
            return bool(value)
        case Not(operand):
            return ("not", _formula(operand))
        case And(items):
            return ("and", tuple(_formula(item) for item in items))
        case Or(items):
            return ("or", tuple(_formula(item) for item in items))
        case Cmp((op,), (left, right)) if op in _OPPOSITE:
            return ("not", _formula(Cmp((_OPPOSITE[op],), (left, right))))
        case Cmp(("==",), (Var(name), Const(value))) | Cmp(("==",), (Const(value), Var(name))):
            return ("atom", ("eq", name, value))
        case _:
            return ("atom", _key(ast))


def _gate(weight: Ast) -> Formula:
    """When `weight` may be nonzero: False for a zero constant, the branch conditions of
    `if(...)` and both factors of a product; True for anything this reading cannot bound."""
    match weight:
        case Const(value):
            return value != 0
        case Call("if", (condition, then, other)):
            test = _formula(condition)
            return ("or", (("and", (test, _gate(then))), ("and", (("not", test), _gate(other)))))
        case Arith("*", left, right):
            return ("and", (_gate(left), _gate(right)))
        case Arith("/", left, _):
            return _gate(left)
        case _:
            return True


def _atoms(formula: Formula, out: dict[Any, None]) -> None:
    if isinstance(formula, tuple):
        if formula[0] == "atom":
            out[formula[1]] = None
        elif formula[0] == "not":
            _atoms(formula[1], out)
        else:
            for item in formula[1]:
                _atoms(item, out)


def _value(formula: Formula, truth: dict[Any, bool]) -> bool:
    if not isinstance(formula, tuple):
        return bool(formula)
    kind, body = formula
    if kind == "atom":
        return truth[body]
    if kind == "not":
        return not _value(body, truth)
    if kind == "and":
        return all(_value(item, truth) for item in body)
    return any(_value(item, truth) for item in body)


def _satisfiable(formula: Formula) -> bool:
    found: dict[Any, None] = {}
    _atoms(formula, found)
    atoms = list(found)
    if len(atoms) > MAX_ATOMS:
        return True  # too many unknowns to read: not shown to be decided
    for values in product((False, True), repeat=len(atoms)):
        truth = dict(zip(atoms, values, strict=True))
        if _one_value_each(truth) and _value(formula, truth):
            return True
    return False


def _one_value_each(truth: dict[Any, bool]) -> bool:
    """A flag equals one value at a time: `V == 'a'` and `V == 'b'` cannot both hold."""
    held: dict[str, object] = {}
    for atom, value in truth.items():
        if value and atom[0] == "eq":
            if atom[1] in held and held[atom[1]] != atom[2]:
                return False
            held[atom[1]] = atom[2]
    return True


def _check_hint(hint: Hint, choice: Choice, scope: Scope, gamble_said: bool) -> str | None:
    """Why `hint` is untrue of `choice`, or None. A hint may mean several variables ("CCP":
    the relation and the hidden stat); it is true if one of them moves its way on every path."""
    up = hint.up
    moved: list[list[Span]] = []
    for name in sorted(hint.names):
        per_path = [change_span(path, name, scope) or (0.0, 0.0) for path in paths(choice)]
        if all(span == (0.0, 0.0) for span in per_path):
            continue
        if any(math.isinf(lo) or math.isinf(hi) for lo, hi in per_path):
            return None  # set to a value, or by an expression the checker cannot bound: no claim
        if all((lo > 0) if up else (hi < 0) for lo, hi in per_path):
            return None
        moved.append(per_path)
    word, other = ("rise", "fall") if up else ("fall", "rise")
    if not moved:
        return "the choice never changes it"
    if all(((hi <= 0) if up else (lo >= 0)) for per_path in moved for lo, hi in per_path):
        if all(((hi < 0) if up else (lo > 0)) for per_path in moved for lo, hi in per_path):
            return f"the choice makes it {other}"
        return f"the choice never makes it {word}"
    if gamble_said:
        return None  # "(Party ▲, a gamble)": it rises in some outcomes, and the label says so
    if len(choice.outcomes) > 1 and not decided_by_state(choice):
        return f"it does not {word} in every outcome (say it is a gamble, or drop the hint)"
    return f"it does not always {word} (the change depends on the situation)"


def check_labels(story: Story, scope: Scope, out: Collector) -> None:
    names = aliases(story)
    known: dict[str, Hint | bool] = {}
    for node in story.nodes.values():
        for choice in node.choices:
            hints, gamble_said, any_group = parse_hints(choice.label.source, names, known)
            if not any_group:
                continue
            where = f"'{node.id}.{choice.id}'"
            warned = False
            for hint in hints:
                if not hint.names:
                    continue  # "(your health ▼)": not a stat the checker knows
                problem = _check_hint(hint, choice, scope, gamble_said)
                if problem:
                    warned = True
                    out.warning(choice.pos, "label-hint",
                                f"the label of {where} says ({hint.text}), but {problem}")
            differ = _results_differ(choice)
            if gamble_said and not differ:
                out.warning(choice.pos, "label-hint", f"the label of {where} says it is a gamble, but it has one possible result")
            elif differ and not gamble_said and hints and not warned:
                out.warning(choice.pos, "gamble-hint",
                            f"the label of {where} lists consequences as if certain, but its outcomes have "
                            "different results: add 'a gamble' to the hint, or drop the hint (the game shows the odds)")


# -- callbacks ------------------------------------------------------------------------------------


def _setters(story: Story) -> dict[str, dict[str, set[str]]]:
    """flag -> value -> the choices ("scene.choice") that set it to that value."""
    found: dict[str, dict[str, set[str]]] = {}
    for node in story.nodes.values():
        for choice in node.choices:
            for path_effects in [choice.effects, *(o.effects for o in choice.outcomes)]:
                for effect in path_effects:
                    if effect.op != _SET or effect.target not in story.flags or effect.value is None:
                        continue
                    value = effect.value.constant()
                    key = repr(value) if value is not None else "?"
                    found.setdefault(effect.target, {}).setdefault(key, set()).add(f"{node.id}.{choice.id}")
    return found


def _texts(node: Node) -> Iterator[Template]:
    yield node.text
    if node.divergence is not None:
        yield node.divergence
    for choice in node.choices:
        if choice.result is not None:
            yield choice.result
        for outcome in choice.outcomes:
            if outcome.result is not None:
                yield outcome.result


_MARKUP = re.compile(r"[*_>#`\"“]")
_DECIDES = 20  # CALLBACK reads at most 15 characters: its longest opening and the one after it


def callback_opening(parts: list[Part]) -> str | None:
    """The passage's opening if it reads like a callback, else None.

    Most passages do not, and cleaning a whole passage (often paragraphs) to read its first
    words cost a tenth of `check`'s analysis. Cleaning (white space runs to one space, markup
    characters dropped) keeps prefixes: the cleaned first 64 characters are a prefix of the
    cleaned whole, so when they clean to `_DECIDES` characters or more they answer as the
    whole would; only then, or when the passage is that short, is the whole cleaned."""
    text = "".join(p.text if isinstance(p, Text) else "{…}" for p in parts if isinstance(p, Text | Interp))
    head = _MARKUP.sub("", " ".join(text[:64].split()))
    if len(head) >= _DECIDES and not CALLBACK.match(head):
        return None
    opening = _MARKUP.sub("", " ".join(text.split()))
    return opening if CALLBACK.match(opening) else None


def callback_claim(parts: list[Part]) -> str | None:
    """The passage's first sentence that reads like a callback (its opening or a later one;
    nested conditions skipped), else None. A plain search over the passage's own text: the
    sentences after the first are what `callback_opening` does not read."""
    opening = callback_opening(parts)
    if opening is not None:
        return opening
    text = "".join(p.text if isinstance(p, Text) else "{…}" for p in parts if isinstance(p, Text | Interp))
    found = CALLBACK_SENTENCE.search(text)
    return None if found is None else " ".join(found.group(1).split())


def conditional_passages(template: Template) -> Iterator[tuple[Expr, list[Part]]]:
    """`template.passages()`, without walking the parts of a text that has no expression at all
    (most labels and many texts): every {if} and {elif} holds one."""
    return template.passages() if template.exprs else iter(())


def _flag_value(ast: Ast, story: Story) -> tuple[str, str] | None:
    """The flag and value a condition requires: `flag` -> (flag, 'True'), `flag == 'x'` -> (flag, "'x'")."""
    match ast:
        case Var(name) if name in story.flags:
            return name, repr(True)
        case Cmp(("==",), (Var(name), Const(value))) if name in story.flags:
            return name, repr(value)
    return None


def check_callbacks(story: Story, out: Collector) -> None:
    setters = _setters(story)
    for node in story.nodes.values():
        candidates: list[tuple[Expr, list[Part], str]] = []
        if node.event is not None and node.event.condition is not None:
            candidates.append((node.event.condition, node.text.parts, f"event '{node.id}'"))
        for template in _texts(node):
            candidates += [(expr, body, f"'{node.id}'") for expr, body in conditional_passages(template)]
        for expr, body, where in candidates:
            opening = callback_claim(body)
            if opening is None:
                continue
            flags = _required_flags(expr.ast, story)
            for flag, value in flags:
                choices = setters.get(flag, {}).get(value, set())
                if len(choices) > 1:
                    shown = ", ".join(sorted(choices)[:4]) + (f" and {len(choices) - 4} more" if len(choices) > 4 else "")
                    first = " ".join(opening.split()[:6])
                    out.warning(expr.pos, "false-callback",
                                f"in {where}: \"{first} …\" gives one cause, but {len(choices)} choices set "
                                f"{flag}{'' if value == repr(True) else ' = ' + value}: {shown} "
                                "(see `explore --audit`)")


def _required_flags(ast: Ast, story: Story) -> list[tuple[str, str]]:
    """The flag values a condition needs to hold: the whole condition, or each part of an `and`."""
    direct = _flag_value(ast, story)
    if direct is not None:
        return [direct]
    if type(ast) is And:
        return [found for item in ast.items if (found := _flag_value(item, story)) is not None]
    return []


# ---- checker.py ------------------------------------------------------------


import re
from collections.abc import Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from kremlin_tui.analysed import remembered, truth_of, value_of
from kremlin_tui.builder.state import story_variables
from kremlin_tui.diagnostics import Collector, Diagnostic, Pos
from kremlin_tui.expr import NUM, Ast, Expr, ExprError, Scope, reads
from kremlin_tui.loader import load_story_with_diagnostics
from kremlin_tui.mentions import mentioned_in_any
from kremlin_tui.model import Choice, Effect, EffectOp, Node, Story
from kremlin_tui.records import dataclass
from kremlin_tui.template import Cond, Template, Text

# Ops the passes test on every effect, bound once (an enum member's lookup costs ~75 ns in 3.11).
_SCHEDULE, _UNLOCK = EffectOp.SCHEDULE, EffectOp.UNLOCK


@dataclass
class CheckReport:
    """What `check` found: errors, warnings, and the story's figures for the summary line."""

    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def cannot_run(self) -> list[str]:
        """Why the check could not run at all (no story folder): `check` exits 2, not 1."""
        return [d.message for d in self.errors if d.code == "no-story"]

    def to_json(self) -> dict[str, Any]:
        return {
            "errors": [d.to_json() for d in self.errors],
            "warnings": [d.to_json() for d in self.warnings],
            "stats": self.stats,
        }


def check_story(dirs: list[str], overlay: Mapping[str, str] | None = None, keep: list[object] | None = None) -> CheckReport:
    """Check the story in `dirs`; `overlay` (absolute path -> text) replaces files not yet saved.
    `keep` receives the story, for a caller that would rather not free it now (the `check`
    program, which ends without freeing it)."""
    story, diagnostics = load_story_with_diagnostics(dirs, cache=False, overlay=overlay)
    if keep is not None:
        keep.append(story)
    out = Collector()
    out.items.extend(diagnostics)
    report = CheckReport()
    if story is not None:
        analyse(story, out)
        report.stats = story_stats(story)
    report.errors = sorted(out.errors, key=_order)
    report.warnings = sorted(out.warnings, key=_order)
    return report


# Problems that cause others: a file that cannot be read or parsed, a broken template or
# expression. They are listed first, so the writer fixes the cause before its echoes.
ROOT_CAUSES = frozenset({"io", "encoding", "too-large", "yaml", "control-char", "anchor", "alias", "tag",
                         "too-deep", "documents", "duplicate-key", "key", "template", "syntax", "split-effect"})


def _order(d: Diagnostic) -> tuple[int, str, int, int]:
    return (0 if d.code in ROOT_CAUSES else 1, d.pos.path, d.pos.line, d.pos.col)


# ---------------------------------------------------------------------------------------------


def all_effects(story: Story) -> Iterator[tuple[Node, Choice, Effect]]:
    for node in story.nodes.values():
        for choice in node.choices:
            for effect in choice.effects:
                yield node, choice, effect
            for outcome in choice.outcomes:
                for effect in outcome.effects:
                    yield node, choice, effect


def refined_scope(story: Story) -> Scope:
    """The names of the story, with each flag limited to the values something can give it."""
    possible: dict[str, set[Any]] = {f.id: {f.initial} for f in story.flags.values()}
    for _node, _choice, effect in all_effects(story):
        if effect.target not in possible or effect.value is None:
            continue
        const = effect.value.constant()
        flag = story.flags[effect.target]
        if const is not None:
            possible[effect.target].add(const)
        else:
            possible[effect.target] |= set(flag.values) if flag.values else {True, False}
    variables = story_variables(story.stats, story.relations, story.flags, possible)
    choices = {f"{n.id}.{c.id}" for n in story.nodes.values() for c in n.choices}
    return remembered(Scope(variables, set(story.nodes), choices, set(story.relations)))


def truth(expr: Expr | None, scope: Scope) -> frozenset[bool]:
    return truth_of(expr, scope)  # an error is BOTH: already reported by the loader


def _templates(story: Story) -> Iterator[tuple[str, Template]]:
    for node in story.nodes.values():
        yield from node_templates(node)
    for entry in story.codex.values():
        yield f"codex '{entry.id}'", entry.text


def _conditions(template: Template) -> Iterator[Expr]:
    return (expr for expr, _body in conditional_passages(template))


def analyse(story: Story, out: Collector) -> None:
    scope = refined_scope(story)
    never = frozenset({False})
    flag_hint = _flag_hint(story, scope)

    available: dict[tuple[str, str], bool] = {}
    for node in story.nodes.values():
        for choice in node.choices:
            t = truth(choice.condition, scope)
            available[(node.id, choice.id)] = True in t
            if t == never and choice.condition is not None:
                source = choice.condition.source
                out.error(choice.condition.pos, "never-true",
                          f"the condition of '{node.id}.{choice.id}' can never hold: {source}{flag_hint(choice.condition)}")
            for index, outcome in enumerate(choice.outcomes, start=1):
                try:
                    weight = value_of(outcome.weight, scope)
                except ExprError:
                    continue
                if weight.kind == NUM and weight.hi <= 0:
                    out.warning(outcome.weight.pos, "never-happens",
                                f"outcome {index} of '{node.id}.{choice.id}' has a weight that is never above 0")
        if node.event and node.event.condition is not None and truth(node.event.condition, scope) == never:
            out.error(node.event.condition.pos, "never-true",
                      f"event '{node.id}' can never fire: {node.event.condition.source}{flag_hint(node.event.condition)}")
    templates = list(_templates(story))  # (walked by two passes)
    for where, template in templates:
        for cond in _conditions(template):
            if truth(cond, scope) == never:
                out.error(cond.pos, "never-true", f"in {where}: {{if {cond.source}}} can never hold{flag_hint(cond)}")

    _reachability(story, out, available, scope)
    _codex_matches(story, out)
    for where, template, owner in _list_like_texts(story):
        _accidental_lists(where, template, owner, out)
    _dead_ends(story, out, scope)
    _time_travel(story, out)
    check_structure(story, out, available, scope, templates)  # no ending, traps, x / 0
    _codex_coverage(story, out)
    check_labels(story, scope, out)  # hand-written hints that contradict the effects
    check_callbacks(story, out)  # "Because …" texts on flags several choices set


def _flag_hint(story: Story, scope: Scope) -> Any:
    def hint(expr: Expr) -> str:
        stuck = [
            name for name in _names(expr.ast)
            if name in story.flags and scope.variables[name].values is not None
            and len(scope.variables[name].values or ()) == 1
        ]
        if not stuck:
            return ""
        name = stuck[0]
        value = next(iter(scope.variables[name].values or ()))
        return f" (no effect ever changes flag '{name}' from {str(value).lower() if isinstance(value, bool) else repr(value)})"

    return hint


def _names(ast: Ast) -> Iterator[str]:
    """The variables an expression reads (not the names built-ins take)."""
    return (name for name, how in reads(ast) if how == "var")


def _reachability(story: Story, out: Collector, available: dict[tuple[str, str], bool], scope: Scope) -> None:
    never = frozenset({False})
    reached: set[str] = {story.campaign.start}
    frontier = [story.campaign.start]
    scheduled: set[str] = set()
    pending_events = {
        n.id for n in story.nodes.values()
        if n.event is not None and truth(n.event.condition, scope) != never
    }
    while True:
        while frontier:
            node = story.nodes[frontier.pop()]
            for choice in node.choices:
                if not available[(node.id, choice.id)]:
                    continue
                effects = list(choice.effects) + [e for o in choice.outcomes for e in o.effects]
                scheduled.update(e.target for e in effects if e.op == _SCHEDULE)
                for target in choice.destinations():
                    if target not in reached:
                        reached.add(target)
                        frontier.append(target)
        ready = {
            e for e in pending_events
            if not story.nodes[e].event.scheduled or e in scheduled  # type: ignore[union-attr]
        }
        if not ready:
            break
        pending_events -= ready
        reached |= ready
        frontier.extend(ready)
    for node in story.nodes.values():
        if node.id in reached:
            continue
        if node.is_ending:
            out.error(node.pos, "unreachable-ending", f"ending '{node.id}': nothing leads here")
        elif node.event is not None:
            trigger = node.event
            if trigger.scheduled and node.id not in scheduled:
                why = "nothing reachable schedules it"
            elif trigger.condition is not None and truth(trigger.condition, scope) == never:
                why = "its condition can never hold"
            else:
                why = "it is only reachable from unreachable scenes"
            out.error(node.pos, "unreachable", f"event '{node.id}' can never be due: {why}")
        else:
            out.error(node.pos, "unreachable", f"scene '{node.id}' is unreachable from the start '{story.campaign.start}'")


def _dead_ends(story: Story, out: Collector, scope: Scope) -> None:
    always = frozenset({True})
    cyclic: set[str] | None = None  # worked out once, on the first 'once' choice
    for node in story.nodes.values():
        if node.is_ending or not node.choices:
            continue
        revisitable: bool | None = None
        safe = False
        for choice in node.choices:
            if choice.condition is not None and truth(choice.condition, scope) != always:
                continue
            if choice.once:
                if revisitable is None:
                    if cyclic is None:
                        cyclic = cyclic_scenes(story)
                    revisitable = node.id in cyclic
                if revisitable:
                    continue
            safe = True
            break
        if not safe:
            out.error(node.pos, "dead-end",
                      f"dead end: every choice in '{node.id}' can be unavailable; give one choice no 'if' "
                      "(and no 'once' if the scene can be revisited), or add 'fallback: true' to one")


def _time_travel(story: Story, out: Collector) -> None:
    """Warn where a choice leads to an earlier scene. Endings are exempt: an ending's date is the
    earliest day it tells of, and a game that reaches it later keeps its own date (the engine never
    moves the calendar back), so one exile can close a 1927 route and a 1933 one."""
    for node in story.nodes.values():
        if node.date is None:
            continue
        for choice in node.choices:
            for target in choice.destinations():
                dest = story.nodes.get(target)
                if dest is not None and not dest.is_ending and dest.date is not None and dest.date.day < node.date.day:
                    out.warning(choice.pos, "back-in-time",
                                f"'{node.id}.{choice.id}' leads from {node.date.iso()} back to '{dest.id}' ({dest.date.iso()})")


def _codex_coverage(story: Story, out: Collector) -> None:
    """Warn of codex entries nothing unlocks. Most are unlocked by name (a scene's `codex`, an
    `unlock` effect); only the words of the others are looked for in the scenes' texts (every
    passage, conditional or not), at once (`mentioned_in_any`), not text by text."""
    unlocked = {e.target for _n, _c, e in all_effects(story) if e.op == _UNLOCK}
    for node in story.nodes.values():
        unlocked.update(node.codex)
    others = [entry for entry in story.codex.values() if entry.id not in unlocked]
    if others:
        texts = [part.text for node in story.nodes.values() for part in _text_parts(node.text.parts)]
        unlocked |= mentioned_in_any(((word, entry.id) for entry in others for word in entry.match), texts)
    for entry in story.codex.values():
        if entry.id not in unlocked:
            out.warning(entry.pos, "codex-never-unlocked",
                        f"codex entry '{entry.id}' is never unlocked: no scene mentions {', '.join(entry.match) or entry.title}")


def _text_parts(parts: list[Any]) -> Iterator[Text]:
    """Every literal part of a text, those of its conditional passages too."""
    stack = list(parts)
    while stack:
        part = stack.pop()
        if isinstance(part, Cond):
            for _cond, body in part.branches:
                stack.extend(body)
        elif isinstance(part, Text):
            yield part


def _codex_matches(story: Story, out: Collector) -> None:
    """A `match` word that unlocks more than the writer meant: the same word in two entries
    (a scene mentioning it unlocks both), or a mod's entry whose word already occurs in scenes
    of the story it is loaded on (those scenes will unlock it too)."""
    owner: dict[str, str] = {}
    for entry in story.codex.values():
        for word in entry.match:
            first = owner.setdefault(word, entry.id)
            if first != entry.id:
                out.warning(entry.pos, "codex-match",
                            f"codex '{entry.id}': match '{word}' is also a match of '{first}' "
                            f"({story.codex[first].pos}); a scene that mentions it unlocks both")
    if len(story.sources) < 2:
        return
    roots = [Path(source).resolve() for source in story.sources]

    def layer(path: str) -> int:
        resolved = Path(path).resolve()
        found = [i for i, root in enumerate(roots) if root == resolved or root in resolved.parents]
        return max(found) if found else 0

    node_layers = [(node, layer(node.pos.path)) for node in story.nodes.values()]
    for entry in story.codex.values():
        entry_layer = layer(entry.pos.path)
        if entry_layer == 0:
            continue
        for word in entry.match:
            pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in word.split()) + r"(?!\w)")
            hits = [node for node, node_layer in node_layers
                    if node_layer < entry_layer and word.split()[0] in node.text.source and pattern.search(node.text.source)]
            if hits:
                out.warning(entry.pos, "codex-match",
                            f"codex '{entry.id}': match '{word}' also occurs in {len(hits)} scene(s) of {story.sources[0]} "
                            f"(first: '{hits[0].id}' at {hits[0].pos}); they will unlock the entry too")


_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
# A line of a text might be one: at the text's start, or after a line break (the literal "\n"
# first lets the regex engine skip to each line break at C speed; `^` with re.MULTILINE would
# try every position of a million characters of text).
_FIRST_LINE_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_LATER_LINE_ITEM = re.compile(r"\n\s*(?:[-*+]|\d+[.)])\s")


def _list_like_texts(story: Story) -> Iterator[tuple[str, Template, Pos]]:
    """Every text with a line that starts like a list item (few do), with its owner's name and
    position (a template keeps no position of its own); the names are made only for these."""
    for node in story.nodes.values():
        for template in (node.text, node.divergence):
            if template is not None and _may_hold_list(template.source):
                yield f"'{node.id}'", template, node.pos
        for choice in node.choices:
            for template in (choice.label, choice.result, *(o.result for o in choice.outcomes)):
                if template is not None and _may_hold_list(template.source):
                    yield f"'{node.id}.{choice.id}'", template, choice.pos
    for entry in story.codex.values():
        if _may_hold_list(entry.text.source):
            yield f"codex '{entry.id}'", entry.text, entry.pos


def _may_hold_list(source: str) -> bool:
    return bool(_FIRST_LINE_ITEM.match(source) or _LATER_LINE_ITEM.search(source))


def _accidental_lists(where: str, template: Template, owner: Pos, out: Collector) -> None:
    """A line of prose that begins like a list item (`1923. The country...` after a line
    break, or `- ` where a dash was meant) turns its whole paragraph into a list in both front
    ends. A year at the start of a line, or a list marker in the middle of a paragraph, is
    almost never meant."""
    for paragraph in re.split(r"\n\s*\n", template.source):
        lines = paragraph.split("\n")
        items = [bool(_LIST_ITEM.match(line)) for line in lines]
        first = items.index(True) if True in items else len(lines)
        # a list meant as one: items from the first line, or a run of two or more items that
        # ends the paragraph after an introducing line ("Three demands:" then "1. ...")
        meant = first == 0 or (all(items[first:]) and len(lines) - first >= 2)
        for line, is_item in zip(lines, items):
            if not is_item:
                continue
            marker = _LIST_ITEM.match(line).group(1)  # type: ignore[union-attr]
            year_like = marker[:-1].isdigit() and int(marker[:-1]) >= 100
            if year_like or not meant:
                out.warning(_line_pos(owner, line.strip()), "accidental-list",
                            f"in {where}: a line starts with '{marker} ', so its paragraph shows as a list; "
                            "move the words so the line starts otherwise")


def _line_pos(owner: Pos, text: str) -> Pos:
    """Where a line of a text is in its file: the first line after the owner's that holds it."""
    try:
        with open(owner.path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except OSError:
        return owner
    for row in range(max(owner.line - 1, 0), len(lines)):
        col = lines[row].find(text)
        if col >= 0:
            return Pos(owner.path, row + 1, col + 1)
    return owner
