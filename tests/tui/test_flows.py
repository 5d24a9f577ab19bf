"""Pilot tests of the player's flows through the TUI."""

from __future__ import annotations

from tests.tui.waiting import wait_until
from textual.widgets import Markdown, OptionList

from kremlin_tui.tui.screens.charts import ChartsScreen
from kremlin_tui.tui.screens.codex import CodexScreen
from kremlin_tui.tui.screens.ending import EndingScreen
from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.help import HelpScreen
from kremlin_tui.tui.screens.journal import JournalScreen
from kremlin_tui.tui.screens.mapview import MapScreen
from kremlin_tui.tui.screens.title import TitleScreen


def markdown_text(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(selector, Markdown).source


async def test_title_loads_the_story_in_the_background(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(preload=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, TitleScreen)
        assert "Loading the story" in str(app.screen.query_one("#premise").render())
        # the title learns of the story through a signal, after app.story is set: wait for the words
        assert await wait_until(pilot, lambda: "A tiny story" in str(app.screen.query_one("#premise").render()))
        assert app.story is not None


async def test_new_game_to_an_ending_with_keys(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, GameScreen)
        assert "It is 1924; your standing is 45." in markdown_text(app, "#scene-text")
        await pilot.press("1")  # turn back: the consequences come first
        text = markdown_text(app, "#scene-text")
        assert "**You chose:** *Turn back \\[for Moscow\\]*" in text  # the hint goes: what changed follows
        assert "Party standing ▲5 (45 → 50)" in text
        await pilot.press("enter")  # continue to the next scene
        assert "Red Square" in markdown_text(app, "#scene-text")
        await pilot.press("1", "enter")  # the vote (seeded) and its outcome
        await pilot.press("2")  # resign
        await pilot.press("enter")
        assert isinstance(app.screen, EndingScreen)
        assert "The Bad End" in markdown_text(app, "#ending")
        assert "1 of 2 endings found" in markdown_text(app, "#ending")
        assert app.profile.endings["bad_end"]["count"] == 1


async def test_arrows_enter_and_locked_choices(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.press("3")  # locked: a warning, nothing happens
        assert app.game.state.decisions == 0
        choices = app.screen.query_one("#choices", OptionList)
        assert choices.get_option_at_index(2).disabled
        await pilot.press("down", "enter")  # the second choice: go on to Sukhumi
        assert app.game.state.vars["party"] == 40
        await pilot.press("enter")
        assert app.game.state.node == "sukhumi"


async def test_every_secondary_screen_opens_and_closes(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "enter")
        for key, screen in (("j", JournalScreen), ("m", MapScreen), ("g", ChartsScreen), ("x", CodexScreen),
                            ("question_mark", HelpScreen)):
            await pilot.press(key)
            assert isinstance(app.screen, screen), key
            await pilot.press("escape")
            assert isinstance(app.screen, GameScreen), key
        await pilot.press("j")
        await pilot.pause()
        assert "Turn back" in "\n".join(line.plain for line in app.screen.query_one("#journal").lines)


async def test_codex_search(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "x")
        assert "Vladimir Lenin" in markdown_text(app, "#codex-text")
        await pilot.press(*"zzz")  # typing searches at once
        assert "No entries match" in markdown_text(app, "#codex-text")


async def test_number_keys_do_nothing_outside_the_game_screen(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "j", "1")
        assert isinstance(app.screen, JournalScreen)
        assert app.game.state.decisions == 0


async def test_resizing_down_to_60x20_keeps_choices_visible(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n")
        for size in ((80, 24), (60, 20), (120, 36), (60, 20)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            choices = app.screen.query_one("#choices", OptionList)
            assert choices.region.height >= 3 and choices.region.width > 30
            assert app.screen.has_class("narrow") == (size[0] < 96)


async def test_quit_asks_when_there_is_unsaved_progress(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "q")
        question = str(app.screen.query_one(".dialog-question").render())
        assert "Quit the game?" in question and "Every decision is saved as you play" in question
        await pilot.press("n")
        assert isinstance(app.screen, GameScreen)
        await pilot.press("q", "y")
        assert app.return_code is not None or not app.is_running


async def test_debug_panel_explains_and_edits(make_app) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "f12")
        report = str(app.screen.query_one("#debug-report", Static).render())
        assert "secret_door: if party > 80 → False; locked" in report
        await pilot.press(*":set party 90", "enter")
        assert app.game.state.vars["party"] == 90
        choices = app.screen.query_one("#choices", OptionList)
        assert not choices.get_option_at_index(2).disabled  # the locked door opened
        await pilot.press(*":goto good_end", "enter")
        assert isinstance(app.screen, EndingScreen)


async def test_live_reload_keeps_the_game_where_it_was(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from pathlib import Path

    from kremlin_tui.tui.app import KremlinApp

    story = tmp_path / "live"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "mini", story)
    app = KremlinApp([str(story)], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "profile", watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        while app.story is None:  # loaded in the background after the first frame
            await pilot.pause(0.02)
        await pilot.press("n", "1", "enter")
        assert "Red Square in the frost." in markdown_text(app, "#scene-text")
        scenes = story / "one.yaml"
        scenes.write_text(scenes.read_text().replace("Red Square in the frost.", "Red Square, edited live."))
        for _ in range(200):  # within a second of saving the file (10 s on a loaded machine)
            await pilot.pause(0.05)
            if "edited live" in markdown_text(app, "#scene-text"):
                break
        assert "edited live" in markdown_text(app, "#scene-text")
        assert app.game.state.node == "moscow" and app.game.state.decisions == 1
        scenes.write_text(scenes.read_text().replace("goto: vote_result", "goto: nowhere_at_all"))
        for _ in range(200):
            await pilot.pause(0.05)
            if any("still playing the previous version" in n.message for n in app._notifications):
                break
        assert any("still playing the previous version" in n.message for n in app._notifications)
        assert "edited live" in markdown_text(app, "#scene-text")  # the game goes on, nothing lost


async def test_theme_choice_persists_across_runs(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)):
        app.theme = "nord"
    again = make_app()
    assert again.theme == "nord"
    async with again.run_test(size=(100, 30)):
        assert again.theme == "nord"


async def test_command_palette_has_the_game_commands(make_app) -> None:  # type: ignore[no-untyped-def]
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"journal")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, JournalScreen)


async def test_codex_from_the_title_shows_what_any_game_unlocked(make_app) -> None:  # type: ignore[no-untyped-def]
    first = make_app()
    async with first.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        assert "No codex entries yet" in markdown_text(first, "#codex-text")
        await pilot.press("escape", "n")  # the first scene mentions Lenin
    second = make_app()
    async with second.run_test(size=(100, 30)) as pilot:
        await pilot.press("x")
        assert "Vladimir Lenin" in markdown_text(second, "#codex-text")
        listing = second.screen.query_one("#codex-list", OptionList)
        titles = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert "Grigory Zinoviev" not in titles  # not yet met in any game


async def test_long_choice_labels_wrap_under_the_label_not_the_number(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(32, 30)) as pilot:  # so narrow that every label wraps
        await pilot.press("n")
        await pilot.pause()
        choices = app.screen.query_one("#choices", OptionList)
        first = str(choices.get_option_at_index(0).prompt)
        assert first.startswith("1. ")
        lines = first.split("\n")
        assert len(lines) > 1 and all(line.startswith("   ") for line in lines[1:]), lines
        await pilot.resize_terminal(100, 30)  # wider: the label goes back on one line
        await pilot.pause()
        assert str(choices.get_option_at_index(0).prompt).split("\n")[0] == "1. Turn back [for Moscow] (Party ▲)"
        await pilot.resize_terminal(30, 24)  # and back, narrower still: no crash, wrapped again
        await pilot.pause()
        assert "\n   " in str(choices.get_option_at_index(0).prompt)


async def test_the_debug_panel_fits_at_100x30_with_room_for_the_story(make_app) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Footer, Input

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "f12")
        await pilot.pause()
        screen = app.screen
        command_line = screen.query_one("#debug-input", Input).region
        footer = screen.query_one(Footer).region
        story = screen.query_one("#scene-scroll").region
        assert command_line.height and command_line.bottom <= footer.y <= 29 and footer.height == 1  # both on screen
        assert story.height >= 6  # the story keeps room to read


async def test_help_tells_the_story_from_its_manifest(make_app) -> None:  # type: ignore[no-untyped-def]
    """Who the player is comes from the story's premise, never from the UI code (issue 16)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        text = markdown_text(app, "#help-text")
        assert "## Mini" in text and "A tiny story for the engine's tests." in text
        assert "The story begins on 21 January 1924." in text
        assert "Trotsky" not in text and "## How to play" in text and "| key | does | where |" in text


async def test_help_opened_while_the_story_loads_shows_it_when_it_arrives(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(preload=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert await wait_until(pilot, lambda: "A tiny story" in markdown_text(app, "#help-text"))
        assert "Loading the story" not in markdown_text(app, "#help-text")


async def test_escape_in_the_game_opens_the_menu_and_each_item_does_what_it_says(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: Escape did nothing in the game. Now a menu: resume, save, load, title, help, quit."""
    from textual.widgets import Input

    from kremlin_tui.tui.dialogs import MenuDialog
    from kremlin_tui.tui.screens.saves import LoadScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "enter")
        game_screen = app.screen
        for keys, expected in ((["escape"], GameScreen), (["enter"], GameScreen), (["down", "down", "enter"], LoadScreen),
                               (["down", "down", "down", "down", "enter"], HelpScreen)):
            await pilot.press("escape")
            assert isinstance(app.screen, MenuDialog)
            assert [o.id for o in app.screen.query_one("#menu-options").options] == \
                ["resume", "save", "load", "to_title", "help", "quit_game"]
            await pilot.press(*keys)
            assert await wait_until(pilot, lambda expected=expected: isinstance(app.screen, expected)), keys
            if expected is not GameScreen:
                await pilot.press("escape")
            assert app.screen is game_screen
        await pilot.press("escape", "down", "enter")  # save: asks for a name
        assert await wait_until(pilot, lambda: bool(app.screen.query("#dialog-input")))
        app.screen.query_one("#dialog-input", Input).value = "from-the-menu"
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: (tmp_path / "saves" / "from-the-menu.json").is_file())
        await pilot.press("escape", "down", "down", "down", "enter")  # the title screen; the game goes on from Continue
        assert await wait_until(pilot, lambda: isinstance(app.screen, TitleScreen))
        assert app.game is not None and app.game.state.decisions == 1
        await pilot.press("c")
        assert await wait_until(pilot, lambda: isinstance(app.screen, GameScreen))
        await pilot.press("escape", *["down"] * 5, "enter")  # quit: every decision is saved, so no question
        assert await wait_until(pilot, lambda: not app.is_running, 30)


