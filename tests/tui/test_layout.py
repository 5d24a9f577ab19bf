"""Room to read: the story keeps most of the screen at the sizes people use (the shipped story)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kremlin_tui.loader import load_story
from kremlin_tui.tui.app import KremlinApp
from kremlin_tui.tui.screens.title import TitleScreen

STORY = str(Path(__file__).parents[2] / "story")


@pytest.mark.parametrize(("size", "prose"), [((80, 24), 10), ((60, 20), 6), ((120, 36), 10)])
async def test_the_story_keeps_its_room_and_the_choices_at_most_40_percent(tmp_path, size, prose) -> None:  # type: ignore[no-untyped-def]
    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        for step in ("scene", "consequences"):
            story = app.screen.query_one("#scene-scroll").region
            box = app.screen.query_one("#choice-box").region
            assert story.height >= prose, (step, story)
            assert box.height <= int(size[1] * 0.4), (step, box)
            text = app.screen.query_one("#scene-text")
            assert text.region.width <= 76
            await pilot.press("1")
            await pilot.pause()


async def test_page_keys_scroll_the_story_and_enter_still_chooses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        scroll = app.screen.query_one("#scene-scroll")
        highlighted = app.screen.query_one("#choices").highlighted
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0 and app.screen.query_one("#choices").highlighted == highlighted
        await pilot.press("tab", "enter")  # focus elsewhere: Enter still takes the highlighted choice
        await pilot.pause()
        assert app.game.state.decisions == 1


async def test_the_title_menu_highlight_is_on_screen_at_80x24(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, TitleScreen)
        menu = app.screen.query_one("#menu")
        await pilot.press("down", "down", "down", "down", "down")
        assert menu.get_option_at_index(menu.highlighted).id == "quit"  # what Enter would do, shown
        assert menu.region.bottom <= 24 and menu.has_focus
