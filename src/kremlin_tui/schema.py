"""The JSON Schema for story files, generated from `spec.OBJECTS` (the loader's own rules)."""

from __future__ import annotations

import json
from typing import Any

from kremlin_tui.spec import OBJECTS, TAGS

ID_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"
DATE_PATTERN = r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$"


def _type(kind: str) -> dict[str, Any]:
    if kind.startswith("list:"):
        return {"type": "array", "items": {"$ref": f"#/$defs/{kind[5:]}"}}
    if kind.startswith("obj:"):
        return {"$ref": f"#/$defs/{kind[4:]}"}
    simple: dict[str, dict[str, Any]] = {
        "str": {"type": "string"},
        "text": {"type": "string"},
        "id": {"type": "string", "pattern": ID_PATTERN},
        "int": {"type": "integer"},
        "number": {"type": "number"},
        "bool": {"type": "boolean"},
        "date": {"anyOf": [{"type": "string", "pattern": DATE_PATTERN}, {"type": "integer"}]},
        "expr": {"type": ["string", "number", "boolean"]},
        "weight": {"type": ["string", "number"]},
        "effects": {"type": "array", "items": {"type": "string"}},
        "ids": {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
        "strs": {"type": "array", "items": {"type": "string"}},
        "tags": {"type": "array", "items": {"type": "string"}, "examples": [list(TAGS)]},
        "scalar": {"type": ["string", "boolean"]},
    }
    return dict(simple[kind])


def story_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for name, fields in OBJECTS.items():
        props: dict[str, Any] = {}
        for f in fields:
            prop = _type(f.type)
            if f.doc:
                prop["description"] = f.doc
            if f.enum:
                prop["enum"] = list(f.enum)
            props[f.name] = prop
        obj: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": props}
        required = [f.name for f in fields if f.required]
        if required:
            obj["required"] = required
        defs[name] = obj
    root = dict(defs.pop("file"))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kremlin-tui.invalid/story.schema.json",
        "title": "Kremlin TUI story file",
        "description": "One file of a Kremlin TUI story directory. See docs/story-format.md.",
        **root,
        "$defs": defs,
    }


def schema_text() -> str:
    return json.dumps(story_schema(), indent=2, ensure_ascii=False) + "\n"
