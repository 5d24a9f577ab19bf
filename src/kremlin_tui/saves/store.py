"""The saves directory: one `<slot>.json` per slot, written atomically, listed defensively.

Writing never leaves a half-written save, whatever instant the process dies at:

1. the new save is written to a temporary file in the same directory, flushed and fsynced;
2. the current save, if it is sound, becomes `<slot>.json.bak` (a hard link made under a
   temporary name and renamed over the old backup, so the main file never disappears); a
   damaged one is set aside as `<slot>.json.damaged` instead, so it cannot push out a sound
   backup and is still there for a rescue by hand;
3. the temporary file is renamed over `<slot>.json` (`os.replace`, atomic on POSIX and
   Windows), and the directory is fsynced so the rename survives a power cut.

At every instant `<slot>.json` is therefore a complete old or a complete new save.

Reading trusts nothing: a file that is not regular, too large, not UTF-8, not JSON, not ours,
from a newer version, or malformed is reported with a reason (`DamagedSave`,
`IncompatibleSave`) and never raises anything else. If a save is damaged but its backup is
sound, loading falls back to the backup and says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kremlin_tui.safetext import safe_line
from kremlin_tui.saves.document import MAX_BYTES, GameIdentity, SaveFile, SaveMeta, utc_now
from kremlin_tui.saves.errors import DamagedSave, IncompatibleSave, NoSuchSave, SaveError
from kremlin_tui.saves.files import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    copy_file,
    fsync_directory,
    os_message,
    read_limited,
    remove_stale_temps,
    same_file,
    signature,
)
from kremlin_tui.saves.formats import read_save_bytes
from kremlin_tui.saves.layout import encode
from kremlin_tui.saves.listing import GameGroup, SlotInfo, group_by_game, in_the_future
from kremlin_tui.saves.slots import (
    clean_slot_name,
    player_slot_name,
    slot_kind,
)
from kremlin_tui.saves.vocabulary import SlotKind, SlotStatus

if TYPE_CHECKING:
    from kremlin_tui.saves.prune import Pruner

SUFFIX = ".json"
BACKUP_SUFFIX = ".json.bak"
DAMAGED_SUFFIX = ".json.damaged"  # a damaged save that a new save replaced, kept for rescue by hand
STALE_TEMP_SECONDS = 15 * 60  # a temporary file this old was left by a process that died mid-write
# (a temporary file whose process is gone is removed at once: see cleanup_temp)


@dataclass(frozen=True)
class ReadResult:
    save: SaveFile
    path: Path
    from_backup: bool = False
    damage: str = ""  # why the main file could not be used, when the backup was

    @property
    def slot(self) -> str:
        """The slot read, as its file is named (which `locate` may have found by a name that
        cleaning would change)."""
        name = self.path.name
        return name[: -len(BACKUP_SUFFIX)] if name.endswith(BACKUP_SUFFIX) else name[: -len(SUFFIX)]


class SaveStore:
    """A saves directory. Created on the first write; every method raises only SaveError."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        # the files this store wrote, by path: (inode, size, mtime in ns) just after writing. A
        # file still matching is known sound, so saving over it need not read it back first.
        self._written: dict[Path, tuple[int, int, int]] = {}
        self._pruner: Pruner | None = None  # made on the first autosave (it caches what it read)

    # -- paths -------------------------------------------------------------------------------

    def path_for(self, slot: str) -> Path:
        """The file of a slot; the name is cleaned, and the path checked to be inside the directory."""
        name = clean_slot_name(slot)
        path = self.directory / f"{name}{SUFFIX}"
        # cleaning already excludes separators and "..": this is the second lock on the door
        if os.path.realpath(path.parent) != os.path.realpath(self.directory) or path.name != f"{name}{SUFFIX}":
            raise SaveError(f"'{slot}' cannot be used as a save name.")
        return path

    def backup_path(self, slot: str) -> Path:
        return self.directory / f"{clean_slot_name(slot)}{BACKUP_SUFFIX}"

    def locate(self, slot: str) -> Path:
        """The file (`<slot>.json`) a name given by the player means, for reading and managing:
        the cleaned name's file when it exists; else a file of the folder whose name cleaning
        would change (`nul.json`, `.hidden.json`, ` spaced.json`, a control character), named
        exactly as typed, with or without `.json`, or as listings show it (control characters
        escaped): every file a listing shows can be loaded, renamed and deleted by the name it
        shows. When only its previous version (`.json.bak`) is there, the path it would have.
        Writing never comes here: a save is only ever written under a clean name."""
        try:
            path: Path | None = self.path_for(slot)
        except SaveError:
            path = None
        if path is not None and (os.path.lexists(path) or os.path.lexists(_sibling(path, BACKUP_SUFFIX))):
            return path
        found = self._by_shown_name(slot)
        if found is not None:
            return found
        if path is None:
            raise NoSuchSave(f"There is no save named '{slot}'.")
        return path

    def _by_shown_name(self, typed: str) -> Path | None:
        try:
            names = [entry.name for entry in os.scandir(self.directory)]
        except OSError:
            return None
        for suffix in (SUFFIX, BACKUP_SUFFIX):
            for name in sorted(names):
                if not name.endswith(suffix) or name.startswith(TEMP_PREFIX):
                    continue
                stem = name[: -len(suffix)]
                if typed in (stem, f"{stem}{SUFFIX}", safe_line(stem), safe_line(f"{stem}{SUFFIX}")):
                    return self.directory / f"{stem}{SUFFIX}"  # a name from the folder itself: no path in it
        return None

    def slot_name(self, slot: str) -> str:
        """The slot a typed name means (see `locate`), as its file is named."""
        return self.locate(slot).name[: -len(SUFFIX)]

    def exists(self, slot: str) -> bool:
        return os.path.lexists(self.locate(slot))

    # -- writing -----------------------------------------------------------------------------

    def write(self, slot: str, document: dict[str, Any]) -> Path:
        """Write a save document atomically (see the module docstring); returns its path."""
        data = encode(document)
        if len(data) > MAX_BYTES:
            raise SaveError(f"This save would be {len(data) / 1048576:.1f} MB, more than the {MAX_BYTES // 1048576} MB "
                            "a save may hold; it was not written.")
        path = self.path_for(slot)
        self._write_bytes(path, data, keep_backup=True)
        return path

    def _write_bytes(self, path: Path, data: bytes, *, keep_backup: bool, action: str = "save") -> None:
        temp: Path | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.cleanup_temp()
            temp = self._temp_path()
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
            if keep_backup:
                condition = self._condition(path)
                if condition in (SlotStatus.OK, SlotStatus.INCOMPATIBLE):
                    self._keep_backup(path)
                elif condition == SlotStatus.DAMAGED:
                    # not a backup (it must not push a sound one out), but not thrown away either:
                    # a damaged save may still be rescued by hand
                    os.replace(path, path.with_name(path.name[: -len(SUFFIX)] + DAMAGED_SUFFIX))
            os.replace(temp, path)
            temp = None
            fsync_directory(self.directory)
            self._written[path] = signature(os.stat(path))
        except OSError as exc:
            raise SaveError(os_message(exc, action, self.directory)) from None
        finally:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)

    def _keep_backup(self, path: Path) -> None:
        """Make the current file the backup without ever removing the current file."""
        backup = path.with_name(path.name[: -len(SUFFIX)] + BACKUP_SUFFIX)
        temp = self._temp_path()
        try:
            os.link(path, temp)
        except OSError:  # no hard links here (some network and FAT file systems): copy
            copy_file(path, temp)
        try:
            os.replace(temp, backup)
        finally:
            # When `backup` already is a link to the same file (another process just made it, or
            # someone linked the two), rename() succeeds and does nothing: the temporary name
            # stays. It is ours and is no longer needed either way.
            with contextlib.suppress(OSError):
                os.unlink(temp)

    def _condition(self, path: Path) -> SlotStatus:
        """What is in the file at `path` (MISSING when there is none)."""
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return SlotStatus.MISSING
        except OSError:
            info = None
        if info is not None and stat.S_ISREG(info.st_mode) and self._written.get(path) == signature(info):
            return SlotStatus.OK  # the very file this store wrote, untouched since
        try:
            read_save_bytes(read_limited(path))
        except IncompatibleSave:
            return SlotStatus.INCOMPATIBLE
        except SaveError:
            return SlotStatus.DAMAGED
        return SlotStatus.OK

    def _temp_path(self) -> Path:
        return self.directory / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"

    # -- reading -----------------------------------------------------------------------------

    def read(self, slot: str) -> ReadResult:
        """Read and check a save; fall back to its backup if the main file is damaged."""
        path = self.locate(slot)
        backup = _sibling(path, BACKUP_SUFFIX)
        if not os.path.lexists(path):
            if os.path.lexists(backup):  # only if something outside the game removed the main file
                return ReadResult(self.read_path(backup), backup, True, "the save file is missing")
            raise NoSuchSave(f"There is no save named '{clean_slot_name(slot)}'.")
        try:
            return ReadResult(self.read_path(path), path)
        except DamagedSave as damage:
            if os.path.lexists(backup):
                try:
                    return ReadResult(self.read_path(backup), backup, True, damage.reason)
                except SaveError:
                    pass
            raise DamagedSave(f"The save '{clean_slot_name(slot)}' is damaged: {damage.reason}.") from None

    def read_path(self, path: Path) -> SaveFile:
        return read_save_bytes(read_limited(path))

    def info(self, slot: str) -> SlotInfo:
        path = self.locate(slot)
        if not os.path.lexists(path):
            raise NoSuchSave(f"There is no save named '{clean_slot_name(slot)}'.")
        return self._info(path)

    def _info(self, path: Path, is_backup: bool = False) -> SlotInfo:
        return self.read_info(path, is_backup)[0]

    def read_info(self, path: Path, is_backup: bool = False) -> tuple[SlotInfo, SaveFile | None]:
        """A file's listing entry, and the save itself when it is sound (one read for both)."""
        slot = path.name[: -len(BACKUP_SUFFIX if is_backup else SUFFIX)]
        now = utc_now()
        try:
            modified = path.stat().st_mtime
        except OSError:
            modified = 0.0
        if in_the_future(datetime.fromtimestamp(modified, UTC), now):
            modified = 0.0  # a file time in the future is no time at all (see SlotInfo.saved_at)
        backup_path = path.with_name(slot + BACKUP_SUFFIX)
        status, reason, meta, story_id, story_hash = SlotStatus.OK, "", SaveMeta(slot=slot, kind=slot_kind(slot)), "", ""
        game: GameIdentity | None = None
        save: SaveFile | None = None
        try:
            save = self.read_path(path)
            meta, story_id, story_hash, game = save.meta, save.story_id, save.story_hash, save.identity
        except DamagedSave as exc:
            status, reason = SlotStatus.DAMAGED, exc.reason
        except IncompatibleSave as exc:
            status, reason = SlotStatus.INCOMPATIBLE, str(exc)
        backup = False
        if not is_backup and os.path.lexists(backup_path):
            try:
                self.read_path(backup_path)
                backup = True
            except SaveError:
                backup = False
        info = SlotInfo(slot, path, slot_kind(slot), status, reason, meta, story_id, story_hash, modified, backup,
                        game, is_backup, in_the_future(meta.saved_datetime(), now))
        return info, save if status == SlotStatus.OK else None

    def backups(self) -> list[SlotInfo]:
        """The sound previous versions (`<slot>.json.bak`) in the folder, newest first. A backup
        may belong to another game than its slot now does (an old shared autosave ring)."""
        try:
            entries = sorted(os.scandir(self.directory), key=lambda e: e.name)
        except OSError:
            return []
        infos = [self._info(Path(entry.path), is_backup=True) for entry in entries
                 if entry.name.endswith(BACKUP_SUFFIX) and not entry.name.startswith(TEMP_PREFIX)]
        shown = [i for i in infos if i.ok and self._worth_showing(i)]
        return sorted(shown, key=lambda i: (i.saved_at, i.modified), reverse=True)

    def _worth_showing(self, backup: SlotInfo) -> bool:
        """An autosave's backup is just an older moment of the same game (the ring keeps
        enough of those): shown only when it is another game's (the old shared ring) or the
        autosave itself is damaged or gone. Every other backup is shown."""
        if backup.kind != SlotKind.AUTO:
            return True
        try:
            current = self.info(backup.slot)
        except SaveError:
            return True
        return not current.ok or current.game is None or backup.game is None or current.game.id != backup.game.id

    def games(self, story_id: str | None = None) -> tuple[list[GameGroup], list[SlotInfo]]:
        """Saves and backups grouped by game, the game saved last first (of one story, if
        given); and the files that cannot be read."""
        infos = [*self.list(), *self.backups()]
        if story_id is not None:
            infos = [i for i in infos if not i.ok or i.story_id == story_id]
        return group_by_game(infos)

    def list(self) -> list[SlotInfo]:
        """Every `*.json` file of the directory: sound saves newest first, then the others by name."""
        self.cleanup_temp()
        try:
            entries = sorted(os.scandir(self.directory), key=lambda e: e.name)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise SaveError(os_message(exc, "list", self.directory)) from None
        # every *.json, hidden ones (".x.json") too: a save copied in under any name is shown
        infos = [self._info(Path(entry.path)) for entry in entries
                 if entry.name.endswith(SUFFIX) and not entry.name.startswith(TEMP_PREFIX)]
        good = sorted((i for i in infos if i.ok), key=lambda i: (i.saved_at, i.modified), reverse=True)
        bad = sorted((i for i in infos if not i.ok), key=lambda i: i.slot)
        return good + bad

    # -- managing ----------------------------------------------------------------------------

    def delete(self, slot: str) -> None:
        """Remove a save, its backup and any set-aside damaged copy."""
        path = self.locate(slot)
        backup = _sibling(path, BACKUP_SUFFIX)
        if not os.path.lexists(path) and not os.path.lexists(backup):
            raise NoSuchSave(f"There is no save named '{clean_slot_name(slot)}'.")
        damaged = _sibling(path, DAMAGED_SUFFIX)
        try:
            for victim in (path, backup, damaged):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(victim)
            fsync_directory(self.directory)
        except OSError as exc:
            raise SaveError(os_message(exc, "delete", self.directory)) from None

    def rename(self, old: str, new: str) -> str:
        """Give a save a new (player) name; returns the cleaned name. Never overwrites a save.

        The new file is written completely before the old one is removed, so a crash leaves
        two copies, never none."""
        source = self.locate(old)
        if not os.path.lexists(source):
            raise NoSuchSave(f"There is no save named '{clean_slot_name(old)}'.")
        name = player_slot_name(new)
        target = self.path_for(name)
        if source == target:
            return name
        one_file = False
        if os.path.lexists(target):
            one_file = same_file(source, target)  # a case-only rename on a case-insensitive disk
            if not one_file:
                raise SaveError(f"There is already a save named '{name}'; delete it first or choose another name.")
        try:
            moved = one_file or self._condition(source) != SlotStatus.OK
            if moved:
                # a damaged file moves as it is, byte for byte: it may still be rescued by hand
                os.replace(source, target)
            else:
                self._write_bytes(target, _renamed(read_limited(source), name), keep_backup=False, action="rename")
            with contextlib.suppress(FileNotFoundError):
                os.replace(_sibling(source, BACKUP_SUFFIX), self.backup_path(name))
            if not moved:
                os.unlink(source)
            fsync_directory(self.directory)
        except OSError as exc:
            raise SaveError(os_message(exc, "rename", self.directory)) from None
        return name

    def restore_backup(self, slot: str) -> str:
        """Make the previous version of a slot current again; the current version becomes the
        backup (so a restore can itself be taken back by restoring again), a damaged one is set
        aside as `<slot>.json.damaged`. Returns the cleaned slot name."""
        path = self.locate(slot)
        name, backup = path.name[: -len(SUFFIX)], _sibling(path, BACKUP_SUFFIX)
        if not os.path.lexists(backup):
            raise NoSuchSave(f"The save '{name}' has no previous version to restore.")
        try:
            self.read_path(backup)
        except SaveError as exc:
            raise DamagedSave(f"The previous version of '{name}' cannot be used: {exc}.") from None
        try:
            condition = self._condition(path)
            if condition in (SlotStatus.OK, SlotStatus.INCOMPATIBLE):
                temp = self._temp_path()
                try:
                    os.link(path, temp)
                except OSError:  # no hard links on this file system
                    copy_file(path, temp)
                try:
                    os.replace(backup, path)
                    os.replace(temp, backup)
                finally:
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
            else:
                if condition == SlotStatus.DAMAGED:
                    os.replace(path, path.with_name(name + DAMAGED_SUFFIX))
                os.replace(backup, path)
            fsync_directory(self.directory)
        except OSError as exc:
            raise SaveError(os_message(exc, "restore", self.directory)) from None
        return name

    def rename_game(self, game_id: str, name: str) -> int:
        """Give a game a new name: rewrite it into the saves of that game (each written
        atomically; backups are left as they were). Returns how many saves were renamed."""
        count = 0
        infos = self.list()
        taken = next((i.game.name for i in infos if i.ok and i.game is not None and i.game.id != game_id
                      and i.game.name.casefold() == name.casefold()), None)
        if taken is not None:  # `load NAME` and the listings tell games apart by their names
            raise SaveError(f"There is already a game named '{taken}'; choose another name.")
        for info in infos:
            if not info.ok or info.game is None or info.game.id != game_id:
                continue
            try:
                data = read_limited(info.path)
                document = json.loads(data.decode("utf-8-sig"))
            except (SaveError, ValueError, RecursionError):
                continue
            if not isinstance(document, dict):
                continue
            document["game"] = GameIdentity(game_id, name, info.game.started_at).to_json()
            try:
                self._write_bytes(info.path, encode(document), keep_backup=False)
            except SaveError:
                raise
            count += 1
        return count

    def prune_autosaves(self, game_id: str, now: datetime | None = None) -> list[str]:
        """Delete the autosaves of other games whose moments their newest autosave still holds,
        once those games are left (saves/prune.py says exactly which); returns the slots deleted.
        Never the game in play's, never a game's newest autosave, never a named or quick save."""
        if self._pruner is None:
            from kremlin_tui.saves.prune import Pruner

            self._pruner = Pruner(self)
        return self._pruner.prune(game_id, now)

    def cleanup_temp(self, max_age: float = STALE_TEMP_SECONDS) -> None:
        """Remove temporary files left by processes that died while saving (files.remove_stale_temps)."""
        remove_stale_temps(self.directory, max_age)


def _sibling(path: Path, suffix: str) -> Path:
    """`<slot>.json` -> `<slot><suffix>` (the backup, the set-aside damaged file)."""
    return path.with_name(path.name[: -len(SUFFIX)] + suffix)


def _renamed(data: bytes, name: str) -> bytes:
    """The same save with its recorded slot name changed, when it is a readable document."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return data
    if isinstance(document, dict) and isinstance(document.get("meta"), dict):
        document["meta"]["slot"] = name
        document["meta"]["kind"] = slot_kind(name)
        try:
            return encode(document)
        except (TypeError, ValueError):
            return data
    return data
