"""`kremlin-tui graph`: the story map as Graphviz DOT or Mermaid.

Scenes are boxes, events are hexagons (with a dashed edge from every scene that schedules
them), endings are double octagons; unreachable nodes (as `check` sees them) are red. A map of
part of the story (one chapter, or one mod's folder) also draws, in grey, the scenes outside it
that its edges enter or leave, and can draw flag edges: from a scene whose choice sets a flag
to each scene that tests it, dashed, so a delayed consequence is visible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path

from kremlin_tui.checker import _names, check_story
from kremlin_tui.model import EffectOp, Node, Story


class EdgeKind(StrEnum):
    """What an arrow of the map stands for; each kind is drawn in its own line style."""

    CHOICE = "choice"  # a choice's goto: solid
    OUTCOME = "outcome"  # one result of a gamble: dotted (DOT)
    SCHEDULE = "schedule"  # an effect that schedules an event: dashed


def edges(story: Story) -> Iterator[tuple[str, str, str, EdgeKind]]:
    """(source, target, label, kind) for every choice, outcome and schedule."""
    for node in story.nodes.values():
        for choice in node.choices:
            label = choice.label.source.strip()
            if choice.goto and not choice.outcomes:
                yield node.id, choice.goto, label, EdgeKind.CHOICE
            for index, outcome in enumerate(choice.outcomes, start=1):
                target = outcome.goto or choice.goto
                if target:
                    yield node.id, target, f"{label} [{index}]", EdgeKind.OUTCOME
            for effect in list(choice.effects) + [e for o in choice.outcomes for e in o.effects]:
                if effect.op == EffectOp.SCHEDULE:
                    yield node.id, effect.target, "schedules", EdgeKind.SCHEDULE


_DOT_STYLES = {EdgeKind.CHOICE: "", EdgeKind.OUTCOME: ", style=dotted", EdgeKind.SCHEDULE: ", style=dashed"}


def select(story: Story, chapter: str | None, only: Iterable[str] = ()) -> set[str]:
    """The nodes drawn in full: all, one chapter's, or those defined under the `only` folders."""
    folders = [Path(d).resolve() for d in only]
    if folders:
        return {n.id for n in story.nodes.values() if _under(n.pos.path, folders)}
    if chapter is None:
        return set(story.nodes)
    return {n.id for n in story.nodes.values() if n.chapter == chapter}


