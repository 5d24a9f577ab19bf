"""Shared fixtures: the mini story, a temporary story builder, and an isolated story cache."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"

MANIFEST = """\
campaign:
  id: t
  title: Test
  start: a
  start_date: 1924-01-21
stats:
  - {id: party, label: Party standing, initial: 45}
  - {id: hidden_x, label: Hidden, initial: 5, hidden: true}
relations:
  - {id: britain, name: Britain, initial: -20}
flags:
  - {id: flag_a, description: A flag.}
  - {id: mood, description: A valued flag., values: [calm, angry]}
"""


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KREMLIN_TUI_CACHE", str(tmp_path_factory.getbasetemp() / "story-cache"))


@pytest.fixture
def mini() -> str:
    return str(MINI)


@pytest.fixture
def make_story(tmp_path: Path) -> Callable[..., str]:
    """Write a story directory: `make_story(scenes_yaml)` adds the standard manifest."""

    def build(body: str, manifest: str = MANIFEST, name: str = "story") -> str:
        root = tmp_path / name
        root.mkdir(exist_ok=True)
        (root / "manifest.yaml").write_text(manifest, encoding="utf-8")
        (root / "scenes.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
        return str(root)

    return build
