"""Reading a file that may be large, hostile or still being written, without reserving its limit.

`handle.read(limit + 1)` is the obvious way to refuse a file over `limit` bytes, but a buffered
read of n bytes reserves n bytes before it reads a single one: 256 MB for a cached story, 8 MB
for each story file, whatever the file holds. Where address space is capped (`ulimit -v`, some
containers) that reservation alone failed with "out of memory" on every start after the first,
though the game needs a fraction of it. Here a read reserves what the file holds, plus one byte
to notice a file that grew since it was measured; then, and only then, it reads on up to the limit.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO


def read_bounded(handle: BinaryIO, limit: int) -> bytes:
    """The file's bytes, at most `limit + 1` of them (more than `limit` tells the caller the
    file is too large), reserving only about as much memory as the file holds."""
    size = os.fstat(handle.fileno()).st_size
    data = handle.read(min(size, limit) + 1)
    if len(data) > size and len(data) <= limit:  # it grew since fstat: read on, as far as the limit allows
        data += handle.read(limit + 1 - len(data))
    return data


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """A regular file's bytes, at most `limit + 1` of them. A FIFO or a device put where a file
    was expected (`mkfifo profile.json`, a link to /dev/zero) raises OSError at once: opening never
    waits for a writer (O_NONBLOCK) and only a regular file is read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file", str(path))
        return read_bounded(handle, limit)
