"""Loading: every problem reported with path:line:col, hostile files refused, nothing raised."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import TWO_SCENES

from kremlin_tui.diagnostics import Collector, StoryError
from kremlin_tui.loader import load_story, load_story_with_diagnostics
from kremlin_tui.storyfiles import MAX_FILE_BYTES
from kremlin_tui.yamlsource import parse_yaml_bytes


def errors_of(path: str) -> list[str]:
    story, diagnostics = load_story_with_diagnostics([path], cache=False)
    assert story is None
    return [f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.col}: {d.message}" for d in diagnostics if d.severity == "error"]


def test_a_clean_story_loads(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(TWO_SCENES)])
    assert set(story.nodes) == {"a", "end"}


def test_all_errors_are_collected_with_positions(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: |
              Hello {partyy}. {if  nope}x{end}
            choises: []
            choices:
              - id: go
                label: Go
                if: party >
                goto: nowhere
              - id: go
                label: Again
                effects: [party += 'x', flag_a += 1, mood = 'furious', unknown = 3]
                goto: end
        endings:
          - {id: end, title: End, text: done}
          - {id: a, title: Duplicate, text: dup}
    """)
    found = errors_of(path)
    expected = [
        "scenes.yaml:5:14: text: unknown name 'partyy' (did you mean 'party'?)",
        "scenes.yaml:5:28: text: unknown name 'nope'",  # counted from the expression, not the spaces before it
        "scenes.yaml:6:5: unknown key 'choises' in a node (did you mean 'choices'?)",
        "scenes.yaml:10:20: condition: expected a value, found the end of the expression",
        "scenes.yaml:14:28: effect: 'party' is a number",
        "scenes.yaml:14:33: effect: 'flag_a' is a flag; write 'flag_a = ...'",
        "scenes.yaml:14:53: effect: 'mood' is one of calm, angry; not 'furious'",
        "scenes.yaml:14:64: effect: unknown name 'unknown'",
        "scenes.yaml:18:10: 'a' is already defined at ",
        "scenes.yaml:12:9: choice 'go' appears twice in 'a'",
        "scenes.yaml:11:15: goto: unknown scene 'nowhere'",
    ]
    for message in expected:
        assert any(f.startswith(message) for f in found), (message, found)
    assert len(found) == len(expected)


def test_bad_yaml_is_reported_at_its_position(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("nodes:\n  - id: a\n    title: [unclosed\n")
    (found,) = errors_of(path)  # and no cascade of "unknown scene" errors from the missing scenes
    assert found.startswith("scenes.yaml:4:1: YAML syntax")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("x: !!python/object/apply:os.system ['echo hi']\n", "YAML tags"),
        ("x: !custom 1\n", "YAML tags"),
        ("a: &x [1, 2]\nb: *x\n", "anchors and aliases"),
        ("---\na: 1\n---\nb: 2\n", "one YAML document"),
        ("a: 1\na: 2\n", "appears twice"),
    ],
)
def test_hostile_yaml_is_refused(body: str, fragment: str) -> None:
    out = Collector()
    assert parse_yaml_bytes(body.encode(), "f.yaml", out) is None
    assert fragment in out.items[0].message


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    out = Collector()
    started = time.perf_counter()
    assert parse_yaml_bytes("\n".join(lines).encode(), "bomb.yaml", out) is None
    assert time.perf_counter() - started < 1
    assert "aliases" in out.items[0].message


def test_deep_nesting_is_refused_without_crashing() -> None:
    out = Collector()
    assert parse_yaml_bytes(("[" * 200_000 + "]" * 200_000).encode(), "deep.yaml", out) is None
    # our own limit, or (PyYAML >= 6.0.4) libyaml's, whichever the input reaches first
    assert "nests deeper" in out.items[0].message or "nesting depth" in out.items[0].message
    out = Collector()
    block = "".join(" " * i + f"k{i}:\n" for i in range(80)) + " " * 80 + "x: 1\n"  # nested block mappings
    assert parse_yaml_bytes(block.encode(), "deep.yaml", out) is None
    assert "nests deeper than 64" in out.items[0].message


def test_invalid_utf8_is_reported_at_the_byte(make_story, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES)
    Path(path, "scenes.yaml").write_bytes(b"nodes:\n  - id: a\n    title: caf\xe9\n")
    (found,) = errors_of(path)
    assert found == "scenes.yaml:3:15: the file is not valid UTF-8"


def test_huge_files_are_refused(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES)
    Path(path, "huge.yaml").write_bytes(b"# " + b"x" * (MAX_FILE_BYTES + 10))
    assert any("larger than" in f for f in errors_of(path))