async def test_the_sidebar_marks_the_stats_near_a_value_the_story_reads() -> None:  # type: ignore[no-untyped-def]
    """◆ on the rows near a threshold the story reads (found in its conditions), none elsewhere."""
    from pathlib import Path

    from kremlin_tui.loader import load_story
    from kremlin_tui.stat_thresholds import Side, Threshold
    from kremlin_tui.tui.app import KremlinApp
    from kremlin_tui.tui.widgets.stats import NEAR_MARK, StandingLine

    story = str(Path(__file__).parents[2] / "story")
    app = KremlinApp([story], seed=1, saves_dir=None, profile_dir=None, story=load_story([story]))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n")

        def marked() -> set[str]:
            return {line.row.id for line in app.screen.query(StandingLine) if NEAR_MARK in str(line.render())}

        # the thresholds are found off the UI thread, maybe after the game screen is up: it redraws
        assert await wait_until(pilot, lambda: bool(marked()))
        rows = {line.row.id: line.row for line in app.screen.query(StandingLine)}
        assert marked() == {sid for sid, row in rows.items() if getattr(row, "near", "")}
        assert "industry" in marked()  # Industry starts at 20, and the story reacts at 21
        assert len(marked()) < len(rows)
        app._thresholds_found({"party": (Threshold(46, Side.BELOW),)})  # as if found late, or a reloaded story's
        assert await wait_until(pilot, lambda: marked() == {"party"})
        assert app.game.state.decisions == 0  # no decision was needed to redraw the sidebar
