"""The command line's outer guard: no traceback ever reaches a user.

Every command runs inside `guarded`, which
- writes standard output and error through `SafeStream`, so no control character from a story
  file, a save or an echoed argument reaches the terminal;
- copes with the streams it is given: a closed stdin, stdout or stderr, an ASCII-only encoding
  (characters it cannot encode are written as `\\u2019` escapes; undecodable input becomes
  U+FFFD), a full disk or a closed pipe on stdout;
- turns what is left into one line and an exit status: 130 for Ctrl-C, 2 for "could not run"
  (an internal error says it is a bug and how to report it; `KREMLIN_TUI_TRACEBACK=1` shows
  the traceback for whoever fixes it).
Input problems (exit 1) are reported by the commands themselves, with positions.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from kremlin_tui.safetext import SafeStream, safe_line

TRACEBACK_ENV = "KREMLIN_TUI_TRACEBACK"
REPORT_HINT = "this is a bug in kremlin-tui; please report it with the command that caused it"


class OutputError(Exception):
    """Standard output cannot be written (full disk, closed pipe, I/O error)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error

    @property
    def broken_pipe(self) -> bool:
        return isinstance(self.error, BrokenPipeError)


class _GuardedStream(SafeStream):
    """A SafeStream whose write failures become one OutputError (not an OSError that code
    handling a save's I/O could mistake for its own)."""

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except OSError as exc:
            raise OutputError(exc) from exc

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise OutputError(exc) from exc


def _tolerant(stream: Any, errors: str) -> None:
    """Make an encoding failure impossible: `errors` replaces what the encoding cannot hold."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError, io.UnsupportedOperation):
            reconfigure(errors=errors)


def _devnull(mode: str) -> TextIO:
    return open(os.devnull, mode, encoding="utf-8")


def _silence(stream: Any) -> None:
    """Point a failed real stream at /dev/null, so the interpreter's last flush at exit does not
    print 'Exception ignored' for output we already reported."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, stream.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def internal_error_line(exc: BaseException) -> str:
    """What a user sees of a bug: one line, with a hint to report it."""
    detail = safe_line(str(exc))
    if len(detail) > 200:
        detail = detail[:200] + "…"
    tail = "" if os.environ.get(TRACEBACK_ENV) else f" ({TRACEBACK_ENV}=1 shows the details)"
    return f"kremlin-tui: internal error: {type(exc).__name__}{': ' + detail if detail else ''}; {REPORT_HINT}{tail}"


def _open_streams(filter_output: bool) -> tuple[Any, Any]:
    """Streams that are never None and never fail on an unencodable character; stderr (and,
    unless the command speaks a binary protocol, stdout) filtered. The unfiltered out, err."""
    if sys.stderr is None:
        sys.stderr = _devnull("w")
    if sys.stdout is None:
        sys.stdout = _devnull("w")
    if sys.stdin is None:
        sys.stdin = _devnull("r")
    _tolerant(sys.stdout, "backslashreplace")
    _tolerant(sys.stderr, "backslashreplace")
    _tolerant(sys.stdin, "replace")
    real_out, real_err = sys.stdout, sys.stderr
    sys.stderr = _GuardedStream(real_err)
    if filter_output:
        sys.stdout = _GuardedStream(real_out)
    return real_out, real_err


def _flush(stream: TextIO) -> None:
    """Flush what a command wrote, unless it closed the stream itself (`lsp` does, on `exit`)."""
    if not stream.closed:
        stream.flush()


def guarded(run: Callable[[], int], *, stdin_needed: bool = False, filter_output: bool = True) -> int:
    """Run a command (`run` returns its exit status) with safe streams and every failure
    turned into a message and an exit status. `filter_output=False` leaves stdout as it is, for a
    command that speaks a binary protocol there (the language server)."""
    original = sys.stdin, sys.stdout, sys.stderr
    stdout_closed = sys.stdout is None
    stdin_closed = sys.stdin is None
    real_out, real_err = _open_streams(filter_output)

    def say(message: str) -> None:
        try:
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
        except (OutputError, OSError, ValueError):
            pass

    failed_output = False
    try:
        if stdout_closed:
            say("kremlin-tui: standard output is closed, so nothing can be shown (redirect it to a file "
                "or /dev/null instead)")
            return 2
        if stdin_closed and stdin_needed:
            say("kremlin-tui: standard input is closed; `play` reads your choices from it "
                "(give it a file, or </dev/null for none)")
            return 2
        status = run()
        _flush(sys.stdout)
        return status
    except KeyboardInterrupt:
        say("kremlin-tui: interrupted")
        return 130
    except OutputError as exc:
        failed_output = True
        if exc.broken_pipe:  # `kremlin-tui check | head`: the reader has all it wanted
            return 0
        say(f"kremlin-tui: cannot write to standard output: {safe_line(str(exc))}")
        return 2
    except MemoryError:
        say("kremlin-tui: out of memory")
        return 2
    except SystemExit:
        raise
    except Exception as exc:  # the last resort: one line, never a traceback
        if os.environ.get(TRACEBACK_ENV):
            import traceback  # only here: every command starts without it

            say(traceback.format_exc().rstrip())
        say(internal_error_line(exc))
        return 2
    finally:
        with contextlib.suppress(OutputError, OSError, ValueError):
            sys.stderr.flush()
        sys.stdin, sys.stdout, sys.stderr = (
            original[0] if original[0] is not None else sys.stdin,
            original[1] if original[1] is not None else real_out,
            original[2] if original[2] is not None else real_err,
        )
        if failed_output and real_out is sys.__stdout__:
            _silence(real_out)
