"""Which story directories an opened file belongs to, and their files' text."""

from __future__ import annotations

import re
from pathlib import Path

from kremlin_tui.bounded import read_regular
from kremlin_tui.paths import default_story_dir
from kremlin_tui.storyfiles import MAX_FILE_BYTES

_MANIFEST = re.compile(r"^campaign:", re.MULTILINE)


def read_story_file(path: Path) -> bytes | None:
    """A YAML file's bytes as the loader would take them; None for a file it refuses (too large,
    not a regular file, unreadable). A FIFO named `x.yaml` must not hang the server: the loader
    reports it, the editor goes on."""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except OSError:
        return None
    return data if len(data) <= MAX_FILE_BYTES else None


def as_text(data: bytes, errors: str = "replace") -> str:
    """Bytes decoded as `open(..., encoding="utf-8")` reads them: newlines made universal."""
    return data.decode("utf-8", errors=errors).replace("\r\n", "\n").replace("\r", "\n")


def is_story_root(directory: Path) -> bool:
    """A story's root directory holds the manifest: a YAML file with a top-level `campaign:`."""
    for path in sorted(directory.glob("*.y*ml")):
        data = read_story_file(path)
        if data is not None and _MANIFEST.search(as_text(data)):
            return True
    return False


def story_dirs_for(path: str | None, workspace_root: str | None) -> list[str]:
    """The directories `check` would be given for this file.

    The nearest ancestor holding a manifest is the story. A file in a folder without one is a
    mod: it is checked on top of the workspace's `story/` (or the shipped campaign)."""
    start = Path(path).resolve().parent if path else None
    root = Path(workspace_root).resolve() if workspace_root else None
    if start is not None:
        for directory in (start, *start.parents):
            if is_story_root(directory):
                return [str(directory)]
            if root is not None and directory == root:
                break
    base: Path | None = None
    if root is not None:
        for candidate in (root / "story", root):
            if candidate.is_dir() and is_story_root(candidate):
                base = candidate
                break
    if base is None:
        base = default_story_dir()
    dirs = [str(base.resolve())]
    if start is not None and start != base.resolve() and base.resolve() not in start.parents:
        dirs.append(str(start))
    return dirs


def story_texts(dirs: list[str]) -> dict[str, str]:
    """Every YAML file's text under the directories, by absolute path (unreadable files skipped:
    the checker reports them)."""
    texts: dict[str, str] = {}
    for directory in dirs:
        for path in sorted(Path(directory).rglob("*")):
            if path.suffix not in (".yaml", ".yml"):
                continue
            data = read_story_file(path)
            if data is not None:
                texts[str(path.resolve())] = as_text(data)
    return texts
