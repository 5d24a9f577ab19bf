"""`kremlin-tui graph`: the story map as Graphviz DOT or Mermaid.

Scenes are boxes, events are hexagons (with a dashed edge from every scene that schedules
them), endings are double octagons; unreachable nodes (as `check` sees them) are red.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kremlin_tui.checker import check_story
from kremlin_tui.model import Node, Story


def edges(story: Story) -> Iterator[tuple[str, str, str, str]]:
    """(source, target, label, kind) for every choice, outcome and schedule."""
    for node in story.nodes.values():
        for choice in node.choices:
            label = choice.label.source.strip()
            if choice.goto and not choice.outcomes:
                yield node.id, choice.goto, label, "choice"
            for index, outcome in enumerate(choice.outcomes, start=1):
                target = outcome.goto or choice.goto
                if target:
                    yield node.id, target, f"{label} [{index}]", "outcome"
            for effect in list(choice.effects) + [e for o in choice.outcomes for e in o.effects]:
                if effect.op == "schedule":
                    yield node.id, effect.target, "schedules", "schedule"


def select(story: Story, chapter: str | None) -> set[str]:
    if chapter is None:
        return set(story.nodes)
    return {n.id for n in story.nodes.values() if n.chapter == chapter}


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


def to_dot(story: Story, chapter: str | None = None, dead: set[str] | None = None) -> str:
    dead = dead or set()
    keep = select(story, chapter)
    out = ["digraph story {", '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=8];']
    for node in story.nodes.values():
        if node.id not in keep:
            continue
        out.append(f"  {_dot_id(node.id)} [{_dot_style(node, node.id in dead)}];")
    for source, target, label, kind in edges(story):
        if source not in keep and target not in keep:
            continue
        style = ', style=dashed' if kind == "schedule" else ', style=dotted' if kind == "outcome" else ""
        out.append(f"  {_dot_id(source)} -> {_dot_id(target)} [label={_dot_str(_short(label))}{style}];")
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


def to_mermaid(story: Story, chapter: str | None = None, dead: set[str] | None = None) -> str:
    dead = dead or set()
    keep = select(story, chapter)
    out = ["flowchart LR"]
    for node in story.nodes.values():
        if node.id not in keep:
            continue
        title = _mermaid_text(node.title)
        if node.is_ending:
            out.append(f'  {node.id}((("{title}")))')
        elif node.event:
            out.append(f'  {node.id}{{{{"{title}"}}}}')
        else:
            out.append(f'  {node.id}["{title}"]')
    for source, target, label, kind in edges(story):
        if source not in keep and target not in keep:
            continue
        arrow = "-.->" if kind == "schedule" else "-->"
        out.append(f'  {source} {arrow}|"{_mermaid_text(_short(label, 30))}"| {target}')
    endings = [n.id for n in story.nodes.values() if n.is_ending and n.id in keep]
    if endings:
        out.append("  classDef ending fill:#f4d6d6,stroke:#8b0000")
        out.append(f"  class {','.join(endings)} ending")
    dead_here = sorted(d for d in dead if d in keep)
    if dead_here:
        out.append("  classDef unreachable stroke:#ff0000,stroke-width:3px,color:#ff0000")
        out.append(f"  class {','.join(dead_here)} unreachable")
    return "\n".join(out) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", " ")
