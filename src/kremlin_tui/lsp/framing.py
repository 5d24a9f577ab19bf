"""The language server's input, read with bounds: an LSP message is a `Content-Length` header and
that many bytes of JSON, and pygls reads the length it is told at once (`read(n)`), so a header
saying 99999999999 ended the server with "out of memory" (p21hostile's finding).

`BoundedInput` stands between standard input and pygls' reader:
- a header line is read at most `MAX_HEADER_LINE` bytes at a time (a line without an end cannot
  fill memory);
- a message longer than `MAX_MESSAGE_BYTES` is read and thrown away in pieces, with one line in
  the log, and the server goes on with the next message: the length says where the next message
  starts, so the stream stays in step. No answer is sent to it (if it was a request, the editor
  times it out);
- a length too long to be a number of bytes (more than 18 digits) gives no place to resume
  reading: the server says so and stops (exit 1).
"""

from __future__ import annotations

import logging
import re
from typing import BinaryIO

__all__ = ["MAX_MESSAGE_BYTES", "SKIPPED", "BoundedInput"]

# Four times the 8 MB a story file may hold: room for JSON's escapes of the largest document.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MAX_HEADER_LINE = 8192
_PIECE = 1024 * 1024
_LENGTH = re.compile(rb"Content-Length: (\d+)\r\n")  # the line pygls reads the length from
SKIPPED = "$/kremlin-tui/skipped"  # the notification pygls is handed in place of a skipped message
_NOTHING = b'{"jsonrpc": "2.0", "method": "' + SKIPPED.encode() + b'", "params": null}'
_log = logging.getLogger("kremlin_tui.lsp")


class BoundedInput:
    """The `readline` and `read` pygls' StdinAsyncReader calls, with the bounds above."""

    def __init__(self, stream: BinaryIO, limit: int = MAX_MESSAGE_BYTES) -> None:
        self.stream = stream
        self.limit = limit
        self.gave_up = False  # the stream could not be followed: the server stopped reading

    def readline(self) -> bytes:
        if self.gave_up:
            return b""
        line = self.stream.readline(MAX_HEADER_LINE)
        found = _LENGTH.fullmatch(line)
        digits = len(found.group(1)) if found else 0
        if not found and len(line) == MAX_HEADER_LINE and line.startswith(b"Content-Length: "):
            digits = len(line) - len(b"Content-Length: ")  # and more to come: a length of kilobytes
        if digits > 18:
            _log.error("a message's Content-Length has %s digits: no place to resume reading can be found, "
                       "so the server stops", f"{digits}" if found else f"over {digits}")
            self.gave_up = True
            return b""
        return line

    def read(self, size: int) -> bytes:
        if size <= self.limit:
            return self.stream.read(size)
        _log.error("a message of %d bytes is over the limit of %d bytes (%d MB): skipped, unanswered",
                   size, self.limit, self.limit // (1024 * 1024))
        left = size
        while left:
            piece = self.stream.read(min(left, _PIECE))
            if not piece:
                return b""  # the input ended inside it
            left -= len(piece)
        return _NOTHING
