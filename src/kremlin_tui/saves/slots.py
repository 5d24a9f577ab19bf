"""Slot names: what a player may call a save, and the names the game reserves for itself.

A slot name becomes a file name (`<slot>.json`), so it is cleaned before it reaches the file
system: no path separators, no `..`, no control or invisible formatting characters (which
could also spoof what the player reads), nothing Windows forbids, bounded length. Cleaning is
a pure function, so the same typed name always maps to the same file, and `clean_slot_name`
is idempotent: a cleaned name cleans to itself.
"""

from __future__ import annotations

import re
import unicodedata

from kremlin_tui.saves.errors import SlotNameError
from kremlin_tui.saves.vocabulary import SlotKind

MAX_CHARS = 64
# A file name may hold 255 bytes on common file systems; keep room for ".json.bak".
MAX_BYTES = 160

AUTOSAVE_COUNT = 3  # the ring of one game: its last three moments
# The slots of the shared ring written before games had an identity; still read, never written.
AUTOSAVE_SLOTS: tuple[str, ...] = tuple(f"autosave-{n}" for n in range(1, AUTOSAVE_COUNT + 1))
# The quick save slot shared by every game before each game had its own; still read (F9 of
# the game it belongs to loads it), never written.
QUICKSAVE_SLOT = "quicksave"
_QUICK = re.compile(r"quicksave(?:-(?P<game>[0-9a-f]{8,32}))?", re.IGNORECASE)
_AUTOSAVE = re.compile(r"autosave-(?:(?P<game>[0-9a-f]{8,32})-)?(?P<n>[0-9]+)", re.IGNORECASE)

_FORBIDDEN = re.compile(r'[/\\:*?"<>|]')
_DOTS = re.compile(r"\.{2,}")
_SPACES = re.compile(r"\s+")
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{n}" for n in range(1, 10)] + [f"LPT{n}" for n in range(1, 10)]
)


def clean_slot_name(text: str) -> str:
    """The file-safe form of a name the player typed; raises SlotNameError if nothing is left."""
    name = unicodedata.normalize("NFC", str(text))
    # Any whitespace (tabs, newlines, line separators) becomes a space; then control (Cc),
    # format (Cf: bidi overrides, zero-width), surrogate, private and unassigned code points go:
    # none belongs in a name a player reads.
    name = "".join(" " if ch.isspace() else ch for ch in name)
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _FORBIDDEN.sub("-", name)
    name = _SPACES.sub(" ", name)
    name = _DOTS.sub(".", name)
    name = _strip(name)
    while name.lower().endswith(".json"):
        name = _strip(name[: -len(".json")])
    if name.split(".")[0].strip().upper() in _WINDOWS_DEVICES:
        name = name + "_"
    name = name[:MAX_CHARS]
    while len(name.encode("utf-8")) > MAX_BYTES:
        name = name[:-1]
    name = _strip(name)
    if not name:
        raise SlotNameError("A save name needs at least one letter or digit.")
    return name


def _strip(name: str) -> str:
    # a leading dot would hide the file, a leading hyphen reads as an option in a shell;
    # trailing dots and spaces vanish on Windows
    return name.lstrip(" .-").rstrip(" .")


def is_clean(name: str) -> bool:
    try:
        return clean_slot_name(name) == name
    except SlotNameError:
        return False


def autosave_slot(game_id: str, number: int) -> str:
    """The slot of a game's ring: `autosave-<game id>-<1..AUTOSAVE_COUNT>`."""
    return f"autosave-{game_id}-{number}"


def autosave_parts(name: str) -> tuple[str | None, int] | None:
    """(game id or None for the old shared ring, number) of an autosave slot; None otherwise."""
    match = _AUTOSAVE.fullmatch(name)
    if match is None:
        return None
    game, number = match.group("game"), int(match.group("n"))
    if game is None and not 1 <= number <= AUTOSAVE_COUNT:
        return None  # "autosave-4" was never the game's: a player may use it
    return (game.lower() if game else None), number


def quick_slot(game_id: str) -> str:
    """The quick save slot of one game: `quicksave-<game id>`. Each game has its own, so game
    B's quick save never replaces game A's (nor, through the backup rotation, its backup)."""
    return f"{QUICKSAVE_SLOT}-{game_id}"


def is_quick(name: str) -> bool:
    """A quick save slot: a game's own (`quicksave-<game id>`) or the old shared one."""
    return _QUICK.fullmatch(name) is not None


def own_slot_label(name: str) -> str | None:
    """How a list grouped by game names a game's own slot: "quick save", "autosave 2" (the
    game's id, already the group's, is left out); None for any other slot."""
    quick = _QUICK.fullmatch(name)
    if quick is not None and quick.group("game"):
        return "quick save"
    auto = _AUTOSAVE.fullmatch(name)
    if auto is not None and auto.group("game"):
        return f"autosave {int(auto.group('n'))}"
    return None


def is_reserved(name: str) -> bool:
    return is_quick(name) or autosave_parts(name) is not None


def slot_kind(name: str) -> SlotKind:
    """What made the save in this slot, as its name tells: how a listing labels it."""
    if autosave_parts(name) is not None:
        return SlotKind.AUTO
    if is_quick(name):
        return SlotKind.QUICK
    return SlotKind.MANUAL


def player_slot_name(text: str) -> str:
    """A name the player may save under: cleaned, and not one the game writes by itself
    (so a manual save is never overwritten by the autosave rotation)."""
    name = clean_slot_name(text)
    if is_reserved(name):
        raise SlotNameError(f"'{name}' is reserved for the game's own saves; choose another name.")
    return name


def typed_name(text: str) -> str:
    """A save's name as the player typed it, safe to show: no control or invisible characters,
    single spaces. What listings show for a slot whose file name had to be cleaned (`a/b`)."""
    name = "".join(" " if ch.isspace() else ch for ch in unicodedata.normalize("NFC", str(text)))
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    return " ".join(name.split())


def name_separators(typed: str) -> str:
    """The characters of a typed name that cleaning turns into `-` (and the `-` themselves),
    after the leading and trailing ones cleaning drops: two names that map to one file but
    differ here were meant as two saves."""
    core = typed.lstrip(" .-/\\").rstrip(" .")
    return "".join(ch for ch in core if ch in '/\\:*?"<>|-')
