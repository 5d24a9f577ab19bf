"""Fixtures for the browser tests: the system Chromium through Playwright, and servers in temp dirs.

Where Chromium or Playwright is missing the tests are skipped with the reason, except in CI
($CI set), where a missing browser is a failure: CI installs it and must run these tests.
"""

from __future__ import annotations

import faulthandler
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import ServedGame, find_chromium, isolated_env

TEST_TIMEOUT = 240  # seconds: a hung browser or server ends the run instead of stalling CI


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests: see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module. Not per session: Playwright's sync API keeps an event loop
    running while it is started, which would break the asyncio tests that pytest runs after it."""
    try:
        import pyte  # noqa: F401
        import textual_serve  # noqa: F401
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _missing(f"the browser tests need the [web] and [test] extras ({exc.name} is not installed)")
    chromium = find_chromium()
    if chromium is None:
        _missing("no Chromium found: install it (apt-get install chromium) or set $KREMLIN_TUI_CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"], timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(autouse=True)
def _bounded_in_time() -> Iterator[None]:
    faulthandler.dump_traceback_later(TEST_TIMEOUT, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment with home, data, saves, cache and temp folders under the test's tmp_path."""
    env = isolated_env(tmp_path / "home")
    (tmp_path / "tmp").mkdir()
    env["TMPDIR"] = str(tmp_path / "tmp")
    return env


@pytest.fixture
def serve(home: dict[str, str]) -> Iterator[Callable[..., ServedGame]]:
    """Start `kremlin-tui serve ARGS` (on a free port); every server is stopped after the test."""
    started: list[ServedGame] = []

    def start(*args: str) -> ServedGame:
        server = ServedGame(list(args), home)
        started.append(server.__enter__())
        return server

    try:
        yield start
    finally:
        for server in started:
            server.__exit__(None, None, None)
