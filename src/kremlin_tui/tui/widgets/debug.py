"""The writers' debug panel (F12): why each choice is shown or locked, the state, the last
effects, and a command line for `:set NAME VALUE` and `:goto SCENE`. Uses the same headless
debugger as plain mode's --debug."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from kremlin_tui import debugger
from kremlin_tui.engine import Game, TurnResult


class DebugPanel(Vertical):
    class Changed(Message):
        """The state was edited: the scene must be redrawn."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="debug-scroll"):
            yield Static(id="debug-report")
        yield Input(placeholder=":set NAME VALUE   :goto SCENE   :why   :state", id="debug-input")

    def refresh_from(self, game: Game, last: TurnResult | None = None, note: list[str] | None = None) -> None:
        lines = debugger.choice_report(game) + debugger.state_report(game)
        if last is not None:
            lines += debugger.effects_report(last)
        if note:
            lines = note + lines
        self.query_one("#debug-report", Static).update(Content("\n".join(lines)))
        self.game = game

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        event.input.value = ""
        if not text:
            return
        if not text.startswith(":"):
            text = ":" + text
        output = debugger.command(self.game, text)
        self.refresh_from(self.game, note=output)
        self.post_message(self.Changed())
