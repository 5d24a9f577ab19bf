"""Problems found in story files, in the `path:line:col: severity: message` form editors parse."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from kremlin_tui.records import dataclass


class Pos(NamedTuple):
    """A place in a story file (1-based line and column). A tuple: loading creates thousands."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def shifted(self, lines: int, col: int) -> Pos:
        return Pos(self.path, self.line + lines, col)


NOWHERE = Pos("<story>", 0, 0)
SHOWN_CHARS = 40
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """A value from a story file as a message may quote it: one line, no control characters,
    cut to `limit` characters (a 5,000-digit number is not echoed back in full)."""
    text = _UNPRINTABLE.sub(lambda m: "\\n" if m.group() == "\n" else f"\\x{ord(m.group()):02x}", value)
    if len(text) > limit:
        return f"{text[:limit]}… ({len(value):,} characters)"
    return text


def article(word: str) -> str:
    """'a scene', 'an ending'."""
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


class Severity(StrEnum):
    """How bad a problem is: an error stops the story from loading, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a story file: where, which kind (`code`), what, and how bad."""

    pos: Pos
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.pos}: {self.severity}: {self.message} [{self.code}]"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.pos.path,
            "line": self.pos.line,
            "col": self.pos.col,
            "code": self.code,
            "message": self.message,
        }


class StoryError(Exception):
    """Raised when a story cannot be loaded; carries every problem found, not only the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == Severity.ERROR]
        super().__init__(f"{len(errors)} error(s) in the story; first: {errors[0] if errors else '?'}")


MAX_MESSAGE_CHARS = 1000


def _bounded(message: str) -> str:
    """The last guard for a message that quotes a story value: never longer than a screenful."""
    return message if len(message) <= MAX_MESSAGE_CHARS else f"{message[:MAX_MESSAGE_CHARS]}… (cut)"


class Collector:
    """Accumulates diagnostics so loading can go on past the first problem."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, pos: Pos, code: str, message: str) -> None:
        self.items.append(Diagnostic(pos, code, _bounded(message), Severity.ERROR))

    def warning(self, pos: Pos, code: str, message: str) -> None:
        self.items.append(Diagnostic(pos, code, _bounded(message), Severity.WARNING))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == Severity.WARNING]
