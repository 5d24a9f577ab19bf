"""Rendering `present`'s plain data as Textual content: styles and Markdown, nothing decided here.

Story and player strings never pass through Rich/Textual markup: Markdown goes to the Markdown
widget (which has no markup), everything else is built with `Content.assemble`, which treats
strings literally, so a `[` or `[/]` in a story or a save name can never raise a markup error.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from kremlin_tui.present import Delta, JournalEntry, Outcome, Verdict

VERDICT_STYLES = {Verdict.GOOD: "$text-success", Verdict.BAD: "$text-error", Verdict.NEUTRAL: "$text-warning"}


def delta_content(delta: Delta, *, line: bool = False) -> Content:
    return Content.assemble((delta.line if line else delta.short, VERDICT_STYLES[delta.verdict]))


def deltas_content(deltas: Iterable[Delta], separator: str = "  ") -> Content:
    return Content(separator).join(delta_content(d) for d in deltas)


def md_escape(text: str) -> str:
    """Make a plain string safe inside Markdown (labels and save names are not Markdown)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>#|" else ch for ch in text)


def outcome_markdown(shown: Outcome) -> str:
    """The consequences of a decision, as Markdown: what happened and what changed."""
    lines = [f"**You chose:** *{md_escape(shown.label)}*", ""]  # a paragraph: headings do not wrap
    if shown.result:
        lines += [shown.result, ""]
    if shown.changes:
        lines += ["**What changed**", ""]
        lines += [f"- {md_escape(c.line)}" for c in shown.changes]
        lines.append("")
    if shown.hidden_shift:
        lines += ["*Elsewhere, things have shifted that you cannot yet measure.*", ""]
    lines += [f"- New in the codex: **{md_escape(title)}**" for title in shown.codex]
    if shown.events:
        lines += ["", f"*Meanwhile: {md_escape(', '.join(shown.events))}.*"]
    return "\n".join(lines).strip()


def journal_content(entries: list[JournalEntry]) -> Content:
    """The journal as one styled text (a Markdown widget takes seconds for a long game)."""
    if not entries:
        return Content.assemble(("The journal is empty: you have not decided anything yet.", "italic"))
    parts: list[Content | str | tuple[str, str]] = []
    for entry in entries:
        if entry.chapter:
            parts += ["\n" if parts else "", (entry.chapter.upper(), "bold $text-accent"), "\n\n"]
        parts += [(f"{entry.date} — {entry.title}", "bold"), (" (event)" if entry.is_event else "", "italic"), "\n"]
        parts += ["You chose: ", (entry.label, "italic"), "\n"]
        if entry.changes:
            parts += ["  ", deltas_content(entry.changes, ", "), "\n"]
        for title in entry.set_off:
            parts += ["  → This set off: ", (title, "bold"), "\n"]
        parts.append("\n")
    return Content.assemble(*parts)
