"""Turning engine results into safe display text.

Story and player strings never pass through Rich/Textual markup: Markdown goes to the Markdown
widget (which has no markup), everything else is built with `Content.assemble`, which treats
strings literally, so a `[` or `[/]` in a story or a save name can never raise a markup error.
"""

from __future__ import annotations

from textual.content import Content

from kremlin_tui.engine import Change, Preview, TurnResult
from kremlin_tui.expr import format_value
from kremlin_tui.model import Story

UP, DOWN = "▲", "▼"


def amount(delta: float) -> str:
    return format_value(abs(float(delta)))


def good(delta: float, polarity: str) -> bool | None:
    """Whether a change is good news for the player (None: neither)."""
    if polarity == "neutral" or not delta:
        return None
    return (delta > 0) == (polarity == "up")


def delta_style(delta: float, polarity: str) -> str:
    verdict = good(delta, polarity)
    return "$text-success" if verdict else "$text-error" if verdict is False else "$text-warning"


def delta_content(label: str, delta: float, polarity: str) -> Content:
    arrow = UP if delta > 0 else DOWN
    return Content.assemble((f"{label} {arrow}{amount(delta)}", delta_style(delta, polarity)))


def preview_content(previews: tuple[Preview, ...]) -> Content:
    parts: list[Content | str] = []
    for index, p in enumerate(previews):
        if index:
            parts.append("  ")
        parts.append(delta_content(p.label, p.delta, p.polarity))
    return Content.assemble(*parts)


def md_escape(text: str) -> str:
    """Make a plain string safe inside Markdown (labels and save names are not Markdown)."""
    out = []
    for ch in text:
        if ch in "\\`*_{}[]<>#|":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def change_line(change: Change) -> str:
    arrow = UP if change.delta > 0 else DOWN
    return f"{change.label} {arrow}{amount(change.delta)} ({format_value(change.old)} → {format_value(change.new)})"


def outcome_markdown(story: Story, result: TurnResult) -> str:
    """The consequences of a decision, as Markdown: what happened and what changed."""
    lines = [f"**You chose:** *{md_escape(result.label)}*", ""]  # a paragraph: headings do not wrap
    if result.result:
        lines += [result.result, ""]
    visible = [c for c in result.changes if c.kind in ("stat", "relation") and c.delta]
    if visible:
        lines.append("**What changed**")
        lines.append("")
        lines += [f"- {md_escape(change_line(c))}" for c in visible]
        lines.append("")
    if any(c.kind == "hidden" for c in result.changes):
        lines += ["*Elsewhere, things have shifted that you cannot yet measure.*", ""]
    for cid in result.codex:
        entry = story.codex.get(cid)
        if entry:
            lines.append(f"- New in the codex: **{md_escape(entry.title)}**")
    if result.events:
        lines += ["", f"*Meanwhile: {md_escape(', '.join(result.events))}.*"]
    return "\n".join(lines).strip()


