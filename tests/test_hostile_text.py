"""Hostile re-tests of issue 12 (hostile input), with cases the first round did not try: raw
control characters written into a story file (a paste from a terminal, a mod made to harm),
not the double-quoted escapes (`"\\e"`) that tests/test_hostile_input.py covers."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import TWO_SCENES

from kremlin_tui.loader import load_story_with_diagnostics

NAMES = {"\x1b": " (ESC)", "\x07": " (BEL)", "\x00": " (NUL)", "\x7f": " (DEL)", "\x08": " (backspace)",
         "\x0b": " (vertical tab)", "\x0c": " (form feed)"}


def problems(path: str) -> list[str]:
    _story, diagnostics = load_story_with_diagnostics([path], cache=False)
    return [f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.col}: {d.message} [{d.code}]"
            for d in diagnostics if d.severity == "error"]


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00", "\x7f", "\x08", "\x0b", "\x0c", "\x9b", "\x90", "\x01"])
@pytest.mark.parametrize("bom", [False, True])
def test_a_raw_control_character_in_a_file_is_refused_where_it_is(make_story, char: str, bom: bool) -> None:  # type: ignore[no-untyped-def]
    """libyaml refuses the character before parsing and reports a byte offset ('in "<byte
    string>", position 49') at 1:1; the player needs the line and column, in characters (the
    text before it holds multi-byte letters), and the character named, never printed."""
    path = make_story(TWO_SCENES.replace("title: A", f"title: Ä € {char}]0;PWNED"))
    scenes = Path(path) / "scenes.yaml"
    if bom:
        scenes.write_bytes(codecs.BOM_UTF8 + scenes.read_bytes())
    assert problems(path) == [f"scenes.yaml:3:16: the control character U+{ord(char):04X}{NAMES.get(char, '')} "
                              "is not allowed in story text (only line breaks and tabs are) [control-char]"]


def test_check_names_a_raw_escape_on_one_line_with_its_position(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("text: a", "text: a \x1b]0;PWNED\x07 b"))
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "check", path], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith("scenes.yaml:4:13: error: the control character U+001B (ESC) is not allowed in "
                             "story text (only line breaks and tabs are) [control-char]"), result.stdout
    assert lines[1].startswith("1 error(s)"), result.stdout
    assert "\x1b" not in result.stdout + result.stderr and "byte string" not in result.stdout


def test_a_noncharacter_is_a_positioned_yaml_error(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(TWO_SCENES.replace("text: a", "text: a \ufffe b"))
    assert problems(path) == ["scenes.yaml:4:13: YAML syntax: the character U+FFFE is not allowed in a YAML file [yaml]"]


def test_a_mermaid_map_shows_hostile_titles_as_text_not_markup(make_story) -> None:  # type: ignore[no-untyped-def]
    """`graph --format mermaid` output is rendered in browsers (GitHub, docs): a title from a mod
    must not carry a `%%{init}%%` directive (read anywhere in the file), HTML, Markdown or an entity."""
    from kremlin_tui.graph import to_mermaid
    from kremlin_tui.loader import load_story

    title = "A %%{init: {'theme': 'dark'}}%% <img src=x onerror=alert(1)> `**b**` #quot; & B"
    path = make_story(TWO_SCENES.replace("title: A", f'title: "{title}"').replace("label: Go", 'label: "Go <b>%%"'))
    mermaid = to_mermaid(load_story([path], cache=False))
    assert '  a["A #37;#37;{init: {\'theme\': \'dark\'}}#37;#37; #lt;img src=x onerror=alert(1)#gt; #96;**b**#96; ' \
           '#35;quot; #amp; B"]' in mermaid
    assert '-->|"Go #lt;b#gt;#37;#37;"|' in mermaid
    assert not any(mark in mermaid for mark in ("%%", "<", "`", "#quot; &"))


@pytest.mark.parametrize("value", ["NaN", "nan", "-nan"])
def test_the_debugger_refuses_nan_for_a_stat(mini: str, value: str) -> None:
    """`:set party NaN` put NaN in the state: `stats` showed "nan" and the next decision ended
    the game with "internal error: cannot convert float NaN to integer"."""
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "play", "--plain", "--debug", "--story", mini,
                             "--seed", "1"], input=f":set party {value}\n1\nstats\n", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "[debug] 'party' is a number" in result.stdout
    assert "internal error" not in result.stderr
    standing = [line for line in result.stdout.split("> stats")[1].splitlines() if "Party standing" in line]
    assert standing and standing[0].split()[-1].isdigit(), standing


@pytest.mark.parametrize(("encoding", "name"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32"), ("utf-16-be", None)])
def test_a_file_saved_as_utf16_or_utf32_says_so(make_story, encoding: str, name: str | None) -> None:  # type: ignore[no-untyped-def]
    """An editor's "Unicode" save: "not valid UTF-8" alone sent the writer hunting for a bad byte."""
    path = make_story(TWO_SCENES)
    scenes = Path(path) / "scenes.yaml"
    scenes.write_bytes(scenes.read_text(encoding="utf-8").replace("title: A", "title: Ä").encode(encoding))
    [problem] = problems(path)
    assert problem.startswith("scenes.yaml:") and problem.endswith("[encoding]")
    if name:
        assert f"the file is not valid UTF-8: it was saved as {name} (it begins with a {name} byte order mark); save it as UTF-8" in problem
    else:
        assert "it looks saved as UTF-16 or UTF-32 (NUL bytes between the letters); save it as UTF-8" in problem
