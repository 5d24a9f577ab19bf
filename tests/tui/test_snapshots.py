"""SVG snapshots of the main screens at 80x24 and 120x36 (update with --snapshot-update)."""

from __future__ import annotations

import pytest

SIZES = [(80, 24), (120, 36)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
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

    def test_ending(self, snap_compare, make_app, size) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(make_app(), press=["n", "1", "enter", "1", "enter", "2", "enter"], terminal_size=size)


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
