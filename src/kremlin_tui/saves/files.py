"""The file system under the saves: bounded reads, durable renames, temporary files of dead
processes, and OSErrors as sentences a player can act on. No knowledge of what a save holds."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from pathlib import Path

from kremlin_tui.bounded import read_bounded
from kremlin_tui.saves.document import MAX_BYTES
from kremlin_tui.saves.errors import DamagedSave

TEMP_PREFIX = ".save-"
TEMP_SUFFIX = ".tmp"


def signature(info: os.stat_result) -> tuple[int, int, int]:
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def read_limited(path: Path) -> bytes:
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
            data = read_bounded(handle, MAX_BYTES)
    except OSError as exc:
        raise DamagedSave(f"the file cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise DamagedSave(f"the file is too large for a save (more than {MAX_BYTES // 1048576} MB)")
    return data


def temp_owner(filename: str) -> int | None:
    """The process id in `.save-<pid>-<random>.tmp`."""
    middle = filename[len(TEMP_PREFIX): -len(TEMP_SUFFIX)]
    pid = middle.split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def pid_alive(pid: int) -> bool:
    """Whether a process of this id runs on this machine (True when it cannot be told)."""
    if os.name != "posix" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. another user's process
    return True


def copy_file(source: Path, target: Path) -> None:
    data = source.read_bytes()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def fsync_directory(directory: Path) -> None:
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


def os_message(exc: OSError, action: str, directory: Path) -> str:
    """An OSError as a sentence a player can act on."""
    where = str(directory)
    verb = {"save": "save the game", "list": "list the saves", "delete": "delete the save",
            "rename": "rename the save", "restore": "restore the previous version"}.get(action, action)
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


def remove_stale_temps(directory: Path, max_age: float) -> None:
    """Remove temporary files left by processes that died while saving (best effort): at once
    when the process that made it is gone, else after `max_age` seconds."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                owner = temp_owner(entry.name)
                if owner == os.getpid():
                    continue  # one of ours, being written right now (another thread)
                dead = owner is not None and not pid_alive(owner)
                if dead or now - entry.stat(follow_symlinks=False).st_mtime > max_age:
                    os.unlink(entry.path)
