"""The fixed words of the saves: the one home of each.

They are `StrEnum`s, so a member is the very string written in a file, a listing or the JSON of
`kremlin-tui saves check --format json` (`SlotKind.AUTO == "auto"`), and a misspelt word is an
error where it is written instead of a comparison that is silently never true.
"""

from __future__ import annotations

from enum import StrEnum


class SlotKind(StrEnum):
    """What made a save: the player naming it, the autosave, or quick save (F5)."""

    MANUAL = "manual"
    AUTO = "auto"
    QUICK = "quick"


class SlotStatus(StrEnum):
    """Whether a file in the saves folder can be read at all."""

    OK = "ok"
    DAMAGED = "damaged"  # not a save any more (truncated, garbled, edited badly)
    INCOMPATIBLE = "incompatible"  # a sound save this version cannot read (e.g. from a newer version)
    MISSING = "missing"  # no file (what the store finds before writing a slot; never listed)


class LoadMode(StrEnum):
    """How a save meets the story it is loaded into (`migrate.assess`), and so how it loads."""

    EXACT = "exact"  # the same story text: the state is used as saved
    UPDATED = "updated"  # the story was edited, but every scene and choice the save refers to exists
    REPLAY = "replay"  # the game is recomputed by replaying its decisions on the edited story
    OTHER_STORY = "other-story"  # a save of another story: never loaded


class CheckStatus(StrEnum):
    """A save as `kremlin-tui saves check` reports it: a load mode, or why it cannot load."""

    LOADS = "loads"  # loads exactly as saved
    UPDATED = LoadMode.UPDATED.value
    REPLAY = LoadMode.REPLAY.value  # the replay keeps every decision
    REPLAY_LOSSY = "replay-lossy"  # the replay stops before the last decision
    OTHER_STORY = LoadMode.OTHER_STORY.value
    INCOMPATIBLE = SlotStatus.INCOMPATIBLE.value
    DAMAGED = SlotStatus.DAMAGED.value

    @property
    def problem(self) -> bool:
        """Whether a writer should look at it before a release."""
        return self in (CheckStatus.REPLAY_LOSSY, CheckStatus.DAMAGED, CheckStatus.INCOMPATIBLE)
