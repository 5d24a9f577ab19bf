"""The names every story can read besides its own declarations: the calendar and the count of
decisions. The engine keeps them in `GameState.vars`; expressions read them; a save must hold
them. One home, so the expression language, the loader and the saves agree."""

from __future__ import annotations

YEAR, MONTH, DAY = DATE_NAMES = ("year", "month", "day")
DECISIONS = "decisions"  # how many choices the player has made
CALENDAR = (*DATE_NAMES, DECISIONS)
