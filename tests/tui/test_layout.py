"""Room to read: the story keeps most of the screen at the sizes people use (the shipped story)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.tui.waiting import wait_until

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


def crowded_scenes(count: int) -> list[str]:
    """The shipped scenes with the most to show under the story: most choices, longest labels."""
    story = load_story([STORY])
    nodes = [n for n in story.nodes.values() if not n.is_ending]
    return [n.id for n in sorted(nodes, key=lambda n: (-len(n.choices), -sum(len(c.label.source) for c in n.choices)))[:count]]


@pytest.mark.parametrize(("size", "prose"), [((80, 24), 10), ((60, 20), 6)])
async def test_the_story_keeps_its_room_on_the_most_crowded_scenes(tmp_path, size, prose) -> None:  # type: ignore[no-untyped-def]
    """Issue 16 measured "The Forty-Six" at 3 lines of prose: the eight scenes with the longest
    choice lists, each shown and then its consequences, keep the story's room."""
    from kremlin_tui import debugger

    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        for scene in crowded_scenes(8):
            debugger.command(app.game, f":goto {scene}")
            app.screen.show_scene()
            await pilot.pause()
            listing = app.screen.query_one("#choices")
            assert listing.option_count >= 4, scene
            for step in ("scene", "consequences"):
                assert (app.screen.showing_outcome is not None) == (step == "consequences"), (scene, step)
                story = app.screen.query_one("#scene-scroll").region
                box = app.screen.query_one("#choice-box").region
                assert story.height >= prose and box.height <= int(size[1] * 0.4), (scene, step, story, box)
                assert app.screen.query_one("#scene-text").region.width <= 76
                if step == "scene":
                    first = next(i for i in range(listing.option_count) if not listing.get_option_at_index(i).disabled)
                    await pilot.press(str(first + 1))
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
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0
        # the mouse wheel over the story scrolls it (private pilot API: Textual's pilot has no wheel)
        from textual.events import MouseScrollDown, MouseScrollUp

        await pilot._post_mouse_events([MouseScrollDown] * 3, "#scene-scroll", offset=(5, 3))
        assert await wait_until(pilot, lambda: scroll.scroll_y > 0, 10)
        await pilot._post_mouse_events([MouseScrollUp] * 3, "#scene-scroll", offset=(5, 3))
        assert await wait_until(pilot, lambda: scroll.scroll_y == 0, 10)
        assert app.screen.query_one("#choices").highlighted == highlighted
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


@pytest.mark.parametrize(("size", "stacked"), [((60, 20), True), ((80, 24), False), ((160, 48), False)])
async def test_the_campaign_map_comes_from_the_manifest_and_every_country_can_be_reached(tmp_path, size, stacked) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.tui.screens.mapview import MapScreen

    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        drawn = str(app.screen.query_one("#map").render())
        lines = drawn.split("\n")
        assert "JAPAN" in drawn and "FRANCE" in drawn
        japan = next(i for i, line in enumerate(lines) if "JAPAN" in line)
        france = next(i for i, line in enumerate(lines) if "FRANCE" in line)
        assert (japan > france) == stacked  # East Asia under Europe when the screen is narrow
        assert max(len(line) for line in lines) <= size[0] - 2  # nothing off the right edge
        assert "attitude toward the USSR" in str(app.screen.query_one(".screen-title").render())


