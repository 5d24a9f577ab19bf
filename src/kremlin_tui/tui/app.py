"""The Textual app: which screen shows, and the commands every screen shares.

The app holds the game (through the save system's Session, which adds undo and autosave).
Screens are given what they show when they are pushed, and post messages (or run `app.*`
actions) for what they want done; the app never searches the screen stack. It contains no
game rules and decides nothing about what to show (see `present`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from kremlin_tui.profile import Profile
from kremlin_tui.safetext import safe, safe_line
from kremlin_tui.tui import safe_render, signals
from kremlin_tui.tui.loading import StoryLoading
from kremlin_tui.tui.navigation import ScreenActions
from kremlin_tui.tui.saving import SaveActions
from kremlin_tui.tui.screens.title import TitleScreen

if TYPE_CHECKING:  # the engine and the other screens load after the title's first frame
    from textual.notifications import SeverityLevel

    from kremlin_tui.engine import Game
    from kremlin_tui.model import Story
    from kremlin_tui.saves import Session
    from kremlin_tui.tui.screens.game import GameScreen


class KremlinApp(StoryLoading, SaveActions, ScreenActions):
    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses may live anywhere
    TITLE = "Kremlin TUI"
    BINDINGS = [Binding("ctrl+q", "quit_game", "Quit", show=False, priority=True),
                Binding("escape", "hide_help_panel", show=False)]

    def __init__(self, story_dirs: list[str], *, seed: int | None = None, saves_dir: str | None = None,
                 profile_dir: Path | None = None, story: Story | None = None, debug: bool = False,
                 watch: bool = False, continue_game: bool = False) -> None:
        safe_render.install()  # no control character from a story or save reaches the terminal
        super().__init__()
        self.continue_on_start = continue_game  # `play --continue`: resume the newest save once loaded
        self.watch_story = watch
        self.debug_panel = debug  # show the writers' debug panel from the start (F12 toggles it anyway)
        self.story_dirs = story_dirs
        self.seed = seed
        self.saves_dir = saves_dir
        self.story = story
        self.session: Session | None = None
        self.profile = Profile.load(profile_dir)
        self.init_loading()
        if self.profile.theme and self.profile.theme in self.available_themes:
            self.theme = self.profile.theme

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every notification is plain text: messages quote save names, paths and story values,
        which must never be read as markup (`[/]` would raise) nor carry control characters."""
        super().notify(safe(message), title=safe_line(title), severity=severity, timeout=timeout, markup=False)

    internal_error: BaseException | None = None

    def _print_error_renderables(self) -> None:
        """A bug in the TUI ends like one in the command line: `run_tui` prints one line with a
        hint to report it, instead of Textual's traceback with its locals (which
        KREMLIN_TUI_TRACEBACK=1 still shows). Overrides a private Textual method: the pty test
        `test_an_internal_error_in_the_tui_is_one_line` fails if Textual renames it."""
        import os

        from kremlin_tui.guard import TRACEBACK_ENV

        error = getattr(self, "_exception", None)
        if error is not None and self._exit_renderables and not os.environ.get(TRACEBACK_ENV):
            self._exit_renderables.clear()
            self.internal_error = error
        super()._print_error_renderables()

    @property
    def game(self) -> Game | None:
        return self.session.game if self.session is not None else None

    def get_default_screen(self) -> Screen[None]:
        return TitleScreen(self.story, self.story_ready)

    def on_mount(self) -> None:
        signals.install(self)  # SIGTERM, SIGHUP, SIGINT: autosave, then restore the terminal and exit
        self.story_ready.subscribe(self, self._continue_on_start)
        self.start_loading()

    def _continue_on_start(self, story: Story | None) -> None:
        if story is not None and self.continue_on_start:
            self.continue_on_start = False
            # after this message (the load starts only after the first frame, so the title is up);
            # call_after_refresh could wait for a repaint that an idle screen never needs
            self.call_later(self.action_continue_game)

    def watch_theme(self, theme: str) -> None:
        if getattr(self, "profile", None) is not None and theme != self.profile.theme:
            self.profile.set_theme(theme)

    # -- the game ----------------------------------------------------------------------------

    def require_story(self) -> Story | None:
        if self.story is None:
            self.notify("The story is still loading…" if not self.story_errors else "The story could not be loaded.")
        return self.story

    def show_game(self, session: Session) -> None:
        """Back to the title, then the game screen on top: after new, continue, load, undo, redo."""
        from kremlin_tui.tui.screens.game import GameScreen

        self.session = session
        self.profile.record_codex(session.state.codex)
        self.action_to_title()
        self.push_screen(GameScreen(session, self.game_reloaded, debug=self.debug_panel, thresholds=self.thresholds,
                                    thresholds_found=self.thresholds_found))

    def action_to_title(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def on_game_screen_decided(self, message: GameScreen.Decided) -> None:
        result = message.result
        self.profile.record_codex(result.codex)
        if self.session is not None and self.session.autosave_error:
            self.notify(f"Autosave failed: {self.session.autosave_error}", severity="warning", timeout=6)
        if self.session is not None and self.session.branch_note:
            note, self.session.branch_note = self.session.branch_note, None
            self.notify(note, timeout=10)
        if result.ending and self.game is not None:
            node = self.game.story.nodes[result.ending]
            self.profile.record_ending(node.id, node.title, self.game.state.date.iso())

    def on_game_screen_ended(self, _message: GameScreen.Ended) -> None:
        from kremlin_tui.tui.screens.ending import EndingScreen

        if self.game is not None:
            self.push_screen(EndingScreen(self.game, self.profile))

    def action_quit_game(self) -> None:
        if self.session is None or self.session.game.ended or not self.session.unsaved:
            self.exit()
            return
        from kremlin_tui.tui.dialogs import YesNoDialog

        note = (f"The last autosave failed ({self.session.autosave_error}): your last decisions may be lost."
                if self.session is not None and self.session.autosave_error else
                "Every decision is saved as you play; Continue on the title screen picks up where you are.")
        self.push_screen(YesNoDialog(f"Quit the game?\n\n{note}"), lambda yes: self.exit() if yes else None)

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        """ctrl+p Screenshot: into Downloads when there is one, else the game's data folder."""
        if path is None:
            from platformdirs import user_downloads_path

            from kremlin_tui.paths import user_data_dir

            downloads = user_downloads_path()
            folder = downloads if downloads.is_dir() else user_data_dir() / "screenshots"
            folder.mkdir(parents=True, exist_ok=True)
            path = str(folder)
        return super().deliver_screenshot(filename, path, time_format)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from kremlin_tui.tui.screens.help import commands

        yield from super().get_system_commands(screen)
        for name, help_text, action in commands(in_game=self.game is not None):
            yield SystemCommand(name, help_text, getattr(self, f"action_{action}"))


def run_tui(story_dirs: list[str], *, seed: int | None = None, saves: str | None = None, debug: bool = False,
            watch: bool = False, continue_game: bool = False) -> int:
    app = KremlinApp(story_dirs, seed=seed, saves_dir=saves, debug=debug, watch=watch, continue_game=continue_game)
    app.run()
    if app.internal_error is not None:
        import sys

        from kremlin_tui.guard import internal_error_line

        print(internal_error_line(app.internal_error), file=sys.stderr)
        return 2
    return app.return_code or 0
