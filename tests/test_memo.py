"""The language server's memos (memo.py): a check with them gives exactly what a fresh one does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kremlin_tui import memo
from kremlin_tui.checker import check_story
from kremlin_tui.paths import default_story_dir


@pytest.fixture
def remembering() -> Iterator[None]:
    memo.remember()
    try:
        yield
    finally:
        memo.remember(False)


def report(dirs: list[str], overlay: dict[str, str]) -> list[str]:
    result = check_story(dirs, overlay)
    return [str(d) for d in result.errors + result.warnings] + [repr(result.stats)]


def test_checks_that_remember_agree_with_fresh_checks(remembering: None) -> None:
    story = default_story_dir()
    chapter = str((story / "05_steel.yaml").resolve())
    codex = sorted((story / "codex").glob("*.yaml"))[0].resolve()
    text = Path(chapter).read_text(encoding="utf-8")
    edits = [
        {},
        {chapter: text.replace("goto: ", "goto: no_such_", 1)},  # an unknown scene
        {chapter: text + "\n  - {id: broken\n"},  # a YAML syntax error
        {chapter: text},
        {str(codex): codex.read_text(encoding="utf-8").replace("match:", "match: [Moscow]\n    old_match:", 1)},
        {},
    ]
    seen = set()
    for overlay in edits:
        remembered = report([str(story)], overlay)
        memo.remember(False)
        fresh = report([str(story)], overlay)
        memo.remember()
        assert remembered == fresh
        seen.add(tuple(remembered))
    assert len(seen) == 4  # the edits changed the reports: unknown scene, syntax error, codex word, clean


def test_memos_are_off_unless_asked_and_forget_when_turned_off() -> None:
    assert not memo.enabled()
    kept = memo.memo(2)
    kept.put("a", 1)
    assert kept.get("a") is None
    memo.remember()
    try:
        kept.put("a", 1)
        kept.put("b", 2)
        kept.put("c", 3)  # the oldest goes
        assert (kept.get("a"), kept.get("b"), kept.get("c")) == (None, 2, 3)
    finally:
        memo.remember(False)
    assert not kept.items
