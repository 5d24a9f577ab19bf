"""TUI test helpers: an app on the mini story with a fixed seed and a private profile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kremlin_tui.loader import load_story
from kremlin_tui.tui.app import KremlinApp

MINI = str(Path(__file__).parent.parent / "fixtures" / "mini")


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., KremlinApp]:
    def build(story_dir: str = MINI, preload: bool = True) -> KremlinApp:
        story = load_story([story_dir]) if preload else None
        return KremlinApp([story_dir], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "profile", story=story)

    return build
