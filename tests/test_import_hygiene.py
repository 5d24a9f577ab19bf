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


# What `kremlin-tui check` has no use for: the front ends, the language server, the engine and
# play-tester, saves and the cache, and the standard modules only other paths need (each costs
# every check's start; issue 19 measures `check` as a process).
CHECK_NEVER_IMPORTS = ("textual", "rich", "pygls", "lsprotocol", "aiohttp", "kremlin_tui.tui", "kremlin_tui.lsp",
                       "kremlin_tui.web.command", "kremlin_tui.web.server", "kremlin_tui.engine", "kremlin_tui.explore",
                       "kremlin_tui.audit", "kremlin_tui.saves", "kremlin_tui.cache", "kremlin_tui.plain",
                       "json", "threading", "traceback", "multiprocessing", "asyncio", "shutil", "bz2", "lzma", "shlex", "difflib")


def test_check_imports_only_what_it_uses(mini: str) -> None:
    code = (
        "import sys\nfrom kremlin_tui.cli import main\n"
        f"status = main(['check', {mini!r}])\n"
        f"bad = sorted(m for m in sys.modules if any(m == n or m.startswith(n + '.') for n in {CHECK_NEVER_IMPORTS!r}))\n"
        "assert status == 0 and not bad, (status, bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
