"""Which autosaves may go without a question: only those whose moment another save of the same
game still holds.

Autosaves are the game's, but the games are the player's: a folder may hold games copied in
from another machine, branches, games open in another window or browser tab. So pruning never
goes by a count of games, never touches the game in play, a named or quick save, a damaged
file, or any game's newest autosave. It removes an older autosave of another game (and its
previous version) only when all of these hold:

- that game has not autosaved for PRUNE_IDLE_SECONDS (it may be open in another window: its
  ring of three moments stays while it is played);
- the game's newest sound autosave was written from the same story text, and its decision
  history goes through the older autosave's moment (same scenes, same choices, in order): load
  the newest, undo, and the older moment is back; nothing the player made is gone;
- the older autosave's previous version (`.json.bak`), if any, is such a moment too (else the
  pair stays: a backup is never left without its slot, where the next save over the slot would
  replace it unseen).

A game's ring thus shrinks to its newest autosave once it is left; moments a newest autosave
does not hold (a line of play taken back by undo and played differently) stay. The folder grows
by about one save per game played (docs/saves.md: "How large the folder grows").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kremlin_tui.saves.document import utc_now
from kremlin_tui.saves.errors import SaveError
from kremlin_tui.saves.files import fsync_directory, signature
from kremlin_tui.saves.slots import autosave_parts, is_clean

PRUNE_IDLE_SECONDS = 3600.0  # a game not autosaved for an hour is not being played in another window
SUFFIX = ".json"
BACKUP_SUFFIX = ".json.bak"


@dataclass(frozen=True)
class Moment:
    """What pruning needs to know of one sound autosave file."""

    game: str
    saved_at: datetime  # as listings rank it (a time in the future is not trusted)
    story_hash: str
    line: tuple[tuple[str, str], ...]  # (scene, choice) of every decision


def _reaches(longer: tuple[tuple[str, str], ...], shorter: tuple[tuple[str, str], ...]) -> bool:
    return len(longer) >= len(shorter) and longer[: len(shorter)] == shorter


class Pruner:
    """Prunes one saves folder; remembers what it read (by file signature), so a folder of many
    games costs a directory scan and a stat per autosave, not a read."""

    def __init__(self, store: object) -> None:
        self.store = store  # a SaveStore (typed loosely: store imports this module)
        self._seen: dict[str, tuple[tuple[int, int, int], Moment | None]] = {}

    def moment(self, path: Path) -> Moment | None:
        """The autosave at `path` as pruning sees it (None: unreadable, damaged, or no file)."""
        try:
            mark = signature(os.lstat(path))
        except OSError:
            return None
        cached = self._seen.get(str(path))
        if cached is not None and cached[0] == mark:
            return cached[1]
        found: Moment | None = None
        try:
            info, save = self.store.read_info(path, is_backup=path.name.endswith(BACKUP_SUFFIX))  # type: ignore[attr-defined]
            if info.ok and save is not None and info.game is not None:
                line = tuple((step.node, step.choice) for step in save.state.history)
                found = Moment(info.game.id, info.saved_at, save.story_hash, line)
        except SaveError:
            found = None
        self._seen[str(path)] = (mark, found)
        return found

    def prune(self, game_id: str, now: datetime | None = None) -> list[str]:
        """Delete what the module docstring allows; returns the slots deleted. Best effort: a
        file that cannot be removed stays, and nothing here raises."""
        now = now or utc_now()
        directory: Path = self.store.directory  # type: ignore[attr-defined]
        doomed: list[str] = []
        for members in self._rings(directory, game_id).values():
            if len(members) < 2:
                continue
            newest_slot, newest = max(members, key=lambda m: (m[1].saved_at, len(m[1].line)))
            if (now - newest.saved_at).total_seconds() < PRUNE_IDLE_SECONDS:
                continue  # played lately: maybe in another window right now
            for slot, older in members:
                if (slot != newest_slot and self._held_by(newest, older) and self._backup_held(directory, slot, newest)
                        and _remove(directory, f"{slot}{BACKUP_SUFFIX}", f"{slot}{SUFFIX}")):
                    doomed.append(slot)
        if doomed:
            fsync_directory(directory)
        return doomed

    def _rings(self, directory: Path, game_id: str) -> dict[str, list[tuple[str, Moment]]]:
        """The sound autosaves of every game but `game_id`, by the game they hold (read only for
        games with more than one)."""
        try:
            names = [e.name for e in os.scandir(directory) if e.name.endswith(SUFFIX)]
        except OSError:
            return {}
        by_game: dict[str, list[tuple[str, Moment]]] = {}
        candidates: dict[str, list[str]] = {}
        for name in names:
            slot = name[: -len(SUFFIX)]
            parts = autosave_parts(slot)
            if parts is None or not is_clean(slot) or parts[0] == game_id:
                continue
            candidates.setdefault(parts[0] or "", []).append(slot)
        legacy = candidates.pop("", [])  # the old shared ring: the game is in the file
        for owner, slots in [("", legacy), *candidates.items()]:
            if owner and len(slots) + len(by_game.get(owner, ())) < 2:
                continue  # a game's only autosave: never pruned, and not worth a read
            for slot in slots:
                found = self.moment(directory / f"{slot}{SUFFIX}")
                if found is not None and found.game != game_id:
                    by_game.setdefault(found.game, []).append((slot, found))
        return by_game

    def _backup_held(self, directory: Path, slot: str, newest: Moment) -> bool:
        """Whether the slot's previous version is absent, or a moment `newest` holds."""
        backup = directory / f"{slot}{BACKUP_SUFFIX}"
        if not os.path.lexists(backup):
            return True
        kept = self.moment(backup)
        return kept is not None and self._held_by(newest, kept)

    @staticmethod
    def _held_by(newest: Moment, older: Moment) -> bool:
        return (older.game == newest.game and older.story_hash == newest.story_hash
                and _reaches(newest.line, older.line))


def _remove(directory: Path, *names: str) -> bool:
    """Remove files in order (a backup before its slot: never a lone backup); False at the
    first that cannot be removed (a missing one is fine)."""
    for name in names:
        try:
            os.unlink(directory / name)
        except FileNotFoundError:
            continue
        except OSError:
            return False
    return True
