"""Whole-story checks that once only `explore` found (issue 12): a story with no ending, a loop
of scenes with no way out, and a division whose divisor is always zero.

All graph work is iterative (a hostile story may chain ten thousand scenes) and linear in the
size of the story. The loop check is conservative: any event that might still fire counts as a
way out, so every loop it reports is a real trap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kremlin_tui.analysed import truth_of
from kremlin_tui.checker_index import StoryIndex
from kremlin_tui.diagnostics import Collector, shown
from kremlin_tui.expr import NUM, Arith, Ast, Expr, ExprError, Scope, analyze
from kremlin_tui.model import Node, Story


def check_structure(story: Story, out: Collector, available: dict[tuple[str, str], bool], scope: Scope,
                    index: StoryIndex) -> None:
    _closed_windows(story, out)
    endings = [n for n in story.nodes.values() if n.is_ending]
    if not endings:
        out.error(story.campaign.pos, "no-ending",
                  "the story has no ending: every game would go on for ever (add one under 'endings')")
    else:
        _traps(story, out, available, scope, index.scheduled)
    _zero_divisors(out, scope, _expressions(index))


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


def _traps(story: Story, out: Collector, available: dict[tuple[str, str], bool], scope: Scope,
           scheduled: set[str]) -> None:
    nodes = story.nodes
    edges = {nid: [t for t in _targets(node, available) if t in nodes] for nid, node in nodes.items()}
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


def _expressions(index: StoryIndex) -> Iterator[Expr]:
    """The expressions that may divide: the story's (conditions, effects, weights) whose source
    has '/' or '%', then every expression of a text that has one (its expressions are parts of
    its source)."""
    yield from index.dividing
    for template, _which, _owner, _choice in index.texts:
        if "/" in template.source or "%" in template.source:
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


def _zero_divisors(out: Collector, scope: Scope, expressions: Iterable[Expr]) -> None:
    seen: set[int] = set()
    for expr in expressions:
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
