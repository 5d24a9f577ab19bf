"""The journal: every decision so far, by date, with what it changed and what it set off."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown, Static

from kremlin_tui.dates import GameDate
from kremlin_tui.engine import Game
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import change_line, md_escape


def journal_markdown(game: Game) -> str:
    history = game.state.history
    if not history:
        return "*The journal is empty: you have not decided anything yet.*"
    lines: list[str] = []
    chapter = None
    for step in history:
        node = game.story.nodes.get(step.node)
        if node is not None and node.chapter != chapter:
            chapter = node.chapter
            lines += [f"## {md_escape(game.story.chapter_title(chapter))}", ""]
        when = GameDate.parse(step.date).display()
        kind = " (event)" if node is not None and node.event is not None else ""
        lines.append(f"**{when} — {md_escape(step.title)}**{kind}  ")
        lines.append(f"You chose: *{md_escape(step.label)}*")
        shown = [c for c in step.changes if c.kind in ("stat", "relation") and c.delta]
        if shown:
            lines.append("")
            lines += [f"- {md_escape(change_line(c))}" for c in shown]
        for event_id in step.events:
            event = game.story.nodes.get(event_id)
            if event is not None:
                lines += ["", f"→ This set off: **{md_escape(event.title)}**"]
        lines.append("")
    return "\n".join(lines)


class JournalScreen(SecondaryScreen):
    def compose(self) -> ComposeResult:
        yield Static("Journal · Escape to return", classes="screen-title")
        with VerticalScroll():
            yield Markdown(id="journal")
        yield Footer()

    def on_mount(self) -> None:
        game = self.kremlin.game
        text = journal_markdown(game) if game else "*No game in progress.*"
        self.query_one("#journal", Markdown).update(text)
        self.query_one(VerticalScroll).scroll_end(animate=False)
