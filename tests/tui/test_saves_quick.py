"""The TUI (and so the browser, which runs it): F5 saves to this game's own quick slot, and F9
loads this game's quick save or says there is none; another game's quick save stays."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from kremlin_tui.saves import SaveStore
from kremlin_tui.tui.dialogs import YesNoDialog
from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.saves import LoadScreen


async def play(pilot, decisions: int, choice: str = "1") -> None:  # type: ignore[no-untyped-def]
    for _ in range(decisions):
        await pilot.press(choice, "enter")


async def test_f5_in_a_second_game_keeps_the_first_games_quick_save(make_app, loop_story_dir: str,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    app = make_app(loop_story_dir)
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), original(message, **kw))[1]  # type: ignore[method-assign]
        await pilot.press("n")
        await play(pilot, 2)
        await pilot.press("f5")
        await play(pilot, 1)
        await pilot.press("f5")  # game A's quick save, and its previous version
        game_a, id_a = app.game.state.to_json(), app.session.game_id

        app.action_new_game()
        await pilot.pause()
        await pilot.press("y")
        assert app.session.game_id != id_a
        await play(pilot, 1, "2")
        await pilot.press("f9")  # game B has no quick save: F9 says so and loads nothing
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and app.game.state.decisions == 1
        assert any("This game has no quick save yet: F5 makes one." in note for note in notes)
        await pilot.press("f5")
        game_b = app.game.state.to_json()
        await play(pilot, 2, "2")
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, YesNoDialog)
        question = str(app.screen.query_one(".dialog-question", Label).render())
        assert question.startswith("Load the quick save? You would lose 2 decisions made since the quick save")
        await pilot.press("y")
        await pilot.pause()
        assert app.game.state.to_json() == game_b  # its own quick save, not game A's

        store = SaveStore(tmp_path / "saves")
        assert store.read(f"quicksave-{id_a}").save.state.to_json() == game_a
        assert store.backup_path(f"quicksave-{id_a}").is_file()
        await pilot.press("l")
        assert isinstance(app.screen, LoadScreen)
        quick_rows = [(r.group.game.id, r.info.slot) for r in app.screen.rows
                      if r.kind == "save" and r.info.kind == "quick" and r.group is not None]
        assert sorted(quick_rows) == sorted([(id_a, f"quicksave-{id_a}"),
                                            (app.session.game_id, f"quicksave-{app.session.game_id}")])
