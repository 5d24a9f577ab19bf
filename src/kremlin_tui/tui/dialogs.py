"""Small generic modal dialogs: a yes/no question, a one-line text input and a short menu."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option


def ask_first(app: App[object], question: str | None, then: Callable[[], object]) -> None:
    """Run `then` at once when there is nothing to ask (None), else after a "yes".

    The question comes from the save system (kremlin_tui.saves.questions) and says what would
    be lost; "no", Escape and closing the dialog all keep everything as it is."""
    if question is None:
        then()
        return

    def answer(yes: bool | None) -> None:
        if yes:
            then()

    app.push_screen(YesNoDialog(question), answer)


class YesNoDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.question), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", variant="primary", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class InputDialog(ModalScreen[str | None]):
    """Asks for one line (e.g. a save name). Keys typed here never reach the game's bindings."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(self.question), classes="dialog-question")
            yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")
            yield Label(Content("Enter to confirm, Escape to cancel"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MenuDialog(ModalScreen[str | None]):
    """A short menu (Escape in the game): returns the chosen item's id, None on Escape."""

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, title: str, items: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.title_text = title
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog menu-dialog"):
            yield Label(Content.assemble((self.title_text, "bold")), classes="dialog-question")
            yield OptionList(*(Option(Content(label), id=item) for item, label in self.items), id="menu-options",
                             markup=False)
            yield Label(Content("Enter to choose, Escape to go back"), classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
