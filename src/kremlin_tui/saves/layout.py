"""A save document's bytes: indented UTF-8 JSON that a player or a writer can read and diff, a
decision a line. `encode` writes exactly what a json.dumps-only layout would (tests/test_saves_encode.py
holds it to one), but faster: a save is written after every decision, and issue 19 gives it 2 ms.
`document` says what the document holds; this module only lays it out."""

from __future__ import annotations

import json
import math
import secrets
from typing import Any


def encode(document: dict[str, Any]) -> bytes:
    """Indented, UTF-8, one key per line, one decision per line: a player or a writer can read
    and diff it. In the state, the history has a row per line, `names` and `provenance` an
    entry per line, and the lists of ids one line each."""
    state = document.get("state")
    if not isinstance(state, dict):
        return (json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    token = secrets.token_hex(8)  # stands for a value until it is written in its own layout
    shown: dict[str, str] = {}
    shell_state = dict(state)
    for key, value in state.items():
        layout = _LAYOUTS.get(key)
        if layout is not None and isinstance(value, list | dict) and value:
            shown[f'"{key}-{token}"'] = layout(value)
            shell_state[key] = f"{key}-{token}"
    text = json.dumps({**document, "state": shell_state}, indent=1, ensure_ascii=False, allow_nan=False)
    for marker, value in shown.items():
        text = text.replace(marker, value, 1)
    return (text + "\n").encode("utf-8")


def _compact(value: Any) -> str:
    """`json.dumps` without spaces; the scalars and the lists a save holds most of (ids, names,
    decision numbers) are written directly, as json.dumps would write them, without a call into
    the encoder each."""
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is float and -math.inf < value < math.inf:  # NaN and infinities go to the encoder, which refuses them
        return float.__repr__(value)
    if kind is list and all(type(x) is str for x in value):
        return "[" + ",".join(map(_json_string, value)) + "]"
    if kind is list and all(type(x) is int for x in value):
        return "[" + ",".join(map(int.__repr__, value)) + "]"
    return _json_compact(value)


_json_string = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes for a str
_compact_encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _refuse(value: object) -> None:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")) with json's C
# encoder made once: json.dumps builds a new encoder (and a closure) on every call, a history row
# each, ~100 a save. Without the C module (another Python), the encoder above.
if json.encoder.c_make_encoder is not None:
    _c_compact = json.encoder.c_make_encoder(None, _refuse, _json_string, None, ":", ",", False, False, False)
    # a mapping of scalars laid out an entry a line in one call: `{"a": 1,\n   "b": 2}`
    _c_entries: Any = json.encoder.c_make_encoder(None, _refuse, _json_string, None, ": ", ",\n   ", False, False, False)

    def _json_compact(value: Any) -> str:
        return "".join(_c_compact(value, 0))
else:  # pragma: no cover
    _json_compact = _compact_encoder.encode
    _c_entries = None

_SCALARS = frozenset((str, int, float, bool, type(None)))  # exact types: a subclass takes the general path


def _rows(values: Any) -> str:
    """An entry (a history row, a variable) a line, each entry compact."""
    if isinstance(values, dict):
        if _c_entries is not None and all(type(v) in _SCALARS for v in values.values()):
            return "{\n   " + "".join(_c_entries(values, 0))[1:-1] + "\n  }"  # vars, visits, scheduled
        return "{\n   " + ",\n   ".join(f"{_compact(k)}: {_compact(v)}" for k, v in values.items()) + "\n  }"
    return "[\n   " + ",\n   ".join(_json_compact(v) if type(v) is list else _compact(v) for v in values) + "\n  ]"


# vars, visits and scheduled are laid out exactly as json.dumps(indent=1) lays them out, but each
# entry by the C encoder (json's indented encoder is pure Python: vars alone was a quarter of encode)
_LAYOUTS = {"history": _rows, "names": _rows, "provenance": _rows, "chosen": _compact, "fired": _compact,
            "codex": _compact, "vars": _rows, "visits": _rows, "scheduled": _rows}
