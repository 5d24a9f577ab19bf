"""Run a command in a pseudo-terminal, type keys, and collect every byte it writes."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class PtyRun:
    pid: int
    fd: int
    output: bytearray = field(default_factory=bytearray)
    status: int | None = None

    def pump(self, seconds: float, until: bytes | None = None) -> bool:
        """Read for `seconds` (or until `until` appears in the output); False once the child closed it."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if until is not None and until in self.output:
                return True
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                self.output.extend(data)
        return True

    def send(self, keys: bytes, settle: float = 1.0) -> None:
        os.write(self.fd, keys)
        self.pump(settle)

    def wait(self, timeout: float = 15.0) -> int | None:
        """The exit status (as os.waitstatus_to_exitcode gives it), or None if it had to be killed."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.1)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.status = os.waitstatus_to_exitcode(status)
                break
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        self.pump(0.2)
        return self.status

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def spawn(argv: Sequence[str], env: dict[str, str], cols: int = 100, rows: int = 30) -> PtyRun:
    import fcntl
    import pty
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: a new session whose controlling terminal is the pty
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(argv[0], list(argv), env)
        finally:
            os._exit(127)
    return PtyRun(pid, fd)
