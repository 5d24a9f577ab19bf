"""The story we ship passes `check`, plays to endings without errors, and its schema file is current."""

from __future__ import annotations

from pathlib import Path

from kremlin_tui.checker import check_story
from kremlin_tui.explore import explore
from kremlin_tui.loader import load_story
from kremlin_tui.paths import default_story_dir
from kremlin_tui.schema import schema_text

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_story_passes_check() -> None:
    report = check_story([str(default_story_dir())])
    assert report.errors == [], "\n".join(str(d) for d in report.errors[:30])


def test_the_shipped_story_plays_to_endings_without_errors() -> None:
    result = explore(load_story([str(default_story_dir())]), 200, 0, "coverage", jobs=1)
    assert result["errors"] == [], result["errors"][:3]
    assert sum(result["endings"].values()) == 200


def test_the_published_schema_is_current() -> None:
    assert (ROOT / "docs" / "story.schema.json").read_text(encoding="utf-8") == schema_text()
