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
            first, _, content = body.partition("\n")
            path = tmp_path / first.lstrip("# ").strip()
            path.write_text(content, encoding="utf-8")
            continue
        command: str | None = None
        expected: list[str] = []
        for line in [*body.splitlines(), "$ "]:
            if line.startswith("$ "):
                if command:
                    run(command, expected, tmp_path, env)
                command, expected = line[2:].strip(), []
            elif line.strip() and line.strip() != "...":
                expected.append(line)


def run(command: str, expected: list[str], cwd: Path, env: dict[str, str]) -> None:
    stdin = "quit\n" if "play --plain" in command and "<" not in command else None
    result = subprocess.run(command, shell=True, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    for line in expected:
        assert line in output, f"`{command}` should print {line!r}; it printed:\n{output[-3000:]}"
    wants_error = any(": error:" in line for line in expected)
    assert (result.returncode != 0) == wants_error, f"`{command}` exited {result.returncode}:\n{output[-3000:]}"
