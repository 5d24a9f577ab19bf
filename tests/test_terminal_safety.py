"""No control character from a story file, a save or an argument reaches the terminal.

Each front end runs in its own process (tests/hostile_launch.py plants the payload in every story
the loader returns, behind the loader's back), and its raw stdout and stderr bytes are searched
for what the payload would emit: a window-title OSC, a screen clear, BEL, a C1 CSI, a bidi
override, an SGR colour, NUL. The TUI is run in a pseudo-terminal the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import kremlin_tui
from hostile import FORBIDDEN, MARK, PAYLOAD, forbidden_in, plant_story_dir
from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story
from kremlin_tui.safetext import SafeStream, escape_char, json_text, safe, safe_line
from kremlin_tui.saves import SaveStore, build_document

TESTS = Path(__file__).parent
MINI = str(TESTS / "fixtures" / "mini")
LAUNCH = str(TESTS / "hostile_launch.py")


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KREMLIN_TUI")}
    env.update(PYTHONPATH=os.pathsep.join([str(Path(kremlin_tui.__file__).parent.parent), str(TESTS)]),
               HOME=str(tmp / "home"), KREMLIN_TUI_CACHE=str(tmp / "cache"), KREMLIN_TUI_SAVES=str(tmp / "saves"),
               KREMLIN_TUI_DATA=str(tmp / "data"), PYTHONIOENCODING="utf-8", **extra)
    return env


def run(tmp: Path, *args: str, stdin: bytes = b"", plant: bool = True, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, LAUNCH, *args], input=stdin, capture_output=True, timeout=60,
                          env=_env(tmp, HOSTILE_PLANT="1" if plant else "0", **env))


def assert_clean(result: subprocess.CompletedProcess[bytes]) -> None:
    for name, data in (("stdout", result.stdout), ("stderr", result.stderr)):
        assert not forbidden_in(data), (name, forbidden_in(data), data[-2000:])
        assert b"Traceback" not in data, data[-3000:]


@pytest.fixture
def story(tmp_path: Path) -> str:
    return plant_story_dir(MINI, str(tmp_path / "hostile-story"))


# -- the sanitiser itself ------------------------------------------------------------------------

def test_safe_makes_every_control_character_visible_and_keeps_text() -> None:
    assert safe("Trotsky’s «train» — 1924\n\tindent") == "Trotsky’s «train» — 1924\n\tindent"
    assert safe("a\x1b]0;x\x07b") == "a\\x1b]0;x\\x07b"
    assert safe("\x9b2J\x85\x7f\x00\r") == "\\x9b2J\\x85\\x7f\\x00\\r"
    assert safe("\u202eevil\u2066") == "\\u202eevil\\u2066"
    assert safe("\udc80") == "\\udc80"  # a lone surrogate (from a save's JSON) cannot be encoded
    assert safe_line("two\nlines\t") == "two\\nlines\\t"
    assert escape_char("\x1b") == "\\x1b"
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        shown = safe_line(chr(code))
        assert all(0x20 <= ord(c) < 0x7F for c in shown), hex(code)


def test_json_text_is_valid_json_without_raw_controls() -> None:
    value = {"k\x1b": PAYLOAD, "plain": "Trotsky’s"}
    text = json_text(value, indent=2)
    assert json.loads(text) == value
    assert "Trotsky’s" in text  # non-ASCII stays readable
    assert safe(text) == text  # nothing for the terminal to obey
    assert "\\u009b" in text and "\\u202e" in text


def test_safe_stream_filters_every_write() -> None:
    import io

    sink = io.StringIO()
    stream = SafeStream(sink)
    stream.write("title: " + PAYLOAD + "\n")
    assert safe(sink.getvalue()) == sink.getvalue()
    assert "PWNED" in sink.getvalue()


# -- each front end, in its own process -----------------------------------------------------------

def test_plain_mode_shows_planted_text_escaped(tmp_path: Path, story: str) -> None:
    result = run(tmp_path, "play", "--plain", "--seed", "1", "--story", story,
                 stdin=b"1\nstats\njournal\ncodex\nhelp\n")
    assert_clean(result)
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "\\x1b]0;PWNED\\x07" in out  # visible, so a writer sees what is in the file
    assert out.count("PWNED") >= 5  # title, text, label, result, stat label...


def test_graph_and_explore_and_check_outputs_are_clean(tmp_path: Path, story: str) -> None:
    for args in (["graph", "--story", story], ["graph", "--format", "mermaid", "--story", story],
                 ["explore", "--runs", "5", "--jobs", "1", "--story", story],
                 ["explore", "--runs", "5", "--jobs", "1", "--format", "json", "--story", story],
                 ["explore", "--to", "moscow", "--story", story], ["check", story], ["check", story, "--format", "json"]):
        result = run(tmp_path, *args)
        assert_clean(result)
        assert result.returncode in (0, 1), (args, result.stderr[-500:])
        if "json" in args:
            json.loads(result.stdout)
    graph = run(tmp_path, "graph", "--story", story)
    assert b"PWNED" in graph.stdout


def test_check_messages_quoting_hostile_keys_are_clean(tmp_path: Path, make_story) -> None:  # type: ignore[no-untyped-def]
    # The loader reads this YAML itself (no planting): "\e" and "\a" are YAML escapes for ESC
    # and BEL, in a key the checker reports as unknown, in a title, and in an id.
    hostile_yaml = '''
    nodes:
      - id: a
        title: "Start \\e]0;PWNED\\a\\e[2J"
        "x\\e]0;PWNED\\a\\e[2J\\u009b2J": 1
        text: "Hello \\e[31mred"
        choices:
          - {id: "b\\e[2J", label: Go, goto: end}
      - {id: end, title: End, text: Bye., ending: true}
    '''
    directory = make_story(hostile_yaml)
    for fmt in ("text", "json"):
        result = run(tmp_path, "check", directory, "--format", fmt, plant=False)
        assert_clean(result)
        assert result.returncode == 1
        if fmt == "json":
            report = json.loads(result.stdout)
            assert any("\x1b" in d["message"] or "\\x1b" in d["message"] or "control" in d["message"]
                       for d in report["errors"]), report
    text = run(tmp_path, "check", directory, plant=False)
    assert b"\\x1b" in text.stdout + text.stderr or b"control" in text.stdout + text.stderr
    played = run(tmp_path, "play", "--plain", "--story", directory, stdin=b"1\n", plant=False)
    assert_clean(played)


def _hostile_save(tmp_path: Path) -> Path:
    saves = tmp_path / "saves"
    game = Game.new(load_story([MINI], cache=False), 3)
    game.choose("back")
    document = build_document(game, slot="evil", kind="manual", saved_at=datetime.now(UTC), play_seconds=5.0)
    for key in ("scene_title", "chapter_title", "story_title", "date", "scene", "chapter"):
        document["meta"][key] = f"{key} {PAYLOAD}"
    document["meta"]["slot"] = "evil" + PAYLOAD
    for step in document["state"]["history"]:  # rows: [node, choice, date, title, label, ...]
        step[3] = "step " + PAYLOAD
        step[4] = "label " + PAYLOAD
    SaveStore(saves).write("evil", document)
    (saves / ("damaged" + "\x1b[2J" + ".json")).write_text("{" + PAYLOAD, encoding="utf-8")
    return saves


def test_saves_list_and_check_escape_save_metadata(tmp_path: Path) -> None:
    saves = _hostile_save(tmp_path)
    listed = run(tmp_path, "saves", "list", str(saves), plant=False)
    assert_clean(listed)
    assert listed.returncode == 0
    assert b"PWNED" in listed.stdout
    for fmt in ("text", "json"):
        checked = run(tmp_path, "saves", "check", str(saves), "--story", MINI, "--format", fmt, plant=False)
        assert_clean(checked)
        assert checked.returncode in (0, 1)
        if fmt == "json":
            json.loads(checked.stdout)


def test_plain_mode_loading_a_hostile_save_is_clean(tmp_path: Path) -> None:
    saves = _hostile_save(tmp_path)
    result = run(tmp_path, "play", "--plain", "--story", MINI, "--saves", str(saves),
                 stdin=b"saves\nload evil\njournal\n", plant=False)
    assert_clean(result)
    assert b"PWNED" in result.stdout


def test_arguments_echoed_in_errors_are_clean(tmp_path: Path) -> None:
    arg = PAYLOAD.replace("\x00", "")  # an argument cannot hold NUL
    for args in (["graph", "--chapter", arg, "--story", MINI], ["explore", "--to", arg, "--story", MINI],
                 ["explore", "--track", arg, "--story", MINI], ["check", arg], ["graph", "--format", arg],
                 ["saves", "list", "/nonexistent/" + arg], ["play", "--plain", "--story", arg], [arg]):
        result = run(tmp_path, *args, plant=False)
        assert_clean(result)
        allowed = (0, 1, 2) if args[0] == "saves" else (1, 2)  # a missing saves folder holds no saves yet
        assert result.returncode in allowed, (args, result.returncode, result.stderr)


def test_the_forbidden_list_would_catch_the_raw_payload() -> None:
    """The tests above can fail: the raw payload holds every forbidden sequence."""
    assert set(forbidden_in(PAYLOAD.encode())) == set(FORBIDDEN)
    assert not forbidden_in(safe(PAYLOAD).encode())
    assert MARK not in PAYLOAD


async def test_the_tui_shows_a_saves_control_characters_escaped(tmp_path: Path) -> None:
    """The load screen and the journal show what an edited save holds as visible escapes."""
    from textual.widgets import DataTable

    from kremlin_tui import present
    from kremlin_tui.saves import Session
    from kremlin_tui.tui.app import KremlinApp

    saves = _hostile_save(tmp_path)
    story = load_story([MINI], cache=False)
    app = KremlinApp([MINI], seed=1, saves_dir=str(saves), profile_dir=tmp_path / "profile", story=story)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        cells = [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]
        shown = "\n".join(cells)
        assert "\\x1b" in shown and "scene_title" in shown
        assert not any(ch in shown for ch in "\x1b\x07")
    session = Session(Game.new(story, 1), SaveStore(saves))
    session.load("evil")
    entries = present.journal(session.game)
    assert entries and all("\x1b" not in e.title + e.label for e in entries)
    assert "\\x1b" in entries[0].title
