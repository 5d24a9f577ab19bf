"""The save system's exceptions. Every one carries a message a player can read as is.

Front ends catch `SaveError` (the base class) around every save-system call and show
`str(exc)`: the game keeps running whatever went wrong with a file or a directory.
"""

from __future__ import annotations


class SaveError(Exception):
    """A save could not be written, read, renamed or deleted; `str(exc)` says why, for a player."""


class SlotNameError(SaveError):
    """The name given for a save cannot be used (empty once cleaned, or reserved)."""


class NoSuchSave(SaveError):
    """There is no save under that name."""


class DamagedSave(SaveError):
    """The file is not a loadable save: truncated, not JSON, foreign, oversized, malformed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IncompatibleSave(SaveError):
    """A sound save that this game cannot load: another story, or a newer save format."""
