"""Which line of play may write a game's autosave ring.

A game's ring (`autosave-<game>-1..3.json`) is written by whoever plays that game. Two lines of
play can meet there: the same game open in two windows (or a terminal and a browser tab on one
saves folder), or an earlier save of a game loaded (from the title screen, or from another
game) while the game's later moments are still in its ring. No question is asked in either
case, so writing on would overwrite moments the player made. `RingWatch` tells the session
when that would happen; the session then goes on as a new game (a branch) instead.

What the line of play itself took back (undo, or a load of the same game that the front end
asked about first) is the player's to overwrite: those never make a branch."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kremlin_tui.saves.document import GAME_NAME_CHARS, clean_game_name
from kremlin_tui.saves.errors import SaveError
from kremlin_tui.saves.files import signature
from kremlin_tui.saves.listing import in_the_future
from kremlin_tui.saves.slots import AUTOSAVE_COUNT, autosave_slot
from kremlin_tui.saves.store import ReadResult, SaveStore

KEEP_LINES = 20  # histories left by undo (or an agreed load) that the line of play had
_BRANCH = re.compile(r" \(branch\)( \(\d+\))?$")


def branch_name(name: str) -> str:
    """"Game of 4 Dec, 23:10 (branch)", once however often a game branches (the session
    numbers names that are taken)."""
    base = _BRANCH.sub("", name)
    return clean_game_name(f"{base[:GAME_NAME_CHARS - 9]} (branch)")


def branch_note(old: str, new: str) -> str:
    """What the front ends say, once, when a game branches."""
    return (f"The autosaves of '{old}' hold moments this game does not have (it is open elsewhere, or "
            f"an earlier save of it was loaded): they stay as they are, and this game goes on as '{new}'.")


def _reaches(line: Sequence[Any], history: Sequence[Any]) -> bool:
    """Whether `line` went through the moment `history` leads to (same scenes, same choices)."""
    if len(line) < len(history):
        return False
    return all(x.node == y.node and x.choice == y.choice for x, y in zip(line, history, strict=False))


class RingWatch:
    """What one line of play knows of its game's ring: the files it wrote or read (as they were
    then), the lines it left by undo, and when the save it was loaded from was made."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[int, int, int]] = {}  # ring files holding only moments we had
        self.left: list[tuple[str, tuple[Any, ...]]] = []  # (game id, history) left by undo
        self.line_from: datetime | None = None  # when the save this line was loaded from was saved

    def copy(self) -> RingWatch:
        """What it knows now, kept apart (a load keeps the line it replaces, for undo)."""
        other = RingWatch()
        other.known, other.left, other.line_from = dict(self.known), list(self.left), self.line_from
        return other

    def start(self, line_from: datetime | None) -> None:
        """A new line of play (a new game, a branch, a load of another game)."""
        self.known.clear()
        self.left.clear()
        self.line_from = line_from

    def leave(self, game_id: str, history: Sequence[Any]) -> None:
        """The line steps back from `history` (undo, or an agreed load of an earlier moment)."""
        self.left.append((game_id, tuple(history)))
        del self.left[:-KEEP_LINES]

    def remember(self, path: Path) -> None:
        """A ring file this line just wrote."""
        try:
            self.known[str(path)] = signature(os.lstat(path))
        except OSError:
            self.known.pop(str(path), None)

    def holds_others(self, store: SaveStore, game_id: str, history: Sequence[Any]) -> bool:
        """Whether the ring of `game_id` holds a moment this line never had, saved after the
        line began. A file is read once; while it stays as it was, a stat per autosave is all."""
        lines = [history, *(line for game, line in self.left if game == game_id)]
        for index in range(AUTOSAVE_COUNT):
            path = store.path_for(autosave_slot(game_id, index + 1))
            try:
                mark = signature(os.lstat(path))
            except OSError:
                continue  # no such file
            if self.known.get(str(path)) == mark:
                continue
            try:
                theirs = store.read_path(path)
            except SaveError:
                continue  # a damaged autosave is set aside, not lost, when written over
            when = theirs.meta.saved_datetime()
            later = self.line_from is None or when is None or when > self.line_from
            if later and not any(_reaches(line, theirs.state.history) for line in lines):
                return True  # (an older moment is one the game itself left, by an undo)
            self.known[str(path)] = mark
        return False


def line_start(read: ReadResult, now: datetime) -> datetime | None:
    """When the save a line of play is loaded from was made: its recorded time, unless that lies
    in the future (edited in, or a clock far ahead), where the line would take every later
    autosave of its game for an older one of its own and overwrite it; then the file's time."""
    saved = read.save.meta.saved_datetime()
    if not in_the_future(saved, now):
        return saved
    try:
        return min(datetime.fromtimestamp(os.stat(read.path).st_mtime, UTC), now)
    except OSError:
        return now


def common_decisions(a: Sequence[Any], b: Sequence[Any]) -> int:
    """How many decisions two histories share from the start (same scene, same choice)."""
    count = 0
    for x, y in zip(a, b, strict=False):
        if x.node != y.node or x.choice != y.choice:
            break
        count += 1
    return count
