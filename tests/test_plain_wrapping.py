"""Plain mode wraps to the terminal's width (80 columns when not a terminal) with hanging indents,
and stays byte-identical for the same seed and input (issue 16: at 80 columns choice lines broke
as "[Party s" / "tanding ▼4]"). Played on the shipped campaign, whose labels and costs are long."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

ROOT = Path(__file__).resolve().parent.parent
STORY = str(ROOT / "story")
KEYS = "\n".join(["1", "stats", "journal", "why", "why party", "help", *["1"] * 14, "journal"]) + "\n"
CHOICE = re.compile(r"^(\d+)\. ")


def play(tmp: Path, seed: int = 3) -> str:
    env = {**os.environ, "HOME": str(tmp / "home"), "KREMLIN_TUI_CACHE": str(tmp / "cache")}
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "play", "--plain", "--seed", str(seed), "--story", STORY,
                             "--saves", str(tmp / "saves")], input=KEYS, capture_output=True, text=True, timeout=180,
                            env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def check_wrapping(out: str, width: int) -> int:
    """Every line fits `width` cells; a wrapped choice continues under its label's first letter,
    never at column 0. Returns how many choice lines wrapped (so the test knows it saw some)."""
    lines = out.splitlines()
    too_long = [line for line in lines if cell_len(line) > width]
    assert not too_long, too_long[:5]
    wrapped = 0
    for number, line in enumerate(lines):
        match = CHOICE.match(line)
        if not match:
            continue
        indent = " " * len(match.group(0))
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if following and not CHOICE.match(following) and not following.startswith(("> ", "[")):
            assert following.startswith(indent), (line, following)  # a hanging indent, not column 0
            wrapped += 1
    return wrapped


def test_plain_mode_wraps_to_80_columns_with_hanging_indents_and_repeats_itself(tmp_path: Path) -> None:
    first = play(tmp_path / "a")
    assert check_wrapping(first, 80) >= 5
    assert not re.search(r"\[Party s$", first, re.M)  # a cost list is never broken inside an item
    assert first == play(tmp_path / "b")  # byte-identical for the same seed and input


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs a POSIX pty")
def test_plain_mode_in_a_60_column_terminal_wraps_to_it(tmp_path: Path) -> None:
    from ptyterm import spawn

    env = {k: v for k, v in os.environ.items() if not k.startswith("KREMLIN_TUI")}
    env.update(HOME=str(tmp_path / "home"), KREMLIN_TUI_CACHE=str(tmp_path / "cache"), PYTHONIOENCODING="utf-8",
               TERM="xterm-256color")
    run = spawn([sys.executable, "-m", "kremlin_tui", "play", "--plain", "--seed", "3", "--story", STORY,
                 "--saves", str(tmp_path / "saves")], env, cols=60, rows=30)
    try:
        assert run.pump(60, until=b"\n> "), bytes(run.output[-500:])
        for key in (b"1\n", b"1\n", b"1\n", b"stats\n"):
            run.send(key, 2.0)
        run.send(b"quit\n", 1.0)
        run.wait(30)
    finally:
        run.close()
    out = bytes(run.output).decode("utf-8", "replace").replace("\r\n", "\n")
    # the terminal echoes what was typed; the game's own lines fit 59 columns (one spare)
    assert check_wrapping(out, 59) >= 1
