"""The save document: what one `<slot>.json` holds at the current format version, how it is
built from a game, and how a file's bytes are checked before anything trusts them.

Layout (format 3):

    {
      "kremlin_tui_save": 3,                  # format version; also marks the file as ours
      "meta": {...},                          # for listings only: never needed to load
      "story": {"id", "title", "hash"},       # which story, and which exact text of it
      "game": {"id", "name", "started_at"},   # which game (play-through) this save belongs to
      "state": {...}                          # GameState.to_json() without the story's id and
    }                                         #   hash: seed, rng, scene, vars, events, history...

The history is the list of decisions, one row per line: [scene, choice, date, scene title,
choice label, outcome drawn, changes, events set off] (the last three left out when empty),
each change as [name, new] when it starts where the name's previous change ended, else
[name, old, new] (the kind, label and polarity of each stat and relation once, in
`state.names`). Nothing the history says is written again (`state` module docstring,
docs/saves.md): `vars` holds the variables the history does not end with, and `chosen`,
`visits` and `provenance` appear only when they differ from what the history implies. Format
1 (see `formats`) kept the prose after each choice and every change in full: a 73-decision
game took 109 KB; format 2 wrote the old values, variables and provenance again: 30.5 KB.

Every check that can fail on a hand-edited or damaged file happens here, with a reason a
player can read, so no malformed value ever reaches the engine (where it would surface as a
traceback in the middle of play).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kremlin_tui import __version__
from kremlin_tui.calendar import CALENDAR
from kremlin_tui.dates import GameDate
from kremlin_tui.diagnostics import shown
from kremlin_tui.engine import STATE_VERSION, Game, GameState
from kremlin_tui.expr import NUMBER_LIMIT
from kremlin_tui.saves.errors import DamagedSave, IncompatibleSave
from kremlin_tui.saves.layout import encode as encode  # the document's bytes (re-exported: store, tests)
from kremlin_tui.saves.vocabulary import SlotKind

FORMAT_VERSION = 3
MAGIC = "kremlin_tui_save"
MAX_BYTES = 2 * 1024 * 1024  # a long campaign's save is well under 1 MB; anything larger is not ours
_RNG_LIMIT = 1 << 64
META_CHARS = 200  # a listing's text from a save's meta (titles, date, name) is cut to this


@dataclass(frozen=True)
class SaveMeta:
    """What a listing shows about a save. Informational: loading never depends on it."""

    slot: str = ""
    name: str = ""  # the name as the player typed it ("a/b" for the slot "a-b"); "" for the game's own
    kind: str = SlotKind.MANUAL  # a SlotKind's word (as read: any text; it is only shown)
    saved_at: str = ""  # real time of saving, ISO 8601 in UTC ("" if unknown)
    play_seconds: float = 0.0
    date: str = ""  # the in-game date as a player reads it: "21 January 1924"
    chapter: str = ""
    chapter_title: str = ""
    scene: str = ""  # the current scene's id
    scene_title: str = ""
    decisions: int = 0
    ended: bool = False
    story_title: str = ""
    app_version: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "slot": self.slot, "name": self.name, "kind": self.kind, "saved_at": self.saved_at, "play_seconds": round(self.play_seconds, 3),
            "date": self.date, "chapter": self.chapter, "chapter_title": self.chapter_title, "scene": self.scene,
            "scene_title": self.scene_title, "decisions": self.decisions, "ended": self.ended,
            "story_title": self.story_title, "app_version": self.app_version,
        }

    @classmethod
    def from_json(cls, data: object) -> SaveMeta:
        """Lenient: a wrong or missing field falls back to its default (it is only for display)."""
        if not isinstance(data, dict):
            return cls()
        values: dict[str, Any] = {}
        for name, default in cls().__dict__.items():
            value = data.get(name, default)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, float):
                ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, str)
                if ok and len(value) > META_CHARS:  # an edited file: a 5,000-character "date" slowed every listing
                    value = value[: META_CHARS - 1] + "…"
            values[name] = value if ok else default
        values["play_seconds"] = float(values["play_seconds"])
        if values["saved_at"] and parse_time(values["saved_at"]) is None:
            values["saved_at"] = ""
        return cls(**values)

    def saved_datetime(self) -> datetime | None:
        return parse_time(self.saved_at)


GAME_ID = re.compile(r"[0-9a-f]{8,32}")
GAME_NAME_CHARS = 60


@dataclass(frozen=True)
class GameIdentity:
    """Which play-through a save belongs to. Every new game gets a random `id` and a name the
    player can read (and change); autosaves form a ring per game, and listings group by it.

    Saves written before games had an identity carry none: they are given one derived from
    their story and seed (`legacy`), so the autosaves of one old game (one seed) still group
    together, and a game started later (another seed) is another game."""

    id: str
    name: str
    started_at: str = ""  # ISO 8601, UTC ("" if unknown)

    @classmethod
    def new(cls, now: datetime) -> GameIdentity:
        return cls(secrets.token_hex(4), default_game_name(now), format_time(now))

    @classmethod
    def legacy(cls, story_id: str, seed: int, saved_at: str) -> GameIdentity:
        digest = hashlib.sha256(f"{story_id}\0{seed}".encode()).hexdigest()[:8]
        moment = parse_time(saved_at)
        name = f"Earlier game of {_day_and_time(moment)}" if moment is not None else "Earlier game"
        return cls(digest, name, "")

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "started_at": self.started_at}

    @classmethod
    def from_json(cls, data: object) -> GameIdentity | None:
        """None when the section is missing or malformed (the caller derives a legacy identity)."""
        if not isinstance(data, dict):
            return None
        ident, name, started = data.get("id"), data.get("name"), data.get("started_at", "")
        if not isinstance(ident, str) or not GAME_ID.fullmatch(ident) or not isinstance(name, str):
            return None
        try:
            name = clean_game_name(name)
        except ValueError:
            return None
        started = started if isinstance(started, str) and parse_time(started) is not None else ""
        return cls(ident, name, started)


def default_game_name(now: datetime) -> str:
    """"Game of 4 Dec, 23:10": when it was started, in the player's local time."""
    return f"Game of {_day_and_time(now)}"


