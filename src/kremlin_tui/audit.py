"""`kremlin-tui explore --audit`: which decisions made each conditional passage true.

A callback ("Because his operation was postponed in 1925, Frunze is alive") is only true if
every way its condition can become true is the cause it names. The audit plays the games
`explore` plays and, each time a conditional passage is shown (an `{if}`/`{elif}`/`{else}`
branch of a scene, event or ending text, of a choice's or an outcome's result; an event's text
as a whole, shown because its trigger held), records the *route*: for every fact the condition
reads, the decision that last set it. A passage that reads like a callback (its
opening, or any later sentence of it: `label_hints.callback_claim`) and was reached by more
than one route is a false-callback candidate.

Facts are flags (with the decision, and the outcome of a gamble, that last changed them),
`visited(...)`, `chose(...)` and schedules. Stats and relations are sums of many decisions,
so a passage's stat reads are listed but do not split its routes.

A sentence may also rely on what holds around it: the conditions of the `{if}` branches that
enclose its passage, and the trigger of the event it is part of ("You kept the War
Commissariat in 1925 and Frunze lived", in an `{else}` of `leadership == 'army'`, is true
because the event's trigger requires both). Those facts are the passage's *given* facts: each
route lists who set them too, so the writer sees every fact the sentence may rely on, but
only the passage's own facts count its causes (the enclosing passage is audited on its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kremlin_tui.expr import CALENDAR, Ast, reads
from kremlin_tui.label_hints import callback_claim
from kremlin_tui.model import Choice, Node, Story
from kremlin_tui.template import Cond, Interp, Part, Template, Text

START = "(start)"  # a fact still at its initial value: no decision made it so
ROUTES_SHOWN = 8  # routes listed per passage in the text report; JSON has them all

OUTCOME = re.compile(r" \[outcome \d+\]$")
Key = tuple[str, int, int, int]  # path, line, col of the passage's {if} (or event), branch (-1: event)
Route = tuple[tuple[str, str], ...]  # (fact, the decision that last set it): own facts, then given facts


@dataclass(frozen=True)
class Passage:
    """One conditional passage as a writer finds it in the files."""

    key: Key
    node: str
    context: str  # "text", "divergence", "result of CHOICE", "outcome N of CHOICE", "event"
    branch: str  # "if", "elif", "else" or "event"
    condition: str
    opening: str  # the passage's first words
    claim: str  # its first sentence that reads like a callback ("Because you …"), or ""
    facts: tuple[str, ...]  # what splits the routes
    stats: tuple[str, ...]  # stats and relations read (listed, not attributed)
    given: tuple[str, ...] = ()  # facts of the enclosing branches and the event's trigger, not its own
    given_stats: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.key[0]}:{self.key[1]}"


def _reads(ast: Ast, out: list[str]) -> None:
    """The facts a condition reads, each once: variables (not the calendar), `visited(x)` and
    `chose(a.b)` as written, and the country of `attitude(c)`."""
    for name, how in reads(ast):
        if how == "var" and name in CALENDAR:
            continue
        fact = f"{how}({name})" if how in ("visited", "chose") else name
        if fact not in out:
            out.append(fact)


def _opening(parts: list[Part], words: int = 12) -> str:
    """The first words a reader sees in a passage (nested conditions skipped)."""
    text = "".join(p.text if isinstance(p, Text) else "{" + p.expr.source + "}" for p in parts
                   if isinstance(p, Text | Interp))
    text = re.sub(r"[*_>#`]", "", " ".join(text.split()))
    split = text.split(" ")
    return " ".join(split[:words]) + ("…" if len(split) > words else "")


def _split(story: Story, names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    numeric = [n for n in names if n in story.stats or n in story.relations]
    return tuple(n for n in names if n not in numeric), tuple(numeric)


def _cond_key(cond: Cond) -> tuple[str, int, int]:
    pos = cond.branches[0][0].pos  # type: ignore[union-attr]
    return (pos.path, pos.line, pos.col)


def _branch_reads(cond: Cond, index: int) -> list[str]:
    """An {elif} or {else} is shown because the conditions before it failed: it reads them too."""
    names: list[str] = []
    for expr, _ in cond.branches[: index + 1]:
        if expr is not None:
            _reads(expr.ast, names)
    return names


def _trigger_reads(node: Node) -> list[str]:
    """What an event's trigger reads: every passage of the event (and of its choices' results)
    is shown because it held."""
    trigger = node.event
    names: list[str] = []
    if trigger is None:
        return names
    if trigger.scheduled:
        names.append(f"scheduled({node.id})")
    if trigger.condition is not None:
        _reads(trigger.condition.ast, names)
    return names


def _given(own: list[str], outer: list[str]) -> list[str]:
    return [name for name in outer if name not in own]


def _passages_in(story: Story, template: Template | None, node: Node, context: str) -> Iterator[Passage]:
    if template is None:
        return

    def walk(parts: list[Part], outer: list[str]) -> Iterator[Passage]:
        for part in parts:
            if not isinstance(part, Cond):
                continue
            path, line, col = _cond_key(part)
            for index, (expr, body) in enumerate(part.branches):
                branch = "if" if index == 0 else "else" if expr is None else "elif"
                own = _branch_reads(part, index)
                facts, stats = _split(story, own)
                given, given_stats = _split(story, _given(own, outer))
                shown = expr.source if expr is not None else "not (" + "; ".join(
                    e.source for e, _ in part.branches[:index] if e is not None) + ")"
                yield Passage((path, line, col, index), node.id, context, branch, shown, _opening(body),
                              callback_claim(body) or "", facts, stats, given, given_stats)
                yield from walk(body, outer + _given(outer, own))

    yield from walk(template.parts, _trigger_reads(node))


def _event_passage(story: Story, node: Node) -> Passage | None:
    trigger = node.event
    if trigger is None or (trigger.condition is None and not trigger.scheduled):
        return None
    facts, stats = _split(story, _trigger_reads(node))
    condition = trigger.condition.source if trigger.condition is not None else f"scheduled({node.id})"
    pos = node.pos
    return Passage((pos.path, pos.line, pos.col, -1), node.id, "event", "event", condition,
                   _opening(node.text.parts), callback_claim(node.text.parts) or "", facts, stats)


def passages(story: Story) -> dict[Key, Passage]:
    """Every conditional passage of the story, in file order."""
    found: dict[Key, Passage] = {}
    for node in story.nodes.values():
        event = _event_passage(story, node)
        items = [event] if event else []
        items += _passages_in(story, node.text, node, "text")
        items += _passages_in(story, node.divergence, node, "divergence")
        for choice in node.choices:
            items += _passages_in(story, choice.result, node, f"result of {node.id}.{choice.id}")
            for number, outcome in enumerate(choice.outcomes, start=1):
                items += _passages_in(story, outcome.result, node, f"outcome {number} of {node.id}.{choice.id}")
        for passage in items:
            found.setdefault(passage.key, passage)
    return dict(sorted(found.items()))


def decision_name(node: str, choice: Choice, outcome: int | None) -> str:
    name = f"{node}.{choice.id}"
    if outcome is not None and len(choice.outcomes) > 1:
        name += f" [outcome {outcome + 1}]"
    return name


class Auditor:
    """Follows one game at a time and records, for each passage shown, the route that led there.

    `routes[key][route] = [games, first seed]`; chunks merge in order, so the first seed is the
    lowest that shows the route."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.routes: dict[Key, dict[Route, list[int]]] = {}
        self._facts: dict[Key, tuple[tuple[str, ...], list[str]]] = {}  # own then given facts; what its body is given
        self._triggers: dict[str, list[str]] = {}
        self._cause: dict[str, str] = {}
        self._scheduled: dict[str, str] = {}
        self._seed = 0
        self._game: Any = None

    def start(self, game: Any, seed: int) -> None:
        self._game = game
        self._seed = seed
        self._cause = {}
        self._scheduled = dict(game.state.scheduled)
        self._entered(game.node)

    def decided(self, game: Any, node_id: str, choice_id: str, turn: Any) -> None:
        """After `Game.choose`: remember who set what, then audit the results and the next scene."""
        outcome, changes = turn.outcome, turn.changes
        state = game.state
        node = self.story.nodes[node_id]
        choice = next(c for c in node.choices if c.id == choice_id)
        who = decision_name(node_id, choice, outcome)
        cause = self._cause
        for change in changes:
            cause[change.name] = who
        if state.scheduled != self._scheduled:
            for event_id, when in state.scheduled.items():
                if self._scheduled.get(event_id) != when:
                    cause[f"scheduled({event_id})"] = who
            self._scheduled = dict(state.scheduled)
        self._template(choice.result, node)
        if outcome is not None and choice.outcomes[outcome].result is not None:
            self._template(choice.outcomes[outcome].result, node)
        self._entered(game.node)

    def finish(self, game: Any, seed: int) -> None:
        pass  # a route is recorded as each passage is shown

    # -- recording ---------------------------------------------------------------------------

    def _entered(self, node: Node) -> None:
        if node.event is not None and (node.event.condition is not None or node.event.scheduled):
            passage = _event_passage(self.story, node)
            if passage is not None:
                self._record(passage.key, passage.facts)
        self._template(node.text, node)
        if node.divergence is not None:
            self._template(node.divergence, node)

    def _template(self, template: Template | None, node: Node) -> None:
        if template is not None and not template.is_static():
            trigger = self._triggers.get(node.id)
            if trigger is None:
                trigger = self._triggers[node.id] = _trigger_reads(node)
            self._walk(template.parts, trigger)

    def _walk(self, parts: list[Part], outer: list[str]) -> None:
        state = self._game.state
        for part in parts:
            if not isinstance(part, Cond):
                continue
            for index, (expr, body) in enumerate(part.branches):
                if expr is None or expr(state):
                    key: Key = (*_cond_key(part), index)
                    known = self._facts.get(key)
                    if known is None:  # a branch always sits in the same place, so `outer` is always the same
                        own = _branch_reads(part, index)
                        facts = _split(self.story, own)[0] + _split(self.story, _given(own, outer))[0]
                        known = self._facts[key] = (facts, outer + _given(outer, own))
                    self._record(key, known[0])
                    self._walk(body, known[1])
                    break

    def _record(self, key: Key, facts: tuple[str, ...]) -> None:
        route = tuple((fact, self._why(fact)) for fact in facts)
        seen = self.routes.setdefault(key, {})
        entry = seen.get(route)
        if entry is None:
            seen[route] = [1, self._seed]
        else:
            entry[0] += 1

    def _why(self, fact: str) -> str:
        state = self._game.state
        if fact.startswith("visited("):
            return "visited" if state.visits.get(fact[8:-1]) else "not visited"
        if fact.startswith("chose("):
            return "chosen" if fact[6:-1] in state.chosen else "not chosen"
        return self._cause.get(fact, START)


