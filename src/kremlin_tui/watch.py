"""Live reload for writers: notice edited story files, reload, and put the game back where it was.

Polling file signatures (path, size, mtime) every quarter second is portable, needs no
dependency, and is well inside the one-second goal.
"""

from __future__ import annotations

from dataclasses import dataclass

from kremlin_tui.diagnostics import NOWHERE, Diagnostic, shown
from kremlin_tui.engine import Game
from kremlin_tui.loader import LoadResult, load_story_with_diagnostics
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
        from kremlin_tui.diagnostics import Collector
        from kremlin_tui.loader import story_paths

        found = set()
        for path in story_paths(self.dirs, Collector()):  # the files the loader reads, links included
            try:
                stat = path.stat()
            except OSError:
                continue
            found.add((str(path), stat.st_size, stat.st_mtime_ns))
        return frozenset(found)

    def changed(self) -> bool:
        """Never raises (it runs on a timer in the TUI): a folder that cannot be listed now is
        simply not a change, and is looked at again on the next poll."""
        try:
            current = self._signature()
        except Exception:
            return False
        if current == self.signature:
            return False
        self.signature = current
        return True

    def reload(self, game: Game) -> Reload:
        """Never raises: the watcher must outlive any story, and any bug a story finds."""
        steps = [(s.node, s.choice) for s in game.state.history]
        loaded = load_safely(self.dirs)
        story = loaded.story
        if story is None:
            return Reload(None, loaded.errors, None, 0, len(steps), None)
        try:
            new_game, kept, problem = Game.replay(story, game.state.seed, steps)
        except Exception as exc:
            return Reload(None, [internal_error(exc, "replaying the game")], None, 0, len(steps), None)
        return Reload(story, [], new_game, kept, len(steps), problem)


def load_safely(dirs: list[str]) -> LoadResult:
    """Load for a reload: an unexpected exception becomes one error, not a dead watcher."""
    try:
        return load_story_with_diagnostics(dirs)
    except Exception as exc:
        return LoadResult(None, [internal_error(exc, "reloading the story")])


def internal_error(exc: BaseException, doing: str) -> Diagnostic:
    detail = shown(f"{type(exc).__name__}: {exc}", 120)
    return Diagnostic(NOWHERE, "internal", f"internal error while {doing} ({detail}); please report it")
