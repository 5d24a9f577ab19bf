"""Hostile re-tests of issue 12 ("no traceback, ever") for the long-running commands: what a
broken or hostile client sends to `kremlin-tui lsp` is logged on one line, never as a traceback
(an editor shows the server's standard error in its LSP log). `serve`: tests/web/test_serve_cli.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kremlin_tui.loglines import OneLineLog


def frame(message: dict[str, object] | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_malformed_lsp_messages_are_one_line_each_on_standard_error(mini: str, tmp_path: Path) -> None:
    pytest.importorskip("pygls", reason="needs the [lsp] extra")
    uri = Path(mini, "one.yaml").as_uri()
    position = {"textDocument": {"uri": uri}, "position": {"line": 10**12, "character": -5}}
    messages = [
        frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
               "params": {"processId": None, "rootUri": Path(mini).as_uri(), "capabilities": {}}}),
        frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        frame(b"{]]]]"),  # not JSON
        frame(b"[" * 5000 + b"]" * 5000),  # JSON nested past the recursion limit
        frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": position}),  # invalid params
        frame({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
        frame({"jsonrpc": "2.0", "method": "exit"}),
    ]
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "lsp", "--story", mini], input=b"".join(messages),
                            capture_output=True, timeout=120, cwd=tmp_path)
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) >= 3 and all(line.startswith("kremlin-tui lsp: ") for line in lines), err
    assert any("Position.line should be in range" in line for line in lines), err


def test_a_traceback_inside_a_log_message_becomes_its_first_and_last_lines() -> None:
    import logging

    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Unable to deserialize message\n%s", (
        "Traceback (most recent call last):\n  File \"x.py\", line 1, in f\n    g()\nValueError: bad \x1b[2J value\n",),
        None)
    assert OneLineLog().filter(record)
    assert record.getMessage() == "Unable to deserialize message: ValueError: bad \\x1b[2J value"


def test_an_lsp_session_that_ends_with_shutdown_and_exit_exits_0_in_silence(mini: str, tmp_path: Path) -> None:
    """The way every editor ends the server: pygls closes standard output on `exit`; that is
    not an internal error ("I/O operation on closed file", exit 2, "please report it")."""
    pytest.importorskip("pygls", reason="needs the [lsp] extra")
    messages = [frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": {"processId": None, "rootUri": Path(mini).as_uri(), "capabilities": {}}}),
                frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
                frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
                frame({"jsonrpc": "2.0", "method": "exit"})]
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "lsp", "--story", mini], input=b"".join(messages),
                            capture_output=True, timeout=120, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, b"")
    assert b'"id": 2' in result.stdout  # shutdown was answered


def test_a_log_line_quoting_a_request_of_kilobytes_is_cut() -> None:
    """`serve --public` logs every request line, which a visitor may make 8 KB long (aiohttp's limit)."""
    import logging

    url = "/?fontsize=" + "9" * 5000
    record = logging.LogRecord("aiohttp.access", logging.INFO, __file__, 1, '%s "GET %s HTTP/1.1" 200', ("127.0.0.1", url),
                               None)
    assert OneLineLog().filter(record)
    message = record.getMessage()
    assert message.startswith('127.0.0.1 "GET /?fontsize=999') and message.endswith("… (5,040 characters)")
    assert len(message) < 1100