def merge(into: dict[Key, dict[Route, list[int]]], other: dict[Key, dict[Route, list[int]]]) -> None:
    for key, routes in other.items():
        mine = into.setdefault(key, {})
        for route, (games, seed) in routes.items():
            entry = mine.get(route)
            if entry is None:
                mine[route] = [games, seed]
            else:
                entry[0] += games


def _by_choice(route: Route) -> Route:
    """The route with the gamble's outcome left out: "Because you levied the forced loan" is
    true whichever way the loan went, while "because it was postponed" is not true of a
    surgery that succeeded (a different choice)."""
    return tuple((fact, OUTCOME.sub("", who)) for fact, who in route)


def report(story: Story, routes: dict[Key, dict[Route, list[int]]]) -> dict[str, Any]:
    """The audit as data: every passage in file order, with its routes (most frequent first)."""
    out: list[dict[str, Any]] = []
    never: list[dict[str, Any]] = []
    for key, passage in passages(story).items():
        seen = routes.get(key)
        base = {"where": passage.where, "col": key[2], "node": passage.node, "context": passage.context,
                "branch": passage.branch, "condition": passage.condition, "opening": passage.opening}
        if not seen:
            never.append(base)
            continue
        ordered = sorted(seen.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        callback = bool(passage.claim)
        own = len(passage.facts)
        causes = {_by_choice(route[:own]) for route in seen}
        out.append({
            **base,
            "shown": sum(games for games, _ in seen.values()),
            "facts": list(passage.facts),
            "stats": list(passage.stats),
            "given": list(passage.given),
            "given_stats": list(passage.given_stats),
            "callback": callback,
            "claim": passage.claim,
            "causes": len(causes),
            "false_callback": callback and len(causes) > 1,
            "routes": [{"causes": dict(route[:own]), "given": dict(route[own:]), "shown": games, "seed": seed}
                       for route, (games, seed) in ordered],
        })
    return {"passages": out, "never_shown": never,
            "false_callbacks": [f"{p['where']}" for p in out if p["false_callback"]]}


def format_audit(audit: dict[str, Any]) -> str:
    passages_shown = audit["passages"]
    flagged = [p for p in passages_shown if p["false_callback"]]
    lines = [f"Audit: {len(passages_shown)} conditional passage(s) shown, {len(audit['never_shown'])} never shown; "
             f"{len(flagged)} read like a callback but have more than one cause (different choices made them true)."]
    if flagged:
        lines.append("Callbacks with more than one cause (check that the text is true of each route below):")
        for p in flagged:
            lines.append(f"  {p['where']}  {_quote(_claim_or_opening(p))}  ({p['causes']} causes)")
    lines.append("")
    lines.append("Passages (file:line, {condition}, first words, times shown; then each route: times, "
                 "the decision that last set each fact, after \"given:\" the facts of the enclosing branches "
                 "and the event's trigger, a seed that shows it):")
    for p in passages_shown:
        mark = f"  ⚠ callback with {p['causes']} causes" if p["false_callback"] else ""
        where = p["context"] if p["context"] != "text" else p["node"]
        lines.append(f"{p['where']}  [{where}] {{{p['branch']} {p['condition']}}}  {_quote(_claim_or_opening(p))}  "
                     f"shown {p['shown']}×{mark}")
        if p["stats"]:
            lines.append("    reads " + ", ".join(p["stats"]) + " (stats and relations: not split by route)")
        if p["given_stats"]:
            lines.append("    given " + ", ".join(p["given_stats"]) + " (read by the enclosing branches or the trigger)")
        for route in p["routes"][:ROUTES_SHOWN]:
            causes = "; ".join(f"{fact} ← {who}" for fact, who in route["causes"].items()) or "(no facts: stats only)"
            if route["given"]:
                causes += "  | given: " + "; ".join(f"{fact} ← {who}" for fact, who in route["given"].items())
            lines.append(f"    {route['shown']:>7}  {causes}  (seed {route['seed']})")
        more = p["routes"][ROUTES_SHOWN:]
        if more:
            lines.append(f"    {sum(r['shown'] for r in more):>7}  … {len(more)} more route(s) (see --format json)")
    if audit["never_shown"]:
        lines.append("")
        lines.append(f"Never shown in these games ({len(audit['never_shown'])}):")
        for p in audit["never_shown"]:
            lines.append(f"  {p['where']}  {{{p['branch']} {p['condition']}}}  {_quote(p['opening'])}")
    return "\n".join(lines)


def _claim_or_opening(passage: dict[str, Any]) -> str:
    """A flagged passage is quoted by its callback sentence, which may come after its opening."""
    return passage["claim"] if passage["false_callback"] else passage["opening"]


def _quote(text: str, limit: int = 60) -> str:
    return '"' + (text if len(text) <= limit else text[: limit - 1].rstrip() + "…") + '"'

