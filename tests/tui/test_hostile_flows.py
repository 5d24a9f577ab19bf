"""Hostile re-tests of issue 11 in the TUI: a save of a game loaded from the title screen while
the game's later moments sit in its autosave ring (no question is asked there) must not cost
those moments: the game goes on as "... (branch)" and the player is told."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from kremlin_tui.loader import load_story
from kremlin_tui.saves import SaveStore, Session
from kremlin_tui.tui.app import KremlinApp
from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.saves import LoadScreen, RowKind


async def test_loading_an_early_save_from_the_title_keeps_the_games_later_autosaves(
        tmp_path: Path, loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    saves = tmp_path / "saves"
    played = Session.new(story, 5, SaveStore(saves))
    played.choose("roll")
    played.save("early")
    for _ in range(4):
        played.choose("roll")  # the ring now holds decisions 3, 4 and 5
    app = KremlinApp([loop_story_dir], seed=1, saves_dir=str(saves), profile_dir=tmp_path / "profile", story=story)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("l")
        assert isinstance(app.screen, LoadScreen)
        rows = app.screen.rows
        early = next(i for i, r in enumerate(rows) if r.kind == RowKind.SAVE and r.info.slot == "early")
        app.screen.query_one("#saves", DataTable).move_cursor(row=early)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen) and app.session.state.decisions == 1
        await pilot.press("2", "enter")
        await pilot.pause()
        assert app.session.game_name == f"{played.game_name} (branch)"
        assert any("goes on as" in str(n.message) for n in app._notifications), list(app._notifications)
    ring = [info.meta.decisions for info in SaveStore(saves).list()
            if info.game is not None and info.game.id == played.game_id and info.slot.startswith("autosave-")]
    assert 5 in ring, ring


async def test_a_decision_made_while_the_story_reloads_is_kept(tmp_path: Path, mini: str,
                                                               monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`play --watch`: a reload reads the game's decisions, loads the story (a second or two for
    the campaign), then replays them. A decision taken in that time was undone by the reload."""
    import shutil
    import threading

    import kremlin_tui.watch

    story_dir = tmp_path / "story"
    shutil.copytree(mini, story_dir)
    loading = threading.Event()
    go_on = threading.Event()
    original = kremlin_tui.watch.load_safely

    def slow_load(dirs):  # type: ignore[no-untyped-def]
        loading.set()
        go_on.wait(10)
        return original(dirs)

    monkeypatch.setattr(kremlin_tui.watch, "load_safely", slow_load)
    app = KremlinApp([str(story_dir)], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "profile",
                     story=load_story([str(story_dir)], cache=False), watch=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.reload_story()
        for _ in range(200):  # the worker starts from the event loop: wait without blocking it
            if loading.is_set():
                break
            await pilot.pause(0.05)
        assert loading.is_set()
        await pilot.press("1")  # while the story loads
        await pilot.pause()
        assert app.session.state.decisions == 1
        go_on.set()
        for _ in range(50):
            await pilot.pause(0.1)
            if any("reloaded" in str(n.message).lower() for n in app._notifications):
                break
        assert app.session.state.decisions == 1
        assert any("reloaded" in str(n.message).lower() for n in app._notifications), list(app._notifications)
