"""Which line of play may write a game's autosave ring.

A game's ring (`autosave-<game>-1..3.json`) is written by whoever plays that game. Two lines of
play can meet there: the same game open in two windows (or a terminal and a browser tab on one
saves folder), or an earlier save of a game loaded (from the title screen, or from another
game) while the game's later moments are still in its ring. No question is asked in either
case, so writing on would overwrite moments the player made. `RingWatch` tells the session
when that would happen; the session then goes on as a new game (a branch) instead.

What the line of play itself wrote, and took back (undo, or a load of the same game that the
front end asked about first), is the player's to overwrite: the watch knows those files by their
signature (inode, size, time) as it wrote them, so they never make a branch. A file it did not
write, saved after the line began, holding a moment off this line's present history, is another
line's, even when this line once went through the same moment and took it back: another window
may be playing it right now (the ring kept "lines left by undo" as its own until session 17, and
a window that had undone a decision overwrote another window's identical, live moment)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kremlin_tui.saves.document import GAME_NAME_CHARS, clean_game_name
from kremlin_tui.saves.errors import SaveError
from kremlin_tui.saves.files import signature
from kremlin_tui.saves.listing import in_the_future
from kremlin_tui.saves.slots import AUTOSAVE_COUNT, autosave_slot
from kremlin_tui.saves.store import ReadResult, SaveStore

KEEP_LINES = 20  # games a line of play went on from (branches), remembered for quick load
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
    then), and when the save it was loaded from was made."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[int, int, int]] = {}  # ring files holding only moments we had
        self.line_from: datetime | None = None  # when the save this line was loaded from was saved

    def copy(self) -> RingWatch:
        """What it knows now, kept apart (a load keeps the line it replaces, for undo)."""
        other = RingWatch()
        other.known, other.line_from = dict(self.known), self.line_from
        return other

    def start(self, line_from: datetime | None) -> None:
        """A new line of play (a new game, a branch, a load of another game)."""
        self.known.clear()
        self.line_from = line_from

    def remember(self, path: Path) -> None:
        """A ring file this line just wrote (or rewrote as it was: a rename of its game)."""
        try:
            self.known[str(path)] = signature(os.lstat(path))
        except OSError:
            self.known.pop(str(path), None)

    def knows(self, path: Path) -> bool:
        """Whether the file at `path` is as this line last wrote or read it."""
        try:
            return self.known.get(str(path)) == signature(os.lstat(path))
        except OSError:
            return False

    def across_rewrite(self, store: SaveStore, game_id: str, rewrite: Callable[[], object]) -> None:
        """Run `rewrite` (a rename of the game rewrites its files as they were, with the new
        name): the ring files this line knew before stay its own."""
        paths = [store.path_for(autosave_slot(game_id, n + 1)) for n in range(AUTOSAVE_COUNT)]
        mine = [path for path in paths if self.knows(path)]
        rewrite()
        for path in mine:
            self.remember(path)

    def holds_others(self, store: SaveStore, game_id: str, history: Sequence[Any]) -> bool:
        """Whether the ring of `game_id` holds a moment this line never had, saved after the
        line began. A file is read once; while it stays as it was, a stat per autosave is all."""
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
            if later and not _reaches(history, theirs.state.history):
                return True
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
