"""The web server behind `kremlin-tui serve`: textual-serve, one game process per browser tab.

textual-serve (its page, JavaScript and fonts are bundled) starts a command per websocket and
relays the terminal stream. This subclass adds what a game needs on a network:

- its own page, which loads nothing from outside the server (the stock one links a web font);
- a cap on games played at once, with a "server full" page for the next visitor;
- in public mode, a temporary saves (and profile) folder per tab, removed when the tab closes,
  so that no visitor ever sees another's saves;
- in local mode, requests only from this machine's pages (Host and Origin checks), so that a web
  page in another tab cannot drive a game that uses the player's saves.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import shutil
import signal
import sys
import tempfile
import uuid
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from kremlin_tui.loglines import one_line_logging
from kremlin_tui.paths import DATA_ENV, SAVES_ENV, default_saves_dir
from kremlin_tui.web.command import is_loopback

TEMPLATES = Path(__file__).resolve().parent / "templates"
log = logging.getLogger("kremlin_tui.web")

FULL_IN_TERMINAL = (
    b"\r\n  This server is full: every game it allows is being played.\r\n"
    b"  Close this tab and try again in a few minutes.\r\n"
)


@dataclass(frozen=True)
class ServeConfig:
    host: str
    port: int
    public: bool
    max_games: int
    saves: Path | None = None  # local mode: the saves folder (None: the player's usual one)
    stories: tuple[str, ...] = ()  # story directories (none: the shipped story)
    open_browser: bool = False


def game_command(config: ServeConfig) -> list[str]:
    """The command each tab runs: this Python, this package, the TUI (the web driver selects it)."""
    argv = [sys.executable, "-m", "kremlin_tui.web.game"]
    for story in config.stories:
        argv += ["--story", story]
    if config.saves is not None and not config.public:
        argv += ["--saves", str(config.saves)]
    return argv


def _hostname(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _clamp(text: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(text)))
    except ValueError:
        return default


class GameService(AppService):
    """One tab's game process: textual-serve's process manager, with the tab's own environment.

    The process is started without a shell, so stopping it stops the game itself, and `finish`
    waits for it to end before the tab's folder is removed. It runs in a session of its own, like
    a game in a terminal (see `kremlin_tui.web.game`): with the kernel's per-session CPU groups,
    games sharing the server's session started several times slower on a busy machine.
    """

    def __init__(self, argv: list[str], extra_env: dict[str, str], **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.extra_env = extra_env

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.update(self.extra_env)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environment, start_new_session=True)
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def finish(self, timeout: float = 5.0) -> None:
        """Ask the game to quit, and kill it if it has not ended within `timeout` seconds."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.stop(), timeout)
        process = self._process
        if process is None or process.returncode is not None:
            return
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


