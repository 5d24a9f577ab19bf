"""Why?: why this scene or event is here, and why each stat has its value (key `y`).

The report is the engine's (`Game.why`); this screen only lays it out. The list on the left
asks about the scene or any visible stat or relation.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from kremlin_tui.engine import Game
from kremlin_tui.tui.screens.base import SecondaryScreen
from kremlin_tui.tui.text import md_escape
from kremlin_tui.why import Why

HERE = "@here"


def why_markdown(why: Why) -> str:
    lines = [f"## Why: {md_escape(why.subject)}", "", md_escape(why.summary), ""]
    for reason in why.reasons:
        lines.append(f"- {md_escape(reason.text)}")
        lines.extend(f"    - ← {md_escape(cause.words())}" for cause in reason.causes)
    return "\n".join(lines)


class WhyScreen(SecondaryScreen):
    """`subject`: None for the current scene, else a stat or relation id."""

    def __init__(self, game: Game, subject: str | None = None) -> None:
        super().__init__()
        self.game = game
        self.subject = subject

    def compose(self) -> ComposeResult:
        yield Static("Why? · Escape to return", classes="screen-title")
        with Horizontal(id="why-body"):
            yield OptionList(id="why-subjects")
            with VerticalScroll(id="why-report"):
                yield Markdown(id="why")
        yield Footer()

    def on_mount(self) -> None:
        game = self.game
        subjects = self.query_one("#why-subjects", OptionList)
        options = [Option("This scene", id=HERE)]
        options += [Option(label, id=sid) for sid, label, _value in game.visible_stats()]
        options += [Option(name, id=rid) for rid, name, _value in game.relations()]
        subjects.add_options(options)
        ids = [o.id for o in options]
        subjects.highlighted = ids.index(self.subject) if self.subject in ids else 0
        self.show(self.subject)
        subjects.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        subject = event.option.id
        self.show(None if subject == HERE else subject)

    def show(self, subject: str | None) -> None:
        self.subject = subject
        self.query_one("#why", Markdown).update(why_markdown(self.game.why(subject)))
