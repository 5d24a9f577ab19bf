"""TUI test helpers: an app on the mini story with a fixed seed and a private profile, and no
blinking cursor (a snapshot must not depend on when in the blink it is taken)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from kremlin_tui.loader import load_story
from kremlin_tui.tui.app import KremlinApp

MINI = str(Path(__file__).parent.parent / "fixtures" / "mini")


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., KremlinApp]:
    def build(story_dir: str = MINI, preload: bool = True) -> KremlinApp:
        story = load_story([story_dir]) if preload else None
        return KremlinApp([story_dir], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "profile", story=story)

    return build


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every Input's cursor stays on: the codex's search box was captured blinking on or off."""
    original = Input.__init__

    def steady(self: Input, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", steady)
    yield
