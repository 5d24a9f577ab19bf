"""The app's way to the secondary screens: each is given what it shows when it is pushed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.signal import Signal

    from kremlin_tui.engine import Game
    from kremlin_tui.model import Story
    from kremlin_tui.profile import Profile

MENU = (("resume", "Resume"), ("save", "Save the game"), ("load", "Load a saved game"),
        ("to_title", "Title screen"), ("help", "Help and keys"), ("quit_game", "Quit"))


class ScreenActions(App[None]):
    profile: Profile
    story: Story | None
    story_ready: Signal[Story | None]
    story_errors: list[str]

    @property
    def game(self) -> Game | None:  # provided by the app
        raise NotImplementedError

    def require_story(self) -> Story | None:  # provided by the app
        raise NotImplementedError

    def _open(self, screen: Screen[None]) -> None:
        if type(self.screen) is not type(screen):
            self.push_screen(screen)

    def action_journal(self) -> None:
        from kremlin_tui.tui.screens.journal import JournalScreen

        if self.game is not None:
            self._open(JournalScreen(self.game))

    def action_why(self, subject: str = "") -> None:
        """Why this scene is here, or (given a stat id) why that stat has its value."""
        from kremlin_tui.tui.screens.why import WhyScreen

        if self.game is not None:
            self._open(WhyScreen(self.game, subject or None))

    def action_map(self) -> None:
        from kremlin_tui.tui.screens.mapview import MapScreen

        if self.game is not None:
            self._open(MapScreen(self.game))

    def action_charts(self) -> None:
        from kremlin_tui.tui.screens.charts import ChartsScreen

        if self.game is not None:
            self._open(ChartsScreen(self.game))

    def action_codex(self) -> None:
        from kremlin_tui.tui.screens.codex import CodexScreen

        story = self.require_story()
        if story is not None:  # on the title: what every game so far has unlocked
            unlocked = self.game.state.codex if self.game is not None else self.profile.codex
            self._open(CodexScreen(story, unlocked, self.game.state if self.game is not None else None))

    def action_help(self) -> None:
        from kremlin_tui.tui.screens.help import HelpScreen

        loading = self.story is None and not self.story_errors
        self._open(HelpScreen(self.story, self.story_ready if loading else None, lambda: self.story))

    def action_game_menu(self) -> None:
        """Escape in the game: resume, save, load, title, help, quit (or close the keys panel)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
            return
        from kremlin_tui.tui.dialogs import MenuDialog

        def chosen(action: str | None) -> None:
            if action and action != "resume":
                self.call_next(self.run_action, action)

        self.push_screen(MenuDialog("Game menu", MENU), chosen)