def _under(path: str, folders: list[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(folder == resolved or folder in resolved.parents for folder in folders)


def flag_edges(story: Story, keep: set[str]) -> Iterator[tuple[str, str, str]]:
    """(setter, reader, flag): a choice in `setter` sets the flag, a condition, weight or text
    in `reader` tests it; only pairs with an end in `keep`."""
    setters: dict[str, set[str]] = {}
    readers: dict[str, set[str]] = {}
    for node in story.nodes.values():
        for name in _read_by(node):
            if name in story.flags:
                readers.setdefault(name, set()).add(node.id)
        for choice in node.choices:
            for effect in [*choice.effects, *(e for o in choice.outcomes for e in o.effects)]:
                if effect.target in story.flags and effect.op == EffectOp.SET:
                    setters.setdefault(effect.target, set()).add(node.id)
    for flag in sorted(setters):
        for setter in sorted(setters[flag]):
            for reader in sorted(readers.get(flag, ())):
                if setter != reader and (setter in keep or reader in keep):
                    yield setter, reader, flag


def _read_by(node: Node) -> set[str]:
    """Every variable a node's conditions, weights and texts read."""
    exprs = []
    if node.event is not None and node.event.condition is not None:
        exprs.append(node.event.condition)
    templates = [node.text, node.divergence]
    for choice in node.choices:
        if choice.condition is not None:
            exprs.append(choice.condition)
        exprs.extend(o.weight for o in choice.outcomes)
        templates.extend([choice.label, choice.result, *(o.result for o in choice.outcomes)])
    for template in templates:
        if template is not None:
            exprs.extend(expr for expr, _offset in template.exprs)
    return {name for expr in exprs for name in _names(expr.ast)}


def context_nodes(story: Story, keep: set[str], links: Iterable[tuple[str, str]]) -> list[Node]:
    """Nodes outside the selection that an edge enters or leaves: drawn grey, with their title."""
    outside = {end for pair in links for end in pair if end not in keep and end in story.nodes}
    return [story.nodes[n] for n in sorted(outside)]


def unreachable(story: Story, dirs: list[str]) -> set[str]:
    report = check_story(dirs)
    found = set()
    for diagnostic in report.errors:
        if diagnostic.code in ("unreachable", "unreachable-ending"):
            match = re.search(r"'([A-Za-z_][A-Za-z0-9_]*)'", diagnostic.message)
            if match:
                found.add(match.group(1))
    return found


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_dot(story: Story, chapter: str | None = None, dead: set[str] | None = None,
           only: Iterable[str] = (), flags: bool = False) -> str:
    dead = dead or set()
    keep = select(story, chapter, only)
    out = ["digraph story {", '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=8];']
    for node in story.nodes.values():
        if node.id not in keep:
            continue
        out.append(f"  {_dot_id(node.id)} [{_dot_style(node, node.id in dead)}];")
    drawn = [e for e in edges(story) if e[0] in keep or e[1] in keep]
    flagged = list(flag_edges(story, keep)) if flags else []
    if len(keep) < len(story.nodes):
        for node in context_nodes(story, keep, [(a, b) for a, b, *_ in drawn] + [(a, b) for a, b, _ in flagged]):
            out.append(f"  {_dot_id(node.id)} [{_dot_style(node, False)}, color=gray60, fontcolor=gray40, style=dashed];")
    for source, target, label, kind in drawn:
        style = _DOT_STYLES[kind]
        out.append(f"  {_dot_id(source)} -> {_dot_id(target)} [label={_dot_str(_short(label))}{style}];")
    for setter, reader, flag in flagged:
        out.append(f"  {_dot_id(setter)} -> {_dot_id(reader)} [label={_dot_str(flag)}, style=dashed, color=blue, "
                   "fontcolor=blue, constraint=false];")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_id(name: str) -> str:
    return f'"{name}"'


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_str(text: str) -> str:
    return f'"{_escape(text)}"'


def _dot_style(node: Node, dead: bool) -> str:
    shape = "doubleoctagon" if node.is_ending else "hexagon" if node.event else "box"
    label = f'"{_escape(node.title)}\\n({node.id})"'  # \n is DOT's line break
    colour = ', color=red, fontcolor=red, style=bold' if dead else ', style=filled, fillcolor="#f4d6d6"' if node.is_ending else ""
    return f"shape={shape}, label={label}{colour}"


def to_mermaid(story: Story, chapter: str | None = None, dead: set[str] | None = None,
               only: Iterable[str] = (), flags: bool = False) -> str:
    dead = dead or set()
    keep = select(story, chapter, only)
    out = ["flowchart LR"]
    drawn = [e for e in edges(story) if e[0] in keep or e[1] in keep]
    flagged = list(flag_edges(story, keep)) if flags else []
    context = context_nodes(story, keep, [(a, b) for a, b, *_ in drawn] + [(a, b) for a, b, _ in flagged]) \
        if len(keep) < len(story.nodes) else []
    for node in [*(n for n in story.nodes.values() if n.id in keep), *context]:
        title = _mermaid_text(node.title)
        if node.is_ending:
            out.append(f'  {node.id}((("{title}")))')
        elif node.event:
            out.append(f'  {node.id}{{{{"{title}"}}}}')
        else:
            out.append(f'  {node.id}["{title}"]')
    for source, target, label, kind in drawn:
        arrow = "-.->" if kind == EdgeKind.SCHEDULE else "-->"
        out.append(f'  {source} {arrow}|"{_mermaid_text(_short(label, 30))}"| {target}')
    for setter, reader, flag in flagged:
        out.append(f'  {setter} -.-o|"{_mermaid_text(flag)}"| {reader}')
    endings = [n.id for n in story.nodes.values() if n.is_ending and n.id in keep]
    if endings:
        out.append("  classDef ending fill:#f4d6d6,stroke:#8b0000")
        out.append(f"  class {','.join(endings)} ending")
    if context:
        out.append("  classDef context fill:#eeeeee,stroke:#999999,color:#666666,stroke-dasharray:4")
        out.append(f"  class {','.join(n.id for n in context)} context")
    dead_here = sorted(d for d in dead if d in keep)
    if dead_here:
        out.append("  classDef unreachable stroke:#ff0000,stroke-width:3px,color:#ff0000")
        out.append(f"  class {','.join(dead_here)} unreachable")
    return "\n".join(out) + "\n"


# Mermaid reads a label as markup: `<b>` and `<img ...>` are HTML, a backtick starts Markdown,
# `%%{init: ...}%%` anywhere in the file is a directive that reconfigures the renderer, and
# `#quot;` is an entity. A label from a story (a mod) must show as the text it is: each of these
# characters becomes Mermaid's entity code (`#35;` first, so no entity is made by accident).
_MERMAID_ENTITIES = str.maketrans({"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;",
                                   "%": "#37;", "`": "#96;", "\n": " "})


def _mermaid_text(text: str) -> str:
    return text.translate(_MERMAID_ENTITIES)
