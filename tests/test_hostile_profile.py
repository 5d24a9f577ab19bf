"""Hostile re-tests of issue 12 for the player's profile (settings.json, endings.json, codex.json
in the data folder): "a settings file must never stop the game from starting", and a damaged
gallery must not crash the game at its ending."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kremlin_tui import present
from kremlin_tui.loader import load_story
from kremlin_tui.profile import Profile


@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000,
                                     " " * (2 << 20) + "{}", "\udcff", '{"theme": 5}', "[]", "nul"])
def test_a_damaged_settings_file_is_ignored(tmp_path: Path, content: str) -> None:
    (tmp_path / "settings.json").write_text(content, encoding="utf-8", errors="surrogateescape")
    (tmp_path / "endings.json").write_text(content, encoding="utf-8", errors="surrogateescape")
    profile = Profile.load(tmp_path)
    assert profile.theme is None and profile.endings == {}


def test_a_fifo_for_a_settings_file_does_not_block_the_start(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "settings.json")
    assert Profile.load(tmp_path).theme is None


@pytest.mark.parametrize("count", ["many", 1e308, -5, [1], None, True, "9" * 5000, 10**30])
def test_an_ending_with_a_damaged_count_can_be_reached_again_and_shown(tmp_path: Path, mini: str, count: object) -> None:
    (tmp_path / "endings.json").write_text(json.dumps({"good_end": {"title": 7, "count": count}, "bad_end": "x"}),
                                           encoding="utf-8")
    profile = Profile.load(tmp_path)
    assert profile.record_ending("good_end", "The Good End", "1925-01") is False
    assert profile.endings["good_end"]["count"] == 2
    assert profile.record_ending("bad_end", "The Bad End", "1925-01") is True
    shown = dict(present.endings_found(load_story([mini], cache=False), Profile.load(tmp_path).endings))
    assert shown == {"The Good End": 2, "The Bad End": 1}
