"""The player's profile files (profile.py): a write that fails loses nothing and leaves nothing.

A temporary file left behind by a failed write would sit in the player's data folder for good
(nothing else ever removes `.tmp-*` files there), one more after every failure."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest

from kremlin_tui import profile
from kremlin_tui.profile import Profile


def _left(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_a_write_that_cannot_replace_the_file_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "settings.json").mkdir()  # os.replace cannot put a file over a directory
    (tmp_path / "settings.json" / "keep").write_text("x")
    assert profile._write(tmp_path / "settings.json", {"theme": "nord"}) is False
    assert _left(tmp_path) == ["settings.json"]


def test_a_write_that_fails_half_way_leaves_no_temporary_file_and_keeps_the_old_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Profile.load(tmp_path).set_theme("nord")
    before = (tmp_path / "settings.json").read_text(encoding="utf-8")

    def disk_full(data: Any, handle: Any, **_kwargs: Any) -> None:
        handle.write('{"theme": ')
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(json, "dump", disk_full)
    assert profile._write(tmp_path / "settings.json", {"theme": "gruvbox"}) is False
    assert _left(tmp_path) == ["settings.json"]
    assert (tmp_path / "settings.json").read_text(encoding="utf-8") == before


def test_the_profile_round_trips(tmp_path: Path) -> None:
    saved = Profile.load(tmp_path)
    saved.set_theme("nord")
    assert saved.record_ending("fortress", "Fortress", "1947") is True
    assert saved.record_ending("fortress", "Fortress", "1947") is False
    saved.record_codex(["lenin", "lenin", "kamenev"])
    again = Profile.load(tmp_path)
    assert (again.theme, again.endings["fortress"]["count"], again.codex) == ("nord", 2, ["lenin", "kamenev"])
    assert _left(tmp_path) == ["codex.json", "endings.json", "settings.json"]
