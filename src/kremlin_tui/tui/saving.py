"""The save-system half of the app: new game, continue, save, quick save and load, undo and redo.

Everything goes through the session (`saves.Session`), as in plain mode: the session keeps its
slot, undo stack and autosave rotation right. After a change of game the app shows it again
with `show_game`, the one place that puts a game screen on the stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from kremlin_tui.model import Story
    from kremlin_tui.saves import LoadReport, SaveStore, Session


class SaveActions(App[None]):
    session: Session | None
    saves_dir: str | None
    seed: int | None

    def show_game(self, session: Session) -> None:  # provided by the app
        raise NotImplementedError

    def require_story(self) -> Story | None:  # provided by the app
        raise NotImplementedError

    @property
    def store(self) -> SaveStore:
        from kremlin_tui.paths import default_saves_dir
        from kremlin_tui.saves import SaveStore

        return SaveStore(self.saves_dir or default_saves_dir())

    def saves_session(self) -> Session | None:
        """The session whose saves folder the load screen shows: the game's, or on the title an
        idle one (nothing is written until a save is loaded into it)."""
        if self.session is not None:
            return self.session
        story = self.require_story()
        if story is None:
            return None
        from kremlin_tui.saves import Session

        return Session.new(story, 0, self.store, autosave=False)

    def tell(self, report: LoadReport) -> None:
        lines = report.lines()
        message = "\n".join(lines) if lines else f"Loaded '{report.slot}'."
        self.notify(message, title="Loaded", severity="information" if report.complete else "warning",
                    timeout=4 if report.complete else 15)

    def load_slot(self, slot: str, session: Session | None = None) -> None:
        from kremlin_tui.saves import SaveError, load_question
        from kremlin_tui.tui.dialogs import ask_first

        session = session or self.saves_session()
        if session is None:
            return
        target = session

        def load() -> None:
            try:
                report = target.load(slot)
            except SaveError as exc:
                self.notify(str(exc), title="Cannot load", severity="error", timeout=10)
                return
            target.autosave_enabled = target.store is not None
            self.show_game(target)
            self.tell(report)

        try:  # the question is about the game in play (none on the title screen)
            question = load_question(self.session, slot) if self.session is not None else None
        except SaveError as exc:
            self.notify(str(exc), title="Cannot load", severity="error", timeout=10)
            return
        ask_first(self, question, load)

    def action_load(self) -> None:
        from kremlin_tui.tui.screens.saves import LoadScreen

        session = self.saves_session()
        if session is not None and not isinstance(self.screen, LoadScreen):
            self.push_screen(LoadScreen(session))

    def on_load_screen_picked(self, message: object) -> None:
        self.load_slot(message.slot, message.session)  # type: ignore[attr-defined]

    def action_save(self) -> None:
        if self.session is None:
            return
        from kremlin_tui.tui.dialogs import InputDialog

        session = self.session

        def save(name: str | None) -> None:
            from kremlin_tui.saves import SaveError, overwrite_question
            from kremlin_tui.tui.dialogs import ask_first

            if not name:
                return

            def write() -> None:
                try:
                    slot = session.save(name)
                except SaveError as exc:
                    self.notify(str(exc), title="Not saved", severity="error", timeout=10)
                    return
                self.notify(f"Saved as '{slot}'.", timeout=3)

            try:  # a name that would take another save's file is refused; replacing a save asks
                question = overwrite_question(session, name)
            except SaveError as exc:
                self.notify(str(exc), title="Not saved", severity="error", timeout=10)
                return
            ask_first(self, question, write)

        game = session.game
        suggestion = f"{game.scene().title}, {game.state.date.display()}"
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
        self.notify("Quick saved: this game's quick save (F9 loads it).", timeout=3)

    def action_quickload(self) -> None:
        """F9: this game's quick save (never another game's); says so when there is none."""
        if self.session is None:
            return
        from kremlin_tui.saves import NoSuchSave, SaveError

        try:
            slot = self.session.quickload_slot()
        except NoSuchSave:
            self.notify("This game has no quick save yet: F5 makes one. Other games' quick saves are under "
                        "Load (l).", title="No quick save", severity="warning", timeout=8)
            return
        except SaveError as exc:
            self.notify(str(exc), title="No quick save", severity="warning", timeout=8)
            return
        self.load_slot(slot)

    def action_undo(self) -> None:
        if self.session is None:
            return
        if not self.session.undo():
            self.notify(self.session.undo_problem or "Nothing to undo.", timeout=4)
            return
        self.show_game(self.session)
        if self.session.undone_loads:
            self.notify("Undone: the load is taken back; the game is as it was before it.", timeout=4)
            return
        self.notify("Undone: the last decision is taken back. Choosing it again gives the same outcome.", timeout=4)

    def action_redo(self) -> None:
        if self.session is None or not self.session.redo():
            self.notify("Nothing to redo.", timeout=3)
            return
        self.show_game(self.session)

    def action_new_game(self) -> None:
        story = self.require_story()
        if story is None:
            return
        import random

        from kremlin_tui.saves import Session, new_game_question
        from kremlin_tui.tui.dialogs import ask_first

        def start_new() -> None:
            seed = self.seed if self.seed is not None else random.SystemRandom().randrange(1, 2**31)
            self.show_game(Session.new(story, seed, self.store))

        ask_first(self, new_game_question(self.session), start_new)  # says what happens to the game in play

    def action_continue_game(self) -> None:
        """Resume the game in progress, else the newest save of any kind."""
        if self.session is not None and not self.session.game.ended:
            self.show_game(self.session)
            return
        story = self.require_story()
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
        self.show_game(resumed[0])
        self.tell(resumed[1])
