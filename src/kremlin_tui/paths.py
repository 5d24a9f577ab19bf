"""Where the shipped story, the saves and the user's data live.

From a checkout (the `story/` directory sits two levels above this package, beside
`pyproject.toml`) the game uses the checkout's `story/` and `saves/`. Installed as a wheel, it
uses the story packaged inside it and the user's data directory for saves.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SAVES_ENV = "KREMLIN_TUI_SAVES"
DATA_ENV = "KREMLIN_TUI_DATA"


def checkout_root() -> Path | None:
    root = PACKAGE.parent.parent
    if (root / "pyproject.toml").is_file() and (root / "story").is_dir():
        return root
    return None


def default_story_dir() -> Path:
    packaged = PACKAGE / "_story"
    if packaged.is_dir():
        return packaged
    root = checkout_root()
    if root is not None:
        return root / "story"
    return packaged  # reported as missing by the loader


def xdg_dir(variable: str, fallback: Path) -> Path:
    """$XDG_DATA_HOME or $XDG_CACHE_HOME when set to an absolute path, else `fallback`. The XDG
    base directory spec says a relative path there is invalid and must be ignored: taken as it is,
    `XDG_DATA_HOME=rel` put the player's saves under whatever folder the game was started from."""
    value = os.environ.get(variable, "")
    return Path(value) if value and os.path.isabs(value) else fallback


def user_data_dir() -> Path:
    explicit = os.environ.get(DATA_ENV)
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home()))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = xdg_dir("XDG_DATA_HOME", Path.home() / ".local" / "share")
    return base / "kremlin-tui"


def default_saves_dir() -> Path:
    explicit = os.environ.get(SAVES_ENV)
    if explicit:
        return Path(explicit)
    root = checkout_root()
    if root is not None:
        return root / "saves"
    return user_data_dir() / "saves"
