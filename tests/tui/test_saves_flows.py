"""Pilot tests of saving, loading, quick save/load, undo/redo and continue in the TUI."""

from __future__ import annotations

from pathlib import Path

from tests.tui.waiting import wait_until
from textual.widgets import DataTable, Input, Label

from kremlin_tui.tui.dialogs import YesNoDialog
from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.saves import LoadScreen
from kremlin_tui.tui.screens.title import TitleScreen


async def type_name(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    field = pilot.app.screen.query_one("#dialog-input", Input)
    field.value = ""
    await pilot.press(*name)
    await pilot.press("enter")


async def test_save_with_a_name_then_load_it(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "enter", "s")
        await type_name(pilot, "[bold]Moscow q1j[/]")  # markup and game keys, typed into the dialog
        assert isinstance(app.screen, GameScreen)
        assert app.game.state.decisions == 1  # "1" and "q" and "j" went into the name, not the game
        names = [p.name for p in (tmp_path / "saves").glob("*.json")]
        assert any(n.startswith("[bold]Moscow q1j") for n in names), names
        await pilot.press("1", "enter")  # play on: the vote
        assert app.game.state.decisions == 2
        await pilot.press("l")
        assert isinstance(app.screen, LoadScreen)
        table = app.screen.query_one("#saves", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        mine = next(i for i, row in enumerate(rows) if str(row[0]).strip().startswith("[bold]Moscow"))
        assert "27 January 1924" in str(rows[mine][1]) and "Moscow" in str(rows[mine][1])  # the date over chapter · scene
        table.move_cursor(row=mine)
        await pilot.press("enter")
        question = app.screen.query_one(".dialog-question", Label)
        assert "You would lose 1 decision made since the save '[bold]Moscow q1j[-]'" in str(question.render())
        await pilot.press("y")
        assert isinstance(app.screen, GameScreen)
        assert app.game.state.decisions == 1 and app.game.state.node == "moscow"


async def test_quick_save_quick_load_undo_and_redo(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "enter", "f5")
        await pilot.press("1", "enter")
        vote = app.game.state.history[-1].outcome
        assert app.game.state.decisions == 2
        await pilot.press("f9")
        assert app.game.state.decisions == 2  # not yet: the game asks first
        question = str(app.screen.query_one(".dialog-question", Label).render())
        assert "Load the quick save? You would lose 1 decision made since the quick save of 27 January 1924" in question
        await pilot.press("n")
        assert app.game.state.decisions == 2 and isinstance(app.screen, GameScreen)  # "no" keeps everything
        await pilot.press("f9", "y")
        assert app.game.state.decisions == 1 and isinstance(app.screen, GameScreen)
        await pilot.press("1", "enter")
        assert app.game.state.history[-1].outcome == vote  # the same draw: loading never re-rolls
        await pilot.press("u")
        assert app.game.state.decisions == 1
        await pilot.press("1", "enter")
        assert app.game.state.history[-1].outcome == vote  # nor does undo
        await pilot.press("u", "r")
        assert app.game.state.decisions == 2


async def test_continue_resumes_the_newest_save_in_a_new_run(make_app) -> None:  # type: ignore[no-untyped-def]
    first = make_app()
    async with first.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "2", "enter")  # autosaved after the decision
        node = first.game.state.node
    second = make_app()
    async with second.run_test(size=(100, 30)) as pilot:
        assert isinstance(second.screen, TitleScreen)
        await pilot.press("c")
        assert isinstance(second.screen, GameScreen)
        assert second.game.state.node == node and second.game.state.decisions == 1


async def test_damaged_saves_are_listed_and_the_others_load(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "enter", "f5")
        saved = (app.game.state.node, app.game.state.decisions, dict(app.game.state.vars))
        await pilot.press("1", "enter")  # played on past the quick save: loading it must go back
        assert app.game.state.decisions == 2
        (tmp_path / "saves" / "broken.json").write_text('{"format": 1, "trunc')
        await pilot.press("l")
        table = app.screen.query_one("#saves", DataTable)
        rows = {str(table.get_row_at(i)[0]).strip(): table.get_row_at(i) for i in range(table.row_count)}
        assert "damaged" in str(rows["broken"][1])
        assert "quick save" in rows  # this game's own quick slot, under the game's line
        quick = next(i for i, row in enumerate(app.screen.rows) if row.info.slot == f"quicksave-{app.session.game_id}")
        assert str(table.get_row_at(quick)[0]).strip() == "quick save"
        table.move_cursor(row=quick)
        await pilot.press("enter")  # the damaged file beside it does not stop the quick save loading
        await pilot.pause()
        assert isinstance(app.screen, YesNoDialog)  # the decision after the quick save is not saved by name
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert (app.game.state.node, app.game.state.decisions, app.game.state.vars) == saved


async def test_quit_after_saving_does_not_ask(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "enter", "f5", "q")
        assert not app.is_running or app.return_code == 0


async def test_play_continue_opens_the_newest_save(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.tui.app import KremlinApp

    mini = str(Path(__file__).parent.parent / "fixtures" / "mini")

    first = make_app()
    async with first.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "enter")
    app = KremlinApp([mini], saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "profile", continue_game=True)
    async with app.run_test(size=(100, 30)) as pilot:
        # app.screen is the new screen as soon as it is pushed; leaving the test before it has
        # mounted its widgets shuts the app down under it (NoMatches in on_mount)
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen) and app.screen.query("#scene-text"))
        assert isinstance(app.screen, GameScreen) and app.game.state.node == "moscow"


async def test_rename_and_delete_a_save_from_the_list(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    saves = tmp_path / "saves"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "1", "enter", "s")
        await type_name(pilot, "first")
        await pilot.press("l")
        table = app.screen.query_one("#saves", DataTable)
        rows = [str(table.get_row_at(i)[0]).strip() for i in range(table.row_count)]
        table.move_cursor(row=rows.index("first"))
        await pilot.press("e")  # e renames: r is redo in the game
        await type_name(pilot, "renamed")
        assert isinstance(app.screen, LoadScreen)
        names = {p.stem for p in saves.glob("*.json")}
        assert "renamed" in names and "first" not in names
        rows = [str(table.get_row_at(i)[0]).strip() for i in range(table.row_count)]
        assert "renamed" in rows and "first" not in rows  # the list shows the disk as it is now
        table.move_cursor(row=rows.index("renamed"))
        await pilot.press("d")
        await pilot.press("y")
        await pilot.pause()
        assert "renamed" not in {p.stem for p in saves.glob("*.json")}
        assert "renamed" not in [str(table.get_row_at(i)[0]).strip() for i in range(table.row_count)]
