"""Plain mode's save commands: save, load, saves, undo, redo, delete, rename, restore, quicksave,
quickload, new and name, on the game's `saves.Session`.

A failing disk or a bad name is reported and the game goes on; before anything is lost the
player is asked (y/n), and every answer is a line of the transcript, so the same input gives
the same output.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from kremlin_tui.model import Story
from kremlin_tui.safetext import safe_line
from kremlin_tui.saves import (
    QUICKSAVE_SLOT,
    LoadReport,
    SaveError,
    Session,
    clean_slot_name,
    delete_question,
    listing,
    load_question,
    new_game_question,
    overwrite_question,
    quickload_question,
    slot_kind,
)
from kremlin_tui.saves.vocabulary import SlotKind


class SaveCommands:
    """The save commands, mixed into `plain.PlainGame`, which provides what is declared here."""

    story: Story
    session: Session
    ask: Callable[[str], bool]
    new_seed: Callable[[], int]
    _autosave_error: str | None

    def say(self, text: str = "") -> None:
        raise NotImplementedError

    def markdown(self, text: str) -> str:
        raise NotImplementedError

    def show_scene(self) -> None:
        raise NotImplementedError

    def report_autosave(self) -> None:
        """Say once when autosave starts failing (and once when it works again); silent otherwise,
        so that a transcript stays the same from run to run."""
        error = self.session.autosave_error
        if error != self._autosave_error:
            self.say()
            self.say(f"Autosave failed: {error}" if error else "Autosave works again.")
            self._autosave_error = error
        note, self.session.branch_note = self.session.branch_note, None
        if note:
            self.say()
            self.say(note)

    def save_command(self, word: str, rest: str) -> None:
        """save, load, saves, undo, redo, delete, rename, quicksave, quickload, new, name, restore.
        A failing disk or a bad name is reported and the game goes on."""
        if word in ("delete", "rename", "save", "load", "restore") and not rest:
            self.say(USAGE[word])
            return
        try:
            getattr(self, f"_cmd_{word}")(word, rest)
        except SaveError as exc:
            self.say(str(exc))

    def _cmd_undo(self, word: str, rest: str) -> None:
        self.undo_redo(word, rest)

    _cmd_redo = _cmd_undo

    def _cmd_saves(self, _word: str, _rest: str) -> None:
        session = self.session
        if session.store is not None:
            self.say(f"Saves in {session.store.directory}:")
        for line in listing([*session.saves(), *session.backups()], self.story.campaign.id):
            self.say(line)

    def _cmd_quicksave(self, _word: str, _rest: str) -> None:
        self.session.quicksave()
        self.say("Saved to this game's quick save slot.")

    def _cmd_quickload(self, _word: str, _rest: str) -> None:
        if self.confirm(quickload_question(self.session)):
            self.after_load(self.session.quickload())

    def _cmd_new(self, _word: str, _rest: str) -> None:
        self.new_game()

    def _cmd_name(self, _word: str, rest: str) -> None:
        session = self.session
        if rest:
            self.say(f"This game is now called '{session.rename_game(_unquote(rest))}'.")
        else:
            self.say(f"This game is called '{session.game_name}'. Type 'name NEW' to rename it.")

    def _cmd_save(self, _word: str, rest: str) -> None:
        name = _unquote(rest)
        if self.confirm(overwrite_question(self.session, name)):
            self.say(f"Saved as '{self.session.save(name)}'.")

    def _cmd_load(self, _word: str, rest: str) -> None:
        slot = self.find_save(_unquote(rest))
        if self.confirm(load_question(self.session, slot)):
            self.after_load(self.session.load(slot))

    def _cmd_delete(self, _word: str, rest: str) -> None:
        name = _unquote(rest)
        if self.confirm(delete_question(self.session, name)):
            self.session.delete(name)
            self.say(f"Deleted '{name}'.")

    def _cmd_restore(self, _word: str, rest: str) -> None:
        name = self.session.restore_backup(_unquote(rest))
        self.say(f"Restored the previous version of '{name}'; the version it replaced is now its backup "
                 f"(restore {name} again to swap back).")

    def _cmd_rename(self, _word: str, rest: str) -> None:
        try:
            names = shlex.split(rest)
        except ValueError:
            names = []
        if len(names) != 2:
            self.say(USAGE["rename"])
            return
        self.say(f"Renamed '{names[0]}' to '{self.session.rename(names[0], names[1])}'.")

    def confirm(self, question: str | None) -> bool:
        """Ask before something is lost (None: nothing would be, go ahead)."""
        if question is None:
            return True
        if self.ask(question):
            return True
        self.say("Nothing was changed.")
        return False

    def find_save(self, name: str) -> str:
        """A save's slot by its name, else the latest save of the game of that name."""
        session = self.session
        try:
            if session.store is not None and session.store.exists(name):
                return session.store.slot_name(name)
            if session.store is not None and clean_slot_name(name) == QUICKSAVE_SLOT:
                return session.quickload_slot()  # `load quicksave`: this game's quick save
        except SaveError:
            pass
        if session.store is not None:
            groups, _bad = session.store.games(self.story.campaign.id)
            for group in groups:
                if group.game.name.casefold() == " ".join(name.split()).casefold():
                    return group.latest.slot
        return name  # loading reports that there is no such save

    def new_game(self) -> None:
        old = self.session
        if not self.confirm(new_game_question(old)):
            return
        self.session = Session.new(self.story, self.new_seed(), old.store, autosave=old.autosave_enabled)
        self._autosave_error = None
        self.say("A new game begins.")
        self.show_scene()

    def undo_redo(self, word: str, rest: str) -> None:
        count = typed_number(rest) if DIGITS.fullmatch(rest) else 1 if not rest else 0
        if count == 0:
            self.say(f"Type '{word}' or '{word} N' with a number of decisions.")
            return
        done = self.session.undo(count) if word == "undo" else self.session.redo(count)
        if done == 0:
            if word == "redo":
                self.say("Nothing to redo.")
            elif self.session.undo_problem:
                self.say(f"Cannot undo: {self.session.undo_problem}.")
            else:
                self.say("Nothing to undo: you have not decided anything yet.")
            return
        loads = self.session.undone_loads if word == "undo" else 0
        decisions = done - loads
        plural = "s" if decisions != 1 else ""
        took = f"{'Undid' if word == 'undo' else 'Redid'} {decisions} decision{plural}"
        if loads:
            took = (took + " and " if decisions else "Took back ") + ("the load" if loads == 1 else f"{loads} loads")
        self.say(took + ".")
        if word == "undo" and done < count and self.session.undo_problem:
            self.say(f"Cannot undo further: {self.session.undo_problem}.")
        self.report_autosave()
        self.show_scene()

    def after_load(self, report: LoadReport) -> None:
        self.story = self.session.story
        # a quick save's slot holds the game's random id: named so, transcripts stay identical
        self.say("Loaded the quick save." if slot_kind(report.slot) == SlotKind.QUICK else f"Loaded '{safe_line(report.slot)}'.")
        for line in report.lines():
            self.say(self.markdown(line))
        self.show_scene()


SAVE_COMMANDS = ("save", "load", "saves", "undo", "redo", "delete", "rename", "quicksave", "quickload", "new",
                 "restore", "name")
USAGE = {
    "save": "Type 'save NAME' to save the game under a name.",
    "load": "Type 'load NAME' to load a saved game ('saves' lists them).",
    "delete": "Type 'delete NAME' to delete a saved game ('saves' lists them).",
    "restore": "Type 'restore NAME' to bring back the previous version of a save ('saves' lists them).",
    "rename": "Type 'rename OLD NEW' to rename a saved game (quote names with spaces: rename \"my game\" other).",
}


DIGITS = re.compile(r"[0-9]+")  # ASCII only: '²'.isdigit() is true, but int('²') fails
_MAX_NUMBER = 10**6  # past any choice or undo count; keeps a 5,000-digit number from int()'s limit


def typed_number(digits: str) -> int:
    """A typed number, capped: any number past the cap is as unavailable as the cap itself."""
    return _MAX_NUMBER if len(digits) > 7 else min(int(digits), _MAX_NUMBER)


def _unquote(name: str) -> str:
    """`load "my game"` and `load my game` name the same save."""
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
        return name[1:-1]
    return name
