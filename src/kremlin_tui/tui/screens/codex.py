"""The codex: people, parties and terms, unlocked as the story mentions them.

Typing searches at once (the search box has the focus; the arrow keys still move through the
list), and results come ranked: an entry whose title matches comes before one that mentions
the word (see `present.search_codex`)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from kremlin_tui import present
from kremlin_tui.engine import GameState
from kremlin_tui.model import CodexEntry, Story
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import md_escape

CATEGORY_NAMES = {"person": "People", "party": "Parties and bodies", "term": "Terms", "place": "Places", "event": "Events"}


class CodexScreen(SecondaryScreen):
    # below 80 columns the list gives the entry's text room (app.tcss: CodexScreen.-narrow)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, story: Story, unlocked: Iterable[str], state: GameState | None) -> None:
        super().__init__()
        self.story = story
        self.state = state  # renders the entries' {if}s for this game; None on the title
        self.unlocked = [story.codex[c] for c in unlocked if c in story.codex]

    def compose(self) -> ComposeResult:
        yield Static("Codex · type to search · ↑↓ to browse · Escape to return", classes="screen-title")
        yield Input(placeholder="Type to search the codex…", id="codex-search")
        with Horizontal(id="codex-body"):
            yield OptionList(id="codex-list", markup=False)
            with VerticalScroll(id="codex-entry"):
                yield Markdown(id="codex-text")
        yield Footer()

    def on_mount(self) -> None:
        self.fill("")
        self.query_one("#codex-search", Input).focus()

    def fill(self, query: str) -> None:
        listing = self.query_one("#codex-list", OptionList)
        listing.clear_options()
        found = present.search_codex(self.unlocked, query)
        if query.strip():  # ranked: best match first
            listing.add_options(Option(Content(e.title), id=e.id) for e in found)
        else:
            for category, name in CATEGORY_NAMES.items():
                group = [e for e in found if e.category == category]
                if group:
                    listing.add_option(Option(Content.assemble((name.upper(), "bold $text-accent")), disabled=True))
                    listing.add_options(Option(Content(e.title), id=e.id) for e in group)
        if not found:
            message = "No entries match." if query.strip() else "No codex entries yet: they unlock as the story mentions them."
            self.query_one("#codex-text", Markdown).update(f"*{message}*")
            return
        first = next(i for i in range(listing.option_count) if not listing.get_option_at_index(i).disabled)
        listing.highlighted = first
        self.show(listing.get_option_at_index(first).id or "")

    def show(self, entry_id: str) -> None:
        entry: CodexEntry | None = self.story.codex.get(entry_id)
        if entry is None:
            return
        body = entry.text.render(self.state) if self.state is not None else entry.text.source
        self.query_one("#codex-text", Markdown).update(f"## {md_escape(entry.title)}\n\n{body}")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show(event.option.id)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def action_move(self, step: int) -> None:
        listing = self.query_one("#codex-list", OptionList)
        if step > 0:
            listing.action_cursor_down()
        else:
            listing.action_cursor_up()
