"""Issue 11's "done when" in the TUI: starting a new game never costs the old one."""

from __future__ import annotations

from textual.widgets import DataTable, Label

from kremlin_tui.tui.dialogs import YesNoDialog
from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.saves import LoadScreen


async def play(pilot, decisions: int, choice: str = "1") -> None:  # type: ignore[no-untyped-def]
    for _ in range(decisions):
        await pilot.press(choice, "enter")


async def test_new_game_then_load_the_first_games_latest_autosave(make_app, loop_story_dir: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(loop_story_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await play(pilot, 10)
        assert app.game.state.decisions == 10
        game_a = app.game.state.to_json()
        id_a = app.session.game_id

        app.action_new_game()  # title `n`, ending `n` and ctrl+p "New game" all come here
        await pilot.pause()
        assert isinstance(app.screen, YesNoDialog)
        question = str(app.screen.query_one(".dialog-question", Label).render())
        assert question.startswith("Start a new game? This game (10 decisions, ")
        assert "stays in its autosave under Load: nothing is lost." in question
        await pilot.press("y")
        assert isinstance(app.screen, GameScreen) and app.game.state.decisions == 0
        assert app.session.game_id != id_a
        await play(pilot, 10, "2")  # the app's seed is fixed: game B holds steady to differ from A
        assert app.game.state.decisions == 10 and app.game.state.to_json() != game_a

        await pilot.press("l")
        assert isinstance(app.screen, LoadScreen)
        rows = app.screen.rows
        games = [r.group.game.id for r in rows if r.kind == "game" and r.group is not None]
        assert games == [app.session.game_id, id_a]  # the game played last first
        row_a = next(i for i, r in enumerate(rows) if r.kind == "game" and r.group and r.group.game.id == id_a)
        app.screen.query_one("#saves", DataTable).move_cursor(row=row_a)
        await pilot.press("enter")  # a game's line loads its latest save; game B stays in its autosave
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert app.game.state.to_json() == game_a and app.session.game_id == id_a


async def test_new_game_answering_no_keeps_playing(make_app, loop_story_dir: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(loop_story_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await play(pilot, 2)
        before = app.game.state.to_json()
        app.action_new_game()
        await pilot.pause()
        await pilot.press("n")
        assert isinstance(app.screen, GameScreen) and app.game.state.to_json() == before


async def test_saving_over_a_save_and_deleting_ask_first(make_app, loop_story_dir: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.tui.test_saves_flows import type_name

    app = make_app(loop_story_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await play(pilot, 1)
        await pilot.press("s")
        await type_name(pilot, "mine")
        await play(pilot, 2)
        await pilot.press("s")
        await type_name(pilot, "mine")
        assert isinstance(app.screen, YesNoDialog)
        question = str(app.screen.query_one(".dialog-question", Label).render())
        assert question.startswith("Replace the save 'mine' (1 decision, ")
        await pilot.press("n")
        assert app.session.read_save("mine").state.decisions == 1  # "no" wrote nothing
        await pilot.press("s")
        await type_name(pilot, "mine")
        await pilot.press("y")
        assert app.session.read_save("mine").state.decisions == 3
        assert (tmp_path / "saves" / "mine.json.bak").is_file()  # the replaced version is its backup

        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, LoadScreen)
        index = next(i for i, r in enumerate(screen.rows) if r.kind == "save" and r.info.slot == "mine")
        screen.query_one("#saves", DataTable).move_cursor(row=index)
        await pilot.press("d")
        question = str(app.screen.query_one(".dialog-question", Label).render())
        assert question == "Delete the save 'mine' (3 decisions, 21 January 1924) and its backup? This cannot be undone."
        await pilot.press("n")
        assert (tmp_path / "saves" / "mine.json").is_file()

        backup = next(i for i, r in enumerate(screen.rows) if r.kind == "backup" and r.info.slot == "mine")
        screen.query_one("#saves", DataTable).move_cursor(row=backup)
        await pilot.press("enter", "y")  # restore the previous version: the two swap
        assert app.session.read_save("mine").state.decisions == 1
        assert app.session.store.read_path(tmp_path / "saves" / "mine.json.bak").state.decisions == 3
