"""The game screen: the scene, its choices, the consequences of the last decision, the sidebar.

A decision is shown in two beats, like a narrative strategy game: first the consequences (what
happened, what changed, ▲/▼), then, on Continue, the next scene.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from kremlin_tui.engine import ChoiceUnavailable, EngineError, Scene, TurnResult
from kremlin_tui.tui.text import md_escape, outcome_markdown, preview_content
from kremlin_tui.tui.widgets.debug import DebugPanel
from kremlin_tui.tui.widgets.stats import StatsPanel
from kremlin_tui.words import gamble_words

if TYPE_CHECKING:
    from kremlin_tui.tui.app import KremlinApp

CONTINUE = "__continue__"
NARROW = 96  # below this width the sidebar gives its room to the story


class GameScreen(Screen[None]):
    BINDINGS = [
        *(Binding(str(n), f"pick({n})", f"Choice {n}", show=False) for n in range(1, 10)),
        Binding("j", "app.journal", "Journal"),
        Binding("m", "app.map", "Map"),
        Binding("g", "app.charts", "Charts"),
        Binding("c", "app.codex", "Codex"),
        Binding("s", "app.save", "Save"),
        Binding("l", "app.load", "Load"),
        Binding("u", "app.undo", "Undo"),
        Binding("r", "app.redo", "Redo", show=False),
        Binding("f5", "app.quicksave", "Quick save", show=False),
        Binding("f9", "app.quickload", "Quick load", show=False),
        Binding("t", "toggle_sidebar", "Stats", show=False),
        Binding("f12", "toggle_debug", "Debug", show=False),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit_game", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.showing_outcome: TurnResult | None = None
        self.sidebar_hidden_by_user = False
        self._choices_scene: Scene | None = None  # the scene whose choices are listed (re-wrapped on resize)

    @property
    def kremlin(self) -> KremlinApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="game-body"):
            with Vertical(id="story-column"):
                yield Static(id="scene-header")
                with VerticalScroll(id="scene-scroll"):
                    yield Static(id="scene-warning")
                    yield Markdown(id="scene-text")
                yield OptionList(id="choices", markup=False)
                yield DebugPanel(id="debug")
            yield StatsPanel(id="sidebar")
        yield Footer()

    def on_mount(self) -> None:
        # before the first layout, or a 40-column terminal squeezes the choices to width 0
        self.set_class(self.app.size.width < NARROW, "narrow")
        self.query_one(DebugPanel).display = self.kremlin.debug_panel
        self.show_scene()
        self.query_one("#choices", OptionList).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")
        self.call_after_refresh(self._rewrap_choices)

    def _rewrap_choices(self) -> None:
        """Labels are wrapped by hand (for the hanging indent), so a new width needs new lines."""
        scene = self._choices_scene
        if scene is not None and self.showing_outcome is None:
            choices = self.query_one("#choices", OptionList)
            highlighted = choices.highlighted
            self._fill_choices(scene)
            choices.highlighted = highlighted

    # -- showing ----------------------------------------------------------------------------

    def show_scene(self) -> None:
        game = self.kremlin.game
        if game is None:
            return
        self.showing_outcome = None
        scene = game.scene()
        if scene.kind == "ending":
            self.kremlin.show_ending()
            return
        self._header(scene)
        warning = self.query_one("#scene-warning", Static)
        warning.display = bool(scene.tags)
        if scene.tags:
            warning.update(Content.assemble(("Content: " + ", ".join(scene.tags), "italic $text-warning")))
        prefix = "*An event interrupts.*\n\n" if scene.kind == "event" else ""
        self.query_one("#scene-text", Markdown).update(f"# {md_escape(scene.title)}\n\n{prefix}{scene.text}")
        self.query_one("#scene-scroll", VerticalScroll).scroll_home(animate=False)
        self._fill_choices(scene)
        self.query_one(StatsPanel).refresh_from(game)
        self._refresh_debug()

    def _refresh_debug(self, last: TurnResult | None = None) -> None:
        panel = self.query_one(DebugPanel)
        if panel.display and self.kremlin.game is not None:
            panel.refresh_from(self.kremlin.game, last)

    def action_toggle_debug(self) -> None:
        panel = self.query_one(DebugPanel)
        panel.display = not panel.display
        self._refresh_debug(self.showing_outcome)
        if panel.display:
            self.query_one("#debug-input").focus()
        else:
            self.query_one("#choices", OptionList).focus()

    def on_debug_panel_changed(self, _message: DebugPanel.Changed) -> None:
        self.show_scene()
    def _header(self, scene: Scene) -> None:
        parts = [p for p in (scene.date, scene.place) if p]
        chapter = scene.chapter_title
        self.query_one("#scene-header", Static).update(
            Content.assemble((" · ".join(parts), "bold"), ("   " + chapter if chapter else "", "$text-muted"))
        )

    def _hang(self, label: str, indent: int) -> str:
        """Wrap a label so its continuation lines start under the label, not under the number."""
        width = self.query_one("#choices", OptionList).scrollable_content_region.width - indent - 1
        if width < 12:  # not laid out yet, or absurdly narrow: let the widget wrap
            return label
        return ("\n" + " " * indent).join(textwrap.wrap(label, width, break_on_hyphens=False)) or label

    def _fill_choices(self, scene: Scene) -> None:
        self._choices_scene = scene
        options: list[Option] = []
        for choice in scene.choices:
            number = (f"{choice.number}. ", "bold $accent")
            label = self._hang(choice.label, len(number[0]))
            if choice.available:
                prompt = Content.assemble(number, label)
                if choice.preview:  # on its own line: it never wraps into the label
                    prompt = Content.assemble(prompt, "\n   ", preview_content(choice.preview))
                if choice.gamble is not None:  # the odds, computed by the engine, whatever the label says
                    prompt = Content.assemble(prompt, "\n   ", (self._hang(gamble_words(choice.gamble), 3),
                                                                "italic $text-warning"))
                options.append(Option(prompt, id=choice.id))
            else:
                reason = choice.locked_reason or "locked"
                prompt = Content.assemble(number, (label, "dim strike"), (f"\n   🔒 {reason}", "italic $text-muted"))
                options.append(Option(prompt, id=choice.id, disabled=True))
        self._set_options(options)

    def _set_options(self, options: list[Option]) -> None:
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        choices.add_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        choices.highlighted = first

    def show_outcome(self, result: TurnResult) -> None:
        self.showing_outcome = result
        self.query_one("#scene-warning", Static).display = False
        self.query_one("#scene-text", Markdown).update(outcome_markdown(self.kremlin.game.story, result))  # type: ignore[union-attr]
        self.query_one("#scene-scroll", VerticalScroll).scroll_home(animate=False)
        label = "See how it ends ⏎" if result.ending else "Continue ⏎"
        self._set_options([Option(Content.assemble(("1. ", "bold $accent"), label), id=CONTINUE)])
        self.query_one(StatsPanel).refresh_from(self.kremlin.game)  # type: ignore[arg-type]
        self._refresh_debug(result)

    # -- deciding ---------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.take(event.option.id or "")

    def action_pick(self, number: int) -> None:
        choices = self.query_one("#choices", OptionList)
        if number > choices.option_count:
            self.notify(f"There is no choice {number}.", severity="warning", timeout=2)
            return
        option = choices.get_option_at_index(number - 1)
        if option.disabled:
            self.notify("That choice is locked.", severity="warning", timeout=2)
            return
        self.take(option.id or "")

    def take(self, choice_id: str) -> None:
        if choice_id == CONTINUE:
            self.show_scene()
            return
        try:
            result = self.kremlin.choose(choice_id)
        except ChoiceUnavailable as exc:
            self.notify(str(exc), severity="warning")
            return
        except EngineError as exc:
            self.notify(f"The story has a problem here: {exc}", severity="error", timeout=10)
            return
        self.show_outcome(result)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(StatsPanel)
        sidebar.display = not sidebar.display
        self.set_class(not sidebar.display, "sidebar-off")
