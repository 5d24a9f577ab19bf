"""Headless code (engine, checker, play-tester, plain mode) never imports Textual or Rich."""

from __future__ import annotations

import subprocess
import sys

HEADLESS = [
    "kremlin_tui.cli",
    "kremlin_tui.engine",
    "kremlin_tui.loader",
    "kremlin_tui.checker",
    "kremlin_tui.explore",
    "kremlin_tui.plain",
    "kremlin_tui.schema",
]


def test_headless_modules_do_not_import_textual_or_rich(mini: str) -> None:
    code = (
        "import sys, io\n"
        + "".join(f"import {m}\n" for m in HEADLESS)
        + "from kremlin_tui.cli import main\n"
        + f"sys.stdin = io.StringIO('1\\n')\nmain(['check', {mini!r}])\nmain(['play', '--plain', '--story', {mini!r}])\n"
        + "main(['explore', '--story', " + repr(mini) + ", '--runs', '5', '--jobs', '1'])\n"
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        + "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
