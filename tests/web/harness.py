"""Driving `kremlin-tui serve` in a real Chromium: the server, the browser, and the screen a page shows.

The page draws the game on a canvas (xterm.js), which has no text to query. So the harness
rebuilds the screen from the very bytes the page's websocket receives, with a terminal emulator
(pyte) sized as the page's terminal says in its `resize` messages: what the tests read is what
the browser was sent. Screenshots check that the browser really drew it.

Also used by `bench/bench_web.py`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

CHROMIUM_ENV = "KREMLIN_TUI_CHROMIUM"
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium",
                  "/snap/bin/chromium", "/usr/bin/google-chrome")
URL_PATTERN = re.compile(r"http://\S+?/(?=\s|$)")


def find_chromium() -> str | None:
    """The system Chromium ($KREMLIN_TUI_CHROMIUM first): Playwright's own download is not reachable here."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for candidate in (*CHROMIUM_PATHS, shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def isolated_env(root: Path) -> dict[str, str]:
    """An environment whose home, data, saves and cache folders are all under `root`."""
    env = dict(os.environ)
    for name in ("HOME", "KREMLIN_TUI_DATA", "KREMLIN_TUI_SAVES", "KREMLIN_TUI_CACHE", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        folder = root / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env.pop("TEXTUAL_DRIVER", None)
    return env


class ServedGame:
    """`kremlin-tui serve --port 0 ...` in its own process group, always ended on exit."""

    def __init__(self, args: list[str], env: dict[str, str], startup_timeout: float = 30.0) -> None:
        self.args = args
        self.env = env
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.output: list[str] = []

    def __enter__(self) -> ServedGame:
        command = [sys.executable, "-m", "kremlin_tui", "serve", "--port", "0", *self.args]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=self.env, start_new_session=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            match = URL_PATTERN.search(line)
            if match:
                self.url = match.group(0)
                # Keep reading: a full pipe would stall the server.
                threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True).start()
                return self
        self.__exit__(None, None, None)
        raise RuntimeError("the server did not start:\n" + "".join(self.output))

    def _drain(self, stream: Any) -> None:
        with contextlib.suppress(ValueError, OSError):
            for line in stream:
                self.output.append(line)

    def game_pids(self) -> list[int]:
        """The game processes the server runs (its direct children)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def __exit__(self, *exc: object) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the games too, should any have outlived the server
        if process.poll() is None:
            process.wait(timeout=10)


class Screen:
    """The terminal a page shows, rebuilt from the bytes its websocket receives."""

    def __init__(self, page: Any) -> None:
        import pyte

        self._pyte = pyte
        self.page = page
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.sockets = 0
        self.closed = False
        self.last_frame = time.monotonic()
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, websocket: Any) -> None:
        query = parse_qs(urlsplit(websocket.url).query)
        width = int(query.get("width", ["80"])[0])
        height = int(query.get("height", ["24"])[0])
        self.screen = self._pyte.Screen(width, height)
        self.stream = self._pyte.ByteStream(self.screen)
        self.sockets += 1
        self.closed = False
        websocket.on("framereceived", self._on_received)
        websocket.on("framesent", self._on_sent)
        websocket.on("close", lambda _ws: setattr(self, "closed", True))

    def _on_received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)
            self.last_frame = time.monotonic()

    def _on_sent(self, payload: bytes | str) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(lines=size["height"], columns=size["width"])

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.columns, self.screen.lines

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, condition: str | Callable[[str], bool], timeout: float = 15.0, *, quiet: float = 0.4) -> str:
        """Wait until the screen shows `condition` (a text, or a test of the whole screen) once the page
        has received nothing for `quiet` seconds: a screen still being drawn is never taken for the result."""
        test = (lambda text: condition in text) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if test(self.text()) and time.monotonic() - self.last_frame >= quiet:
                return self.text()
            self.page.wait_for_timeout(50)
        raise AssertionError(f"the page did not show {condition!r} within {timeout}s; it shows:\n{self.text()}")

    def locate(self, needle: str) -> tuple[int, int]:
        """The (column, row) where `needle` starts on the screen."""
        for row, line in enumerate(self.screen.display):
            column = line.find(needle)
            if column >= 0:
                return column, row
        raise AssertionError(f"{needle!r} is not on the screen:\n{self.text()}")

    def click(self, needle: str) -> None:
        """Click the middle of `needle` on the page, as a player would with the mouse."""
        column, row = self.locate(needle)
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None
        columns, rows = self.size
        x = box["x"] + (column + len(needle) / 2) * box["width"] / columns
        y = box["y"] + (row + 0.5) * box["height"] / rows
        self.page.mouse.click(x, y)

    def focus(self) -> None:
        """Give the terminal the keyboard (what clicking into the page does) without clicking the game."""
        self.page.locator(".xterm-helper-textarea").focus()


def image_statistics(browser: Any, png: bytes) -> dict[str, float]:
    """Decode a screenshot in a separate blank page: its number of colours and its share of background pixels."""
    page = browser.new_page()
    try:
        return page.evaluate(
            """async (data) => {
                const image = new Image();
                image.src = "data:image/png;base64," + data;
                await image.decode();
                const canvas = document.createElement("canvas");
                canvas.width = image.width; canvas.height = image.height;
                const context = canvas.getContext("2d");
                context.drawImage(image, 0, 0);
                const pixels = context.getImageData(0, 0, image.width, image.height).data;
                const counts = new Map();
                for (let i = 0; i < pixels.length; i += 4) {
                    const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
                    counts.set(key, (counts.get(key) || 0) + 1);
                }
                const most = Math.max(...counts.values());
                return {colours: counts.size, background: most / (pixels.length / 4),
                        width: image.width, height: image.height};
            }""",
            base64.b64encode(png).decode("ascii"),
        )
    finally:
        page.close()