class GameServer(Server):
    """textual-serve's server with the page, limits and per-tab folders described above."""

    def __init__(self, config: ServeConfig) -> None:
        super().__init__(command="kremlin-tui", host=config.host, port=config.port, title="Kremlin TUI",
                         templates_path=TEMPLATES)
        self.config = config
        self.argv = game_command(config)
        self.games: dict[str, GameService] = {}
        self.sockets: set[web.WebSocketResponse] = set()
        self.scratch: Path | None = None  # public mode: the parent of every tab's temporary folder
        self.url = ""

    # -- requests ---------------------------------------------------------------------------

    def _check_request(self, request: web.Request, *, websocket: bool = False) -> None:
        """Refuse requests a local server should never answer.

        Locally, the Host must name this machine (a DNS-rebinding page cannot pass), and in
        both modes a browser's websocket must come from this server's own page (browsers let any
        site open a websocket to 127.0.0.1; the Origin header is how a server tells).
        """
        if not self.config.public and not (is_loopback(_hostname(request.host)) or _hostname(request.host) == self.config.host):
            raise web.HTTPForbidden(text="This game is served to this machine only.")
        if websocket:
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc.lower() != request.host.lower():
                raise web.HTTPForbidden(text="Games are played from this server's own page.")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        self._check_request(request)
        if len(self.games) >= self.config.max_games:
            response = aiohttp_jinja2.render_template("full.html", request, {"max_games": self.config.max_games},
                                                      status=503)
            response.headers["Retry-After"] = "60"
        else:
            scheme = "wss" if request.secure else "ws"
            context = {
                "font_size": _clamp(request.query.get("fontsize", "16"), 16, 6, 48),
                "app_websocket_url": f"{scheme}://{request.host}/ws",
                "config": {"static": {"url": "/static/"}},
                "application": {"name": self.title},
                "public": self.config.public,
            }
            response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:  # type: ignore[override]
        self._check_request(request, websocket=True)
        websocket = web.WebSocketResponse(heartbeat=15)
        if len(self.games) >= self.config.max_games:
            await websocket.prepare(request)
            await websocket.send_bytes(FULL_IN_TERMINAL)
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"server full")
            return websocket
        key = uuid.uuid4().hex
        folder: Path | None = None
        extra_env: dict[str, str] = {}
        if self.config.public:
            assert self.scratch is not None
            folder = Path(tempfile.mkdtemp(prefix="tab-", dir=self.scratch))
            extra_env = {SAVES_ENV: str(folder / "saves"), DATA_ENV: str(folder / "data")}
        service = GameService(self.argv, extra_env, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                              close=websocket.close, download_manager=self.download_manager)
        self.games[key] = service  # counted before the first await, so no two tabs take the last place
        self.sockets.add(websocket)
        try:
            await websocket.prepare(request)
            width = _clamp(request.query.get("width", "80"), 80, 10, 500)
            height = _clamp(request.query.get("height", "24"), 24, 5, 300)
            await service.start(width, height)
            log.info("game %s started (pid %s, %d playing)", key[:8], service.pid, len(self.games))
            await self._relay(websocket, service)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # a broken connection must not stop the server
            log.warning("game %s: %s", key[:8], error)
        finally:
            await service.finish()
            self.games.pop(key, None)
            self.sockets.discard(websocket)
            with contextlib.suppress(Exception):
                await websocket.close()
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            log.info("game %s ended (%d playing)", key[:8], len(self.games))
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, service: GameService) -> None:
        """Pass the page's keys, mouse and size to the game; ignore anything malformed."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = (envelope[0], envelope[1] if len(envelope) > 1 else None)
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = data.get("width"), data.get("height")
                if isinstance(width, int) and isinstance(height, int) and 0 < width <= 500 and 0 < height <= 300:
                    await service.set_terminal_size(width, height)
            elif kind == "ping" and isinstance(data, str):
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    # -- life cycle -------------------------------------------------------------------------

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints its logo here; the game prints its own line once it listens."""

    async def on_shutdown(self, app: web.Application) -> None:
        for websocket in list(self.sockets):
            with contextlib.suppress(Exception):
                await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")

    async def end_all_games(self) -> None:
        await asyncio.gather(*(service.finish() for service in list(self.games.values())), return_exceptions=True)

    def describe(self) -> str:
        if self.config.public:
            wildcard = self.config.host in ("0.0.0.0", "::", "")
            where = f"{self.url} (every address of this machine, port {self.port})" if wildcard else self.url
            return (f"Kremlin TUI is served publicly at {where}\n"
                    f"Every visitor gets a temporary saves folder of their own, deleted when their tab closes; "
                    f"at most {self.config.max_games} games at once.")
        saves = self.config.saves or default_saves_dir()
        return (f"Kremlin TUI is served at {self.url} (this machine only)\n"
                f"Open it in a web browser; games use the saves in {saves}.")

    async def run(self, stop: asyncio.Event) -> None:
        """Listen until `stop` is set, then end every game and remove the temporary folders."""
        if self.config.public:
            self.scratch = Path(tempfile.mkdtemp(prefix="kremlin-tui-web-"))
        app = await self._make_app()
        runner = web.AppRunner(app, handle_signals=False, access_log=log if self.config.public else None,
                               shutdown_timeout=5.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.config.host, self.config.port)
            await site.start()
            port = self.port = runner.addresses[0][1] if runner.addresses else self.config.port
            shown = self.config.host
            if shown in ("0.0.0.0", "::", ""):
                shown = "127.0.0.1" if shown != "::" else "::1"
            self.url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
            print(self.describe(), flush=True)
            print("Press Ctrl+C to stop the server.", flush=True)
            if self.config.open_browser:
                webbrowser.open(self.url)
            await stop.wait()
        finally:
            await runner.cleanup()
            await self.end_all_games()
            if self.scratch is not None:
                shutil.rmtree(self.scratch, ignore_errors=True)


def serve(config: ServeConfig) -> int:
    """Run the server until Ctrl+C or SIGTERM. Exit status 0, or 1 if the address cannot be used."""
    one_line_logging(logging.INFO, "%(asctime)s %(message)s")
    server = GameServer(config)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        await server.run(stop)

    try:
        asyncio.run(main())
    except OSError as exc:
        print(f"kremlin-tui serve: cannot listen on {config.host}:{config.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    print("Server stopped; every game has ended.", flush=True)
    return 0
