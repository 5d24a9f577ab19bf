"""What the game holds once it has started (issue 19: memory after start): a fresh process runs
the TUI headless until the story is loaded and its thresholds found, as bench/bench_memory.py
does, and reports the modules it imported. The engine, the game screen and the story builder
come when a game starts or the story must be built, not on the title screen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

MINI = str(Path(__file__).parents[1] / "fixtures" / "mini")

# Settled on the title: the story loaded, the stat thresholds found; then the modules and the title's text.
SETTLED = """
import json, os, sys
from kremlin_tui.tui.app import KremlinApp
class Measured(KremlinApp):
    def on_mount(self):
        super().on_mount()
        self.set_interval(0.02, self.check)
    def check(self):
        premise = str(self.screen.query_one("#premise").render())
        if self.story is not None and self.thresholds and "Loading" not in premise:  # the title has shown it
            print(json.dumps({"modules": sorted(sys.modules), "premise": premise,
                              "nodes": sorted(self.story.nodes), "thresholds": sorted(self.thresholds)}), flush=True)
            os._exit(0)
Measured([sys.argv[1]]).run(headless=True)
"""

# Modules a started game imports that the title never needs (what is loaded here stays loaded).
NOT_ON_THE_TITLE = ("kremlin_tui.engine", "kremlin_tui.engine_plan", "kremlin_tui.preview", "kremlin_tui.present",
                    "kremlin_tui.state", "kremlin_tui.events", "kremlin_tui.effects", "kremlin_tui.tui.screens.game",
                    "kremlin_tui.saves")


def settled(tmp_path: Path, story: str = MINI, before: str = "", **env: str) -> dict[str, object]:
    """The settled title's report, from a fresh process (`before`: code it runs first)."""
    environment = {**os.environ, "HOME": str(tmp_path / "home"), "KREMLIN_TUI_CACHE": str(tmp_path / "cache"),
                   "KREMLIN_TUI_SAVES": str(tmp_path / "saves"), "KREMLIN_TUI_DATA": str(tmp_path / "data"), **env}
    result = subprocess.run([sys.executable, "-c", before + SETTLED, story], capture_output=True, text=True, timeout=120,
                            env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _imported(modules: object, names: tuple[str, ...]) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_the_title_with_its_story_loaded_imports_no_engine(tmp_path: Path) -> None:
    settled(tmp_path)  # fills the cache
    warm = settled(tmp_path)
    assert "A tiny story" in str(warm["premise"]) and warm["thresholds"] == ["party"] and "start" in warm["nodes"]  # type: ignore[operator]
    assert _imported(warm["modules"], (*NOT_ON_THE_TITLE, "yaml", "kremlin_tui.builder")) == []


def test_a_first_start_has_a_child_build_the_story_and_never_imports_the_builder(tmp_path: Path) -> None:
    first = settled(tmp_path)  # no cache yet
    assert "A tiny story" in str(first["premise"]) and first["thresholds"] == ["party"]
    assert _imported(first["modules"], (*NOT_ON_THE_TITLE, "yaml", "kremlin_tui.builder")) == []
    assert list((tmp_path / "cache").glob("story-*.json"))  # what the child wrote, for every later start


def test_a_first_start_whose_child_fails_builds_the_story_itself(tmp_path: Path) -> None:
    failing = "import kremlin_tui.cache_child as child\nchild._CHILD = 'import sys; sys.exit(1)'\n"
    first = settled(tmp_path, before=failing)
    assert "A tiny story" in str(first["premise"]) and first["thresholds"] == ["party"] and "start" in first["nodes"]  # type: ignore[operator]
    assert "kremlin_tui.builder" in first["modules"]  # type: ignore[operator]  # built here, as before
    assert list((tmp_path / "cache").glob("story-*.json"))
