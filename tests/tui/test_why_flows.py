"""Pilot tests of "Why?" (issue 13): key `y` names the decision behind an event, and the same
screen says which decisions moved each stat."""

from __future__ import annotations

from textual.widgets import Markdown

from kremlin_tui.tui.screens.ending import EndingScreen
from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.why import WhyScreen


def why_text(app) -> str:  # type: ignore[no-untyped-def]
    return " ".join(app.screen.query_one("#why", Markdown).source.split())


async def test_why_names_the_decision_behind_an_event(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("n", "2", "enter")  # go on to Sukhumi: Party ▼5
        await pilot.press("1", "enter")  # wait in the sun: on the way to 1925 the crisis is due
        assert app.game.state.node == "crisis"
        await pilot.press("y")
        assert isinstance(app.screen, WhyScreen)
        text = why_text(app)
        assert "Why: A Crisis" in text
        assert "An event: it interrupts when its time has come and these hold." in text
        assert "its time had come: January 1925 or later" in text
        assert ("Party standing below 45 - ← January 1924, The Telegram: you chose “Go on to Sukhumi”: "
                "Party standing ▼5 (45 → 40)") in text
        await pilot.press("down")  # the first stat: Party standing
        text = why_text(app)
        assert "Why: Party standing" in text
        assert "Party standing is 40. The last decisions that moved it:" in text
        assert "January 1924, The Telegram: you chose “Go on to Sukhumi”: Party standing ▼5 (45 → 40)" in text
        await pilot.press("escape")
        assert isinstance(app.screen, GameScreen)


async def test_why_is_on_the_ending_screen_too(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("n", "1", "enter", "1", "enter", "2", "enter")
        assert isinstance(app.screen, EndingScreen)
        await pilot.press("y")
        assert isinstance(app.screen, WhyScreen)
        assert "An ending: you came here by your last decision." in why_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, EndingScreen)


async def test_a_sidebar_stat_is_asked_why_by_enter_y_or_a_click(make_app) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import OptionList

    from kremlin_tui.tui.widgets.stats import StandingLine

    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.press("n", "1", "enter", "1", "enter")  # turn back for Moscow: Party ▲5
        assert isinstance(app.screen, GameScreen)
        lines = list(app.screen.query(StandingLine))
        for key in ("enter", "y", "click"):
            lines[0].focus()  # Party standing
            await pilot.pause()
            note = str(app.screen.query_one("#stat-note").render())
            assert note.startswith("Party standing")  # its note (name, description), docked under the list
            if key == "click":
                await pilot.click(lines[0])
            else:
                await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, WhyScreen), key
            subjects = app.screen.query_one("#why-subjects", OptionList)
            assert subjects.get_option_at_index(subjects.highlighted or 0).id == "party", key
            assert "Party standing ▲5 (45 → 50)" in why_text(app), key
            await pilot.press("escape")
            assert isinstance(app.screen, GameScreen)
        lines[0].focus()
        await pilot.pause()
        await pilot.press("down")  # the arrows go from stat to stat
        assert isinstance(app.focused, StandingLine) and app.focused.row.id == "grain", app.focused
        app.screen.query_one("#choices").focus()
        await pilot.pause()
        before = app.game.state.decisions
        await pilot.press("enter")  # Enter with no stat in focus still takes the highlighted choice
        assert app.game.state.decisions == before + 1


async def test_a_stats_description_stays_on_screen_at_120x36(make_app) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.loader import load_story
    from kremlin_tui.tui.app import KremlinApp
    from kremlin_tui.tui.widgets.stats import StandingLine

    story = str(__import__("pathlib").Path(__file__).parents[2] / "story")
    app = KremlinApp([story], seed=1, saves_dir=None, profile_dir=None, story=load_story([story]))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        lines = list(app.screen.query(StandingLine))
        lines[-1].focus()  # the last relation: the list scrolls to it, the note stays docked
        await pilot.pause()
        note = app.screen.query_one("#stat-note")
        assert lines[-1].row.name in str(note.render())
        assert note.region.bottom <= app.screen.query_one("#sidebar").region.bottom
        assert note.region.height >= 1 and note.region.y < 36