async def test_a_story_without_a_map_says_so_and_lists_its_countries(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    story = tmp_path / "story"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "mini", story)
    manifest = story / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: text.index("  map:")] + text[text.index("chapters:"):], encoding="utf-8")
    app = KremlinApp([str(story)], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([str(story)]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert "This story has no map" in str(app.screen.query_one("#map").render())
        assert "Britain" in str(app.screen.query_one("#legend").render())


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_the_load_screen_shows_every_column_and_whole_scene_names(tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from textual.geometry import Region
    from textual.widgets import DataTable

    from kremlin_tui.tui.screens.saves import LoadScreen

    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        for _ in range(12):  # into 1926: long chapter and scene names ("The Triumvirs · The General Strike")
            await pilot.press("1", "enter")
        scene = app.game.story.nodes[app.game.state.node].title
        await pilot.press("f5", "l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        table = app.screen.query_one("#saves", DataTable)
        widths = [column.width for column in table.columns.values()]
        assert sum(widths) + 2 * table.cell_padding * len(widths) <= table.size.width  # no column off the edge
        header = "".join(segment.text for segment in table.render_lines(Region(0, 0, table.size.width, 1))[0])
        assert header.split() == ["Save", "In", "the", "game", "Saved", "Played"]
        console = Console(width=200)
        for index in range(table.row_count):
            for cell, width in zip(table.get_row_at(index), widths, strict=True):
                for line in cell.wrap(console, width):  # each line of each cell fits its column: nothing cut
                    assert line.cell_len <= width, (index, str(cell))
        assert any(scene in str(table.get_row_at(i)[1]) for i in range(table.row_count))


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 48)])
async def test_notifications_are_top_right_in_the_game_and_bottom_right_elsewhere(make_app, size) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets._toast import Toast

    from kremlin_tui.tui.screens.game import GameScreen
    from kremlin_tui.tui.screens.saves import LoadScreen

    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("n", "f5")  # "Quick saved", on the game screen
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        toast = app.screen.query_one(Toast)
        choices = app.screen.query_one("#choice-box").region
        assert toast.region.y <= 2 and toast.region.right >= size[0] - 2  # top right
        assert not toast.region.overlaps(choices)  # off the choices and the costs under them
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        app.notify("A message on the load screen")
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert toasts and all(t.region.y > size[1] // 2 for t in toasts)  # Textual's place: bottom right
        assert toasts[-1].region.bottom >= size[1] - 2


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_the_highlighted_choice_shows_its_costs_and_odds_from_the_engine(tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    """Under the list: the highlighted choice's certain changes, or a gamble's odds, computed by
    the engine's preview (not the label's hint), inside the box and on screen."""
    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        detail = app.screen.query_one("#choice-detail")
        assert "Certain: Party standing ▲6" in str(detail.render())
        await pilot.press("down", "down")  # the telegram to Kamenev: a gamble
        await pilot.pause()
        text = " ".join(str(detail.render()).split())
        assert "gamble" in text and " in " in text, text  # "A gamble: about 5 in 9 or about 4 in 9"
        box = app.screen.query_one("#choice-box").region
        assert box.contains_region(detail.region) and detail.region.bottom <= size[1] - 1  # above the footer


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (100, 30)])
async def test_a_long_gamble_is_never_cut_short_and_its_ending_result_shows(tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    """The Secretaries' Motion at Party standing 5: three results, one of which ends the game.
    At 80x24 the box used to cut the odds after the first; it now grows (the story keeps a few
    rows) so every result shows, the one that ends the game included."""
    from kremlin_tui import debugger

    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        await pilot.pause()
        for command in (":goto security_challenge", ":set party 5", ":set workers 30"):
            debugger.command(app.game, command)
        app.screen.show_scene()
        await pilot.pause()
        gamble = app.game.choices()[0].gamble
        assert gamble is not None and sum(o.ends for o in gamble.outcomes) == 1 and len(gamble.outcomes) == 3
        detail = app.screen.query_one("#choice-detail")
        lines = str(detail.render()).splitlines()
        text = " ".join(" ".join(lines).split())
        assert text.count(" in ") >= 3 and "your game ends" in text, text
        box = app.screen.query_one("#choice-box").region
        assert detail.region.height >= len(lines), (detail.region, lines)  # not one line cut off
        assert box.contains_region(detail.region) and box.bottom <= size[1] - 1  # above the footer
        assert detail.region.bottom <= box.bottom - 1  # every line above the box's bottom border
        assert app.screen.query_one("#scene-scroll").region.height >= 3  # the story keeps a few rows


async def test_a_choice_that_certainly_ends_the_game_says_so_under_the_list(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """troika_expulsion's "Refuse to sign" leads straight to an ending: highlighted, it says so."""
    from kremlin_tui import debugger

    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        debugger.command(app.game, ":goto troika_expulsion")
        app.screen.show_scene()
        await pilot.pause()
        detail = app.screen.query_one("#choice-detail")
        assert "Your game ends here." not in str(detail.render())  # "Sign" goes on
        refuse = next(view for view in app.game.choices() if view.id == "refuse")
        assert refuse.ends
        app.screen.query_one("#choices").highlighted = refuse.number - 1
        await pilot.pause()
        assert "Your game ends here." in str(detail.render())
