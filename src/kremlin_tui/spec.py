"""What each object in a story file may contain. The loader validates against it and
`kremlin-tui schema` turns it into a JSON Schema, so the two can never disagree."""

from __future__ import annotations

from enum import StrEnum

from kremlin_tui.records import dataclass


@dataclass(frozen=True)
class Field:
    """One key of a story file's object: the loader validates against it, `schema` describes it."""

    name: str
    type: str  # str, text, id, int, number, bool, date, expr, weight, effects, ids, strs, labels, list:X, obj:X
    required: bool = False
    doc: str = ""
    enum: tuple[str, ...] = ()


TAGS = ("famine", "violence", "repression", "antisemitism", "war", "death")
CATEGORIES = ("person", "party", "term", "place", "event")
class Polarity(StrEnum):
    """Which way a stat is good: up (higher is better), down (higher is worse), neutral."""

    UP = "up"
    DOWN = "down"
    NEUTRAL = "neutral"


POLARITIES = tuple(p.value for p in Polarity)
RESTS_AT = ("min", "max")

OBJECTS: dict[str, tuple[Field, ...]] = {
    "file": (
        Field("campaign", "obj:campaign", doc="The manifest (one per story)."),
        Field("chapters", "list:chapter", doc="Chapters, in order."),
        Field("stats", "list:stat", doc="Numeric stats, visible or hidden."),
        Field("relations", "list:relation", doc="Countries and their attitude toward the USSR."),
        Field("flags", "list:flag", doc="Named facts: true/false or one of a list of values."),
        Field("chapter", "id", doc="Default chapter of the scenes in this file."),
        Field("nodes", "list:node", doc="Scenes and events."),
        Field("endings", "list:ending", doc="Endings."),
        Field("codex", "list:codex", doc="Codex entries."),
        Field("extend", "list:extend", doc="Choices added to scenes defined elsewhere."),
    ),
    "campaign": (
        Field("id", "id", True, "The story's identity; saves record it."),
        Field("title", "str", True, "The game's title."),
        Field("start", "id", True, "The first scene."),
        Field("start_date", "date", True, "The calendar's first day."),
        Field("tagline", "str", doc="One line under the title on the title screen."),
        Field("premise", "str", doc="One paragraph shown on the title screen."),
        Field("content_note", "str", doc="What the game depicts, shown before it starts."),
        Field("map", "obj:map", doc="The map screen: regions drawn as grids of letters, one letter per country."),
    ),
    "map": (
        Field("title", "str", doc="The line above the map (default: Map)."),
        Field("sea", "str", doc="The letter that draws the sea (default ~)."),
        Field("land", "str", doc="The letter that draws land of no listed country (default .)."),
        Field("countries", "list:map_country", True, "What each letter of the grids stands for."),
        Field("regions", "list:map_region", True, "The panels, side by side (one under another on narrow screens)."),
    ),
    "map_country": (
        Field("letter", "str", True, "One character, used in the regions' rows."),
        Field("relation", "id", doc="The relation whose attitude colours this country."),
        Field("home", "bool", doc="The player's own country (drawn in its own colour); give `name`, not `relation`."),
        Field("name", "str", doc="The legend's name for the player's own country."),
    ),
    "map_region": (
        Field("name", "str", True, "e.g. Europe (named in messages)."),
        Field("rows", "text", True, "A `|` block: one line per row, all the same width."),
        Field("labels", "list:map_label", doc="Names written onto the map."),
    ),
    "map_label": (
        Field("row", "int", True, "Counted from 1, top row first."),
        Field("col", "int", True, "Counted from 1, leftmost letter first."),
        Field("text", "str", True, "Must fit inside the row."),
    ),
    "chapter": (
        Field("id", "id", True),
        Field("title", "str", True),
        Field("years", "str", doc="e.g. 1924–1926"),
    ),
    "stat": (
        Field("id", "id", True),
        Field("label", "str", True, "What the player reads."),
        Field("min", "number", doc="Lowest value (default 0)."),
        Field("max", "number", doc="Highest value (default 100)."),
        Field("initial", "number", True),
        Field("description", "str"),
        Field("hidden", "bool", doc="Never shown as a number."),
        Field("polarity", "str", doc="up: higher is good; down: higher is bad.", enum=POLARITIES),
        Field("rests_at", "str", doc="A hidden counter whose bound means 'it never happened': min or max. "
              "The dead-stat report lists its stays there as at rest, not stuck.", enum=RESTS_AT),
    ),
    "relation": (
        Field("id", "id", True),
        Field("name", "str", True),
        Field("initial", "number", True, "-100 (hostile) .. 100 (allied)"),
        Field("min", "number"),
        Field("max", "number"),
        Field("description", "str"),
    ),
    "flag": (
        Field("id", "id", True),
        Field("description", "str", True, "One line: what happened."),
        Field("values", "strs", doc="The values the flag can take; omit for true/false."),
        Field("labels", "labels", doc="What a player reads for each value when Why? puts a condition into words, "
              "e.g. {zinoviev_kamenev: with Zinoviev and Kamenev}; an unlabelled value is shown as its id."),
        Field("initial", "scalar", doc="Starting value: false by default, or the first of `values`."),
    ),
    "node": (
        Field("id", "id", True, "Stable id: saves refer to it."),
        Field("title", "str", True),
        Field("text", "text", True, "Markdown with {expr} and {if}...{end}."),
        Field("date", "date", doc="YYYY-MM-DD, YYYY-MM or YYYY; moves the calendar."),
        Field("place", "str"),
        Field("chapter", "id"),
        Field("tags", "tags", doc="Content tags: " + ", ".join(TAGS) + "."),
        Field("codex", "ids", doc="Codex entries this scene unlocks."),
        Field("choices", "list:choice"),
        Field("event", "obj:event", doc="Makes the scene an event that fires when due."),
        Field("repeatable", "bool", doc="The scene may be shown more than once in a game (a hub); "
              "`explore` reports any other scene shown twice as an error."),
    ),
    "event": (
        Field("after", "date", doc="Not before this date."),
        Field("before", "date", doc="Not after this date."),
        Field("if", "expr", doc="Condition that must hold."),
        Field("priority", "int", doc="Higher first when several are due."),
        Field("scheduled", "bool", doc="Fires only when an effect schedules it."),
    ),
    "choice": (
        Field("id", "id", True, "Stable id, unique in the scene."),
        Field("label", "text", True, "One line; hint at the cost."),
        Field("if", "expr", doc="Hidden (or locked) unless this holds."),
        Field("locked", "str", doc="Show the choice dimmed with this reason when `if` fails."),
        Field("once", "bool", doc="Disappears after it is taken."),
        Field("fallback", "bool", doc="Shown only when nothing else is available."),
        Field("effects", "effects"),
        Field("result", "text", doc="Shown after the choice: what happened."),
        Field("goto", "id", doc="The next scene or ending."),
        Field("outcomes", "list:outcome", doc="Weighted random outcomes instead of goto."),
        Field("hide_effects", "bool", doc="Don't preview the choice's stat changes."),
    ),
    "outcome": (
        Field("weight", "weight", doc="Number or expression (default 1)."),
        Field("effects", "effects"),
        Field("result", "text"),
        Field("goto", "id", doc="Defaults to the choice's goto."),
    ),
    "ending": (
        Field("id", "id", True),
        Field("title", "str", True),
        Field("text", "text", True, "The epilogue."),
        Field("divergence", "text", doc="How this history diverged from ours."),
        Field("date", "date"),
        Field("place", "str"),
        Field("chapter", "id"),
        Field("tags", "tags"),
        Field("codex", "ids"),
    ),
    "codex": (
        Field("id", "id", True),
        Field("title", "str", True),
        Field("category", "str", True, enum=CATEGORIES),
        Field("text", "text", True),
        Field("match", "strs", doc="Words that unlock the entry when a shown scene contains them."),
    ),
    "extend": (
        Field("node", "id", True, "A scene defined elsewhere."),
        Field("choices", "list:choice", True),
        Field("repeatable", "bool", doc="The scene may now be shown more than once in a game "
              "(a choice added here leads to a scene that returns to it)."),
    ),
}
