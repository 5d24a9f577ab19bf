"""Log lines for the long-running commands (`serve`, `lsp`): one line each, no traceback.

aiohttp logs a malformed request (a port scanner, a broken client, anyone on the network with
`serve --public`) as "Error handling request" with the HTTP parser's whole traceback, and pygls
logs a malformed LSP message (bad JSON, invalid parameters) the same way: noise for the person
running the server (or reading an editor's LSP log), and a traceback, which never reaches a
user. The reason stays, cut short and with its control characters escaped.
"""

from __future__ import annotations

import logging

from kremlin_tui.safetext import safe_line

REASON_CHARS = 300
LINE_CHARS = 1000  # a request line of 8 KB (aiohttp's limit) in `serve --public`'s access log, say
TRACEBACK = ("Traceback (most recent call last)", "Exception Group Traceback (most recent call last)")


class OneLineLog(logging.Filter):
    """A record as one line: the exception's reason after the message instead of a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        lines = [line.strip(" |+-") for line in message.splitlines() if line.strip(" |+-")]
        if len(lines) > 1 and any(line.startswith(TRACEBACK) for line in lines):  # a traceback as text (pygls)
            message = f"{lines[0]}: {lines[-1][:REASON_CHARS]}"
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            reason = " ".join(str(getattr(error, "message", "") or error or type(error).__name__).split())
            message = f"{message}: {reason[:REASON_CHARS]}"
        if len(message) > LINE_CHARS:
            message = f"{message[:LINE_CHARS]}… ({len(message):,} characters)"
        record.msg, record.args = safe_line(message), ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def one_line_logging(level: int, form: str) -> None:
    """Configure the root logger (on standard error) with every record made one line."""
    logging.basicConfig(level=level, format=form, datefmt="%H:%M:%S")
    for handler in logging.getLogger().handlers:
        handler.addFilter(OneLineLog())
