"""What a listing of the saves folder shows: one entry per file, and the entries grouped by
the game (play-through) they belong to."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kremlin_tui.saves.document import GameIdentity, SaveMeta
from kremlin_tui.saves.errors import SaveError
from kremlin_tui.saves.slots import clean_slot_name
from kremlin_tui.saves.vocabulary import SlotKind, SlotStatus

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of two machines sharing saves may differ this much


def in_the_future(moment: datetime | None, now: datetime) -> bool:
    """Whether a recorded time lies later than `now`, beyond FUTURE_TOLERANCE."""
    return moment is not None and moment > now + FUTURE_TOLERANCE


@dataclass(frozen=True)
class SlotInfo:
    """One entry of a listing; `reason` says why when its status is not OK."""

    slot: str
    path: Path
    kind: SlotKind
    status: SlotStatus
    reason: str
    meta: SaveMeta
    story_id: str
    story_hash: str
    modified: float  # the file's modification time (seconds since the epoch)
    backup: bool  # a sound previous version (<slot>.json.bak) exists
    game: GameIdentity | None = None  # which game it belongs to (None: unreadable)
    is_backup: bool = False  # this entry is the previous version (<slot>.json.bak) of the slot
    future: bool = False  # its recorded time lay in the future when it was listed: not trusted

    @property
    def name(self) -> str:
        """The name to show: as the player typed it (`a/b`), else the slot (file) name."""
        typed = self.meta.name
        if not typed or any(unicodedata.category(ch).startswith("C") for ch in typed):
            return self.slot
        try:
            return typed if clean_slot_name(typed) == self.slot else self.slot
        except SaveError:
            return self.slot

    @property
    def ok(self) -> bool:
        return self.status == SlotStatus.OK

    @property
    def damaged(self) -> bool:
        return self.status == SlotStatus.DAMAGED

    @property
    def saved_at(self) -> datetime:
        """When it was saved: the time recorded in the save, else the file's modification time.
        A recorded time later than the moment of listing (an edited file, a clock far ahead) is
        not trusted: it would win Continue and every "newest" for ever. The file's time stands
        in (`modified`, itself 0 when it too lay in the future)."""
        recorded = None if self.future else self.meta.saved_datetime()
        return recorded or datetime.fromtimestamp(self.modified, UTC)


@dataclass(frozen=True)
class GameGroup:
    """The saves of one game, newest first (backups included, after the slot they belong to)."""

    game: GameIdentity
    saves: tuple[SlotInfo, ...]

    @property
    def latest(self) -> SlotInfo:
        return next((i for i in self.saves if not i.is_backup), self.saves[0])

    @property
    def saved_at(self) -> datetime:
        return max(i.saved_at for i in self.saves)


def group_by_game(infos: list[SlotInfo]) -> tuple[list[GameGroup], list[SlotInfo]]:
    """Sound saves (and sound backups) grouped by game, the game saved last first; and the
    files that cannot be read (damaged, from a newer version), by name."""
    groups: dict[str, list[SlotInfo]] = {}
    identities: dict[str, GameIdentity] = {}
    bad: list[SlotInfo] = []
    for info in infos:
        if not info.ok or info.game is None:
            bad.append(info)
            continue
        groups.setdefault(info.game.id, []).append(info)
    result = []
    for game_id, members in groups.items():
        members.sort(key=lambda i: (i.saved_at, i.modified, not i.is_backup), reverse=True)
        # the name the game had when it was saved last (a rename rewrites the newest saves)
        identities[game_id] = members[0].game  # type: ignore[assignment]
        result.append(GameGroup(identities[game_id], _backups_under_their_saves(members)))
    result.sort(key=lambda g: g.saved_at, reverse=True)
    return result, sorted(bad, key=lambda i: (i.slot, i.is_backup))


def _backups_under_their_saves(members: list[SlotInfo]) -> tuple[SlotInfo, ...]:
    """Saves newest first, each previous version right under the save it belongs to (where
    "Enter restores" means that save); a previous version whose save is another game's, or
    gone, keeps its place by time."""
    slots = {i.slot for i in members if not i.is_backup}
    ordered: list[SlotInfo] = []
    for info in members:
        if info.is_backup and info.slot in slots:
            continue
        ordered.append(info)
        if not info.is_backup:
            ordered.extend(b for b in members if b.is_backup and b.slot == info.slot)
    return tuple(ordered)
