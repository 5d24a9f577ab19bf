"""The TUI at 60 columns (p21hostile's findings): the game's footer lost "u Undo ? Help" off its
right edge, and the load screen broke an autosave's name anywhere ("autosave-5a0b" / "cf45-3")
with its rest at column 0."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from kremlin_tui.loader import load_story
from kremlin_tui.saves import SaveStore, Session
from kremlin_tui.tui.app import KremlinApp
from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.saves import LoadScreen, RowKind

STORY = str(Path(__file__).parents[2] / "story")


async def test_the_games_footer_keeps_undo_and_help_and_cuts_no_key_at_any_width(tmp_path: Path) -> None:
    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        for width in (60, 40, 64, 72, 80, 120, 60):
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            keys = list(app.screen.query(FooterKey))
            shown = {key.key for key in keys}
            assert {"escape", "u", "question_mark"} <= shown, (width, shown)
            assert all(key.region.right <= width for key in keys), (width, [(k.key, k.region) for k in keys])
            if width >= 64:
                assert {"j", "y", "m", "g", "x"} <= shown, (width, shown)
            if width >= 80:
                assert "ctrl+p" in shown
        await pilot.press("u")  # the keys left out at 40 columns still work; undo here has nothing to undo
        await pilot.press("g")
        await pilot.pause()
        assert not isinstance(app.screen, GameScreen)  # the charts opened


async def test_a_saves_name_wraps_at_its_hyphens_under_its_first_letter_at_60_columns(tmp_path: Path,
                                                                                     mini: str) -> None:
    """The table broke a long name anywhere ("autosave-5a0b" / "cf45-3") and began its rest at
    column 0. (Autosaves are now listed as "autosave 1" under their game; a save's own name
    can still be long.)"""
    story = load_story([mini], cache=False)
    saves = tmp_path / "saves"
    played = Session.new(story, 5, SaveStore(saves))
    played.choose(played.game.scene().choices[0].id)
    played.save("before-the-congress-1")
    app = KremlinApp([mini], seed=1, saves_dir=str(saves), profile_dir=tmp_path / "profile", story=story)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        table = app.screen.query_one("#saves", DataTable)
        row = next(i for i, r in enumerate(app.screen.rows) if r.kind == RowKind.SAVE and r.info.slot.startswith("before"))
        name = str(table.get_row_at(row)[0])
        assert name.split("\n")[:2] == ["  before-the-", "    congress-1"], name


async def test_the_sidebar_shown_at_60_columns_fits_and_the_choices_wrap_again(tmp_path: Path) -> None:
    """`t` on a narrow screen: the 40-column sidebar ran 4 columns off the screen ("on it: w"),
    and the choices kept their old wrapping (a label's rest at the box's left edge)."""
    from kremlin_tui.tui.widgets.choices import ChoiceBox
    from kremlin_tui.tui.widgets.stats import StatsPanel

    app = KremlinApp([STORY], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([STORY]))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        for _ in range(2):
            await pilot.press("t")
            await pilot.pause()
            await pilot.pause()
            sidebar = app.screen.query_one(StatsPanel)
            if sidebar.display:
                assert sidebar.region.right <= 60, sidebar.region
            options = app.screen.query_one(ChoiceBox).list
            label = str(options.get_option_at_index(0).prompt)
            assert all(line.startswith("   ") for line in label.split("\n")[1:]), label
            assert max(len(line) for line in label.split("\n")) <= options.region.width - 2, (options.region, label)
            assert len(label.split("\n")) >= 2


async def test_the_escape_menu_in_a_terminal_a_few_columns_wide_is_not_an_internal_error(tmp_path: Path,
                                                                                       mini: str) -> None:
    """At 8 columns the menu's option list had no room for text and Rich wrapped it at width 0:
    "internal error: ValueError: range() arg 3 must not be zero", exit 2."""
    app = KremlinApp([mini], seed=1, saves_dir=str(tmp_path / "saves"), profile_dir=tmp_path / "p",
                     story=load_story([mini], cache=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        for width in (8, 4, 1, 2, 9, 1):
            await pilot.resize_terminal(width, 30)
            await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
