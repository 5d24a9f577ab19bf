"""The player's profile files (profile.py): a write that fails loses nothing and leaves nothing.

A temporary file left behind by a failed write would sit in the player's data folder for good
(nothing else ever removes `.tmp-*` files there), one more after every failure."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
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


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_a_device_or_a_huge_file_in_place_of_a_profile_file_never_holds_up_the_start(tmp_path: Path) -> None:
    """A FIFO named settings.json kept the TUI on a blank screen for ever (reading it waited for
    a writer); /dev/zero behind codex.json would have read without end. Each counts as missing."""
    os.mkfifo(tmp_path / "settings.json")
    (tmp_path / "codex.json").symlink_to("/dev/zero")
    (tmp_path / "endings.json").write_bytes(b'{"x": "' + b"y" * (profile.MAX_PROFILE_BYTES + 10) + b'"}')
    started = time.monotonic()
    loaded = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from kremlin_tui.profile import "
                             "Profile; p = Profile.load(Path(sys.argv[1])); print(p.theme, p.endings, p.codex)",
                             str(tmp_path)], capture_output=True, text=True, timeout=20)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert time.monotonic() - started < 20
    assert loaded.stdout.split(" ", 1)[1].strip() == "{} []"
    assert loaded.stdout.split(" ", 1)[0] == str(Profile.load(tmp_path / "empty").theme)  # the default theme
