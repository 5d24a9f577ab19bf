"""The language server's memos (memo.py): a check with them gives exactly what a fresh one does."""

from __future__ import annotations

from pathlib import Path

from kremlin_tui import memo
from kremlin_tui.checker import check_story
from kremlin_tui.paths import default_story_dir


def report(dirs: list[str], overlay: dict[str, str]) -> list[str]:
    result = check_story(dirs, overlay)
    return [str(d) for d in result.errors + result.warnings] + [repr(result.stats)]


def test_checks_that_remember_agree_with_fresh_checks() -> None:
    """Every edit checked fresh (memos off), then the same edits in a row with the memos on, then
    once more (every file, text and expression seen before): the reports are identical."""
    story = default_story_dir()
    chapter = str((story / "05_steel.yaml").resolve())
    codex = sorted((story / "codex").glob("*.yaml"))[0].resolve()
    text = Path(chapter).read_text(encoding="utf-8")
    words = codex.read_text(encoding="utf-8")
    assert "match: [Sklyansky]" in words
    edits = [
        {},
        {chapter: text.replace("goto: ", "goto: no_such_", 1)},  # an unknown scene
        {chapter: text + "\n  - {id: broken\n"},  # a YAML syntax error
        {chapter: text},
        {str(codex): words.replace("match:", "match: [Moscow]\n    old_match:", 1)},
        {str(codex): words.replace("match: [Sklyansky]", "match: [Zzyzx]", 1)},  # no scene mentions it now
        {chapter: text.replace("{if ", "{iff ", 1)},  # an expression error inside a template
        {chapter: text.replace("{end}", "", 1)},  # an {if} never closed
        {chapter: text.replace("  - id: steel_hunger", "  - id: steel_hungry", 1)},  # other scene names
        {chapter: text.replace("{if ", "{if steel_hunger / 0 > 1 and ", 1)},  # divides by zero
        {},
    ]
    fresh = [report([str(story)], overlay) for overlay in edits]
    memo.remember()
    try:
        remembered = [report([str(story)], overlay) for overlay in edits]
        again = [report([str(story)], overlay) for overlay in edits]
    finally:
        memo.remember(False)
    assert remembered == fresh
    assert again == fresh
    assert len({tuple(r) for r in fresh}) == len(edits) - 2  # each edit changed the report (two are clean)


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
