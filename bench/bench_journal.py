"""Time to open the journal with 200 entries, scrolled to the latest, at 80x24, side by side in one
run, alternating, medians reported:

- the journal (lines drawn a line at a time);
- the floor: the same screen (title, a line view, footer) holding 30 fixed lines, so the
  difference is the journal's own work (its entries, causes and wrapping);
- with `--markdown`, the same entries as a Markdown widget (the journal before issue 16: ~30 s).

Goal (issue 16): under 200 ms, opening at the latest entry.
Run: python bench/bench_journal.py [RUNS] [--markdown]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Markdown, Static

from kremlin_tui import present
from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story
from kremlin_tui.paths import default_story_dir
from kremlin_tui.saves import Session
from kremlin_tui.tui.app import KremlinApp
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.screens.journal import JournalScreen
from kremlin_tui.tui.text import journal_lines, md_escape
from kremlin_tui.tui.widgets.lines import LinesView

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


class FloorScreen(JournalScreen):
    """The floor: the journal screen's own layout and scrolling, with 30 fixed lines."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("Journal", classes="screen-title")
        yield LinesView(lambda width: [Content("line")] * 30, id="journal")
        yield Footer()


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


def own_work(game: Game) -> tuple[float, float]:
    """The journal's work outside Textual: its entries (with causes) and their wrapped lines."""
    started = time.perf_counter()
    entries = present.journal(game)
    built = time.perf_counter()
    journal_lines(entries, 76)
    return built - started, time.perf_counter() - built


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 5
    markdown = "--markdown" in sys.argv
    game = long_game()
    asyncio.run(open_once(game, JournalScreen))  # warm-up: imports, CSS
    kinds: list[type] = [JournalScreen, FloorScreen, *([MarkdownJournal] if markdown else [])]
    times: dict[type, list[float]] = {kind: [] for kind in kinds}
    for _ in range(runs):
        for kind in kinds:
            times[kind].append(asyncio.run(open_once(game, kind)))
    now, floor = statistics.median(times[JournalScreen]), statistics.median(times[FloorScreen])
    entries, lines = own_work(game)
    print(f"journal with {len(game.state.history)} entries, 80x24, median of {runs}:")
    print(f"  journal (line view):              {now * 1000:7.1f} ms   (best {min(times[JournalScreen]) * 1000:.1f})")
    print(f"  floor (same screen, 30 lines):    {floor * 1000:7.1f} ms   (best {min(times[FloorScreen]) * 1000:.1f})")
    print(f"  journal - floor:                  {(now - floor) * 1000:7.1f} ms")
    print(f"  own work: entries {entries * 1000:.1f} ms, wrapping {lines * 1000:.1f} ms")
    if markdown:
        before = statistics.median(times[MarkdownJournal])
        print(f"  Markdown (before issue 16):       {before * 1000:7.1f} ms   ({before / now:.1f}x slower)")


if __name__ == "__main__":
    main()
