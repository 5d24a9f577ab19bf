"""Hostile re-tests of the language server's input (p21hostile's findings): a `Content-Length`
of 99999999999 ended the server with "out of memory"; a change to a document the editor never
opened was "Error in server: KeyError"; a 30 MB unsaved document was indexed and underlined."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="needs the [lsp] extra")

from kremlin_tui.lsp.framing import MAX_MESSAGE_BYTES, BoundedInput


def frame(message: dict[str, object] | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def initialize(story: str) -> bytes:
    return frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"processId": None, "rootUri": Path(story).as_uri(), "capabilities": {}}})


END = frame({"jsonrpc": "2.0", "id": 9, "method": "shutdown"}) + frame({"jsonrpc": "2.0", "method": "exit"})


def serve(story: str, cwd: Path, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kremlin_tui", "lsp", "--story", story], input=data,
                          capture_output=True, timeout=120, cwd=cwd)


def test_a_message_over_the_limit_is_skipped_with_one_line_and_the_server_goes_on(mini: str, tmp_path: Path) -> None:
    """A real message just over the limit (read and thrown away in pieces), then an ordinary
    session: the session is answered. Then a length of 99999999999 with the input ending
    inside it: one line, exit 0, never "out of memory"."""
    junk = b" " * (MAX_MESSAGE_BYTES + 1)
    result = serve(mini, tmp_path, b"Content-Length: %d\r\n\r\n" % len(junk) + junk + initialize(mini) + END)
    err = result.stderr.decode()
    assert result.returncode == 0 and '"serverInfo"' in result.stdout.decode(), err
    assert err.splitlines() == [f"kremlin-tui lsp: a message of {len(junk)} bytes is over the limit of "
                                f"{MAX_MESSAGE_BYTES} bytes (32 MB): skipped, unanswered"]
    result = serve(mini, tmp_path, b"Content-Length: 99999999999\r\n\r\n{}")
    assert (result.returncode, result.stderr.decode().splitlines()) == (0, [
        "kremlin-tui lsp: a message of 99999999999 bytes is over the limit of 33554432 bytes (32 MB): skipped, unanswered"])


def test_a_length_too_long_to_be_a_size_stops_the_server_with_one_line(mini: str, tmp_path: Path) -> None:
    result = serve(mini, tmp_path, b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n{}" + initialize(mini))
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode().splitlines() == [
        "kremlin-tui lsp: a message's Content-Length has 5000 digits: no place to resume reading can be found, "
        "so the server stops"]


def test_a_length_of_kilobytes_of_digits_stops_the_server_with_one_line(mini: str, tmp_path: Path) -> None:
    """Read 8 KB at a time, such a line matched no header and was ignored: the next message's
    header was then lost in what followed."""
    result = serve(mini, tmp_path, b"Content-Length: " + b"9" * 100_000 + b"\r\n\r\n{}" + initialize(mini))
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode().splitlines() == [
        "kremlin-tui lsp: a message's Content-Length has over 8176 digits: no place to resume reading can be "
        "found, so the server stops"]


def test_a_header_line_is_read_in_bounded_pieces() -> None:
    """A 'line' of 50 MB without an end is never held whole (pygls reads lines unbounded)."""
    reader = BoundedInput(io.BufferedReader(io.BytesIO(b"X" * 50_000_000 + b"\r\n"), 65536))  # type: ignore[arg-type]
    pieces = iter(reader.readline, b"")
    assert max(len(next(pieces)) for _ in range(100)) == 8192


def test_a_ranged_change_to_a_document_never_opened_is_one_line_not_an_error_in_the_server(mini: str,
                                                                                         tmp_path: Path) -> None:
    uri = Path(mini, "one.yaml").as_uri()
    change = {"textDocument": {"uri": uri, "version": 2},
              "contentChanges": [{"range": {"start": {"line": 999, "character": 0}, "end": {"line": 0, "character": 0}},
                                  "text": "zz"}]}
    result = serve(mini, tmp_path, initialize(mini) + frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
                   + frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": change}) + END)
    assert result.returncode == 0
    assert b"Error in server" not in result.stdout and b"KeyError" not in result.stderr
    assert result.stderr.decode().splitlines() == [
        f"kremlin-tui lsp: a change to {uri}, which the editor did not open first, is ignored (it edits a range of a "
        "text the server does not have)"]


def test_an_unsaved_text_over_the_limit_open_before_the_index_is_made_is_not_indexed(tmp_path: Path) -> None:
    """The first didOpen makes the index from the files and the open texts: a 30 MB one was
    indexed then (2 s), and its 30-million-character 'word' scanned to underline it."""
    from kremlin_tui.lsp.server import StoryServer, _token_length
    from kremlin_tui.storyfiles import MAX_FILE_BYTES

    story = tmp_path / "story"
    story.mkdir()
    (story / "one.yaml").write_text("nodes: []\n", encoding="utf-8")
    path = str((story / "one.yaml").resolve())
    server = StoryServer([str(story)])
    server.overlay[path] = "x" * (MAX_FILE_BYTES + 1)
    server.ensure_story(path)
    assert server.index is not None and server.index.texts[path] == "nodes: []\n"
    assert _token_length(["x" * 10_000_000], 0, 0) == 200
