"""`kremlin-tui serve` without a browser: its options, the missing extra, the web driver, requests refused."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kremlin_tui.cli import main
from kremlin_tui.web import WEB_DRIVER, web_driver_in_use
from kremlin_tui.web.command import INSTALL_HINT, is_loopback

from .harness import ServedGame


def run_cli(args: list[str], env: dict[str, str], stdin: str = "", prelude: str = "") -> subprocess.CompletedProcess[str]:
    code = f"import sys\n{prelude}\nfrom kremlin_tui.cli import main\nsys.exit(main({args!r}))\n"
    return subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, env=env, timeout=60)


def test_without_textual_serve_serve_says_how_to_install_it_and_exits_2(home: dict[str, str]) -> None:
    result = run_cli(["serve"], home, prelude="sys.modules['textual_serve'] = None  # as if not installed")
    assert result.returncode == 2
    assert result.stderr.strip() == INSTALL_HINT
    assert 'pip install "kremlin-tui[web]"' in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--host", "0.0.0.0"], "Add --public"),
    (["--host", "192.168.1.20"], "Add --public"),
    (["--host", "example.org"], "Add --public"),
    (["--public", "--saves", "somewhere"], "--saves cannot be combined with --public"),
    (["--max-games", "0"], "--max-games must be at least 1"),
    (["--port", "70000"], "--port must be between 0 and 65535"),
    (["--saves", "/dev/null"], "--saves /dev/null is not a folder"),
])
def test_options_that_cannot_be_served_are_refused_with_exit_2(args: list[str], message: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kremlin-tui serve: ") and message in err


def test_local_addresses_need_no_public_flag() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "game.localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.org", "localhost.example.org", ""]))


def test_serve_help_needs_no_web_extra(home: dict[str, str]) -> None:
    result = run_cli(["serve", "--help"], home, prelude="sys.modules['textual_serve'] = None")
    assert result.returncode == 0
    for option in ("--host", "--port", "--saves", "--open", "--public", "--max-games"):
        assert option in result.stdout


def test_the_web_driver_starts_the_tui_even_through_pipes(home: dict[str, str], mini: str) -> None:
    """textual-serve runs the game with pipes and Textual's web driver: the TUI must start, not plain mode."""
    env = {**home, "TEXTUAL_DRIVER": WEB_DRIVER, "COLUMNS": "80", "ROWS": "24"}
    process = subprocess.Popen([sys.executable, "-m", "kremlin_tui", "play", "--story", mini], env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline() == b"__GANGLION__\n"  # the web driver's greeting to textual-serve
        quit_packet = json.dumps({"type": "quit"}).encode()
        process.stdin.write(b"M" + len(quit_packet).to_bytes(4, "big") + quit_packet)
        process.stdin.flush()
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_only_textual_web_driver_counts_as_the_web(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_DRIVER", WEB_DRIVER)
    assert web_driver_in_use()
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.linux_driver:LinuxDriver")
    assert not web_driver_in_use()
    monkeypatch.delenv("TEXTUAL_DRIVER")
    assert not web_driver_in_use()


def test_plain_mode_keeps_its_rules_in_pipes(home: dict[str, str], mini: str) -> None:
    env = {k: v for k, v in home.items() if k != "TEXTUAL_DRIVER"}
    first = run_cli(["play", "--story", mini, "--seed", "3"], env, stdin="1\n1\n")
    second = run_cli(["play", "--story", mini, "--seed", "3"], {**env, "TEXTUAL_DRIVER": "textual.drivers.linux_driver:LinuxDriver"},
                     stdin="1\n1\n")
    assert first.returncode == 0 and "> " in first.stdout
    assert second.stdout == first.stdout  # only the web driver changes the rule


@pytest.fixture
def server(serve: Callable[..., ServedGame]) -> ServedGame:
    pytest.importorskip("textual_serve", reason="needs the [web] extra")
    return serve()


def request(url: str, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("GET", path, headers=headers)
    return connection.getresponse()


def test_a_local_server_answers_only_pages_of_this_machine(server: ServedGame) -> None:
    host = urlsplit(server.url).netloc
    assert request(server.url, "/", {"Host": host}).status == 200
    assert request(server.url, "/", {"Host": f"localhost:{urlsplit(server.url).port}"}).status == 200
    rebound = request(server.url, "/", {"Host": "attacker.example:80"})  # DNS rebinding
    assert rebound.status == 403 and b"this machine only" in rebound.read()


def test_a_websocket_from_another_site_is_refused(server: ServedGame) -> None:
    host = urlsplit(server.url).netloc
    upgrade = {"Host": host, "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    assert request(server.url, "/ws", {**upgrade, "Origin": "https://attacker.example"}).status == 403
    assert request(server.url, "/ws", {**upgrade, "Origin": f"http://{host}"}).status == 101
    assert server.process is not None and server.process.poll() is None


def test_a_port_in_use_is_reported_with_exit_1(home: dict[str, str]) -> None:
    pytest.importorskip("textual_serve", reason="needs the [web] extra")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(["serve", "--port", str(port)], home)
    assert result.returncode == 1
    assert result.stderr.startswith(f"kremlin-tui serve: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in result.stderr + result.stdout


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_games_end_when_the_server_is_killed(server: ServedGame) -> None:
    """Each game runs in a session of its own (fair CPU shares), so it must notice its server dying."""
    host = urlsplit(server.url).netloc
    upgrade = {"Host": host, "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": f"http://{host}"}
    tab = request(server.url, "/ws?width=80&height=24", upgrade)
    assert tab.status == 101
    deadline = time.monotonic() + 30
    while not server.game_pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    (game,) = server.game_pids()
    while b"kremlin_tui.web.game" not in Path(f"/proc/{game}/cmdline").read_bytes() and time.monotonic() < deadline:
        time.sleep(0.1)  # forked, not yet the game
    assert os.getsid(game) == game != os.getsid(server.process.pid)  # type: ignore[union-attr]
    server.process.kill()  # type: ignore[union-attr]
    server.process.wait(10)  # type: ignore[union-attr]
    deadline = time.monotonic() + 15
    while _alive(game) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(game)


def test_open_shows_the_page_in_the_default_browser(serve: Callable[..., ServedGame], home: dict[str, str],
                                                    tmp_path: Path) -> None:
    pytest.importorskip("textual_serve", reason="needs the [web] extra")
    opened = tmp_path / "opened.txt"
    home["BROWSER"] = f"{sys.executable} -c \"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])\" %s"
    server = serve("--open")
    deadline = time.monotonic() + 20
    while not (opened.exists() and opened.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert opened.read_text() == server.url


def test_malformed_requests_are_one_line_each_in_the_servers_log(server: ServedGame) -> None:
    """Anyone who can reach the port can send bytes that are not HTTP: the server answers 400 and
    logs one line per request, never a traceback, never a control character from the request."""
    parts = urlsplit(server.url)
    garbage = [b"GET /\x1b]0;PWNED\x07 HTTP/1.1\r\nHost: x\r\n\r\n",
               b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: \x1b[2J\r\n\r\n",
               b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS hello\r\n\r\n",
               b"GET /?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"]
    for data in garbage:
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
            connection.sendall(data)
            assert connection.recv(100).startswith(b"HTTP/1.")
    deadline = time.monotonic() + 10
    while "".join(server.output).count("Error handling request") < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # (aiohttp answers the TLS hello without a log line of its own)
    log = "".join(server.output)
    assert log.count("Error handling request") >= 3, log
    assert "Traceback" not in log and "\x1b" not in log and "\x07" not in log, log
    errors = [line for line in log.splitlines() if "Error handling request" in line]
    assert all("Invalid" in line or "message" in line.lower() or "Bad" in line for line in errors), errors
