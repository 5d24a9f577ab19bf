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
import errno
import json
import os
import secrets
import stat
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kremlin_tui.saves.document import MAX_BYTES, SaveFile, SaveMeta, encode
from kremlin_tui.saves.errors import DamagedSave, IncompatibleSave, NoSuchSave, SaveError
from kremlin_tui.saves.migrate import read_save_bytes
from kremlin_tui.saves.slots import clean_slot_name, is_clean, player_slot_name, slot_kind

SUFFIX = ".json"
BACKUP_SUFFIX = ".json.bak"
DAMAGED_SUFFIX = ".json.damaged"  # a damaged save that a new save replaced, kept for rescue by hand
TEMP_PREFIX = ".save-"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 15 * 60  # a temporary file this old was left by a process that died mid-write


@dataclass(frozen=True)
class SlotInfo:
    """One entry of a listing. `status` is "ok", "damaged" or "incompatible" (a sound save this
    version cannot load, e.g. from a newer version); `reason` says why when it is not "ok"."""

    slot: str
    path: Path
    kind: str  # "manual", "auto" or "quick"
    status: str
    reason: str
    meta: SaveMeta
    story_id: str
    story_hash: str
    modified: float  # the file's modification time (seconds since the epoch)
    backup: bool  # a sound previous version (<slot>.json.bak) exists

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def damaged(self) -> bool:
        return self.status == "damaged"

    @property
    def saved_at(self) -> datetime:
        """When it was saved: the time recorded in the save, else the file's modification time."""
        return self.meta.saved_datetime() or datetime.fromtimestamp(self.modified, UTC)


@dataclass(frozen=True)
class ReadResult:
    save: SaveFile
    path: Path
    from_backup: bool = False
    damage: str = ""  # why the main file could not be used, when the backup was


