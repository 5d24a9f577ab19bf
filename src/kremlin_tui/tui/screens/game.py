"""The game screen: the scene, its choices, the consequences of the last decision, the sidebar.

A decision is shown in two beats, like a narrative strategy game: first the consequences (what
happened, what changed, ▲/▼), then, on Continue, the next scene.

The screen is given the session it plays (attributes down) and tells the app what happened
with messages (`Decided`, `Ended`); the app never reaches into it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Markdown, OptionList, Static

from kremlin_tui import present
from kremlin_tui.engine import ChoiceUnavailable, EngineError, Scene, TurnResult
from kremlin_tui.model import NodeKind
from kremlin_tui.tui.text import md_escape, outcome_markdown
from kremlin_tui.tui.widgets.choices import CONTINUE, ChoiceBox
from kremlin_tui.tui.widgets.debug import DebugPanel
from kremlin_tui.tui.widgets.footer import FittingFooter
from kremlin_tui.tui.widgets.stats import StatsPanel

if TYPE_CHECKING:
    from textual.signal import Signal

    from kremlin_tui.engine import Game
    from kremlin_tui.saves import Session
    from kremlin_tui.stat_thresholds import Threshold

NARROW = 96  # below this width the sidebar gives its room to the story
STORY_MIN_WIDTH = 24  # #story-column's min-width (app.tcss)
CHOICES_SHARE = 0.4  # the choice box never takes more than this share of the height
STORY_KEEPS_ROWS = 8  # the header, the footer and a few lines of the story above a grown choice box
CHOICES_SHARE_DEBUGGING = 0.25  # with the F12 panel open (it takes a third), the story keeps room


class GameScreen(Screen[None]):
    # The footer (compact) shows what fits 80 columns; Save and Quit are in the Escape menu, and
    # every key is in the help (issue 16 found the footer cut at "u Un").
    BINDINGS = [
        *(Binding(str(n), f"pick({n})", f"Choice {n}", show=False) for n in range(1, 10)),
        Binding("enter", "take_highlighted", "Choose", show=False),
        Binding("escape", "app.game_menu", "Menu"),
        Binding("j", "app.journal", "Journal"),
        Binding("y", "app.why", "Why?"),
        Binding("m", "app.map", "Map"),
        Binding("g", "app.charts", "Charts"),
        Binding("x", "app.codex", "Codex"),
        Binding("s", "app.save", "Save", show=False),
        Binding("l", "app.load", "Load", show=False),
        Binding("u", "app.undo", "Undo"),
        Binding("r", "app.redo", "Redo", show=False),
        Binding("f5", "app.quicksave", "Quick save", show=False),
        Binding("f9", "app.quickload", "Quick load", show=False),
        Binding("t", "toggle_sidebar", "Stats", show=False),
        Binding("f12", "toggle_debug", "Debug", show=False),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit_game", "Quit", show=False),
    ]

    class Decided(Message):
        """A decision was taken (and autosaved): the app records it in the profile."""

        def __init__(self, result: TurnResult) -> None:
            super().__init__()
            self.result = result

    class Ended(Message):
        """The game reached an ending: the app shows the ending screen."""

    def __init__(self, session: Session, reloaded: Signal[Game] | None = None, *, debug: bool = False,
                 thresholds: dict[str, tuple[Threshold, ...]] | None = None,
                 thresholds_found: Signal[None] | None = None) -> None:
        super().__init__()
        self.session = session
        self.reloaded = reloaded  # published when live reload replaces the session's game
        self.thresholds_found = thresholds_found  # published when `thresholds` is filled (after this screen, maybe)
        self.debug_on_start = debug
        self.thresholds = thresholds
        self.showing_outcome: TurnResult | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="game-body"):
            with Vertical(id="story-column"):
                yield Static(id="scene-header")
                with VerticalScroll(id="scene-scroll", can_focus=False):
                    yield Static(id="scene-warning")
                    yield Markdown(id="scene-text")
                yield ChoiceBox(id="choice-box")
                yield DebugPanel(id="debug")
            yield StatsPanel(self.thresholds, id="sidebar")
        # under ~64 columns not every key fits: Charts, then Map ... leave the footer before Undo or Help
        yield FittingFooter(("app.charts", "app.map", "app.codex", "app.why", "app.journal"), compact=True)

    @property
    def choice_box(self) -> ChoiceBox:
        return self.query_one(ChoiceBox)

    def on_mount(self) -> None:
        # before the first layout, or a 40-column terminal squeezes the choices to width 0
        self.set_class(self.app.size.width < NARROW, "narrow")
        self.query_one(DebugPanel).display = self.debug_on_start
        self._limit_choices(self.app.size.height)
        self.show_scene()
        self.choice_box.list.focus()
        if self.reloaded is not None:
            self.reloaded.subscribe(self, lambda _game: self.show_scene())
        if self.thresholds_found is not None:
            self.thresholds_found.subscribe(self, lambda _none: self.query_one(StatsPanel).refresh_from(self.session.game))

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")
        # shown on a narrow screen (t), the sidebar takes what the story's 24 columns leave: at 40
        # wide it ran 4 columns off a 60-column screen, cutting its words ("on it: w")
        self.query_one(StatsPanel).styles.max_width = max(16, event.size.width - STORY_MIN_WIDTH)
        self._limit_choices(event.size.height)
        self.call_after_refresh(self.choice_box.rewrap)

    def _limit_choices(self, height: int) -> None:
        box = self.choice_box
        debugging = self.query_one(DebugPanel).display
        share = CHOICES_SHARE_DEBUGGING if debugging else CHOICES_SHARE
        box.max_rows = max(5, int(height * share))
        box.styles.max_height = box.max_rows
        # a long detail (a gamble's odds) may take more, never the last rows of the story
        box.ceiling_rows = box.max_rows if debugging else max(box.max_rows, height - STORY_KEEPS_ROWS)
        box.show_detail()

    # -- showing ----------------------------------------------------------------------------

    def show_scene(self) -> None:
        """Show the session's current scene (after a decision, an undo, a load or a reload)."""
        game = self.session.game
        self.showing_outcome = None
        scene = game.scene()
        if scene.kind == NodeKind.ENDING:
            self.post_message(self.Ended())
            return
        self._header(scene)
        warning = self.query_one("#scene-warning", Static)
        warning.display = bool(scene.tags)
        if scene.tags:
            warning.update(Content.assemble(("Content: " + ", ".join(scene.tags), "italic $text-warning")))
        prefix = "*An event interrupts.*\n\n" if scene.kind == NodeKind.EVENT else ""
        self.query_one("#scene-text", Markdown).update(f"# {md_escape(scene.title)}\n\n{prefix}{scene.text}")
        self.query_one("#scene-scroll", VerticalScroll).scroll_home(animate=False)
        self.choice_box.show_choices(scene.choices)
        self.query_one(StatsPanel).refresh_from(game)
        self._refresh_debug()

    def _header(self, scene: Scene) -> None:
        parts = [p for p in (scene.date, scene.place) if p]
        chapter = scene.chapter_title
        self.query_one("#scene-header", Static).update(
            Content.assemble((" · ".join(parts), "bold"), ("  ·  " + chapter if chapter else "", "$text-muted"))
        )

    def show_outcome(self, result: TurnResult) -> None:
        self.showing_outcome = result
        self.query_one("#scene-warning", Static).display = False
        shown = present.outcome(self.session.story, result)
        self.query_one("#scene-text", Markdown).update(outcome_markdown(shown))
        self.query_one("#scene-scroll", VerticalScroll).scroll_home(animate=False)
        self.choice_box.show_continue("See how it ends ⏎" if result.ending else "Continue ⏎")
        self.query_one(StatsPanel).refresh_from(self.session.game)
        self._refresh_debug(result)

    def action_scroll_story(self, pages: int) -> None:
        scroll = self.query_one("#scene-scroll", VerticalScroll)
        if pages < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()

    # -- the writers' debug panel -----------------------------------------------------------

    def _refresh_debug(self, last: TurnResult | None = None) -> None:
        panel = self.query_one(DebugPanel)
        if panel.display:
            panel.refresh_from(self.session.game, last)

    def action_toggle_debug(self) -> None:
        panel = self.query_one(DebugPanel)
        panel.display = not panel.display
        self._limit_choices(self.app.size.height)
        self._refresh_debug(self.showing_outcome)
        if panel.display:
            self.query_one("#debug-input").focus()
        else:
            self.choice_box.list.focus()

    def on_debug_panel_changed(self, _message: DebugPanel.Changed) -> None:
        self.show_scene()

    # -- deciding ---------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.take(event.option.id or "")

    def action_take_highlighted(self) -> None:
        """Enter takes the highlighted choice wherever the focus is (the sidebar, say)."""
        listing = self.choice_box.list
        if listing.highlighted is not None:
            option = listing.get_option_at_index(listing.highlighted)
            if not option.disabled:
                self.take(option.id or "")

    def action_pick(self, number: int) -> None:
        listing = self.choice_box.list
        if number > listing.option_count:
            self.notify(f"There is no choice {number}.", severity="warning", timeout=2)
            return
        option = listing.get_option_at_index(number - 1)
        if option.disabled:
            self.notify("That choice is locked.", severity="warning", timeout=2)
            return
        self.take(option.id or "")

    def take(self, choice_id: str) -> None:
        if choice_id == CONTINUE:
            self.show_scene()
            return
        try:
            result = self.session.choose(choice_id)  # autosaves; never raises for the disk
        except ChoiceUnavailable as exc:
            self.notify(str(exc), severity="warning")
            return
        except EngineError as exc:
            self.notify(f"The story has a problem here: {exc}", severity="error", timeout=10)
            return
        self.post_message(self.Decided(result))
        self.show_outcome(result)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(StatsPanel)
        sidebar.display = not sidebar.display
        self.set_class(not sidebar.display, "sidebar-off")
        self.call_after_refresh(self.choice_box.rewrap)  # the choices' width changed: hanging indents again

    async def on_stats_panel_asked(self, message: StatsPanel.Asked) -> None:
        """A stat row asked why (Enter, y or a click): the Why? report opens on that stat."""
        await self.run_action(f"app.why({message.name!r})")
