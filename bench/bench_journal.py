"""Time to open the journal with 200 entries, scrolled to the latest, at 80x24: the journal as
lines drawn a line at a time (now) against the same entries as a Markdown widget (before), side by side in
one run, alternating, medians reported.

Goal (issue 16): under 200 ms, opening at the latest entry.
Run: python bench/bench_journal.py [RUNS]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual.containers import VerticalScroll
from textual.widgets import Markdown

from kremlin_tui import present
from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story
from kremlin_tui.paths import default_story_dir
from kremlin_tui.saves import Session
from kremlin_tui.tui.app import KremlinApp
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.screens.journal import JournalScreen
from kremlin_tui.tui.text import md_escape

ENTRIES = 200


def long_game() -> Game:
    """A real game's decisions, repeated until the history holds ENTRIES steps."""
    import random

    story = load_story([str(default_story_dir())])
    steps = []
    seed = 7
    while len(steps) < ENTRIES:
        played, pick = Game.new(story, seed), random.Random(seed)
        while not played.ended:
            played.choose(pick.choice(played.available_ids()))
        steps += played.state.history
        seed += 1
    game = Game.new(story, 7)
    game.state.history = steps[:ENTRIES]
    return game


def journal_markdown(game: Game) -> str:
    """The journal as Markdown, the way it was drawn before (the baseline)."""
    lines: list[str] = []
    for entry in present.journal(game):
        if entry.chapter:
            lines += [f"## {md_escape(entry.chapter)}", ""]
        lines += [f"**{entry.date} — {md_escape(entry.title)}**  ", f"You chose: *{md_escape(entry.label)}*"]
        if entry.changes:
            lines += ["", *(f"- {md_escape(c.line)}" for c in entry.changes)]
        lines += [f"→ This set off: **{md_escape(t)}**" for t in entry.set_off]
        lines.append("")
    return "\n".join(lines)


class MarkdownJournal(SecondaryScreen):
    def __init__(self, game: Game) -> None:
        super().__init__()
        self.game = game

    def compose(self):  # type: ignore[no-untyped-def]
        with VerticalScroll(id="journal"):
            yield Markdown(journal_markdown(self.game))

    def on_mount(self) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.call_after_refresh(scroll.scroll_end, animate=False, immediate=True)


class EmptyScreen(SecondaryScreen):
    """The floor: a screen with a scrolled view of a few lines, no journal."""

    def __init__(self, game: Game) -> None:
        super().__init__()

    def compose(self):  # type: ignore[no-untyped-def]
        with VerticalScroll(id="journal"):
            yield Markdown("\n\n".join(["line"] * 30))

    def on_mount(self) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.call_after_refresh(scroll.scroll_end, animate=False, immediate=True)


async def open_once(game: Game, screen_type: type) -> float:
    story = game.story
    with tempfile.TemporaryDirectory() as tmp:
        app = KremlinApp([str(default_story_dir())], seed=1, saves_dir=tmp, profile_dir=Path(tmp) / "p", story=story)
        async with app.run_test(size=(80, 24)) as pilot:
            app.session = Session(game, None)
            await pilot.pause()
            start = time.perf_counter()
            app.push_screen(screen_type(game))
            while True:  # drawn, and scrolled to the latest entry
                await asyncio.sleep(0.002)
                screen = app.screen
                if isinstance(screen, screen_type) and screen.is_mounted:
                    scroll = screen.query_one("#journal")
                    if scroll.max_scroll_y > 0 and scroll.scroll_y >= scroll.max_scroll_y:
                        break
            return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    game = long_game()
    now: list[float] = []
    before: list[float] = []
    floor: list[float] = []
    for _ in range(runs):
        now.append(asyncio.run(open_once(game, JournalScreen)))
        before.append(asyncio.run(open_once(game, MarkdownJournal)))
        floor.append(asyncio.run(open_once(game, EmptyScreen)))
    a, b, f = statistics.median(now), statistics.median(before), statistics.median(floor)
    print(f"journal with {len(game.state.history)} entries, 80x24, median of {runs}:")
    print(f"  line view (now):     {a * 1000:7.1f} ms")
    print(f"  Markdown (before):   {b * 1000:7.1f} ms   ({b / a:.1f}x slower)")
    print(f"  an almost empty screen (the floor on this machine now): {f * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
