"""A save's bytes (saves.document.encode): the readable layout (a history row, a name, a
variable per line) written with json's C encoder and direct fast paths for scalars and id lists,
held to what json.dumps itself writes for every value, so a save's bytes never depend on which
path wrote them."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import MINI

from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story
from kremlin_tui.saves import build_document
from kremlin_tui.saves.layout import encode

_ROWS = ("history", "names", "provenance", "vars", "visits", "scheduled")
_LINES = ("chosen", "fired", "codex")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def reference(document: dict[str, Any]) -> bytes:
    """The layout encode() promises, written with json.dumps alone (slow, obviously right)."""
    state = document["state"]
    marks: dict[str, str] = {}
    shell = dict(state)
    for key, value in state.items():
        if key in _ROWS and isinstance(value, list | dict) and value:
            if isinstance(value, dict):
                body = ",\n   ".join(f"{_dumps(k)}: {_dumps(v)}" for k, v in value.items())
                marks[f'"@{key}@"'] = "{\n   " + body + "\n  }"
            else:
                marks[f'"@{key}@"'] = "[\n   " + ",\n   ".join(_dumps(v) for v in value) + "\n  ]"
            shell[key] = f"@{key}@"
        elif key in _LINES and isinstance(value, list) and value:
            marks[f'"@{key}@"'] = _dumps(value)
            shell[key] = f"@{key}@"
    text = json.dumps({**document, "state": shell}, indent=1, ensure_ascii=False, allow_nan=False)
    for mark, shown in marks.items():
        text = text.replace(mark, shown, 1)
    return (text + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def played() -> dict[str, Any]:
    game = Game.new(load_story([str(MINI)], cache=False), 3)
    for pick in ("back", "vote"):
        game.choose(pick)
    return build_document(game, slot="s", kind="manual", saved_at=datetime(2024, 5, 1, tzinfo=UTC), play_seconds=61.5)


_NUMBER = st.one_of(st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False, width=64),
                    st.sampled_from([0.1, -0.0, 1e-7, 1e16, 2.5, -33.333333333333336]))
_SCALAR = st.one_of(_NUMBER, st.booleans(), st.text(max_size=12))


@settings(max_examples=150, deadline=None)
@given(values=st.dictionaries(st.text(min_size=1, max_size=8), _SCALAR, min_size=1, max_size=8),
       changes=st.lists(st.one_of(st.tuples(st.text(min_size=1, max_size=8), _SCALAR, _SCALAR),
                                  st.tuples(st.text(min_size=1, max_size=8), _SCALAR)), max_size=5),
       ids=st.lists(st.text(max_size=6), max_size=4), numbers=st.lists(st.integers(0, 99), min_size=1, max_size=4))
def test_the_bytes_are_what_json_dumps_writes_for_every_value(played: dict[str, Any], values: dict[str, Any],
                                                              changes: list[tuple[Any, ...]], ids: list[str],
                                                              numbers: list[int]) -> None:
    document = json.loads(json.dumps(played))
    state = document["state"]
    state["vars"] = {**state["vars"], **values}
    state["history"][0][6] = [list(c) for c in changes]
    state["fired"] = ids
    state["provenance"] = {"party": numbers, **{k: numbers for k in values}}
    data = encode(document)
    assert data == reference(document)
    assert json.loads(data) == document


def test_a_played_game_is_laid_out_a_decision_per_line(played: dict[str, Any]) -> None:
    # the layout's every part is in this document: a change without its old value, one with it,
    # variables, provenance left out (the history says the same), names, ids
    changes = [change for row in played["state"]["history"] for change in row[6]]
    assert {len(change) for change in changes} == {2, 3} and "provenance" not in played["state"]
    text = encode(played).decode("utf-8")
    assert text.encode("utf-8") == reference(played)
    rows = [json.loads(line.strip().rstrip(",")) for line in text.split('"history": [\n', 1)[1].split("\n  ]", 1)[0].splitlines()]
    assert rows == played["state"]["history"]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_value_json_cannot_hold_is_refused(played: dict[str, Any], bad: float) -> None:
    for where in ("vars", "history"):
        document = json.loads(json.dumps(played))
        if where == "vars":
            document["state"]["vars"]["party"] = bad
        else:
            document["state"]["history"][0][6][0][2] = bad
        with pytest.raises(ValueError, match="not JSON compliant"):
            encode(document)
