"""Rendering `present`'s plain data as Textual content: styles and Markdown, nothing decided here.

Story and player strings never pass through Rich/Textual markup: Markdown goes to the Markdown
widget (which has no markup), everything else is built with `Content.assemble`, which treats
strings literally, so a `[` or `[/]` in a story or a save name can never raise a markup error.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from kremlin_tui import present
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


def journal_lines(entries: list[JournalEntry], width: int) -> list[Content]:
    """The journal wrapped to `width`, a styled line each (wrapping plain strings is what makes
    a 200-entry journal open at once; see bench/bench_journal.py)."""
    if not entries:
        return [Content.assemble(("The journal is empty: you have not decided anything yet.", "italic"))]
    lines: list[Content] = []
    for entry in entries:
        if entry.chapter:
            lines += [*([Content("")] if lines else []), Content.styled(entry.chapter.upper(), "bold $text-accent"), Content("")]
        heading = f"{entry.date} — {entry.title}" + (" (event)" if entry.is_event else "")
        lines += [Content.styled(line, "bold") for line in present.hang(heading, width, indent=2)]
        lines += [Content.styled(line, "italic") for line in present.hang(entry.label, width, "You chose: ", indent=2)]
        if entry.causes:  # why the event came (y on the game screen says more)
            lines += [Content.styled(line, "$text-muted") for line in
                      present.hang("; ".join(entry.causes), width, "  Set off by: ", indent=4)]
        if entry.changes:
            shorts = [c.short for c in entry.changes]
            for items in present.pack(shorts, width, "  ", ", "):
                # one assemble a line, not one a change joined (half the time of a 200-entry journal's changes)
                parts: list[str | tuple[str, str]] = ["  "]
                for n, index in enumerate(items):
                    parts += [", "] if n else []
                    parts.append((shorts[index], VERDICT_STYLES[entry.changes[index].verdict]))
                lines.append(Content.assemble(*parts))
        for title in entry.set_off:
            lines += [Content(line) for line in present.hang(title, width, "  → This set off: ", indent=4)]
        lines.append(Content(""))
    return lines
