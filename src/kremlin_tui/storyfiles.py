"""Which files make a story: every `*.yaml` under the story folders, read with a size limit,
in a stable order, and the content hash that names the compiled cache of exactly those bytes."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from kremlin_tui.bounded import read_regular
from kremlin_tui.diagnostics import Collector, Pos, shown
from kremlin_tui.records import dataclass

LOADER_VERSION = "2"  # bump when loading gives a different model for the same files (cached stories)

MAX_FILE_BYTES = 8 * 1024 * 1024


def read_limited(path: str, display_path: str, out: Collector) -> bytes | None:
    """The file's bytes, refusing files over the size limit."""
    start = Pos(display_path, 1, 1)
    try:
        # if the file was swapped for a FIFO since it was listed, opening it must not wait for a
        # writer, and only a regular file is read (bounded.read_regular)
        data = read_regular(path, MAX_FILE_BYTES)
    except OSError as exc:
        out.error(start, "io", f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        out.error(start, "too-large", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None
    return data


def unsaved_too_large(text: str) -> bool:
    """Whether an editor's unsaved text is over the limit a file is held to (its UTF-8 length,
    worked out only when its length in characters leaves room for doubt)."""
    if len(text) > MAX_FILE_BYTES:
        return True
    return len(text) * 4 > MAX_FILE_BYTES and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES


def _unsaved_bytes(text: str, display_path: str, out: Collector) -> bytes | None:
    """An editor's unsaved text, held to the limit a file on disk is held to."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_FILE_BYTES:
        out.error(Pos(display_path, 1, 1), "too-large", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None
    return data


@dataclass
class SourceFile:
    """A story file as read: its bytes, the path messages show and the real path."""

    path: str  # the path shown in messages
    real: str
    data: bytes


def story_files(dirs: Iterable[str | os.PathLike[str]], out: Collector,
                overlay: Mapping[str, str] | None = None) -> list[SourceFile]:
    """Every YAML file under the directories, in a stable order, with its bytes.

    `overlay` maps absolute paths to text that replaces the file's contents on disk: the
    language server checks what the writer has typed before it is saved.

    A folder that cannot be used at all is a `no-story` error (`check` then exits 2: it could
    not run). A `*.yaml` name that is not a readable regular file (a broken or looping link, a
    FIFO, a device) and a folder that cannot be listed are warnings: never silently skipped,
    and never opened (opening a FIFO would block the game forever)."""
    files: list[SourceFile] = []
    read: set[tuple[int, int]] = set()  # a file reached twice (`check story story`, a folder inside another) is read once
    resolved: dict[Path, Path] = {}  # (see _display_path)
    for directory in dirs:
        problem = _not_a_folder(str(directory))
        if problem:
            out.error(Pos(str(directory), 0, 0), "no-story", problem)
            continue
        found = sorted(_yaml_files(Path(directory), out))
        if not found:
            out.error(Pos(str(directory), 0, 0), "no-story", f"'{shown(str(directory), 200)}' holds no .yaml files")
        for path in found:
            if _already_read(path, read):
                continue
            shown_path = _display_path(path, resolved)
            unsaved = overlay.get(str(path.resolve())) if overlay else None
            data = _unsaved_bytes(unsaved, shown_path, out) if unsaved is not None else read_limited(str(path), shown_path, out)
            if data is not None:
                files.append(SourceFile(shown_path, str(path), data))
    return files


def _already_read(path: Path, read: set[tuple[int, int]]) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False  # reading it reports why
    key = (info.st_dev, info.st_ino)
    if key in read:
        return True
    read.add(key)
    return False


def story_paths(dirs: Iterable[str | os.PathLike[str]], out: Collector) -> list[Path]:
    """The paths `story_files` would read (for the watcher: no bytes read, nothing reported)."""
    return [path for directory in dirs if not _not_a_folder(str(directory))
            for path in sorted(_yaml_files(Path(directory), out))]


def _not_a_folder(directory: str) -> str | None:
    name = shown(directory, 200)
    try:
        mode = os.stat(directory).st_mode
    except FileNotFoundError:
        return f"the story folder '{name}' does not exist"
    except OSError as exc:
        return f"cannot open the story folder '{name}': {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return None
    if stat.S_ISREG(mode):
        return f"'{name}' is a file; give the folder that holds the story's .yaml files"
    return f"'{name}' is not a folder"


def _yaml_files(root: Path, out: Collector) -> list[Path]:
    """The story files under `root`, following links to folders (each folder once)."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue  # a link back to a folder already read
            seen.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(folder))
        except OSError as exc:
            out.warning(Pos(_display_path(folder), 0, 0), "skipped",
                        f"cannot read the folder: {exc.strerror or exc}; its files are skipped")
            continue
        for entry in entries:
            path = Path(entry.path)
            wanted = path.suffix in (".yaml", ".yml")
            try:
                mode = os.stat(entry.path).st_mode  # follows links
            except OSError as exc:
                if wanted or entry.is_symlink():
                    why = "a symbolic link loop" if exc.errno == errno.ELOOP else (
                        "a broken symbolic link" if entry.is_symlink() else exc.strerror or str(exc))
                    if wanted:
                        out.warning(Pos(_link_path(path), 0, 0), "skipped", f"skipped: {why}")
                continue
            if stat.S_ISDIR(mode):
                pending.append(path)
            elif wanted and stat.S_ISREG(mode):
                found.append(path)
            elif wanted:
                out.warning(Pos(_link_path(path), 0, 0), "skipped", f"skipped: {_file_kind(mode)}, not a regular file")
    return found


def _link_path(path: Path) -> str:
    """How to show a path that may be a (broken) link: the link itself, not what it names."""
    try:
        return _display_path(path.parent) + os.sep + path.name if path.parent != Path(".") else path.name
    except (OSError, RuntimeError):
        return str(path)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _display_path(path: Path, resolved: dict[Path, Path] | None = None) -> str:
    """The path a message shows: the real path, relative to the working folder if inside it.
    `resolved` keeps the folders resolved so far (the working folder as `Path()`): a file that
    is not a link is its real folder's entry, so a story's files need not each resolve every
    folder above them (a dozen system calls a file)."""
    try:
        if resolved is None:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        cwd = resolved.get(_HERE)
        if cwd is None:
            cwd = resolved[_HERE] = Path.cwd().resolve()
        if path.is_symlink():
            return str(path.resolve().relative_to(cwd))
        folder = resolved.get(path.parent)
        if folder is None:
            folder = resolved[path.parent] = path.parent.resolve()
        return str((folder / path.name).relative_to(cwd))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link loop (RuntimeError before 3.13)
        return str(path)


_HERE = Path()


def content_hash(files: list[SourceFile]) -> str:
    """The sha256 of the files' names, sizes and bytes: names the cached story of exactly these
    files, and saves record it (`Story.content_hash`). (hashlib is imported here: a load that
    neither reads nor writes the cache, `check`'s, never hashes; see model.Story.)"""
    import hashlib

    digest = hashlib.sha256(f"kremlin-story/{LOADER_VERSION}\n".encode())
    for index, source in enumerate(files):
        name = Path(source.real).name
        digest.update(f"{index}:{name}:{len(source.data)}\n".encode())
        digest.update(source.data)
    return digest.hexdigest()