class SaveStore:
    """A saves directory. Created on the first write; every method raises only SaveError."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

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

    def exists(self, slot: str) -> bool:
        return os.path.lexists(self.path_for(slot))

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
                if condition in ("ok", "incompatible"):
                    self._keep_backup(path)
                elif condition == "damaged":
                    # not a backup (it must not push a sound one out), but not thrown away either:
                    # a damaged save may still be rescued by hand
                    os.replace(path, path.with_name(path.name[: -len(SUFFIX)] + DAMAGED_SUFFIX))
            os.replace(temp, path)
            temp = None
            _fsync_directory(self.directory)
        except OSError as exc:
            raise SaveError(_os_message(exc, action, self.directory)) from None
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
            data = path.read_bytes()
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        try:
            os.replace(temp, backup)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def _condition(self, path: Path) -> str:
        """"missing", "ok", "incompatible" (intact, e.g. from a newer version) or "damaged"."""
        if not os.path.lexists(path):
            return "missing"
        try:
            read_save_bytes(_read_limited(path))
        except IncompatibleSave:
            return "incompatible"
        except SaveError:
            return "damaged"
        return "ok"

    def _temp_path(self) -> Path:
        return self.directory / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"

    # -- reading -----------------------------------------------------------------------------

    def read(self, slot: str) -> ReadResult:
        """Read and check a save; fall back to its backup if the main file is damaged."""
        path = self.path_for(slot)
        backup = self.backup_path(slot)
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
        return read_save_bytes(_read_limited(path))

    def info(self, slot: str) -> SlotInfo:
        path = self.path_for(slot)
        if not os.path.lexists(path):
            raise NoSuchSave(f"There is no save named '{clean_slot_name(slot)}'.")
        return self._info(path)

    def _info(self, path: Path) -> SlotInfo:
        slot = path.name[: -len(SUFFIX)]
        try:
            modified = path.stat().st_mtime
        except OSError:
            modified = 0.0
        backup_path = path.with_name(slot + BACKUP_SUFFIX)
        status, reason, meta, story_id, story_hash = "ok", "", SaveMeta(slot=slot, kind=slot_kind(slot)), "", ""
        try:
            if not is_clean(slot):
                raise DamagedSave("the file name is not a valid save name; rename the file")
            save = self.read_path(path)
            meta, story_id, story_hash = save.meta, save.story_id, save.story_hash
        except DamagedSave as exc:
            status, reason = "damaged", exc.reason
        except IncompatibleSave as exc:
            status, reason = "incompatible", str(exc)
        backup = False
        if os.path.lexists(backup_path):
            try:
                self.read_path(backup_path)
                backup = True
            except SaveError:
                backup = False
        return SlotInfo(slot, path, slot_kind(slot), status, reason, meta, story_id, story_hash, modified, backup)

    def list(self) -> list[SlotInfo]:
        """Every `*.json` file of the directory: sound saves newest first, then the others by name."""
        self.cleanup_temp()
        try:
            entries = sorted(os.scandir(self.directory), key=lambda e: e.name)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise SaveError(_os_message(exc, "list", self.directory)) from None
        infos = [self._info(Path(entry.path)) for entry in entries
                 if entry.name.endswith(SUFFIX) and not entry.name.startswith(".")]
        good = sorted((i for i in infos if i.ok), key=lambda i: (i.saved_at, i.modified), reverse=True)
        bad = sorted((i for i in infos if not i.ok), key=lambda i: i.slot)
        return good + bad

    def newest(self, story_id: str | None = None) -> SlotInfo | None:
        """The most recently saved sound save of any kind (of one story, if given): "continue"."""
        for info in self.list():
            if info.ok and (story_id is None or info.story_id == story_id):
                return info
        return None

    # -- managing ----------------------------------------------------------------------------

    def delete(self, slot: str) -> None:
        """Remove a save, its backup and any set-aside damaged copy."""
        path = self.path_for(slot)
        if not os.path.lexists(path) and not os.path.lexists(self.backup_path(slot)):
            raise NoSuchSave(f"There is no save named '{clean_slot_name(slot)}'.")
        damaged = path.with_name(path.name[: -len(SUFFIX)] + DAMAGED_SUFFIX)
        try:
            for victim in (path, self.backup_path(slot), damaged):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(victim)
            _fsync_directory(self.directory)
        except OSError as exc:
            raise SaveError(_os_message(exc, "delete", self.directory)) from None

    def rename(self, old: str, new: str) -> str:
        """Give a save a new (player) name; returns the cleaned name. Never overwrites a save.

        The new file is written completely before the old one is removed, so a crash leaves
        two copies, never none."""
        source = self.path_for(old)
        if not os.path.lexists(source):
            raise NoSuchSave(f"There is no save named '{clean_slot_name(old)}'.")
        name = player_slot_name(new)
        target = self.path_for(name)
        if source == target:
            return name
        same_file = False
        if os.path.lexists(target):
            same_file = _same_file(source, target)  # a case-only rename on a case-insensitive disk
            if not same_file:
                raise SaveError(f"There is already a save named '{name}'; delete it first or choose another name.")
        try:
            moved = same_file or self._condition(source) != "ok"
            if moved:
                # a damaged file moves as it is, byte for byte: it may still be rescued by hand
                os.replace(source, target)
            else:
                self._write_bytes(target, _renamed(_read_limited(source), name), keep_backup=False, action="rename")
            with contextlib.suppress(FileNotFoundError):
                os.replace(self.backup_path(old), self.backup_path(name))
            if not moved:
                os.unlink(source)
            _fsync_directory(self.directory)
        except OSError as exc:
            raise SaveError(_os_message(exc, "rename", self.directory)) from None
        return name

    def cleanup_temp(self, max_age: float = STALE_TEMP_SECONDS) -> None:
        """Remove temporary files left by processes that died while saving (best effort)."""
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return
        now = time.time()
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    if now - entry.stat(follow_symlinks=False).st_mtime > max_age:
                        os.unlink(entry.path)


def _read_limited(path: Path) -> bytes:
    """A save file's bytes: only regular files, at most MAX_BYTES (so /dev/zero or a FIFO
    dropped into the directory cannot hang or exhaust the game)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise DamagedSave("it is not a regular file")
        if info.st_size > MAX_BYTES:
            raise DamagedSave(f"the file is too large for a save ({info.st_size:,} bytes; "
                              f"a save is at most {MAX_BYTES // 1048576} MB)")
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DamagedSave(f"the file cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise DamagedSave(f"the file is too large for a save (more than {MAX_BYTES // 1048576} MB)")
    return data


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


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _fsync_directory(directory: Path) -> None:
    """Make renames durable; not possible (nor needed) on Windows."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _os_message(exc: OSError, action: str, directory: Path) -> str:
    """An OSError as a sentence a player can act on."""
    where = str(directory)
    verb = {"save": "save the game", "list": "list the saves", "delete": "delete the save",
            "rename": "rename the save"}.get(action, action)
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"Could not {verb}: the disk holding {where} is full. Free some space and try again."
    if code == errno.EROFS:
        return f"Could not {verb}: {where} is on a read-only disk. Choose another folder with --saves DIR."
    if code in (errno.EACCES, errno.EPERM):
        return (f"Could not {verb}: no permission to write in {where}. "
                "Choose another folder with --saves DIR or $KREMLIN_TUI_SAVES.")
    if code in (errno.ENOTDIR, errno.EEXIST) and not directory.is_dir():
        return f"Could not {verb}: {where} is not a folder. Choose another folder with --saves DIR."
    detail = exc.strerror or str(exc)
    return f"Could not {verb} in {where}: {detail}."
