"""The JSON Schema for story files, generated from `spec.OBJECTS` (the loader's own rules)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from kremlin_tui.diagnostics import Collector, Pos
from kremlin_tui.spec import OBJECTS, TAGS
from kremlin_tui.yamlsource import YMap, YNode, YSeq, read_yaml_file

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
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
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


# -- validating files against the schema, as the game reads them -----------------------------

_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def plain_data(node: YNode | None) -> Any:
    """A positioned tree as JSON data, reading scalars as YAML 1.2's core schema does, except
    that a date stays the text it was typed as (`1924-01-21`), as the game reads it. PyYAML's
    own loader turns dates into date objects, which every JSON Schema validator rejects."""
    if node is None:
        return None
    if isinstance(node, YMap):
        return {key: plain_data(node.items[key]) for key in node.order}
    if isinstance(node, YSeq):
        return [plain_data(item) for item in node.items]
    text = node.text
    if not node.plain:
        return text
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if _INT.match(text) and len(text) < 100:
        return int(text)
    if _FLOAT.match(text) and len(text) < 100:
        return float(text)
    return text


def _position_of(root: YNode | None, path: Sequence[str | int]) -> Pos | None:
    node = root
    found = node.pos if node is not None else None
    for step in path:
        if isinstance(node, YMap) and isinstance(step, str) and step in node.items:
            found = node.key_pos(step) if step in node.key_marks else node.pos
            node = node.items[step]
            found = node.pos if not isinstance(node, YMap | YSeq) else found
        elif isinstance(node, YSeq) and isinstance(step, int) and 0 <= step < len(node.items):
            node = node.items[step]
            found = node.pos
        else:
            break
    return found


def validate_files(paths: Sequence[str], out: Collector) -> None:
    """Report every place where a file breaks the schema, with its position."""
    import jsonschema  # optional: `pip install "kremlin-tui[lsp]"`

    validator = jsonschema.Draft202012Validator(story_schema())
    for path in paths:
        tree = read_yaml_file(path, path, out)
        if tree is None:
            continue
        problems = sorted(validator.iter_errors(plain_data(tree)), key=lambda e: [str(p) for p in e.absolute_path])
        for problem in problems:
            pos = _position_of(tree, list(problem.absolute_path)) or Pos(path, 1, 1)
            where = "/".join(str(p) for p in problem.absolute_path) or "the file"
            message = problem.message if len(problem.message) < 200 else problem.message[:197] + "..."
            out.error(pos, "schema", f"{where}: {message}")
