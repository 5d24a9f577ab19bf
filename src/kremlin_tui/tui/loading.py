"""Loading the story off the UI thread, and live reload (`play --watch`).

The app learns of a loaded or reloaded story through signals, which the screens that care
subscribe to: `story_ready` (the title's premise, the help), `game_reloaded` (the game screen
redraws) and `thresholds_found` (the sidebar marks the stats near a value the story reads).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.signal import Signal

if TYPE_CHECKING:
    from kremlin_tui.engine import Game
    from kremlin_tui.model import Story
    from kremlin_tui.saves import Session
    from kremlin_tui.stat_thresholds import Threshold


class StoryLoading(App[None]):
    """The story half of the app: it holds the story and tells subscribers when it changes."""

    story: Story | None
    story_dirs: list[str]
    session: Session | None
    watch_story: bool

    def init_loading(self) -> None:
        self.story_errors: list[str] = []
        self.thresholds: dict[str, tuple[Threshold, ...]] = {}
        self.story_ready: Signal[Story | None] = Signal(self, "story-ready")
        self.game_reloaded: Signal[Game] = Signal(self, "game-reloaded")
        self.thresholds_found: Signal[None] = Signal(self, "thresholds-found")

    def start_loading(self) -> None:
        if self.story is None:
            self.call_after_refresh(self.load_story)  # after the first frame, never before it
        else:
            self.find_thresholds(self.story)
        if self.watch_story:
            from kremlin_tui.watch import POLL_SECONDS, StoryWatcher

            self.watcher = StoryWatcher(self.story_dirs)
            self.set_interval(POLL_SECONDS, self._poll_story)

    @work(thread=True, exclusive=True)
    def load_story(self) -> None:
        """Load (usually from the warm cache) off the UI thread, so the title shows at once."""
        from kremlin_tui.cache_child import build_in_child
        from kremlin_tui.loader import load_story_with_diagnostics

        # no cached story yet: a child process builds it, so this one never holds the builder's garbage
        loaded = load_story_with_diagnostics(self.story_dirs, build_elsewhere=build_in_child)
        # the thresholds in this same thread rather than in a second one started meanwhile: two
        # threads at work at once each get a C allocator arena of their own (issue 19: memory)
        found = _thresholds(loaded.story) if loaded.story is not None else {}
        _release_freed_memory()
        self.call_from_thread(self._story_ready, loaded.story, [str(d) for d in loaded.errors], found)

    def _story_ready(self, story: Story | None, errors: list[str], found: dict[str, tuple[Threshold, ...]]) -> None:
        self.story = story
        self.story_errors = errors
        self._thresholds_found(found)  # in place, like a later find_thresholds
        if story is None:
            self.notify("The story has errors; run `kremlin-tui check`:\n" + "\n".join(errors[:5]), severity="error", timeout=30)
        self.story_ready.publish(story)

    @work(thread=True, exclusive=True, group="thresholds")
    def find_thresholds(self, story: Story) -> None:
        """The values at which the story reacts to each stat (off the UI thread: it imports the engine)."""
        found = _thresholds(story)
        self.call_from_thread(self._thresholds_found, found)

    def _thresholds_found(self, found: dict[str, tuple[Threshold, ...]]) -> None:
        """In place: a game screen pushed before they were found holds this dict, and redraws
        its sidebar when told (`play --continue` opens the game as soon as the story is in)."""
        self.thresholds.clear()
        self.thresholds.update(found)
        self.thresholds_found.publish(None)

    def _poll_story(self) -> None:
        if self.watcher.changed():
            self.reload_story()

    @work(thread=True, exclusive=True, group="reload")
    def reload_story(self) -> None:
        from kremlin_tui.engine import Game
        from kremlin_tui.watch import load_safely

        if self.session is None:
            loaded = load_safely(self.story_dirs)
            self.call_from_thread(self._reloaded, loaded.story, loaded.errors, None, "story reloaded")
            return
        game = self.session.game
        basis = (game, game.state, len(game.state.history))  # what the reload replays
        outcome = self.watcher.reload(Game(game.story, game.state))
        self.call_from_thread(self._reloaded, outcome.story, outcome.errors, outcome.game, outcome.summary(), basis)

    def _reloaded(self, story: Story | None, errors: list, game: Game | None, summary: str,  # type: ignore[type-arg]
                  basis: tuple[object, object, int] | None = None) -> None:
        session = self.session
        if game is not None and session is not None and basis is not None and (
                session.game is not basis[0] or session.game.state is not basis[1]
                or len(session.game.state.history) != basis[2]):
            self.reload_story()  # a decision, undo or load while the story loaded: replay the game as it is now
            return
        if story is None:
            shown = "\n".join(str(e) for e in errors[:6])
            self.notify(f"{summary}:\n{shown}", title="Story reload", severity="error", timeout=20)
            return
        self.story = story
        self.find_thresholds(story)  # the reloaded story's conditions may read other values
        if game is not None and self.session is not None:
            self.session.replace_game(game)
            self.game_reloaded.publish(game)
        self.notify(summary, title="Story reload", timeout=4)


def _thresholds(story: Story) -> dict[str, tuple[Threshold, ...]]:
    from kremlin_tui.stat_thresholds import thresholds

    return thresholds(story)


def _release_freed_memory() -> None:
    """Hand back to the system what loading allocated and freed (the C allocator keeps freed
    blocks for reuse, and a finished worker thread's arena with them): a few hundred KB to a
    megabyte of a running game's memory (issue 19: memory after start). glibc only; elsewhere
    nothing to do."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # AttributeError: not glibc (musl has no malloc_trim)
        ctypes.CDLL(None).malloc_trim(0)  # the process's own symbols: the C library's
