"""The choice list: each choice's label (wrapped with a hanging indent), locked ones with the
reason, and under the list the highlighted choice's certain costs, from the engine's preview.

Page Up and Page Down belong to the story above, not to the list: the list is short, the story
is what a player scrolls."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kremlin_tui import present
from kremlin_tui.engine import ChoiceView
from kremlin_tui.tui.text import deltas_content

CONTINUE = "__continue__"
_LIST_ROWS_AT_LEAST = 2  # the highlighted choice and one more
LOCK = "🔒 "  # three cells wide on screen (present.hang measures by cells)


class ChoiceList(OptionList):
    BINDINGS = [
        Binding("pageup", "screen.scroll_story(-1)", "Scroll the story up", show=False),
        Binding("pagedown", "screen.scroll_story(1)", "Scroll the story down", show=False),
    ]


class ChoiceBox(Vertical):
    """Shows a scene's choices, or the Continue that follows a decision's consequences."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.choices: tuple[ChoiceView, ...] = ()
        self.max_rows = 9  # the whole box, border included (the screen sets it from its height)
        # how tall the box may grow so that a highlighted choice's whole detail shows (a gamble's
        # last odds may be the one that ends the game: it must never be cut off)
        self.ceiling_rows = 9

    def compose(self) -> ComposeResult:
        yield ChoiceList(id="choices", markup=False)
        yield Static(id="choice-detail")

    @property
    def list(self) -> ChoiceList:
        return self.query_one(ChoiceList)

    def _width(self) -> int:
        """The room for a label, less one column for a scrollbar that may appear, so that a
        scrollbar never makes the widget break a word."""
        outer = self.list.region.width or self.size.width - 3  # includes any scrollbar
        return max(12, outer - 2)

    def show_choices(self, choices: tuple[ChoiceView, ...]) -> None:
        self.choices = choices
        width = self._width()
        options = []
        for choice in choices:
            number = f"{choice.number}. "
            label = "\n".join(present.hang(choice.label, width, number))[len(number):]
            if choice.available:
                options.append(Option(Content.assemble((number, "bold $accent"), label), id=choice.id))
                continue
            reason = "\n".join(present.hang(choice.locked_reason or "locked", width, "   " + LOCK, indent=6))
            prompt = Content.assemble((number, "bold $accent"), (label, "dim strike"), "\n", (reason, "italic $text-muted"))
            options.append(Option(prompt, id=choice.id, disabled=True))
        self._set(options)

    def show_continue(self, label: str) -> None:
        self.choices = ()
        self._set([Option(Content.assemble(("1. ", "bold $accent"), label), id=CONTINUE)])

    def rewrap(self) -> None:
        """Labels are wrapped by hand (for the hanging indent), so a new width needs new lines."""
        if self.choices:
            highlighted = self.list.highlighted
            self.show_choices(self.choices)
            self.list.highlighted = highlighted

    def _set(self, options: list[Option]) -> None:
        listing = self.list
        listing.clear_options()
        listing.add_options(options)
        listing.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.show_detail()

    def highlighted_choice(self) -> ChoiceView | None:
        index = self.list.highlighted
        if index is None or not self.choices or index >= len(self.choices):
            return None
        return self.choices[index]

    def show_detail(self) -> None:
        """The highlighted choice's certain costs and, for a gamble, the engine's odds, on their
        own lines under the list. The list gives up rows so the detail always shows, and the box
        grows (up to `ceiling_rows`) rather than cut the detail short; on a screen too small even
        for that, the "depends on" words go first."""
        if not self.query("#choice-detail"):  # a resize can arrive before the box is composed
            return
        detail = self.query_one("#choice-detail", Static)
        choice = self.highlighted_choice()
        lines = self._detail_lines(choice) if choice is not None else []
        fixed = 2 + _LIST_ROWS_AT_LEAST  # the border and the fewest rows the list keeps
        if choice is not None and fixed + len(lines) + 1 > max(self.max_rows, self.ceiling_rows):
            lines = self._detail_lines(choice, with_depends=False)
        detail_rows = len(lines) + 1 if lines else 0  # the detail and its rule
        rows = min(max(self.max_rows, fixed + detail_rows), max(self.max_rows, self.ceiling_rows))
        self.styles.max_height = rows
        detail.display = bool(lines)
        detail.update(Content("\n").join(lines))
        self.list.styles.max_height = max(_LIST_ROWS_AT_LEAST, rows - 2 - detail_rows)
        self.list.call_after_refresh(self.list.scroll_to_highlight)  # a taller detail must not hide it

    def _detail_lines(self, choice: ChoiceView, with_depends: bool = True) -> list[Content]:
        width = self._width()
        lines: list[Content] = []

        def fill(lead: str, deltas: tuple[present.Delta, ...], style: str = "bold") -> None:
            if not deltas:
                lines.append(Content.assemble((lead, style), ("no change you can see", "italic")))
                return
            for number, items in enumerate(present.pack([d.short for d in deltas], width, lead)):
                head = (lead, style) if number == 0 else " " * len(lead)
                lines.append(Content.assemble(head, deltas_content(deltas[i] for i in items)))

        costs = present.choice_costs(choice)
        if costs:
            fill("Certain: ", costs)
        if choice.ends:
            lines.append(Content.styled(present.ENDS_CERTAIN.capitalize() + ".", "bold $text-error"))
        if choice.gamble is not None and not any(odds.changes for odds in present.gamble_odds(choice.gamble)):
            words = present.gamble_words(choice.gamble)  # "A gamble: about 5 in 9 or about 4 in 9"
            lines += [Content.styled(line, "bold $text-warning") for line in present.hang(words, width, indent=2)]
        elif choice.gamble is not None:
            depends = f" (depends on {present.join_words(choice.gamble.depends_on)})" if choice.gamble.depends_on and with_depends else ""
            lines += [Content.styled(line, "bold $text-warning") for line in present.hang("A gamble" + depends, width, indent=2)]
            for odds in present.gamble_odds(choice.gamble):
                if odds.ends and not odds.changes:
                    lines.append(Content.styled(f"  {odds.lead}", "bold $text-error"))
                else:
                    fill(f"  {odds.lead}: ", odds.changes, "bold $text-error" if odds.ends else "$text-warning")
        return lines

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self.show_detail()
