"""The in-game calendar: dates written as YYYY, YYYY-MM or YYYY-MM-DD, shown as a player reads them."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from kremlin_tui.diagnostics import shown
from kremlin_tui.records import dataclass

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


class Precision(StrEnum):
    """How much of a date the writer gave: 1924, 1924-05 or 1924-05-21."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


_YEAR, _MONTH, _DAY = Precision.YEAR, Precision.MONTH, Precision.DAY  # looked up once: dates are made per load and per move


@dataclass(frozen=True, order=True)
class GameDate:
    """A date with the precision the writer gave it, so "May 1924" is not shown as "1 May 1924"."""

    day: date
    precision: Precision = Precision.DAY

    @classmethod
    def parse(cls, text: str) -> GameDate:
        match = _DATE.match(text.strip())
        if not match:
            raise ValueError(f"'{shown(text)}' is not a date (write YYYY-MM-DD, YYYY-MM or YYYY)")
        year, month, day = match.groups()
        precision = _DAY if day else _MONTH if month else _YEAR
        try:
            return cls(date(int(year), int(month or 1), int(day or 1)), precision)
        except ValueError as exc:
            raise ValueError(f"'{shown(text)}' is not a valid date: {exc}") from None

    def iso(self) -> str:
        if self.precision == _YEAR:
            return f"{self.day.year:04d}"
        if self.precision == _MONTH:
            return f"{self.day.year:04d}-{self.day.month:02d}"
        return self.day.isoformat()

    def display(self) -> str:
        month = MONTHS[self.day.month - 1]
        if self.precision == _YEAR:
            return str(self.day.year)
        if self.precision == _MONTH:
            return f"{month} {self.day.year}"
        return f"{self.day.day} {month} {self.day.year}"

    def plus(self, amount: int, unit: str) -> GameDate:
        """Add days, months or years; the month arithmetic clamps to the month's last day.

        The calendar ends on 31 December 9999 (Python's `date.max`): a sum past it is that day,
        so no schedule, however far, and no edited save can stop the game (see "Limits" in
        docs/story-format.md)."""
        if unit.startswith("day"):
            ordinal = self.day.toordinal() + amount
            if ordinal > _LAST.toordinal():
                return GameDate(_LAST, _DAY)
            return GameDate(date.fromordinal(max(1, ordinal)), _DAY)
        months = amount * 12 if unit.startswith("year") else amount
        index = self.day.year * 12 + self.day.month - 1 + months
        year, month = divmod(index, 12)
        if year > _LAST.year:
            return GameDate(_LAST, self.precision)
        if year < 1:
            return GameDate(date.min, self.precision)
        day = min(self.day.day, _days_in_month(year, month + 1))
        return GameDate(date(year, month + 1, day), self.precision)


_LAST = date.max


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days
