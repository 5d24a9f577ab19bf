"""The load screen: the saves grouped by game (the game played last first), each with its
in-game date, chapter, scene, real time and play time; previous versions (backups) under the
save they belong to; files that cannot be loaded last, with the reason.

Enter loads a save (on a game's line: its latest save; on a previous version: restores it),
`d` deletes a save, `e` renames a save (on a game's line: the game). Whatever would be lost is
asked first. Screens receive what they show: everything goes through the session, and a load
is posted up (`Picked`) for the app to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from kremlin_tui import cells
from kremlin_tui.safetext import safe_line
from kremlin_tui.saves import GameGroup, SaveError, SlotInfo, SlotKind, clean_game_name, delete_question, play_time
from kremlin_tui.saves.migrate import plural
from kremlin_tui.saves.report import saved_time
from kremlin_tui.saves.slots import own_slot_label
from kremlin_tui.tui.dialogs import InputDialog, ask_first
from kremlin_tui.tui.screens.base import SecondaryScreen

if TYPE_CHECKING:
    from kremlin_tui.saves import Session

KIND_NAMES = {SlotKind.MANUAL: "", SlotKind.AUTO: "autosave", SlotKind.QUICK: "quick save"}


def _cell(text: str, style: str = "") -> Text:
    """A literal table cell (a "[" is never markup) with control characters made visible."""
    return Text(safe_line(text), style=style)


def _slot_cell(slot: str, width: int, indent: str = "  ") -> Text:
    """A save's name under its game, wrapped to the column at its hyphens with a hanging
    indent: the table broke "autosave-5a0bcf45-3" anywhere and began the rest at column 0."""
    lines = cells.wrap(safe_line(slot), width, initial_indent=indent, subsequent_indent=indent + "  ",
                       break_on_hyphens=True)
    return Text("\n".join(lines) or indent)


class RowKind(StrEnum):
    """What one line of the table stands for."""

    GAME = "game"  # a game: Enter loads its latest save
    SAVE = "save"
    BACKUP = "backup"  # a save's previous version: Enter restores it
    BAD = "bad"  # a file that cannot be loaded, listed with the reason


@dataclass(frozen=True)
class Row:
    """What one line of the table stands for: a game, a save, or a save's previous version."""

    kind: RowKind
    info: SlotInfo
    group: GameGroup | None = None


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
        self.rows: list[Row] = []

    @property
    def infos(self) -> list[SlotInfo]:
        return [row.info for row in self.rows if row.kind != RowKind.GAME]

    def compose(self) -> ComposeResult:
        folder = self.session.store.directory if self.session.store is not None else ""
        yield Static(Content(f"Load a saved game · {folder}"), classes="screen-title")
        yield DataTable(id="saves", cursor_type="row", zebra_stripes=True)
        yield Static(id="saves-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one("#saves", DataTable).focus()

    def on_resize(self, _event: events.Resize) -> None:
        self.refresh_list()  # the columns share the width: a narrower screen wraps the scene names

    def _columns(self, table: DataTable[Text]) -> None:
        """Save, in the game (the in-game date over chapter · scene, wrapped), real time, play
        time: every column whole on screen at 60 columns and up."""
        width = self.size.width or 80
        self._saved_width = 16 if width >= 100 else 11  # "2026-12-05 01:04" or "12-05 01:04"
        name = self._name_width = min(28, max(22 if width >= 80 else 14, width // 4))  # an autosave's name whole at 80
        where = max(12, width - name - self._saved_width - 6 - 4 * 2 - 2)  # 2 columns of padding each; a scrollbar
        table.clear(columns=True)
        table.add_column("Save", width=name)
        table.add_column("In the game", width=where)
        table.add_column("Saved", width=self._saved_width)
        table.add_column("Played", width=6)

    def refresh_list(self) -> None:
        table = self.query_one("#saves", DataTable)
        cursor = table.cursor_row
        self._columns(table)
        try:
            if self.session.store is None:
                raise SaveError("Saving is not available: there is no saves folder.")
            groups, bad = self.session.store.games(self.session.story.campaign.id)
        except SaveError as exc:
            groups, bad = [], []
            self.notify(str(exc), severity="error")
        self.rows = []
        for group in groups:
            self.rows.append(Row(RowKind.GAME, group.latest, group))
            self.rows.extend(Row(RowKind.BACKUP if info.is_backup else RowKind.SAVE, info, group) for info in group.saves)
        self.rows.extend(Row(RowKind.BAD, info) for info in bad)
        # Cells are rich Text: literal (a save name's "[" is never markup) and measured for width.
        for index, row in enumerate(self.rows):
            table.add_row(*self._cells(row), key=str(index), height=None)  # as many lines as the wrapped cells need
        if self.rows:
            table.move_cursor(row=max(0, min(cursor, len(self.rows) - 1)))
        empty = self.query_one("#saves-empty", Static)
        empty.display = not self.rows
        empty.update(Content("No saves yet. Press s in the game to save; the game also autosaves after every decision."))

    def _cells(self, row: Row) -> tuple[Text, ...]:
        """The row's cells: a save's kind under its name, the in-game date over chapter · scene.
        Every text here comes from a save file, which anyone may have edited: control characters
        are shown escaped (`\\x1b`), never sent to the terminal."""
        info = row.info
        meta = info.meta
        saved = _cell(saved_time(info)[-self._saved_width:])
        if row.kind == RowKind.GAME and row.group is not None:
            count = len([i for i in row.group.saves if not i.is_backup])
            title = _cell(row.group.game.name, style="bold")
            title.append(f"\n{count} save{'s' if count != 1 else ''}", style="dim")
            where = _cell(meta.date, style="bold")
            where.append("\n" + plural(meta.decisions, "decision"), style="dim")
            return title, where, saved, _cell("")
        if row.kind == RowKind.BAD:
            label = "damaged" if info.damaged else "cannot load"
            backup = " (its previous version loads)" if info.backup else ""
            name = _slot_cell(info.slot + (".json.bak" if info.is_backup else ""), self._name_width, "")
            return name, _cell(f"{label}: {info.reason}{backup}", style="red"), saved, _cell("")
        own = own_slot_label(info.slot)  # "quick save", "autosave 2": the game's id is the group's
        name = _slot_cell(own or info.slot, self._name_width)
        kind = "" if own else KIND_NAMES.get(info.kind, "")
        if row.kind == RowKind.BACKUP:
            name = _cell("  ↳ previous version", style="italic")
            kind = "Enter restores"
        if kind:
            name.append(f"\n  {kind}", style="italic dim")
        where = _cell(meta.date, style="bold")
        place = " · ".join(x for x in (meta.chapter_title, meta.scene_title) if x)
        if place:
            where.append("\n")
            where.append(_cell(place))
        return name, where, saved, _cell(play_time(meta.play_seconds))

    def selected_row(self) -> Row | None:
        table = self.query_one("#saves", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def selected(self) -> SlotInfo | None:
        row = self.selected_row()
        return None if row is None or row.kind == RowKind.GAME else row.info

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_load()

    def action_load(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        info = row.info
        if row.kind == RowKind.BACKUP:
            self._restore(info)
            return
        if not info.ok and not info.backup:
            self.notify(f"'{info.slot}' cannot be loaded: {info.reason}", severity="error")
            return
        self.post_message(self.Picked(self.session, info.slot))

    def _restore(self, info: SlotInfo) -> None:
        question = (f"Restore the previous version of '{info.slot}' ({info.meta.decisions} decisions, "
                    f"{info.meta.date})? The present version becomes its previous version: nothing is lost.")

        def restore() -> None:
            self._change_store(lambda: self.session.restore_backup(info.slot))
            self.notify(f"Restored the previous version of '{info.slot}'. Enter loads it.", timeout=4)

        ask_first(self.app, question, restore)

    def _change_store(self, change: Callable[[], object]) -> None:
        """Delete, rename or restore: a failing disk is reported, and the list shows what is there now."""
        try:
            change()
        except SaveError as exc:
            self.notify(str(exc), severity="error")
        self.refresh_list()

    def action_delete(self) -> None:
        row = self.selected_row()
        if row is None or row.kind in (RowKind.GAME, RowKind.BACKUP):
            return
        info = row.info
        try:
            question = delete_question(self.session, info.slot)
        except SaveError as exc:
            self.notify(str(exc), severity="error")
            return
        ask_first(self.app, question, lambda: self._change_store(lambda: self.session.delete(info.slot)))

    def action_rename(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if row.kind == RowKind.GAME:
            self._rename_game(row)
            return
        info = row.info

        def renamed(name: str | None) -> None:
            if name:
                self._change_store(lambda: self.session.rename(info.slot, name))

        self.app.push_screen(InputDialog(f"Rename '{info.slot}' to:", value=info.slot), renamed)

    def _rename_game(self, row: Row) -> None:
        if row.group is None:
            return
        game = row.group.game
        session = self.session

        def renamed(name: str | None) -> None:
            if not name:
                return
            try:
                clean = clean_game_name(name)
            except ValueError as exc:
                self.notify(str(exc), severity="error")
                return
            if session.game_id == game.id:
                self._change_store(lambda: session.rename_game(clean))
            elif session.store is not None:
                store = session.store
                self._change_store(lambda: store.rename_game(game.id, clean))

        self.app.push_screen(InputDialog("Rename the game to:", value=game.name), renamed)
