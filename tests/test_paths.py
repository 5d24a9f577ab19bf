"""Where the game keeps its files when no KREMLIN_TUI_* variable says: the XDG base directories.

The XDG spec says a relative $XDG_DATA_HOME or $XDG_CACHE_HOME is invalid and must be ignored;
taken as it was, `XDG_DATA_HOME=rel kremlin-tui` put the player's saves and profile under
`./rel` of whatever folder the game was started from, a different place each time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kremlin_tui import cache, paths


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG variables are read on Linux and BSDs")
@pytest.mark.parametrize("value", ["rel", "rel/deeper", "./x", "~"])
def test_a_relative_xdg_directory_is_ignored(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("KREMLIN_TUI_DATA", "KREMLIN_TUI_CACHE", "KREMLIN_TUI_SAVES", "KREMLIN_TUI_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", value)
    monkeypatch.setenv("XDG_CACHE_HOME", value)
    assert paths.user_data_dir() == tmp_path / ".local" / "share" / "kremlin-tui"
    assert cache.cache_dir() == tmp_path / ".cache" / "kremlin-tui"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG variables are read on Linux and BSDs")
def test_an_absolute_xdg_directory_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KREMLIN_TUI_DATA", "KREMLIN_TUI_CACHE", "KREMLIN_TUI_SAVES", "KREMLIN_TUI_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert paths.user_data_dir() == tmp_path / "data" / "kremlin-tui"
    assert cache.cache_dir() == tmp_path / "cache" / "kremlin-tui"
