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
