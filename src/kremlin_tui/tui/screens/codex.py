"""The codex: people, parties and terms, unlocked as the story mentions them; searchable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from kremlin_tui.model import CodexEntry
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import md_escape

CATEGORY_NAMES = {"person": "People", "party": "Parties and bodies", "term": "Terms", "place": "Places", "event": "Events"}


class CodexScreen(SecondaryScreen):
    BINDINGS = [Binding("escape", "close", "Back"), Binding("slash", "search", "Search")]

    def compose(self) -> ComposeResult:
        yield Static("Codex · type to search · Escape to return", classes="screen-title")
        yield Input(placeholder="Search the codex…", id="codex-search")
        with Horizontal(id="codex-body"):
            yield OptionList(id="codex-list", markup=False)
            with VerticalScroll(id="codex-entry"):
                yield Markdown(id="codex-text")
        yield Footer()

    def entries(self) -> list[CodexEntry]:
        story = self.kremlin.story
        if story is None:
            return []
        game = self.kremlin.game
        unlocked = game.state.codex if game is not None else self.kremlin.profile.codex  # title: every game so far
        return sorted((story.codex[c] for c in unlocked if c in story.codex), key=lambda e: e.title)

    def on_mount(self) -> None:
        self.fill("")
        self.query_one("#codex-list", OptionList).focus()

    def fill(self, query: str) -> None:
        query = query.lower().strip()
        listing = self.query_one("#codex-list", OptionList)
        listing.clear_options()
        found = [e for e in self.entries() if not query or query in e.title.lower() or query in e.text.source.lower()]
        for category, name in CATEGORY_NAMES.items():
            group = [e for e in found if e.category == category]
            if not group:
                continue
            listing.add_option(Option(Content.assemble((name.upper(), "bold $text-accent")), disabled=True))
            listing.add_options(Option(Content(e.title), id=e.id) for e in group)
        if not found:
            message = "No entries match." if query else "No codex entries yet: they unlock as the story mentions them."
            self.query_one("#codex-text", Markdown).update(f"*{message}*")
        else:
            first = next(i for i in range(listing.option_count) if not listing.get_option_at_index(i).disabled)
            listing.highlighted = first
            self.show(listing.get_option_at_index(first).id or "")

    def show(self, entry_id: str) -> None:
        story = self.kremlin.story
        entry = story.codex.get(entry_id) if story else None
        if entry is None:
            return
        game = self.kremlin.game
        body = entry.text.render(game.state) if game else entry.text.source
        self.query_one("#codex-text", Markdown).update(f"## {md_escape(entry.title)}\n\n{body}")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show(event.option.id)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def action_search(self) -> None:
        self.query_one("#codex-search", Input).focus()
