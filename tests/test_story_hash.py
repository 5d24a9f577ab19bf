"""A story's content hash is the same whether it was worked out at once or when first read.

Issue 19: a load that bypasses the cache (`check`) never reads `Story.content_hash`, so the
loader hands the story a way to compute it instead of the hash (model._ContentHash). Saves
record the hash and the cache is keyed by it, so its value must not move: it is checked here
against the sha256 written out independently, for every shipped story, read any way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import MINI

from kremlin_tui.loader import LOADER_VERSION, load_story
from kremlin_tui.model import Story

ROOT = Path(__file__).resolve().parent.parent
STORIES = [[str(ROOT / "story")], [str(MINI)], [str(ROOT / "story"), str(ROOT / "examples" / "mod-example")]]


def _sha256_of_the_files(dirs: list[str]) -> str:
    """The hash as it has always been defined: version line, then per file (in load order:
    each folder's files sorted by path) its index, name and size, and its bytes."""
    files = [f for d in dirs for f in sorted(Path(d).rglob("*.yaml"))]
    digest = hashlib.sha256(f"kremlin-story/{LOADER_VERSION}\n".encode())
    for index, path in enumerate(files):
        data = path.read_bytes()
        digest.update(f"{index}:{path.name}:{len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


@pytest.mark.parametrize("dirs", STORIES, ids=["story", "mini", "story+mod"])
def test_the_hash_read_late_is_the_hash_of_the_files(dirs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KREMLIN_TUI_CACHE", str(tmp_path / "cache"))
    expected = _sha256_of_the_files(dirs)
    late = load_story(dirs, cache=False)
    assert not isinstance(late.__dict__["_content_hash"], str)  # not worked out while loading
    assert late.content_hash == expected
    assert late.__dict__["_content_hash"] == expected  # worked out once, then kept
    written = load_story(dirs, cache=True)  # the cache is keyed by the hash: worked out at once
    assert written.__dict__["_content_hash"] == expected
    from_cache = load_story(dirs, cache=True)
    assert from_cache.content_hash == expected
    assert dataclasses.replace(load_story(dirs, cache=False)).content_hash == expected


def test_the_hash_stays_a_frozen_field_of_the_story() -> None:
    story = load_story([str(MINI)], cache=False)
    assert "content_hash" in [f.name for f in dataclasses.fields(Story)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        story.content_hash = "x"  # type: ignore[misc]
    assert dataclasses.replace(story) == story and f"content_hash={story.content_hash!r}" in repr(story)
    assert dataclasses.replace(story, content_hash="x") != story  # the hash is compared, as any field
    assert not isinstance(Story.content_hash, str)  # the class holds the descriptor, not a default


def test_check_neither_hashes_the_story_nor_imports_hashlib() -> None:
    code = (
        "import sys\nfrom kremlin_tui import storyfiles\nfrom kremlin_tui.cli import main\n"
        "calls = []\nreal = storyfiles.content_hash\n"
        "storyfiles.content_hash = lambda files: calls.append(1) or real(files)\n"
        "import kremlin_tui.loader as loader\nloader.content_hash = storyfiles.content_hash\n"
        f"status = main(['check', {str(ROOT / 'story')!r}])\n"
        "assert status == 0 and not calls and 'hashlib' not in sys.modules, (status, calls)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
