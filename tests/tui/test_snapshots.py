"""SVG snapshots of every screen a player moves between at 60x20, 80x24 and 160x48 (update with
--snapshot-update, and look at each SVG you accept: nothing may be clipped that cannot be
scrolled to)."""

from __future__ import annotations

import pytest

SIZES = [(60, 20), (80, 24), (160, 48)]
IDS = ["60x20", "80x24", "160x48"]


@pytest.mark.parametrize("size", SIZES, ids=IDS)
class TestMainScreens:
    def test_title(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), terminal_size=size)

    def test_scene(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n"], terminal_size=size)

    def test_consequences(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "1"], terminal_size=size)

    def test_journal(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "1", "enter", "j"], terminal_size=size)

    def test_map(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "m"], terminal_size=size)

    def test_charts(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "1", "enter", "1", "enter", "g"], terminal_size=size)

    def test_codex(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "x"], terminal_size=size)

    def test_load(self, snap_compare, make_app, size, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setattr("kremlin_tui.tui.screens.saves.saved_time", lambda _info: "1924-01-21 10:00")
        from kremlin_tui.saves import GameIdentity

        # a game's id is random and its name holds the time it was started: fixed for the picture
        monkeypatch.setattr(GameIdentity, "new", classmethod(lambda cls, _now: cls("0123abcd", "Game of 21 Jan, 10:00")))

        async def hide_the_temporary_folder(pilot) -> None:  # type: ignore[no-untyped-def]
            await pilot.press("n", "1", "enter", "f5", "l")
            pilot.app.screen.query_one(".screen-title").update("Load a saved game · SAVES")
            # the "Quick saved" toast times out: on a loaded machine it was gone before the picture
            # was taken (tests/tui/test_layout.py checks where toasts go)
            pilot.app.clear_notifications()

        assert snap_compare(make_app(), run_before=hide_the_temporary_folder, terminal_size=size)

    def test_ending(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "1", "enter", "1", "enter", "2", "enter"], terminal_size=size)

    def test_game_menu(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "escape"], terminal_size=size)

    def test_why(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "1", "enter", "y"], terminal_size=size)

    def test_help(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "question_mark"], terminal_size=size)


def test_markup_characters_in_story_text_render(snap_compare, make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from pathlib import Path

    story = tmp_path / "markup"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "mini", story)
    scenes = story / "one.yaml"
    text = scenes.read_text().replace("title: The Telegram", "title: \"[bold]The [/] Telegram [red]\"")
    text = text.replace("label: Go on to Sukhumi", "label: \"Go on [/] to [link=x]Sukhumi[/link] [b]\"")
    scenes.write_text(text)
    assert snap_compare(make_app(str(story)), press=["n"], terminal_size=(100, 30))
