"""One key map: the help screen and the README show it, and no key means two things on the
screens a player moves between."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from kremlin_tui.tui.screens.charts import ChartsScreen
from kremlin_tui.tui.screens.codex import CodexScreen
from kremlin_tui.tui.screens.ending import EndingScreen
from kremlin_tui.tui.screens.game import GameScreen
from kremlin_tui.tui.screens.help import HelpScreen, keys_markdown
from kremlin_tui.tui.screens.journal import JournalScreen
from kremlin_tui.tui.screens.mapview import MapScreen
from kremlin_tui.tui.screens.saves import LoadScreen
from kremlin_tui.tui.screens.title import TitleScreen

SCREENS = (TitleScreen, GameScreen, EndingScreen, JournalScreen, MapScreen, ChartsScreen, CodexScreen, HelpScreen,
           LoadScreen)
GENERIC = {"escape", "enter", "up", "down"}  # back / confirm / move: the same idea everywhere


def test_the_readme_documents_the_key_map() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert keys_markdown() in readme


def test_no_key_means_two_things_across_screens() -> None:
    meanings: dict[str, set[str]] = {}
    for screen in SCREENS:
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                if key not in GENERIC:
                    meanings.setdefault(key, set()).add(binding.action.removeprefix("app."))
    clashes = {key: actions for key, actions in meanings.items() if len(actions) > 1}
    assert not clashes, clashes
    assert meanings["x"] == {"codex"} and meanings["c"] == {"continue_game"}


def test_the_command_palette_names_the_key_each_command_is_bound_to() -> None:
    """The palette's "(j)" is written beside the binding it names: held here to the screens'
    bindings, so a key moved in one place cannot stay advertised in the other."""
    import re

    from kremlin_tui.tui.app import KremlinApp
    from kremlin_tui.tui.screens.help import COMMANDS

    bound: dict[str, set[str]] = {}
    for screen in (*SCREENS, KremlinApp):
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding)
            bound.setdefault(binding.action.removeprefix("app."), set()).update(binding.key.split(","))
    shown = {"?": "question_mark"}
    for name, text, action, _needs_game in COMMANDS:
        hint = re.search(r" \(([^()]+)\)$", text)
        assert hint is not None, f"{name}: no key named"
        key = shown.get(hint.group(1), hint.group(1).lower())
        assert key in bound.get(action, set()), f"{name}: '{hint.group(1)}' is not bound to {action} ({bound.get(action)})"
