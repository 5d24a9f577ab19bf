"""Plain mode measures text in terminal cells, not characters (p21hostile's finding: 5,000
zero-width spaces in a story printed as ~60 lines that look blank, and save names of emoji ran past
the terminal's edge), and `check` warns of runs of invisible or combining characters longer than
Unicode's stream-safe limit."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from tests.conftest import TWO_SCENES

from kremlin_tui import cells
from kremlin_tui.checker import check_story

FIXTURES = Path(__file__).parent / "fixtures"
ZWSP, ACUTE, ZWJ, WJ = "\u200b", "\u0301", "\u200d", "\u2060"


def test_cell_widths_are_those_the_tui_draws_with() -> None:
    for text in ["abc", "Трое", ZWSP * 40, "e" + ACUTE * 9, "🔒", "中文", "▲5", "\u00ad", "\u202e", "\u200d", "ᅠ"]:
        assert cells.cell_width(text) == cell_len(text), text


# Characters of one cell each: ASCII, Cyrillic, Latin-1 letters, the story's dashes, arrows and quotes.
ONE_CELL = st.text(st.sampled_from([*list("abc de-f  Жжё—▲▼’é\xa0"), " ", "-"]), max_size=200)


@settings(max_examples=300, deadline=None)
@given(ONE_CELL, st.integers(1, 40), st.sampled_from(["", "  ", "1. "]), st.sampled_from(["", "    "]),
       st.booleans(), st.booleans())
def test_where_every_character_is_one_cell_the_lines_are_textwraps(text: str, width: int, first: str, rest: str,
                                                                  hyphens: bool, long_words: bool) -> None:
    options = {"initial_indent": first, "subsequent_indent": rest, "break_on_hyphens": hyphens,
               "break_long_words": long_words}
    width += max(len(first), len(rest))
    assert cells.wrap(text, width, **options) == textwrap.wrap(text, width, **options)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*list("ab 中🔒"), ZWSP, ACUTE, "e" + ACUTE]), max_size=200).map("".join), st.integers(2, 30))
def test_wrapped_lines_fit_their_width_in_cells_and_lose_nothing(text: str, width: int) -> None:
    lines = cells.wrap(text, width)
    assert all(cell_len(line) <= width for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_combining_accent_stays_with_its_letter_when_a_word_is_broken() -> None:
    assert cells.wrap("e\u0301" * 6, 3) == ["e\u0301" * 3] * 2


def test_padding_is_by_cells() -> None:
    assert cells.ljust("中文", 6) == "中文  " and cells.ljust(ZWSP * 5 + "a", 3) == ZWSP * 5 + "a  "


def play(story: str, keys: str, home: Path) -> list[str]:
    env = {"HOME": str(home), "KREMLIN_TUI_CACHE": str(home / "cache"), "KREMLIN_TUI_SAVES": str(home / "saves"),
           "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(cells.__file__).parent.parent)}
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "play", "--plain", "--seed", "1", "--story", story],
                            input=keys, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_plain_mode_wraps_and_pads_by_cells(tmp_path: Path) -> None:
    """A storm of zero-width spaces, wide characters and emoji in the scene, a choice and a save's
    name: every line the game prints fits 80 cells (only the echo of what was typed may not),
    and no line is made of invisible characters alone."""
    story = tmp_path / "story"
    shutil.copytree(FIXTURES / "mini", story)
    scenes = story / "one.yaml"
    storm = ZWSP * 5000 + " A" + ("e" + ACUTE * 3) * 40 + " " + "中文" * 60 + " " + "🔒" * 45
    scenes.write_text(scenes.read_text(encoding="utf-8").replace("Lenin is dead.", "Lenin is dead." + storm)
                      .replace("label: Go on to Sukhumi", "label: Go on to Sukhumi " + "🚂" * 30 + " to the sea"),
                      encoding="utf-8")
    name = "🚂" * 30
    lines = play(str(story), f"save {name}\nsaves\nstats\n", tmp_path / "home")
    shown = [line for line in lines if not line.startswith("> ")]
    assert [line for line in shown if cell_len(line) > 80] == []
    assert [line for line in shown if line and not line.strip(ZWSP + " ")] == []  # no blank-looking line
    assert any(line.startswith("2. Go on to Sukhumi 🚂") for line in shown)
    assert sum(ZWSP in line for line in shown) == 1  # the storm is on one line, taking no room
    listed = [line for line in shown if name in line]
    assert len(listed) >= 2, lines  # "Saved as" and the listing, each within the width


def test_check_warns_of_runs_of_invisible_characters_where_they_are(make_story) -> None:  # type: ignore[no-untyped-def]
    """Runs of more than 30 (Unicode's stream-safe limit) in a text, a label, a title, a place
    and a codex entry, each with its position; 30 in a row, and accents each on its own letter,
    are fine."""
    body = TWO_SCENES.replace("text: a", f"text: a{ZWSP * 5000}b, and {'e' + ACUTE * 3} x{ACUTE * 30}y") \
        .replace("label: Go", f"label: Go {ZWJ * 31}") \
        .replace("title: A", f"title: A{ACUTE * 40}") \
        .replace("  - id: a\n", f"  - id: a\n    place: Here{WJ * 99}\n")
    path = make_story(body)
    report = check_story([path])
    assert report.errors == []
    found = sorted((w.pos.line, w.pos.col, w.message.split(":")[0]) for w in report.warnings if w.code == "invisible-run")
    assert found == [(3, 16, "in 'a' place"), (4, 13, "in 'a' title"), (5, 12, "in 'a'"), (7, 28, "in 'a.go' label")], found
    message = next(w.message for w in report.warnings if w.pos.line == 5)
    assert "5,000 invisible or combining characters in a row (from U+200B ZERO WIDTH SPACE)" in message


def test_check_warns_of_a_run_in_a_codex_entry_and_one_written_as_escapes(make_story, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A run written as `\\u200b` escapes is found in the text; its position is the scene's, as
    the characters are not in the file."""
    path = make_story(TWO_SCENES.replace("text: a", 'text: "a' + "\\u200b" * 31 + '"'))
    (Path(path) / "codex.yaml").write_text(f"codex:\n  - id: c\n    title: C\n    category: person\n    text: x{ACUTE * 31}\n",
                                           encoding="utf-8")
    found = sorted((Path(w.pos.path).name, w.pos.line, w.pos.col) for w in check_story([path]).warnings
                   if w.code == "invisible-run")
    assert found == [("codex.yaml", 5, 12), ("scenes.yaml", 2, 5)], found