def test_a_missing_manifest_and_directory_are_reported(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.yaml").write_text(TWO_SCENES)
    assert any("no file declares the 'campaign'" in f for f in errors_of(str(tmp_path / "s")))
    assert any("does not exist" in f for f in errors_of(str(tmp_path / "missing")))


def test_story_error_lists_everything(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("nodes:\n  - id: a\n")
    with pytest.raises(StoryError) as info:
        load_story([path], cache=False)
    assert len(info.value.diagnostics) >= 2


def test_labels_that_look_like_booleans_stay_text(make_story) -> None:  # type: ignore[no-untyped-def]
    story = load_story([make_story(TWO_SCENES.replace("label: Go", "label: No"))])
    assert story.nodes["a"].choices[0].label.source == "No"


def test_mods_add_scenes_and_choices_to_existing_scenes(make_story, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = make_story(TWO_SCENES)
    mod = tmp_path / "mod"
    mod.mkdir()
    (mod / "mod.yaml").write_text(
        "flags:\n  - {id: mod_flag, description: Set by the mod.}\n"
        "nodes:\n  - id: mod_scene\n    title: Mod\n    text: m\n    choices:\n      - {id: back, label: Back, goto: end}\n"
        "extend:\n  - node: a\n    choices:\n      - {id: to_mod, label: To the mod, effects: [mod_flag = true], goto: mod_scene}\n"
    )
    story = load_story([base, str(mod)], cache=False)
    assert [c.id for c in story.nodes["a"].choices] == ["go", "to_mod"]
    (mod / "dup.yaml").write_text("extend:\n  - node: a\n    choices:\n      - {id: go, label: Dup, goto: end}\n")
    assert any("already has a choice 'go'" in f for f in errors_of_dirs([base, str(mod)]))


def errors_of_dirs(dirs: list[str]) -> list[str]:
    _story, diagnostics = load_story_with_diagnostics(dirs, cache=False)
    return [d.message for d in diagnostics if d.severity == "error"]


def test_the_cache_is_used_when_warm_and_ignored_when_damaged(make_story, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os

    from kremlin_tui import cache

    path = make_story(TWO_SCENES)
    first = load_story([path])
    key = cache.cache_key(first.content_hash, [path])
    entry = Path(os.environ["KREMLIN_TUI_CACHE"]) / f"story-{key[:40]}.json"
    assert cache.read(first.content_hash, [path]) is not None
    entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")  # damaged payload
    assert cache.read(first.content_hash, [path]) is None
    again = load_story([path])  # rebuilt, not taken from the damaged file
    assert set(again.nodes) == set(first.nodes)
    Path(path, "scenes.yaml").write_text(TWO_SCENES.replace("title: A", "title: Changed"))
    assert load_story([path]).nodes["a"].title == "Changed"  # a stale cache is never used


yaml_text = st.recursive(
    st.one_of(st.text(max_size=12), st.integers().map(str), st.sampled_from(["true", "null", "~", "- x", "{a: 1}"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(["id", "nodes", "title", "text", "choices", "goto", "x"]), inner, max_size=4).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
        ),
    ),
    max_leaves=12,
)


@given(st.one_of(st.binary(max_size=200), yaml_text.map(str.encode)))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_files_never_raise(make_story, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES)
    Path(path, "scenes.yaml").write_bytes(b"nodes: " + data)
    story, diagnostics = load_story_with_diagnostics([path], cache=False)
    assert story is not None or any(d.severity == "error" for d in diagnostics)


def test_content_tags_outside_the_vocabulary_are_named(make_story) -> None:  # type: ignore[no-untyped-def]
    """A misspelt content warning would reach the player as it is: `check` names it (a tag of
    the story's own is allowed, so it is a warning)."""
    path = make_story(TWO_SCENES.replace("    text: a\n", "    text: a\n    tags: [war, viloence]\n"))
    story, diagnostics = load_story_with_diagnostics([path], cache=False)
    assert story is not None and story.nodes["a"].tags == ("war", "viloence")
    assert [(Path(d.pos.path).name, d.pos.line, d.pos.col, d.severity, d.code, d.message) for d in diagnostics] == [
        ("scenes.yaml", 5, 17, "warning", "unknown-tag", "content tag 'viloence' is not one of famine, violence, "
         "repression, antisemitism, war or death (a tag of the story's own is shown as written)")]


def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    """`check story story`, or a story and a folder inside it: each file once, as a linked folder
    already was (was: every id of the story "already defined" at its own line)."""
    import shutil

    mini = Path(__file__).parent / "fixtures" / "mini"
    story = tmp_path / "story"
    shutil.copytree(mini, story)
    (story / "more").mkdir()
    (story / "one.yaml").rename(story / "more" / "one.yaml")
    once = load_story_with_diagnostics([str(story)], cache=False)
    assert once.story is not None and not once.errors
    for dirs in ([story, story], [story, story / "more"], [story / "more", story, story / "more"]):
        loaded = load_story_with_diagnostics([str(d) for d in dirs], cache=False)
        assert loaded.story is not None and [str(d) for d in loaded.diagnostics] == [str(d) for d in once.diagnostics]
        assert sorted(loaded.story.nodes) == sorted(once.story.nodes)


def test_an_editors_unsaved_text_is_held_to_a_files_limits(tmp_path: Path) -> None:
    """The language server checks unsaved text (an overlay): a 9 MB document was parsed for
    seconds though `check` refuses such a file, and a lone surrogate (valid JSON from an editor)
    stopped the check with UnicodeEncodeError instead of a positioned encoding error."""
    import os
    import shutil

    from kremlin_tui.checker import check_story

    story = tmp_path / "story"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", story)
    path = os.path.realpath(story / "one.yaml")
    text = Path(path).read_text(encoding="utf-8")
    huge = check_story([str(story)], {path: text + "#" * MAX_FILE_BYTES})
    assert [(d.code, d.pos.line) for d in huge.errors] == [("too-large", 1)]
    surrogate = check_story([str(story)], {path: text + "\n# \ud800\n"})
    assert [d.code for d in surrogate.errors] == ["encoding"] and surrogate.errors[0].pos.line > 1
