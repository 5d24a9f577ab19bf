"""docs/writing-a-branch.md, executed: its files are written and its commands run, in order."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from kremlin_tui.paths import default_story_dir

DOC = Path(__file__).resolve().parent.parent / "docs" / "writing-a-branch.md"
BLOCK = re.compile(r"```(yaml|console)\n(.*?)```", re.S)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def test_the_tutorial_has_files_and_commands() -> None:
    kinds = [k for k, _ in blocks()]
    assert kinds.count("yaml") == 2 and kinds.count("console") >= 5


def test_every_step_of_the_tutorial(tmp_path: Path) -> None:
    (tmp_path / "story").symlink_to(default_story_dir())
    (tmp_path / "docs").symlink_to(DOC.parent)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "kremlin-tui"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -m kremlin_tui \"$@\"\n")
    launcher.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for kind, body in blocks():
        if kind == "yaml":
            first = body.partition("\n")[0]
            path = tmp_path / first.lstrip("# ").strip()
            path.write_text(body, encoding="utf-8")  # the whole block, as a reader copies it
            continue
        command: str | None = None
        expected: list[str] = []
        for line in [*body.splitlines(), "$ "]:
            if line.startswith("$ "):
                if command:
                    run(command, expected, tmp_path, env)
                command, expected = line[2:].strip(), []
            else:
                expected.append(line)


def shown_as(expected: list[str]) -> re.Pattern[str]:
    """The output a page shows, as a pattern: each line is a whole line of the real output, a
    line `...` stands for any lines, and `...` or `[...]` inside a line for any text."""
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    parts = []
    for line in expected:
        if line.strip() in ("...", "[...]"):
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        pieces = re.split(r"\[\.\.\.\]|\.\.\.", line.rstrip())
        parts.append(r"[\s\S]*?".join(re.escape(piece) for piece in pieces) + r"[ \t]*\n")
    return re.compile(r"(?m)^" + "".join(parts))


def run(command: str, expected: list[str], cwd: Path, env: dict[str, str]) -> None:
    stdin = "quit\n" if "play --plain" in command and "<" not in command else None
    result = subprocess.run(command, shell=True, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    if not output.endswith("\n"):
        output += "\n"
    if any(line.strip() for line in expected):
        assert shown_as(expected).search(output), (
            f"`{command}`: the page shows\n{chr(10).join(expected)}\nbut the command printed:\n{output[-3000:]}")
    wants_error = any(": error:" in line for line in expected)
    assert (result.returncode != 0) == wants_error, f"`{command}` exited {result.returncode}:\n{output[-3000:]}"


def test_shown_output_is_matched_line_by_line() -> None:
    output = "a: 1 error(s)\n0 error(s), 0 warning(s); 12 scenes\nlast\n"
    assert shown_as(["0 error(s), 0 warning(s); ..."]).search(output)
    assert shown_as(["a: 1 error(s)", "...", "last"]).search(output)
    assert not shown_as(["0 error(s)"]).search(output)  # a whole line, not a piece of one
    assert not shown_as(["a: 31:15"]).search(output)


README = DOC.parent.parent / "README.md"


def test_the_readme_sample_is_what_the_game_prints(tmp_path: Path) -> None:
    """The README's opening transcript (seed 1, choice 1) is the game's real output."""
    sample = re.search(r"```\n(== The Telegram at Tiflis ==.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert sample is not None
    lines = sample.group(1).splitlines()
    typed = [line[2:] for line in lines if line.startswith("> ")]
    env = {**os.environ, "KREMLIN_TUI_SAVES": str(tmp_path / "saves")}
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "play", "--plain", "--seed", "1"], env=env,
                            input="".join(f"{t}\n" for t in typed) + "quit\n", capture_output=True, text=True, timeout=120)
    assert shown_as(lines).search(result.stdout + "\n"), (
        f"README sample differs from the game:\n{result.stdout[:4000]}")
