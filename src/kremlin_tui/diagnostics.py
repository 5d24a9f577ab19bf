"""Problems found in story files, in the `path:line:col: severity: message` form editors parse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


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


@dataclass(frozen=True)
class Diagnostic:
    pos: Pos
    code: str
    message: str
    severity: str = "error"  # or "warning"

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
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the story; first: {errors[0] if errors else '?'}")


class Collector:
    """Accumulates diagnostics so loading can go on past the first problem."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, pos: Pos, code: str, message: str) -> None:
        self.items.append(Diagnostic(pos, code, message, "error"))

    def warning(self, pos: Pos, code: str, message: str) -> None:
        self.items.append(Diagnostic(pos, code, message, "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]