def _day_and_time(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local.strftime('%b')}, {local.strftime('%H:%M')}"


def clean_game_name(text: str) -> str:
    """A game's name as the player typed it, made safe to show: no control or invisible
    characters, one space between words, at most GAME_NAME_CHARS. ValueError if nothing is left."""
    name = "".join(" " if ch.isspace() else ch for ch in unicodedata.normalize("NFC", str(text)))
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split())[:GAME_NAME_CHARS].strip()
    if not name:
        raise ValueError("A game's name needs at least one letter or digit.")
    return name


@dataclass
class SaveFile:
    """A checked save, upgraded to the current format version."""

    format: int  # the version the file was written in, before migration
    meta: SaveMeta
    story_id: str
    story_title: str
    story_hash: str
    state: GameState
    identity: GameIdentity


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    # milliseconds: "continue" must tell apart an autosave and a quick save made in the same second
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def build_document(game: Game, *, slot: str, kind: str, saved_at: datetime, play_seconds: float,
                   identity: GameIdentity | None = None, name: str = "") -> dict[str, Any]:
    story = game.story
    state = game.state
    node = game.node
    meta = SaveMeta(
        slot=slot, name=name, kind=kind, saved_at=format_time(saved_at), play_seconds=max(0.0, play_seconds),
        date=state.date.display(), chapter=node.chapter, chapter_title=story.chapter_title(node.chapter) if node.chapter else "",
        scene=node.id, scene_title=node.title, decisions=state.decisions, ended=game.ended,
        story_title=story.campaign.title, app_version=__version__,
    )
    state_json = state.to_json()
    del state_json["story_id"], state_json["story_hash"]  # the story section says which story, once
    document: dict[str, Any] = {
        MAGIC: FORMAT_VERSION,
        "meta": meta.to_json(),
        "story": {"id": story.campaign.id, "title": story.campaign.title, "hash": story.content_hash},
    }
    if identity is not None:
        document["game"] = identity.to_json()
    document["state"] = state_json
    return document


