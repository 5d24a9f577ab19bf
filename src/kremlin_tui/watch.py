"""Live reload for writers: notice edited story files, reload, and put the game back where it was.

Polling file signatures (path, size, mtime) every quarter second is portable, needs no
dependency, and is well inside the one-second goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kremlin_tui.diagnostics import Diagnostic
from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story_with_diagnostics
from kremlin_tui.model import Story

POLL_SECONDS = 0.25


@dataclass
class Reload:
    story: Story | None
    errors: list[Diagnostic]
    game: Game | None
    kept: int
    total: int
    problem: str | None

    def summary(self) -> str:
        if self.story is None:
            return f"the story has {len(self.errors)} error(s); still playing the previous version"
        text = f"story reloaded; {self.kept} of {self.total} decisions replayed"
        return text + (f" (stopped: {self.problem})" if self.problem else "")


class StoryWatcher:
    def __init__(self, dirs: list[str]) -> None:
        self.dirs = dirs
        self.signature = self._signature()

    def _signature(self) -> frozenset[tuple[str, int, int]]:
        found = set()
        for directory in self.dirs:
            for path in Path(directory).rglob("*"):
                if path.suffix in (".yaml", ".yml"):
                    try:
                        stat = path.stat()
                    except OSError:
                        continue
                    found.add((str(path), stat.st_size, stat.st_mtime_ns))
        return frozenset(found)

    def changed(self) -> bool:
        current = self._signature()
        if current == self.signature:
            return False
        self.signature = current
        return True

    def reload(self, game: Game) -> Reload:
        story, diagnostics = load_story_with_diagnostics(self.dirs)
        errors = [d for d in diagnostics if d.severity == "error"]
        steps = [(s.node, s.choice) for s in game.state.history]
        if story is None:
            return Reload(None, errors, None, 0, len(steps), None)
        new_game, kept, problem = Game.replay(story, game.state.seed, steps)
        return Reload(story, [], new_game, kept, len(steps), problem)
