"""The Textual app: screens, the story load in the background, and the commands every screen shares.

The app holds the game (through the save system's Session, which adds undo and autosave) and
routes commands to screens; it contains no game rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from kremlin_tui.profile import Profile
from kremlin_tui.tui.screens.title import TitleScreen

if TYPE_CHECKING:  # the engine and the other screens load after the title's first frame
    from kremlin_tui.engine import Game, TurnResult
    from kremlin_tui.model import Story
    from kremlin_tui.saves import LoadReport, SaveStore, Session


class KremlinApp(App[None]):
    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses may live anywhere
    TITLE = "Kremlin TUI"
    BINDINGS = [Binding("ctrl+q", "quit_game", "Quit", show=False, priority=True)]

    def __init__(
        self,
        story_dirs: list[str],
        *,
        seed: int | None = None,
        saves_dir: str | None = None,
        profile_dir: Path | None = None,
        story: Story | None = None,
        debug: bool = False,
        watch: bool = False,
        continue_game: bool = False,
    ) -> None:
        super().__init__()
        self.continue_on_start = continue_game  # `play --continue`: resume the newest save once the story is loaded
        self.watch_story = watch
        self.debug_panel = debug  # show the writers' debug panel from the start (F12 toggles it anyway)
        self.story_dirs = story_dirs
        self.seed = seed
        self.saves_dir = saves_dir
        self.story: Story | None = story
        self.story_errors: list[str] = []
        self.session: Session | None = None
        self.profile = Profile.load(profile_dir)
        if self.profile.theme and self.profile.theme in self.available_themes:
            self.theme = self.profile.theme

    @property
    def game(self) -> Game | None:
        return self.session.game if self.session is not None else None

    @property
    def store(self) -> SaveStore:
        from kremlin_tui.paths import default_saves_dir
        from kremlin_tui.saves import SaveStore

        return SaveStore(self.saves_dir or default_saves_dir())

    # -- start-up ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return TitleScreen()

    def on_mount(self) -> None:
        if self.story is None:
            self.call_after_refresh(self.load_story)  # after the first frame, never before it
        if self.watch_story:
            from kremlin_tui.watch import POLL_SECONDS, StoryWatcher

            self.watcher = StoryWatcher(self.story_dirs)
            self.set_interval(POLL_SECONDS, self._poll_story)

    def _poll_story(self) -> None:
        if self.watcher.changed():
            self.reload_story()

    @work(thread=True, exclusive=True, group="reload")
    def reload_story(self) -> None:
        from kremlin_tui.engine import Game
        from kremlin_tui.watch import load_safely

        if self.game is None:
            story, diagnostics = load_safely(self.story_dirs)
            errors = [d for d in diagnostics if d.severity == "error"]
            self.call_from_thread(self._reloaded, story, errors, None, "story reloaded")
            return
        outcome = self.watcher.reload(Game(self.game.story, self.game.state))
        self.call_from_thread(self._reloaded, outcome.story, outcome.errors, outcome.game, outcome.summary())

    def _reloaded(self, story: Story | None, errors: list, game: Game | None, summary: str) -> None:  # type: ignore[type-arg]
        if story is None:
            shown = "\n".join(str(e) for e in errors[:6])
            self.notify(f"{summary}:\n{shown}", title="Story reload", severity="error", timeout=20)
            return
        self.story = story
        if game is not None and self.session is not None:
            self.session.replace_game(game)
            from kremlin_tui.tui.screens.game import GameScreen

            for screen in self.screen_stack:
                if isinstance(screen, GameScreen):
                    screen.show_scene()
        self.notify(summary, title="Story reload", timeout=4)

    @work(thread=True, exclusive=True)
    def load_story(self) -> None:
        """Load (usually from the warm cache) off the UI thread, so the title shows at once."""
        from kremlin_tui.loader import load_story_with_diagnostics

        story, diagnostics = load_story_with_diagnostics(self.story_dirs)
        self.call_from_thread(self._story_ready, story, [str(d) for d in diagnostics if d.severity == "error"])

    def _story_ready(self, story: Story | None, errors: list[str]) -> None:
        self.story = story
        self.story_errors = errors
        if story is None:
            self.notify("The story has errors; run `kremlin-tui check`:\n" + "\n".join(errors[:5]), severity="error", timeout=30)
            return
        for screen in self.screen_stack:
            if isinstance(screen, TitleScreen):
                screen.story_loaded()
        if self.continue_on_start:
            self.continue_on_start = False
            # after this message (the load starts only after the first frame, so the title is up);
            # call_after_refresh could wait for a repaint that an idle screen never needs
            self.call_later(self.action_continue_game)

    def watch_theme(self, theme: str) -> None:
        if getattr(self, "profile", None) is not None and theme != self.profile.theme:
            self.profile.set_theme(theme)

    # -- the game ----------------------------------------------------------------------------

    def _require_story(self) -> Story | None:
        if self.story is None:
            self.notify("The story is still loading…" if not self.story_errors else "The story could not be loaded.")
        return self.story

    def start(self, session: Session) -> None:
        from kremlin_tui.tui.screens.game import GameScreen

        self.session = session
        self.profile.record_codex(session.state.codex)
        self._reset_to_title()
        self.push_screen(GameScreen())

    def _reset_to_title(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def to_title(self) -> None:
        self._reset_to_title()

    def choose(self, choice_id: str) -> TurnResult:
        assert self.session is not None and self.game is not None
        result = self.session.choose(choice_id)  # autosaves; never raises for the disk
        self.profile.record_codex(result.codex)
        if self.session.autosave_error:
            self.notify(f"Autosave failed: {self.session.autosave_error}", severity="warning", timeout=6)
        if result.ending:
            node = self.game.story.nodes[result.ending]
            self.profile.record_ending(node.id, node.title, self.game.state.date.iso())
        return result

    def show_ending(self) -> None:
        from kremlin_tui.tui.screens.ending import EndingScreen

        self.push_screen(EndingScreen())

    def action_new_game(self) -> None:
        story = self._require_story()
        if story is None:
            return
        import random

        from kremlin_tui.saves import Session

        seed = self.seed if self.seed is not None else random.SystemRandom().randrange(1, 2**31)
        self.start(Session.new(story, seed, self.store))

    def action_continue_game(self) -> None:
        """Resume the game in progress, else the newest save of any kind."""
        if self.game is not None and not self.game.ended:
            self.start(self.session)  # type: ignore[arg-type]
            return
        story = self._require_story()
        if story is None:
            return
        from kremlin_tui.saves import SaveError, Session

        try:
            resumed = Session.resume(story, self.store)
        except SaveError as exc:
            self.notify(str(exc), severity="error")
            return
        if resumed is None:
            self.notify("There is no saved game to continue yet. Press n for a new game.")
            return
        session, report = resumed
        self.start(session)
        self._tell(report)

    def _tell(self, report: LoadReport) -> None:
        lines = report.lines()
        message = "\n".join(lines) if lines else f"Loaded '{report.slot}'."
        self.notify(message, title="Loaded", severity="information" if report.complete else "warning",
                    timeout=4 if report.complete else 15)

    def load_slot(self, slot: str) -> None:
        story = self._require_story()
        if story is None:
            return
        from kremlin_tui.saves import SaveError, Session

        try:
            if self.session is None:
                session, report = Session.from_slot(story, self.store, slot)
            else:
                session, report = self.session, self.session.load(slot)
        except SaveError as exc:
            self.notify(str(exc), title="Cannot load", severity="error", timeout=10)
            return
        self.start(session)
        self._tell(report)

    def action_load(self) -> None:
        from kremlin_tui.tui.screens.saves import LoadScreen

        self._open(LoadScreen(self.store))

    def action_save(self) -> None:
        if self.session is None:
            return
        from kremlin_tui.tui.dialogs import InputDialog

        def save(name: str | None) -> None:
            if not name or self.session is None:
                return
            from kremlin_tui.saves import SaveError

            try:
                slot = self.session.save(name)
            except SaveError as exc:
                self.notify(str(exc), title="Not saved", severity="error", timeout=10)
                return
            self.notify(f"Saved as '{slot}'.", timeout=3)

        game = self.game
        suggestion = f"{game.scene().title}, {game.state.date.display()}" if game else ""
        self.push_screen(InputDialog("Save the game as:", value=suggestion, placeholder="a name for this save"), save)

    def action_quicksave(self) -> None:
        if self.session is None:
            return
        from kremlin_tui.saves import SaveError

        try:
            self.session.quicksave()
        except SaveError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return
        self.notify("Quick saved (F9 to load it).", timeout=3)

    def action_quickload(self) -> None:
        from kremlin_tui.saves import QUICKSAVE_SLOT

        self.load_slot(QUICKSAVE_SLOT)

    def action_undo(self) -> None:
        if self.session is None:
            return
        if not self.session.undo():
            self.notify(self.session.undo_problem or "Nothing to undo.", timeout=4)
            return
        from kremlin_tui.tui.screens.game import GameScreen

        self._reset_to_title()
        self.push_screen(GameScreen())
        self.notify("Undone: the last decision is taken back. Choosing it again gives the same outcome.", timeout=4)

    # -- secondary screens -------------------------------------------------------------------

    def _open(self, screen: Screen[None]) -> None:
        if type(self.screen) is type(screen):
            return
        self.push_screen(screen)

    def action_journal(self) -> None:
        from kremlin_tui.tui.screens.journal import JournalScreen

        self._open(JournalScreen())

    def action_map(self) -> None:
        from kremlin_tui.tui.screens.mapview import MapScreen

        self._open(MapScreen())

    def action_charts(self) -> None:
        from kremlin_tui.tui.screens.charts import ChartsScreen

        self._open(ChartsScreen())

    def action_codex(self) -> None:
        from kremlin_tui.tui.screens.codex import CodexScreen

        if self._require_story() is not None:
            self._open(CodexScreen())

    def action_help(self) -> None:
        from kremlin_tui.tui.screens.help import HelpScreen

        self._open(HelpScreen())

    def action_quit_game(self) -> None:
        if self.game is None or self.game.ended or not self.unsaved:
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        from kremlin_tui.tui.dialogs import YesNoDialog

        self.push_screen(YesNoDialog("You have progress since your last save. Quit anyway?"), answer)

    def action_redo(self) -> None:
        if self.session is None or not self.session.redo():
            self.notify("Nothing to redo.", timeout=3)
            return
        from kremlin_tui.tui.screens.game import GameScreen

        self._reset_to_title()
        self.push_screen(GameScreen())

    @property
    def unsaved(self) -> bool:
        return self.session is not None and self.session.unsaved

    # -- the command palette -----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("New game", "Start a new game from January 1924", self.action_new_game)
        if self.game is not None:
            yield SystemCommand("Journal", "Your decisions so far, by date", self.action_journal)
            yield SystemCommand("Map", "Europe and East Asia: who stands where", self.action_map)
            yield SystemCommand("Charts", "Your stats over time", self.action_charts)
            yield SystemCommand("Save", "Save the game under a name", self.action_save)
            yield SystemCommand("Quick save", "Save to the quick slot (F5)", self.action_quicksave)
            yield SystemCommand("Undo", "Step back one decision (u)", self.action_undo)
            yield SystemCommand("Redo", "Take an undone decision again (r)", self.action_redo)
            yield SystemCommand("Quick load", "Load the quick save (F9)", self.action_quickload)
        yield SystemCommand("Load", "Load a saved game", self.action_load)
        yield SystemCommand("Codex", "People, parties and terms", self.action_codex)
        yield SystemCommand("Help", "Keys and how to play", self.action_help)


def run_tui(story_dirs: list[str], *, seed: int | None = None, saves: str | None = None, debug: bool = False,
            watch: bool = False, continue_game: bool = False) -> int:
    KremlinApp(story_dirs, seed=seed, saves_dir=saves, debug=debug, watch=watch, continue_game=continue_game).run()
    return 0
