"""A flag's `labels`: the words a player reads for each of its values (issue 16: Why? printed
"…Fourteenth Congress: zinoviev kamenev"). Read and checked by the loader, kept by the cache,
used by Why? in both front ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from kremlin_tui.expr import parse
from kremlin_tui.loader import load_story, load_story_with_diagnostics
from kremlin_tui.why import say

SCENES = """\
nodes:
  - id: a
    title: The Congress
    text: The hall is full.
    choices:
      - {id: left, label: Side with the left, effects: ["bloc = 'left_opposition'"], goto: b}
  - id: b
    title: After
    text: It is done.
    choices:
      - {id: go, label: Go on, goto: end}
      - {id: right, label: Only with the right, if: "bloc == 'right'", locked: Not now., goto: end}
endings:
  - {id: end, title: End, text: Over.}
"""

FLAG = """\
campaign: {{id: t, title: Test, start: a, start_date: 1925-12}}
flags:
  - id: bloc
    description: The alliance you made.
    values: [none, left_opposition, right]
{labels}"""


def story_dir(tmp_path: Path, labels: str, name: str = "story") -> str:
    root = tmp_path / name
    root.mkdir()
    (root / "manifest.yaml").write_text(FLAG.format(labels=labels), encoding="utf-8")
    (root / "scenes.yaml").write_text(SCENES, encoding="utf-8")
    return str(root)


def errors(tmp_path: Path, labels: str) -> list[str]:
    story, diagnostics = load_story_with_diagnostics([story_dir(tmp_path, labels)], cache=False)
    assert story is None
    return [f"{d.pos.line}:{d.pos.col}: {d.message}" for d in diagnostics if d.severity == "error"]


def test_labels_are_read_and_used_in_the_words_of_a_condition(tmp_path: Path) -> None:
    story = load_story([story_dir(tmp_path, "    labels: {left_opposition: with the Left Opposition, right: \"with Bukharin, Rykov\"}\n")])
    flag = story.flags["bloc"]
    assert flag.labels == (("left_opposition", "with the Left Opposition"), ("right", "with Bukharin, Rykov"))
    assert say(parse("bloc == 'left_opposition'"), story) == "The alliance you made: with the Left Opposition"
    assert say(parse("bloc != 'right'"), story) == "The alliance you made: “none” or “with the Left Opposition”"
    assert say(parse("bloc == 'none'"), story) == "The alliance you made: none"  # unlabelled: its id, in words


def test_not_a_value_names_the_others_or_says_decided(tmp_path: Path) -> None:
    """`bloc != 'none'` is one of the other values: "not none" (or "not not yet made") reads badly,
    as does "not no one: the USSR fought alone" for a value other than the starting one."""
    story = load_story([story_dir(tmp_path, "    labels: {none: not yet made, right: \"with Bukharin, Rykov\"}\n")])
    assert say(parse("bloc != 'none'"), story) == "The alliance you made: “left opposition” or “with Bukharin, Rykov”"
    assert say(parse("bloc != 'right'"), story) == "The alliance you made: “not yet made” or “left opposition”"  # 'none' is still possible
    many = FLAG.replace("[none, left_opposition, right]", "[none, left_opposition, right, centre, army]")
    (Path(story_dir(tmp_path, "", "many")) / "manifest.yaml").write_text(many.format(labels=""), encoding="utf-8")
    many_story = load_story([str(tmp_path / "many")])
    assert say(parse("bloc != 'none'"), many_story) == "The alliance you made: decided"
    # past three others, the one value excluded is named, in quotes (labels hold colons and commas)
    assert say(parse("bloc != 'army'"), many_story) == "The alliance you made: not “army”"


def test_an_unlabelled_value_is_its_id_in_words(tmp_path: Path) -> None:
    story = load_story([story_dir(tmp_path, "    labels: {right: with the Right}\n")])
    assert say(parse("bloc == 'right'"), story) == "The alliance you made: with the Right"
    assert say(parse("bloc == 'left_opposition'"), story) == "The alliance you made: left opposition"


def test_labels_survive_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KREMLIN_TUI_CACHE", str(tmp_path / "cache"))
    directory = story_dir(tmp_path, "    labels: {right: with the Right}\n")
    cold = load_story([directory])
    warm = load_story([directory])
    assert warm.flags["bloc"].labels == cold.flags["bloc"].labels == (("right", "with the Right"),)


@pytest.mark.parametrize(("labels", "message"), [
    ("    labels: {rihgt: with the Right}\n",
     "6:14: flag 'bloc': label for 'rihgt', which is not one of its values (did you mean 'right'?)"),
    ("    labels: {right: with Bukharin, Rykov}\n",
     "6:36: flag 'bloc': label for 'Rykov', which is not one of its values; its values: none, left_opposition, right"),
    ("    labels: {right: with Bukharin, Rykov and Tomsky}\n",
     "6:36: flag 'bloc': label for 'Rykov and Tomsky', which is not one of its values; its values: none, "
     "left_opposition, right (a label with a comma in it needs quotes)"),
    ("    labels: [with the Right]\n", "6:13: flag 'bloc': labels must be a mapping of value: words, e.g. {right: …}"),
    ("    labels: {right: ''}\n", "6:21: flag 'bloc': the label of 'right' is empty"),
])
def test_bad_labels_are_errors_at_their_place(tmp_path: Path, labels: str, message: str) -> None:
    assert errors(tmp_path, labels) == [message]


def test_labels_on_a_true_false_flag_are_an_error(tmp_path: Path) -> None:
    root = tmp_path / "tf"
    root.mkdir()
    (root / "manifest.yaml").write_text("campaign: {id: t, title: T, start: a, start_date: 1925}\nflags:\n"
                                        "  - {id: went, description: You went., labels: {true: gone}}\n", encoding="utf-8")
    (root / "scenes.yaml").write_text(SCENES.replace("bloc = 'left_opposition'", "went = true").replace("bloc == 'right'", "went"),
                                      encoding="utf-8")
    _story, diagnostics = load_story_with_diagnostics([str(root)], cache=False)
    assert [d.message for d in diagnostics if d.severity == "error"] == [
        "flag 'went': labels are for a flag with values; a true/false flag is put into words by its description"]


def test_the_shipped_campaign_labels_the_value_issue_16_found_raw() -> None:
    story = load_story([str(Path(__file__).resolve().parent.parent / "story")])
    words = say(parse("bloc == 'zinoviev_kamenev'"), story)
    assert words.endswith(": with Zinoviev and Kamenev") and "zinoviev kamenev" not in words


def _shipped_enumerated_flags() -> list[str]:
    story = load_story([str(Path(__file__).resolve().parent.parent / "story")])
    return sorted(name for name, flag in story.flags.items() if flag.values is not None)


@pytest.mark.parametrize("name", _shipped_enumerated_flags())
def test_every_value_of_every_shipped_enumerated_flag_has_words(name: str) -> None:
    """Why? says "description: label" for every condition on a flag with values; a value with no
    label reaches the player as its id ("germany outcome … civil war", "storm alert … depth")."""
    flag = load_story([str(Path(__file__).resolve().parent.parent / "story")]).flags[name]
    labels = dict(flag.labels)
    assert [value for value in flag.values or () if value not in labels] == [], f"flag {name!r}: values without a label"
    assert all(words.strip() for words in labels.values())
