"""The command line under abuse: closed or full streams, an ASCII-only encoding, odd typed input,
Ctrl-C among workers, a run count too large to list, an internal error. Never a traceback:
one line, and exit 1 (input), 2 (could not run) or 130 (interrupted)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kremlin_tui
from kremlin_tui import cli

TESTS = Path(__file__).parent
MINI = str(TESTS / "fixtures" / "mini")
POSIX = os.name == "posix"


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KREMLIN_TUI")}
    env.update(PYTHONPATH=str(Path(kremlin_tui.__file__).parent.parent), HOME=str(tmp / "home"),
               KREMLIN_TUI_CACHE=str(tmp / "cache"), KREMLIN_TUI_DATA=str(tmp / "data"), **extra)
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def sh(tmp: Path, script: str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run a shell line where `KT` is the command (to close or redirect its streams)."""
    kt = f"{sys.executable} -m kremlin_tui"
    return subprocess.run(["sh", "-c", script.replace("KT", kt)], input=stdin, capture_output=True, timeout=60,
                          env=_env(tmp, **env))


def no_traceback(result: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in result.stdout + result.stderr, result.stderr.decode(errors="replace")[-2000:]
    assert b"Exception ignored" not in result.stderr, result.stderr


@pytest.mark.skipif(not POSIX, reason="POSIX shell redirections")
@pytest.mark.parametrize("command", [f"check {MINI}", f"play --plain --seed 1 --story {MINI}",
                                     f"graph --story {MINI}", "schema", "saves list {tmp}",
                                     f"explore --runs 3 --jobs 1 --story {MINI}", "--help"])
def test_closed_or_full_stdout_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    command = command.replace("{tmp}", str(tmp_path))
    closed = sh(tmp_path, f"KT {command} >&- </dev/null")
    no_traceback(closed)
    assert closed.returncode == 2
    assert closed.stderr.decode().count("\n") == 1 and "standard output is closed" in closed.stderr.decode()
    if Path("/dev/full").exists():
        full = sh(tmp_path, f"KT {command} >/dev/full </dev/null")
        no_traceback(full)
        assert full.returncode == 2, full.stderr
        assert "No space left on device" in full.stderr.decode()
        assert full.stderr.decode().count("\n") == 1


@pytest.mark.skipif(not POSIX, reason="POSIX shell redirections")
def test_closed_stdin(tmp_path: Path) -> None:
    play = sh(tmp_path, f"KT play --plain --story {MINI} <&-")
    no_traceback(play)
    assert play.returncode == 2 and b"standard input is closed" in play.stderr
    check = sh(tmp_path, f"KT check {MINI} <&-")  # a command that does not read stdin runs as usual
    no_traceback(check)
    assert check.returncode == 0
    closed_err = sh(tmp_path, "KT check /nonexistent 2>&-")
    assert closed_err.returncode == 2


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    result = sh(tmp_path, "KT schema | head -c 10 >/dev/null; KT schema | true")
    no_traceback(result)
    assert result.stderr == b""


def test_ascii_terminal_still_shows_non_ascii_text(tmp_path: Path) -> None:
    result = sh(tmp_path, f"KT play --plain --seed 1 --story {MINI}", stdin="1\n²\nstats\n".encode(),
                PYTHONIOENCODING="ascii")
    no_traceback(result)
    assert result.returncode == 0
    out = result.stdout.decode("ascii")  # every byte is ASCII
    assert "\\u25b2" in out  # the ▲ of a change, written as an escape instead of failing
    assert "I don't understand" in out
    check = sh(tmp_path, f"KT check {MINI}", PYTHONIOENCODING="ascii")
    no_traceback(check)
    assert check.returncode == 0


def test_undecodable_input_bytes(tmp_path: Path) -> None:
    result = sh(tmp_path, f"KT play --plain --seed 1 --story {MINI}", stdin=b"\xff\xfe\x80\n1\n")
    no_traceback(result)
    assert result.returncode == 0
    assert "I don't understand '\ufffd\ufffd\ufffd'" in result.stdout.decode()


@pytest.mark.parametrize("typed, expected", [
    ("²", "I don't understand '²'"),
    ("undo ²", "Type 'undo' or 'undo N'"),
    ("redo ½", "Type 'redo' or 'redo N'"),
    ("9" * 5000, "There is no choice 99999999999999999999…"),
    ("undo " + "9" * 5000, "Nothing to undo"),
    ("٣", "I don't understand"),  # an Arabic-Indic digit: int() would take it, the game does not
    ("0", "not available"),
    ("x" * 5000, "…"),
])
def test_plain_mode_typed_numbers(typed: str, expected: str) -> None:
    import io

    from kremlin_tui.engine import Game
    from kremlin_tui.loader import load_story
    from kremlin_tui.plain import run_plain

    story = load_story([MINI])
    out = io.StringIO()
    assert run_plain(story, Game.new(story, 1), io.StringIO(typed + "\n"), out) == 0
    text = out.getvalue()
    assert expected in text
    assert len(text.splitlines()[-2]) < 200  # the reply does not echo 5,000 characters back


def test_internal_error_is_one_line_exit_2_with_a_hint(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("something \x1b[2J inside")

    monkeypatch.setattr(cli, "cmd_check", broken)
    monkeypatch.delenv("KREMLIN_TUI_TRACEBACK", raising=False)
    assert cli.main(["check", MINI]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "internal error: ZeroDivisionError" in err and "report" in err and "\x1b" not in err
    monkeypatch.setenv("KREMLIN_TUI_TRACEBACK", "1")
    assert cli.main(["check", MINI]) == 2
    assert "Traceback" in capsys.readouterr().err  # for whoever fixes it, on request


def test_keyboard_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(args):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_graph", interrupted)
    assert cli.main(["graph", "--story", MINI]) == 130
    assert capsys.readouterr().err == "kremlin-tui: interrupted\n"


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.mark.skipif(not POSIX or not Path("/proc/self/status").exists(), reason="needs process groups and /proc")
def test_ctrl_c_during_explore_jobs_2_is_one_line_and_memory_stays_bounded(tmp_path: Path) -> None:
    # 10^11 games: the old code listed 10^9 chunks up front (3 GB, then MemoryError).
    process = subprocess.Popen(
        [sys.executable, "-m", "kremlin_tui", "explore", "--runs", "100000000000", "--jobs", "2", "--story", MINI],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(tmp_path), start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        time.sleep(4)
        early = _rss_kib(process.pid)
        time.sleep(4)
        late = _rss_kib(process.pid)
        assert process.poll() is None, "still playing games"
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert late < 200_000 and late - early < 20_000, (early, late)  # KiB: flat, not growing per game
    assert b"Traceback" not in err
    assert err.decode() == "kremlin-tui: interrupted\n"
    assert process.returncode == 130


def test_a_failed_rename_says_rename_not_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from kremlin_tui.engine import Game
    from kremlin_tui.loader import load_story
    from kremlin_tui.saves import SaveError, SaveStore, Session

    store = SaveStore(tmp_path / "saves")
    session = Session.new(load_story([MINI]), 1, store, autosave=False)
    session.save("first")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SaveError) as caught:
        session.rename("first", "second")
    assert str(caught.value).startswith("Could not rename the save: the disk holding")
    assert "save the game" not in str(caught.value)
    assert isinstance(session.game, Game)