def decode(data: bytes) -> dict[str, Any]:
    """Bytes to a JSON object, or DamagedSave saying in plain words what is wrong."""
    if len(data) > MAX_BYTES:
        raise DamagedSave(f"the file is too large for a save ({len(data):,} bytes; a save is at most {_size(MAX_BYTES)})")
    if not data.strip():
        raise DamagedSave("the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DamagedSave(f"the file is not text (invalid UTF-8 at byte {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        if _cut_short(text, exc):
            raise DamagedSave("the file is cut short (truncated JSON)") from None
        raise DamagedSave(f"the file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise DamagedSave("the file is not a save (JSON nested too deeply)") from None
    except ValueError as exc:
        raise DamagedSave(f"the file is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise DamagedSave("the file is not a Kremlin TUI save (it holds JSON, but not a save)")
    return value


# What the end of a file cut mid-token looks like: part of true/false/null, of a number, or of
# a string escape ("\u00" of "\u00e9").
_PARTIAL_TOKEN = re.compile(r"(?:t(?:r(?:ue?)?)?|f(?:a(?:l(?:se?)?)?)?|n(?:u(?:ll?)?)?|-?\d*\.?\d*(?:[eE][-+]?\d*)?)\s*")


def _cut_short(text: str, exc: json.JSONDecodeError) -> bool:
    """Whether the JSON is valid as far as it goes and only its end is missing."""
    rest = text[exc.pos:]
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        return True
    if exc.msg.startswith("Invalid \\uXXXX escape") and len(text.rstrip()) - exc.pos < 6:
        return True
    return _PARTIAL_TOKEN.fullmatch(rest) is not None


def _no_constants(name: str) -> float:
    raise ValueError(f"'{name}' is not a number a save may hold")


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 1024 * 1024 else f"{count} bytes"


def parse_document(document: dict[str, Any], original_format: int = FORMAT_VERSION) -> SaveFile:
    """Check a current-format document field by field and build the GameState."""
    story = document.get("story")
    if not isinstance(story, dict):
        raise DamagedSave("the save does not say which story it belongs to")
    story_id = story.get("id")
    story_hash = story.get("hash", "")
    title = story.get("title", "")
    if not isinstance(story_id, str) or not story_id:
        raise DamagedSave("the save does not say which story it belongs to")
    if not isinstance(story_hash, str) or not isinstance(title, str):
        raise DamagedSave("the save's story section is malformed")
    state = parse_state(document.get("state"))
    state.story_id, state.story_hash = story_id, story_hash
    meta = SaveMeta.from_json(document.get("meta"))
    identity = GameIdentity.from_json(document.get("game")) or GameIdentity.legacy(story_id, state.seed, meta.saved_at)
    return SaveFile(original_format, meta, story_id, title, story_hash, state, identity)


def parse_state(data: object) -> GameState:
    """Validate GameState.to_json() output, then build the state (the engine trusts its input)."""
    if not isinstance(data, dict):
        raise DamagedSave("the save holds no game state")
    version = data.get("version", STATE_VERSION)
    if not _is_int(version):
        raise DamagedSave("'state.version' is not a number")
    if version > STATE_VERSION:
        raise IncompatibleSave(f"this save's game state is from a newer version of Kremlin TUI (state {version}; "
                               f"this version reads up to {STATE_VERSION}); update the game to load it")
    _need(data, "seed", _is_int, "a whole number")
    _need(data, "rng", lambda v: _is_int(v) and 0 <= v < _RNG_LIMIT, "a 64-bit generator state")
    _need(data, "node", _is_id, "a scene id")
    _need(data, "date", _is_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    _need(data, "vars", lambda v: isinstance(v, dict) and all(isinstance(k, str) and (_is_scalar(x) or x is None)
                                                              for k, x in v.items()),
          "a mapping of names to numbers, true/false or text")
    for name in CALENDAR:
        if not _is_int(data["vars"].get(name)):
            raise DamagedSave(f"'state.vars.{name}' is missing or not a whole number")
    _may(data, "visits", lambda v: isinstance(v, dict) and all(isinstance(k, str) and _is_int(x) and 0 <= x <= NUMBER_LIMIT
                                                              for k, x in v.items()),
         "a mapping of scene ids to counts")
    for name in ("chosen", "fired", "codex"):
        _may(data, name, lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of ids")
    _may(data, "scheduled", lambda v: isinstance(v, dict) and all(isinstance(k, str) and _is_date(x) for k, x in v.items()),
         "a mapping of event ids to dates")
    for name in ("resume", "ending"):
        _may(data, name, lambda v: v is None or _is_id(v), "a scene id or null")
    for name in ("story_id", "story_hash"):
        _may(data, name, lambda v: isinstance(v, str), "text")
    names = data.get("names", {})
    if not (isinstance(names, dict) and all(isinstance(k, str) and isinstance(v, list) and len(v) == 3
                                            and all(isinstance(x, str) for x in v) for k, v in names.items())):
        raise DamagedSave("'state.names' is not a mapping of names to [kind, label, polarity]")
    history = data.get("history", [])
    if not isinstance(history, list):
        raise DamagedSave("'state.history' is not a list of decisions")
    changed: set[str] = set()  # the variables the history has changed so far
    for number, step in enumerate(history, start=1):
        _check_step(step, number, changed)
    _check_removed(data["vars"], changed, version)
    _may(data, "provenance", lambda v: isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(x, list) and all(_is_int(n) and 0 <= n <= len(history) for n in x)
        for k, x in v.items()), "a mapping of names to decision numbers")
    try:
        return GameState.from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # belt and braces: the checks above should catch all
        raise DamagedSave(f"the game state is malformed ({exc})") from None


def _check_removed(values: dict[str, Any], changed: set[str], version: int) -> None:
    """null in `vars` says the game no longer has a variable the history changed (state 3)."""
    for name, value in values.items():
        if value is None and (version < 3 or name not in changed):
            raise DamagedSave(f"'state.vars.{shown(name)}' is null, but the history never changed it")


def _check_step(step: object, number: int, changed: set[str]) -> None:
    """A history row: [node, choice, date, title, label, outcome?, changes?, events?]; each
    change's name goes into `changed` (a change without its old value needs an earlier one)."""
    where = f"decision {number} in the history"
    if not isinstance(step, list) or not 5 <= len(step) <= 8:
        raise DamagedSave(f"{where} is not a record")
    if not (_is_id(step[0]) and _is_id(step[1]) and _is_date(step[2]) and type(step[3]) is str and type(step[4]) is str):
        _step_head_problem(step, where)  # the common case costs one test of each field
    outcome = step[5] if len(step) > 5 else None
    if outcome is not None and not (_is_int(outcome) and outcome >= 0):
        raise DamagedSave(f"{where} has a malformed 'outcome'")
    events = step[7] if len(step) > 7 else []
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise DamagedSave(f"{where} has a malformed 'events' list")
    changes = step[6] if len(step) > 6 else []
    if not isinstance(changes, list):
        raise DamagedSave(f"{where} has a malformed 'changes' list")
    low, high = -NUMBER_LIMIT, NUMBER_LIMIT
    for change in changes:  # the hot loop of loading: a few hundred changes, [name, new] most
        if type(change) is list and len(change) == 2:
            name, new = change
            # _is_scalar written out for the common types (two calls a change were a fifth of the checks)
            if type(name) is str and name in changed \
                    and (((type(new) is int or type(new) is float) and low <= new <= high) or _is_scalar(new)):
                continue
            if type(name) is str and name not in changed:
                raise DamagedSave(f"{where} changes '{shown(name)}' without its old value, and no decision before changed it")
        elif type(change) is list and len(change) == 3:
            name, old, new = change
            if type(name) is str and 0 < len(name) <= 200 \
                    and (((type(old) is int or type(old) is float) and low <= old <= high) or _is_scalar(old)) \
                    and (((type(new) is int or type(new) is float) and low <= new <= high) or _is_scalar(new)):
                changed.add(name)
                continue
        elif _is_change(change):
            changed.add(change["name"])  # type: ignore[index]
            continue
        raise DamagedSave(f"{where} has a malformed change record")


def _step_head_problem(step: list[Any], where: str) -> None:
    """Raise DamagedSave naming the first malformed field of a history row's head."""
    for index, name, test, what in ((0, "node", _is_id, "a scene id"), (1, "choice", _is_id, "a choice id"),
                                    (2, "date", _is_date, "a date")):
        if not test(step[index]):
            raise DamagedSave(f"{where} has no valid '{name}' ({what})")
    for index, name in ((3, "title"), (4, "label")):
        if not isinstance(step[index], str):
            raise DamagedSave(f"{where} has a malformed '{name}'")


def _is_change(change: object) -> bool:
    """[name, old, new] (the name described in `state.names`, or a flag), or a full record."""
    if isinstance(change, list):
        return len(change) == 3 and _is_id(change[0]) and _is_scalar(change[1]) and _is_scalar(change[2])
    return (isinstance(change, dict) and all(isinstance(change.get(k), str) for k in ("name", "kind", "label"))
            and _is_scalar(change.get("old")) and _is_scalar(change.get("new"))
            and isinstance(change.get("polarity", "up"), str))


def _need(data: dict[str, Any], name: str, test: Any, what: str) -> None:
    if name not in data or not test(data[name]):
        raise DamagedSave(f"'state.{name}' is missing or is not {what}")


def _may(data: dict[str, Any], name: str, test: Any, what: str) -> None:
    if name in data and not test(data[name]):
        raise DamagedSave(f"'state.{name}' is not {what}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_scalar(value: object) -> bool:
    """A value a story variable can hold: numbers within the story limit (an edited save with a
    400-digit number would otherwise overflow the game's arithmetic on the next choice)."""
    kind = type(value)
    if kind is str or kind is bool:  # the exact types JSON gives first: this runs for every change
        return True
    if kind is int or kind is float or isinstance(value, int | float):
        return -NUMBER_LIMIT <= value <= NUMBER_LIMIT  # type: ignore[operator]  # False for NaN too
    return isinstance(value, str)


def _is_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 200


def _is_date(value: object) -> bool:
    return isinstance(value, str) and _is_date_text(value)


@functools.lru_cache(maxsize=1024)
def _is_date_text(value: str) -> bool:
    """Memoised: a history repeats its dates (several decisions a month)."""
    try:
        GameDate.parse(value)
    except ValueError:
        return False
    return True
