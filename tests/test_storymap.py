"""The map in the manifest (`campaign.map`): read from the story, every mistake at its
file:line:col, the shipped campaign's map intact, and a story without a map still playable."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.conftest import TWO_SCENES

from kremlin_tui.checker import check_story
from kremlin_tui.loader import load_story
from kremlin_tui.paths import default_story_dir

MANIFEST_HEAD = """\
campaign:
  id: t
  title: T
  start: a
  start_date: 1924-01-21
"""
REST = """\
stats:
  - {id: party, label: Party, initial: 1}
relations:
  - {id: britain, name: Britain, initial: -20}
  - {id: japan, name: Japan, initial: 10}
""" + TWO_SCENES
GOOD_MAP = """\
  map:
    title: Attitudes
    land: n
    countries:
      - {letter: U, home: true, name: Soviet Union}
      - {letter: B, relation: britain}
      - {letter: J, relation: japan}
    regions:
      - name: West
        rows: |
          ~BB~nUU
          ~B~~nUU
        labels:
          - {row: 1, col: 2, text: UK}
      - name: East
        rows: |
          UU~J
          U~~J
"""


def write(tmp_path: Path, map_yaml: str) -> str:
    root = tmp_path / "story"
    root.mkdir(exist_ok=True)
    (root / "story.yaml").write_text(MANIFEST_HEAD + map_yaml + REST, encoding="utf-8")
    return str(root)


def errors(tmp_path: Path, map_yaml: str) -> list[str]:
    report = check_story([write(tmp_path, textwrap.indent(textwrap.dedent(map_yaml), "  "))])
    return [f"{d.pos.line}:{d.pos.col}: {d.message}" for d in report.errors]


def test_the_map_is_read_from_the_manifest(tmp_path: Path) -> None:
    story = load_story([write(tmp_path, GOOD_MAP)], cache=False)
    story_map = story.campaign.map
    assert story_map is not None
    assert story_map.title == "Attitudes" and story_map.sea == "~" and story_map.land == "n"
    assert [(c.letter, c.relation, c.name) for c in story_map.countries] == [
        ("U", "", "Soviet Union"), ("B", "britain", ""), ("J", "japan", "")]
    west, east = story_map.regions
    assert west.rows == ("~BB~nUU", "~B~~nUU") and east.rows == ("UU~J", "U~~J")
    assert [(label.row, label.col, label.text) for label in west.labels] == [(0, 1, "UK")]  # 1-based in the file


def test_the_map_survives_the_story_cache(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_MAP)
    first = load_story([path])
    again = load_story([path])  # decoded from the cache written by the first load
    assert again.campaign.map == first.campaign.map


def test_a_story_without_a_map_loads(tmp_path: Path) -> None:
    assert load_story([write(tmp_path, "")], cache=False).campaign.map is None


@pytest.mark.parametrize(("map_yaml", "expected"), [
    pytest.param("""\
      map:
        countries:
          - {letter: B, relation: britian}
        regions:
          - {name: W, rows: "~B"}
    """, "8:31: country 'B': unknown relation 'britian' (did you mean 'britain'?)", id="unknown-relation"),
    pytest.param("""\
      map:
        countries:
          - {letter: B, relation: britain}
          - {letter: B, relation: japan}
        regions:
          - {name: W, rows: "~B"}
    """, "9:18: letter 'B' already stands for 'britain'", id="duplicate-letter"),
    pytest.param("""\
      map:
        countries:
          - {letter: BB, relation: britain}
        regions:
          - {name: W, rows: "~"}
    """, "8:18: a country's letter must be one character (not a space), not 'BB'", id="long-letter"),
    pytest.param("""\
      map:
        countries:
          - {letter: U, home: true, relation: britain}
        regions:
          - {name: W, rows: "~U"}
    """, "8:9: country 'U' needs either 'relation' (a relation id) or 'home: true' (the player's own country), not both",
        id="home-and-relation"),
    pytest.param("""\
      map:
        countries:
          - {letter: B, relation: britain}
        regions:
          - name: West
            rows: |
              ~~BB~~
              ~~BX~~
    """, "13:14: letter 'X' in region 'West' is not a country's letter, the sea ('~') or land ('.'): "
         "add it to the map's countries", id="unknown-letter"),
    pytest.param("""\
      map:
        countries:
          - {letter: B, relation: britain}
        regions:
          - name: West
            rows: |
              ~~BB~~
              ~~BB~
    """, "13:11: row 2 of region 'West' is 5 letters wide; its first row is 6", id="ragged-row"),
    pytest.param("""\
      map:
        countries:
          - {letter: B, relation: britain}
        regions:
          - name: West
            rows: |
              ~~BB~~
            labels:
              - {row: 1, col: 4, text: BRITAIN}
    """, "14:27: label 'BRITAIN' at column 4 does not fit in region 'West' (6 columns wide)", id="label-too-long"),
    pytest.param("""\
      map:
        countries:
          - {letter: B, relation: britain}
        regions:
          - name: West
            rows: |
              ~~BB~~
            labels:
              - {row: 2, col: 1, text: UK}
    """, "14:19: label 'UK': row 2 is outside region 'West' (rows 1–1)", id="label-below"),
    pytest.param("""\
      map:
        countries:
          - {letter: B, relation: britain}
    """, "7:5: a map needs 'regions'", id="no-regions"),
])
def test_a_bad_map_is_an_error_at_its_position(tmp_path: Path, map_yaml: str, expected: str) -> None:
    assert errors(tmp_path, map_yaml) == [expected]


def test_the_shipped_map_colours_every_country_the_story_follows_on_the_map() -> None:
    story = load_story([str(default_story_dir())])
    story_map = story.campaign.map
    assert story_map is not None
    relations = {c.relation for c in story_map.countries if c.relation}
    assert relations == {"britain", "france", "spain", "germany", "poland", "italy", "japan", "kmt", "ccp"}
    assert {r.name for r in story_map.regions} == {"Europe", "East Asia"}
    drawn = "".join("".join(region.rows) for region in story_map.regions)
    assert all(c.letter in drawn for c in story_map.countries)
    assert any(label.text == "JAPAN" for region in story_map.regions for label in region.labels)
