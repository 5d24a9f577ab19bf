"""The player's profile across games: settings (the theme) and the gallery of endings found.

Kept as small JSON files in the user's data directory. A damaged file is ignored (and then
replaced): a settings file must never stop the game from starting.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kremlin_tui.bounded import read_regular
from kremlin_tui.paths import user_data_dir

MAX_PROFILE_BYTES = 4 * 1024 * 1024  # the gallery and codex of every ending and entry fit in a few KB
MAX_COUNT = 10**9


def _read(path: Path) -> dict[str, Any]:
    """The file's object, or {} when it is missing, damaged, too large or not a regular file
    (a FIFO there would otherwise keep the game from ever starting)."""
    try:
        raw = read_regular(path, MAX_PROFILE_BYTES)
        if len(raw) > MAX_PROFILE_BYTES:
            return {}
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _ending(entry: object) -> dict[str, Any] | None:
    """One gallery entry as the game uses it (title, first, count), whatever the file held: a
    count such as "many" crashed the game at its ending."""
    if not isinstance(entry, dict):
        return None
    title, first, count = entry.get("title"), entry.get("first"), entry.get("count")
    sound = isinstance(count, int) and not isinstance(count, bool) and 0 < count <= MAX_COUNT
    return {"title": title if isinstance(title, str) else "", "first": first if isinstance(first, str) else "",
            "count": count if sound else 1}


def _write(path: Path, data: dict[str, Any]) -> bool:
    """Replace the file whole or not at all; False when it could not be written. A failed write
    removes its temporary file: nothing else ever would, and the next failure would add another."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
        os.replace(tmp, path)
        tmp = None
        return True
    except OSError:
        return False
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@dataclass
class Profile:
    directory: Path
    theme: str | None = None
    endings: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {title, first, count}
    codex: list[str] = field(default_factory=list)  # codex entries unlocked in any game

    @classmethod
    def load(cls, directory: Path | None = None) -> Profile:
        root = directory or user_data_dir()
        settings = _read(root / "settings.json")
        gallery = _read(root / "endings.json")
        theme = settings.get("theme")
        endings = {k: e for k, v in gallery.items() if (e := _ending(v)) is not None}
        seen = _read(root / "codex.json").get("unlocked", [])
        codex = [c for c in seen if isinstance(c, str)] if isinstance(seen, list) else []
        return cls(root, theme if isinstance(theme, str) else None, endings, codex)

    def record_codex(self, ids: list[str] | tuple[str, ...]) -> None:
        """Remember codex entries unlocked in play, so the title screen's codex can show them."""
        new = [c for c in dict.fromkeys(ids) if c not in self.codex]
        if new:
            self.codex.extend(new)
            _write(self.directory / "codex.json", {"unlocked": self.codex})

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        _write(self.directory / "settings.json", {"theme": theme})

    def record_ending(self, ending_id: str, title: str, date: str) -> bool:
        """Add an ending to the gallery; True if it is new."""
        entry = self.endings.get(ending_id)
        new = entry is None
        if entry is None:
            entry = self.endings[ending_id] = {"title": title, "first": date, "count": 0}
        entry["count"] = min(int(entry.get("count", 0)) + 1, MAX_COUNT)
        _write(self.directory / "endings.json", self.endings)
        return new
