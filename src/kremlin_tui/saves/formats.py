"""Save formats: every format a save file was ever written in is upgraded, by code, to the
current one (`saves.document` describes it). `MIGRATIONS[n]` turns a format-n document into
format n+1 and `upgrade` runs the chain; adding a format means writing one function and one
test. Old files are never rewritten on disk by loading, only by saving again.

This is the file layer's half of "a save must survive change": it knows nothing of stories
(`migrate.restore` fits a save to an edited story, after it has been read).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kremlin_tui.calendar import DECISIONS
from kremlin_tui.dates import GameDate
from kremlin_tui.saves.document import FORMAT_VERSION, MAGIC, SaveFile, decode, format_time, parse_document
from kremlin_tui.saves.errors import DamagedSave, IncompatibleSave
from kremlin_tui.saves.slots import slot_kind

Document = dict[str, Any]
Migration = Callable[[Document], Document]


def _v0_to_v1(doc: Document) -> Document:
    """Format 0 was never released: it is the development layout kept as the template (and the
    test) of the migration chain. It kept the state under "game" with the generator state as a
    hex string and `chosen` as a mapping, and had flat metadata ("slot", "saved" as Unix seconds,
    "play_time") and no story section."""
    game = dict(doc["game"])
    rng_state = game.get("rng")
    if isinstance(rng_state, str):
        game["rng"] = int(rng_state, 16)
    chosen = game.get("chosen", {})
    if isinstance(chosen, dict):
        game["chosen"] = sorted(k for k, v in chosen.items() if v)
    slot = str(doc.get("slot", ""))
    saved = doc.get("saved")
    saved_at = format_time(datetime.fromtimestamp(float(saved), UTC)) if isinstance(saved, int | float) else ""
    date_text = game.get("date")
    try:
        shown_date = GameDate.parse(date_text).display() if isinstance(date_text, str) else ""
    except ValueError:
        shown_date = ""
    decisions = game.get("vars", {}).get(DECISIONS, 0) if isinstance(game.get("vars"), dict) else 0
    meta = {
        "slot": slot, "kind": slot_kind(slot), "saved_at": saved_at, "play_seconds": doc.get("play_time", 0),
        "date": shown_date, "scene": game.get("node", ""), "decisions": decisions, "ended": game.get("ending") is not None,
    }
    story = {"id": game.get("story_id", ""), "title": "", "hash": game.get("story_hash", "")}
    return {MAGIC: 1, "meta": meta, "story": story, "state": game}


def _v1_to_v2(doc: Document) -> Document:
    """Format 1 kept every decision as a record with the prose that followed it (never read
    again) and each change in full (name, kind, label, old, new, polarity). Format 2 keeps a
    row per decision and each change as [name, old, new], the kind, label and polarity of each
    stat and relation once, in `state.names` (see `saves.document`)."""
    state = doc.get("state")
    if not isinstance(state, dict) or not isinstance(state.get("history"), list):
        return doc  # nothing to convert: parse_document reports what is missing
    names = state.get("names") if isinstance(state.get("names"), dict) else {}
    history = []
    for step in state["history"]:
        if not isinstance(step, dict):
            history.append(step)
            continue
        changes = step.get("changes", [])
        if isinstance(changes, list):
            changes = [_change_row(change, names) for change in changes]
        row = [step.get("node"), step.get("choice"), step.get("date"), step.get("title", ""), step.get("label", ""),
               step.get("outcome"), changes, step.get("events", [])]
        while len(row) > 5 and (row[-1] is None or row[-1] == []):
            row.pop()  # as format 2 writes a step
        history.append(row)
    state["history"] = history
    state["names"] = names
    state["version"] = 2
    return doc


def _change_row(change: Any, names: dict[str, list[Any]]) -> Any:
    """[name, old, new] when the name's kind, label and polarity are those in `names` (the first
    seen); otherwise the record as it was (a malformed one is then reported by the parser, and a
    label the story renamed between two decisions is kept as it was shown)."""
    if not isinstance(change, dict) or not all(isinstance(change.get(k), str) for k in ("name", "kind", "label")):
        return change
    if "old" not in change or "new" not in change:
        return change
    described = [change["kind"], change["label"], change.get("polarity", "up")]
    if described[0] == "flag" and described[2] == "neutral":
        return [change["name"], change["old"], change["new"]]  # a flag's label is never shown
    if names.setdefault(change["name"], described) != described:
        return change
    return [change["name"], change["old"], change["new"]]


def _v2_to_v3(doc: Document) -> Document:
    """Format 2 wrote the story's id and hash twice (in `story` and in `state`), every old value
    of every change, every variable, and the provenance. Format 3 writes each once: what the
    history already says is left out (see `saves.document`). A format-2 state is a format-3
    state written in full, but for one thing: a variable the history changed and the game no
    longer has (a story edit removed it) was simply absent, and is now null."""
    state = doc.get("state")
    if not isinstance(state, dict):
        return doc  # nothing to convert: parse_document reports what is missing
    state.pop("story_id", None)
    state.pop("story_hash", None)
    values = state.get("vars")
    if isinstance(values, dict) and isinstance(state.get("history"), list):
        for row in state["history"]:
            changes = row[6] if isinstance(row, list) and len(row) > 6 and isinstance(row[6], list) else []
            for change in changes:
                name = change[0] if isinstance(change, list) and change else change.get("name") if isinstance(change, dict) else None
                if isinstance(name, str) and name not in values:
                    values[name] = None
    state["version"] = 3
    return doc


MIGRATIONS: dict[int, Migration] = {0: _v0_to_v1, 1: _v1_to_v2, 2: _v2_to_v3}
OLDEST_FORMAT = min(MIGRATIONS, default=FORMAT_VERSION)


def format_version(document: Document) -> int:
    if MAGIC not in document:
        raise DamagedSave(f"the file is not a Kremlin TUI save (it has no '{MAGIC}' format marker)")
    version = document[MAGIC]
    if not isinstance(version, int) or isinstance(version, bool):
        raise DamagedSave("the save's format version is not a number")
    if version > FORMAT_VERSION:
        raise IncompatibleSave(f"this save was made by a newer version of Kremlin TUI (save format {version}; "
                               f"this version reads formats up to {FORMAT_VERSION}); update the game to load it")
    if version < OLDEST_FORMAT:
        raise DamagedSave(f"the save's format version ({version}) is unknown")
    return version


def upgrade(document: Document) -> tuple[Document, int]:
    """Migrate a document to FORMAT_VERSION; returns it and the version it was written in."""
    original = version = format_version(document)
    while version < FORMAT_VERSION:
        try:
            document = MIGRATIONS[version](copy.deepcopy(document))
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise DamagedSave(f"the save (format {version}) is malformed and cannot be upgraded ({exc})") from None
        version += 1
        document[MAGIC] = version
    return document, original


def read_save_bytes(data: bytes) -> SaveFile:
    """Bytes of a save file in any known format to a checked SaveFile (or DamagedSave/IncompatibleSave)."""
    document, original = upgrade(decode(data))
    return parse_document(document, original)


