"""The load screen: every save with its in-game date, chapter, scene, real time and play time;
damaged saves listed with the reason. Enter loads, `d` deletes, `e` renames."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from kremlin_tui.saves import SaveError, SlotInfo, play_time
from kremlin_tui.saves.report import KIND_LABEL, saved_time
from kremlin_tui.tui.dialogs import InputDialog, YesNoDialog
from kremlin_tui.tui.screens.base import SecondaryScreen

if TYPE_CHECKING:
    from kremlin_tui.saves import Session


class LoadScreen(SecondaryScreen):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("enter", "load", "Load", show=True),
        Binding("d", "delete", "Delete"),
        Binding("e", "rename", "Rename"),
    ]

    class Picked(Message):
        """The player chose a save to load: the app loads it into `session`."""

        def __init__(self, session: Session, slot: str) -> None:
            super().__init__()
            self.session = session
            self.slot = slot

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session  # lists, deletes and renames through it, so its slot stays right
        self.infos: list[SlotInfo] = []

    def compose(self) -> ComposeResult:
        folder = self.session.store.directory if self.session.store is not None else ""
        yield Static(Content(f"Load a saved game · {folder}"), classes="screen-title")
        yield DataTable(id="saves", cursor_type="row", zebra_stripes=True)
        yield Static(id="saves-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#saves", DataTable)
        table.add_columns("Save", "In-game date", "Chapter · scene", "Saved", "Played")
        self.refresh_list()
        table.focus()

    def refresh_list(self) -> None:
        table = self.query_one("#saves", DataTable)
        table.clear()
        try:
            self.infos = self.session.saves()
        except SaveError as exc:
            self.infos = []
            self.notify(str(exc), severity="error")
        # Cells are rich Text: literal (a save name's "[" is never markup) and measured for width.
        for info in self.infos:
            kind = KIND_LABEL.get(info.kind, "") if info.kind != "manual" else ""
            name = Text(info.slot)
            if kind:
                name.append(f"  {kind}", style="italic dim")
            if info.ok:
                meta = info.meta
                where = " · ".join(x for x in (meta.chapter_title, meta.scene_title) if x)
                row = (name, Text(meta.date), Text(where), Text(saved_time(info)), Text(play_time(meta.play_seconds)))
            else:
                label = "damaged" if info.damaged else "cannot load"
                row = (name, Text(f"{label}: {info.reason}", style="red"), Text(""), Text(saved_time(info)), Text(""))
            table.add_row(*row, key=info.slot)
        empty = self.query_one("#saves-empty", Static)
        empty.display = not self.infos
        empty.update(Content("No saves yet. Press s in the game to save; the game also autosaves after every decision."))

    def selected(self) -> SlotInfo | None:
        table = self.query_one("#saves", DataTable)
        if not self.infos or table.cursor_row < 0 or table.cursor_row >= len(self.infos):
            return None
        return self.infos[table.cursor_row]

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_load()

    def action_load(self) -> None:
        info = self.selected()
        if info is None:
            return
        if not info.ok and not info.backup:
            self.notify(f"'{info.slot}' cannot be loaded: {info.reason}", severity="error")
            return
        self.post_message(self.Picked(self.session, info.slot))

    def _change_store(self, change: Callable[[], object]) -> None:
        """Delete or rename: a failing disk is reported, and the list shows what is there now."""
        try:
            change()
        except SaveError as exc:
            self.notify(str(exc), severity="error")
        self.refresh_list()

    def action_delete(self) -> None:
        info = self.selected()
        if info is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._change_store(lambda: self.session.delete(info.slot))

        self.app.push_screen(YesNoDialog(f"Delete the save '{info.slot}'?"), answer)

    def action_rename(self) -> None:
        info = self.selected()
        if info is None:
            return

        def renamed(name: str | None) -> None:
            if name:
                self._change_store(lambda: self.session.rename(info.slot, name))

        self.app.push_screen(InputDialog(f"Rename '{info.slot}' to:", value=info.slot), renamed)
