"""Make text from story files and saves safe to show on a terminal.

A story or a save is written by someone else: a mod, a shared save, a file edited by hand. A
control character in it (ESC, BEL, a C1 code such as U+009B, a carriage return) would be obeyed
by the terminal: it could set the window title, clear the screen, move the cursor over a line
of `check` output, or reorder text with a bidi override. The loader rejects control characters
in story files, but saves, future loader bugs and error messages that echo a value still reach
the screen, so every front end passes what it prints through `safe` (the plain and headless
commands at one place, the stream; the TUI at its last step before the terminal too).

Each unsafe character becomes a visible escape (`\\x1b`, `\\x9b`, `\\u202e`), so a writer sees
what is in the file instead of having it act. Newline and tab are kept; `safe_line` escapes them
too, for one-line fields (a save name, a title in a list).
"""

from __future__ import annotations

import io
import re
from typing import Any, TextIO

# C0 controls except tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates,
# and lone surrogates (which a save's JSON can hold and no encoder can write).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# (compiled by `re` on first use, ~0.3 ms: a `check` that reports no error never needs it)
_UNSAFE_LINE = "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape_char(char: str) -> str:
    """The visible form of one unsafe character: `\\r`, `\\x1b`, `\\u202e`."""
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_match(match: re.Match[str]) -> str:
    return escape_char(match.group())


def is_safe(text: str) -> bool:
    return _UNSAFE.search(text) is None


def safe(text: str) -> str:
    """`text` with every control character but newline and tab made visible."""
    if _UNSAFE.search(text) is None:  # the common case: no copy
        return text
    return _UNSAFE.sub(_escape_match, text)


def safe_line(text: str) -> str:
    """Like `safe`, and newlines and tabs escaped too: for a value shown inside one line."""
    if re.search(_UNSAFE_LINE, text) is None:
        return text
    return re.sub(_UNSAFE_LINE, _escape_match, text)


def _json_escape_match(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any, **kwargs: Any) -> str:
    """`json.dumps` that keeps non-ASCII text readable but writes every unsafe character as a
    `\\uXXXX` escape (json escapes C0 controls itself, not C1 or bidi controls), so the output
    is valid JSON and safe on a terminal at once."""
    import json  # here, not at the top: `check` without --format json never needs it

    text = json.dumps(value, ensure_ascii=False, **kwargs)
    # Outside strings JSON holds only ASCII punctuation, so every match is inside a string.
    return _UNSAFE.sub(_json_escape_match, text)


class SafeStream(io.TextIOBase):
    """A text stream that passes everything written through `safe` before the real stream.

    The headless commands (plain mode, check, explore, graph, saves) write through it, so no
    path that prints text from a file (including an error message that quotes a value) can
    skip the filter."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(safe(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8") or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "errors", None)
