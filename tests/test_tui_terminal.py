"""The TUI as a terminal sees it: the bytes it writes to a pseudo-terminal.

- planted escapes in story text never reach the terminal raw (the last-step filter in
  tui/safe_render.py, in front of Textual's own rendering);
- TERM=dumb plays in plain mode, with a note, instead of drawing a screen it cannot;
- SIGTERM, SIGHUP and SIGINT autosave, leave the alternate screen, switch mouse reporting off and
  exit with 128 + the signal number.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pytest

import kremlin_tui
from hostile import forbidden_in, plant_story_dir
from ptyterm import PtyRun, spawn

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs a POSIX pty")

TESTS = Path(__file__).parent
MINI = str(TESTS / "fixtures" / "mini")
LAUNCH = str(TESTS / "hostile_launch.py")
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"
# Textual's own pointer-shape sequence ends with BEL; it is not from the story.
_TEXTUAL_OSC = re.compile(rb"\x1b\]22;[^\x07\x1b]*\x07")


def _env(tmp: Path, term: str = "xterm-256color", plant: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KREMLIN_TUI", "TEXTUAL"))}
    env.update(PYTHONPATH=os.pathsep.join([str(Path(kremlin_tui.__file__).parent.parent), str(TESTS)]),
               HOME=str(tmp / "home"), KREMLIN_TUI_CACHE=str(tmp / "cache"), KREMLIN_TUI_DATA=str(tmp / "data"),
               TERM=term, HOSTILE_PLANT="1" if plant else "0", PYTHONIOENCODING="utf-8")
    return env


def _start(tmp: Path, story: str, *, term: str = "xterm-256color", plant: bool = False) -> PtyRun:
    saves = tmp / "saves"
    run = spawn([sys.executable, LAUNCH, "play", "--story", story, "--saves", str(saves), "--seed", "1"],
                _env(tmp, term, plant))
    return run


def _new_game_and_choose(run: PtyRun) -> None:
    assert run.pump(20, until=b"New game"), bytes(run.output[-500:])
    # the story loads after the first frame (a first start has a child process build it): its premise
    # replaces "Loading the story…"; a key pressed before that only says the story is still loading
    run.pump(30, until=b"A tiny story")
    run.send(b"n", 2.0)
    run.send(b"1", 2.0)


def test_tui_never_writes_planted_escapes(tmp_path: Path) -> None:
    story = plant_story_dir(MINI, str(tmp_path / "hostile-story"))
    run = _start(tmp_path, story, plant=True)
    try:
        _new_game_and_choose(run)
        run.send(b"\x11", 1.0)  # Ctrl+Q, then confirm
        run.send(b"y", 1.0)
        status = run.wait()
    finally:
        run.close()
    output = _TEXTUAL_OSC.sub(b"", bytes(run.output))
    assert b"PWNED" in output, "the planted text is shown (its control characters removed)"
    assert not forbidden_in(output), forbidden_in(output)
    assert b"Traceback" not in output
    assert status == 0


def test_term_dumb_plays_in_plain_mode_with_a_note(tmp_path: Path) -> None:
    run = _start(tmp_path, MINI, term="dumb")
    try:
        assert run.pump(20, until=b"> "), bytes(run.output[-800:])
        run.send(b"1\n", 1.0)
        run.send(b"quit\n", 0.5)
        status = run.wait()
    finally:
        run.close()
    output = bytes(run.output)
    assert b"TERM=dumb" in output and b"plain mode" in output
    assert ALT_SCREEN_ON not in output and b"\x1b[" not in output  # no escape sequence at all
    assert b"You chose:" in output
    assert status == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_signals_autosave_and_restore_the_terminal(tmp_path: Path, signum: signal.Signals) -> None:
    run = _start(tmp_path, MINI)
    saves = tmp_path / "saves"
    try:
        _new_game_and_choose(run)
        before = {p.name: p.stat().st_mtime_ns for p in saves.glob("autosave-*.json")}
        assert before, "the decision was autosaved"
        mark = len(run.output)
        os.kill(run.pid, signum)
        status = run.wait()
    finally:
        run.close()
    after = {p.name: p.stat().st_mtime_ns for p in saves.glob("autosave-*.json")}
    assert after != before, "the signal wrote an autosave"
    tail = bytes(run.output[mark:])
    assert ALT_SCREEN_OFF in tail, tail[-300:]
    assert MOUSE_OFF in tail
    assert b"Traceback" not in bytes(run.output)
    assert status == 128 + signum


def test_an_internal_error_in_the_tui_is_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env["HOSTILE_BREAK"] = "1"
    run = spawn([sys.executable, LAUNCH, "play", "--story", MINI, "--saves", str(tmp_path / "saves")], env)
    try:
        assert run.pump(20, until=b"New game"), bytes(run.output[-500:])
        run.pump(30, until=b"A tiny story")  # the story is loaded
        mark = len(run.output)
        run.send(b"n", 2.0)
        status = run.wait()
    finally:
        run.close()
    tail = bytes(run.output[mark:])
    assert b"kremlin-tui: internal error: ZeroDivisionError: planted \\x1b[2J bug" in tail, tail[-800:]
    assert b"Traceback" not in tail and b"locals" not in tail
    assert ALT_SCREEN_OFF in tail
    assert status == 2
