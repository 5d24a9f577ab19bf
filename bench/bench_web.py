"""The game in 8 browser tabs at once against the same game in 8 terminals (tmux) at once.

    python bench/bench_web.py [--games 8] [--rounds 1]

For each of the N games: the time from opening it (the page's `goto`, or `tmux new-session`)
to the first scene on screen ("n" is pressed as soon as the title screen shows the story), and
the memory of its game process once every game shows its scene (RSS, and PSS, which shares
common pages fairly between processes). The browser competes with the games for this machine's
cores, so the first scene is also timed with N websocket clients and no browser: the server's
side of N tabs. Both sides run the same command with the same terminal
size, one side after the other in the same run; the medians are reported with the ratios
web / terminal. Goals (issue 17): memory per game <= 1.2x, first scene <= 2x.

Needs the [web] and [test] extras, Chromium (apt-get install chromium) and tmux.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "web"))

from harness import ServedGame, find_chromium, isolated_env  # noqa: E402

VIEWPORT = {"width": 1280, "height": 800}
WEB_SIZE = (142, 38)  # the cells xterm.js fits in VIEWPORT with the bundled font (measured by round 1)
TIMEOUT = 120.0
CHROMIUM_ARGS = os.environ.get("BENCH_CHROMIUM_ARGS", "").split()


def on_scene(text: str) -> bool:
    return "STANDING" in text and "1. " in text


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            values[name] = int(rest.split()[0])
    return values["Rss"], values["Pss"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def python_descendant(pid: int) -> int:
    """The game's Python process: `pid` itself or the first descendant running Python."""
    queue = [pid]
    while queue:
        current = queue.pop(0)
        try:
            command = Path(f"/proc/{current}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if b"python" in Path(command.decode()).name.encode():
            return current
        children = Path(f"/proc/{current}/task/{current}/children")
        queue += [int(p) for p in children.read_text().split()] if children.exists() else []
    raise RuntimeError(f"no Python process under {pid}")


class ByteWatcher:
    """What a tab has been sent, as raw bytes: enough to spot a text (and far cheaper than emulating
    the terminal, which would make the benchmark's own Python the bottleneck at 8 tabs)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.received = bytearray()
        self.size = WEB_SIZE
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, websocket: Any) -> None:
        query = parse_qs(urlsplit(websocket.url).query)
        self.size = (int(query["width"][0]), int(query["height"][0]))
        websocket.on("framereceived", self._on_received)

    def _on_received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.received += payload

    def shows(self, text: str) -> bool:
        return text.encode() in self.received

    def focus(self) -> None:
        self.page.locator(".xterm-helper-textarea").focus()


def run_web(games: int, env: dict[str, str]) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    with ServedGame([], env) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", *CHROMIUM_ARGS])
        try:
            context = browser.new_context(viewport=VIEWPORT)
            pages = [context.new_page() for _ in range(games)]
            screens = [ByteWatcher(page) for page in pages]
            started: list[float] = []
            connected: list[float] = [0.0] * games
            for i, page in enumerate(pages):  # all tabs open at once: goto does not wait for the game
                page.on("websocket", lambda _ws, i=i: connected.__setitem__(i, time.perf_counter()))
                started.append(time.perf_counter())
                page.goto(server.url, wait_until="commit")
            first_scene: list[float | None] = [None] * games
            from_connection: list[float] = [0.0] * games
            pressed = [False] * games
            deadline = time.monotonic() + TIMEOUT
            while None in first_scene and time.monotonic() < deadline:
                for i, screen in enumerate(screens):
                    if first_scene[i] is not None:
                        continue
                    if not pressed[i] and screen.shows("January 1924"):
                        screen.focus()
                        pages[i].keyboard.press("n")
                        pressed[i] = True
                        screen.received.clear()
                    elif pressed[i] and screen.shows("STANDING"):
                        first_scene[i] = time.perf_counter() - started[i]
                        from_connection[i] = time.perf_counter() - connected[i]
                pages[0].wait_for_timeout(20)
            if None in first_scene:
                raise RuntimeError("not every tab reached its first scene")
            pids = server.game_pids()
            assert len(pids) == games, pids
            memory = [memory_kib(python_descendant(pid)) for pid in pids]
            cpu = [cpu_seconds(python_descendant(pid)) for pid in pids]
            server_memory = memory_kib(server.process.pid)  # type: ignore[union-attr]
            size = screens[0].size
        finally:
            browser.close()
    return {"first_scene": first_scene, "memory": memory, "server": server_memory, "size": size,
            "from_connection": from_connection, "cpu": cpu}


def run_websockets(games: int, env: dict[str, str], size: tuple[int, int]) -> dict[str, object]:
    """The server's side alone: N websocket clients speaking the page's protocol, no browser.

    On one machine the browser competes with the games for the same cores; in use it runs on
    the player's machine. This is what the server's machine does for N tabs."""
    import asyncio
    import json

    import aiohttp

    columns, rows = size

    async def one(url: str) -> float:
        started = time.perf_counter()
        async with aiohttp.ClientSession() as session, session.ws_connect(
                f"{url.replace('http', 'ws', 1)}ws?width={columns}&height={rows}", origin=url.rstrip("/")) as websocket:
            received = bytearray()
            pressed = False
            async for message in websocket:
                if message.type != aiohttp.WSMsgType.BINARY:
                    continue
                received += message.data
                if not pressed and b"January 1924" in received:
                    received.clear()
                    pressed = True
                    await websocket.send_str(json.dumps(["stdin", "n"]))
                elif pressed and b"STANDING" in received:
                    return time.perf_counter() - started
        raise RuntimeError("the game ended before its first scene")

    with ServedGame([], env) as server:
        async def all_games() -> list[float]:
            return list(await asyncio.wait_for(asyncio.gather(*(one(server.url) for _ in range(games))), TIMEOUT))

        first_scene = asyncio.run(all_games())
        memory: list[tuple[int, int]] = []
        cpu: list[float] = []
    return {"first_scene": first_scene, "memory": memory, "cpu": cpu}


def run_terminal(games: int, env: dict[str, str], size: tuple[int, int]) -> dict[str, object]:
    columns, rows = size
    command = shlex.join([sys.executable, "-m", "kremlin_tui", "play"])
    socket = f"kremlin-bench-{os.getpid()}"
    names = [f"game{i}" for i in range(games)]
    tmux_env = {**env, "TERM": "xterm-256color", "COLORTERM": "truecolor"}

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, env=tmux_env,
                              check=False).stdout

    started: list[float] = []
    try:
        for name in names:
            started.append(time.perf_counter())
            tmux("new-session", "-d", "-s", name, "-x", str(columns), "-y", str(rows), command)
        first_scene: list[float | None] = [None] * games
        pressed = [False] * games
        deadline = time.monotonic() + TIMEOUT
        while None in first_scene and time.monotonic() < deadline:
            for i, name in enumerate(names):
                if first_scene[i] is not None:
                    continue
                text = tmux("capture-pane", "-p", "-t", name)
                if not pressed[i] and "January 1924" in text:
                    tmux("send-keys", "-t", name, "n")
                    pressed[i] = True
                elif pressed[i] and on_scene(text):
                    first_scene[i] = time.perf_counter() - started[i]
            time.sleep(0.02)
        if None in first_scene:
            raise RuntimeError("not every terminal reached its first scene")
        pane_pids = [int(tmux("list-panes", "-t", name, "-F", "#{pane_pid}").split()[0]) for name in names]
        memory = [memory_kib(python_descendant(pid)) for pid in pane_pids]
        cpu = [cpu_seconds(python_descendant(pid)) for pid in pane_pids]
    finally:
        tmux("kill-server")
    return {"first_scene": first_scene, "memory": memory, "cpu": cpu}


def summary(label: str, result: dict[str, object]) -> tuple[float, float, float]:
    times = result["first_scene"]
    memory = result["memory"]
    time_median = statistics.median(times)  # type: ignore[arg-type]
    rss = statistics.median(m[0] for m in memory) / 1024  # type: ignore[union-attr]
    pss = statistics.median(m[1] for m in memory) / 1024  # type: ignore[union-attr]
    print(f"{label:9} first scene median {time_median:6.2f} s (min {min(times):.2f}, max {max(times):.2f})"  # type: ignore[type-var]
          f"   per game: RSS {rss:6.1f} MiB, PSS {pss:6.1f} MiB, CPU {statistics.median(result['cpu']):.2f} s")  # type: ignore[arg-type]
    return time_median, rss, pss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="alternate web and terminal this many times")
    args = parser.parse_args()
    if find_chromium() is None or shutil.which("tmux") is None:
        print("bench_web needs Chromium (apt-get install chromium) and tmux", file=sys.stderr)
        return 2
    for round_number in range(args.rounds):
        with tempfile.TemporaryDirectory() as root:
            env = isolated_env(Path(root))
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
            # Warm the story cache (both sides then start from it), and measure the sides in turn.
            subprocess.run([sys.executable, "-m", "kremlin_tui", "play", "--plain", "--seed", "1"], env=env,
                           input="", capture_output=True, text=True, check=False)
            if round_number % 2 == 0:
                web = run_web(args.games, env)
                sockets = run_websockets(args.games, env, web["size"])  # type: ignore[arg-type]
                terminal = run_terminal(args.games, env, web["size"])  # type: ignore[arg-type]
            else:
                terminal = run_terminal(args.games, env, WEB_SIZE)
                sockets = run_websockets(args.games, env, WEB_SIZE)
                web = run_web(args.games, env)
        columns, rows = web["size"]  # type: ignore[misc]
        print(f"round {round_number + 1}: {args.games} games at once, {columns}x{rows} cells")
        web_time, web_rss, web_pss = summary("browser", web)
        term_time, term_rss, term_pss = summary("terminal", terminal)
        print(f"          browser, from the page's websocket connecting: median {statistics.median(web['from_connection']):.2f} s")  # type: ignore[arg-type]
        socket_time = statistics.median(sockets["first_scene"])  # type: ignore[arg-type]
        print(f"server side (websocket clients, no browser) first scene median {socket_time:6.2f} s")
        server_rss, server_pss = web["server"]  # type: ignore[misc]
        print(f"          the server itself (shared by all tabs): RSS {server_rss / 1024:.1f} MiB, PSS {server_pss / 1024:.1f} MiB")
        print(f"ratios browser/terminal: first scene {web_time / term_time:.2f}x in Chromium on this machine, "
              f"{socket_time / term_time:.2f}x server side (goal <= 2x); "
              f"memory per game RSS {web_rss / term_rss:.2f}x, PSS {web_pss / term_pss:.2f}x (goal <= 1.2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
