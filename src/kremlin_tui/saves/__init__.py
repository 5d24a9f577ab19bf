"""The save system: slots, autosave, quick save, undo/redo, and saves that survive story edits.

Pure Python and headless (no Textual, no Rich): the TUI and plain mode are thin callers.

    store = SaveStore(default_saves_dir())
    session = Session.new(story, seed, store)          # or Session.resume(story, store) to continue
    session.choose("turn_back")                        # autosaves; undo() / redo() step through it
    session.save("Before the congress")                # SaveError on a full or read-only disk
    for info in store.list(): ...                      # SlotInfo: name, date, chapter, scene, damaged?
    report = session.load("Before the congress")       # LoadReport: what an edited story changed

See docs/saves.md for the file format and the guarantees.
"""

from kremlin_tui.saves.document import FORMAT_VERSION, MAX_BYTES, GameIdentity, SaveFile, SaveMeta, build_document, clean_game_name
from kremlin_tui.saves.errors import DamagedSave, IncompatibleSave, NoSuchSave, SaveError, SlotNameError
from kremlin_tui.saves.formats import MIGRATIONS, read_save_bytes, upgrade
from kremlin_tui.saves.migrate import LoadReport, assess, restore
from kremlin_tui.saves.questions import (
    delete_question,
    describe,
    load_question,
    new_game_question,
    overwrite_question,
    quickload_question,
)
from kremlin_tui.saves.report import CheckResult, check_lines, check_saves, listing, play_time
from kremlin_tui.saves.session import IDLE_CAP_SECONDS, UNDO_LIMIT, Session
from kremlin_tui.saves.slots import AUTOSAVE_SLOTS, QUICKSAVE_SLOT, clean_slot_name, player_slot_name, slot_kind
from kremlin_tui.saves.store import GameGroup, ReadResult, SaveStore, SlotInfo, group_by_game
from kremlin_tui.saves.vocabulary import CheckStatus, LoadMode, SlotKind, SlotStatus

__all__ = [
    "AUTOSAVE_SLOTS",
    "FORMAT_VERSION",
    "IDLE_CAP_SECONDS",
    "MAX_BYTES",
    "MIGRATIONS",
    "QUICKSAVE_SLOT",
    "UNDO_LIMIT",
    "CheckResult",
    "CheckStatus",
    "DamagedSave",
    "GameGroup",
    "GameIdentity",
    "IncompatibleSave",
    "LoadMode",
    "LoadReport",
    "NoSuchSave",
    "ReadResult",
    "SaveError",
    "SaveFile",
    "SaveMeta",
    "SaveStore",
    "Session",
    "SlotInfo",
    "SlotKind",
    "SlotNameError",
    "SlotStatus",
    "assess",
    "build_document",
    "check_lines",
    "check_saves",
    "clean_game_name",
    "clean_slot_name",
    "delete_question",
    "describe",
    "group_by_game",
    "listing",
    "load_question",
    "new_game_question",
    "overwrite_question",
    "play_time",
    "player_slot_name",
    "quickload_question",
    "read_save_bytes",
    "restore",
    "slot_kind",
    "upgrade",
]
