"""The load screen reaches every file it lists: a save copied in as `nul.json` or `.hidden.json`
is listed under its game and renamed with `e`, and then loads."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import DataTable, Input

from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.saves import LoadScreen


async def test_a_file_named_nul_is_renamed_from_the_load_screen(make_app, loop_story_dir: str,  # type: ignore[no-untyped-def]
                                                                tmp_path: Path) -> None:
    app = make_app(loop_story_dir)
    saves = tmp_path / "saves"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "1", "enter", "s")
        field = app.screen.query_one("#dialog-input", Input)
        field.value = "mine"
        await pilot.press("enter")
        for name in ("nul", ".hidden"):
            shutil.copy(saves / "mine.json", saves / f"{name}.json")
        (saves / "mine.json").unlink()
        await pilot.press("l")
        assert isinstance(app.screen, LoadScreen)
        for name, new in (("nul", "fine"), (".hidden", "visible")):
            rows = app.screen.rows
            at = next(i for i, row in enumerate(rows) if row.info.slot == name)
            assert rows[at].kind == "save"  # listed under its game, not as a damaged file
            app.screen.query_one("#saves", DataTable).move_cursor(row=at)
            await pilot.press("e")
            field = app.screen.query_one("#dialog-input", Input)
            field.value = new
            await pilot.press("enter")
            await pilot.pause()
            assert (saves / f"{new}.json").is_file() and not (saves / f"{name}.json").exists()
        rows = app.screen.rows
        app.screen.query_one("#saves", DataTable).move_cursor(
            row=next(i for i, row in enumerate(rows) if row.info.slot == "fine"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and app.game.state.decisions == 1
