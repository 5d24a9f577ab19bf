"""The words for a country's attitude toward the USSR, and the relation values they stand for.

One home for the scale: `attitude(country)` in expressions, the map's colours and legend, the
sidebar and the checker all read it from here."""

from __future__ import annotations

ATTITUDES = ("hostile", "cold", "wary", "neutral", "cordial", "friendly", "allied")  # coldest first


def attitude_word(value: float) -> str:
    """The word for a relation's value: hostile (-60 or less) .. allied (60 or more)."""
    if value <= -60:
        return "hostile"
    if value <= -30:
        return "cold"
    if value <= -10:
        return "wary"
    if value < 10:
        return "neutral"
    if value < 30:
        return "cordial"
    if value < 60:
        return "friendly"
    return "allied"
