"""The command each browser tab runs: `kremlin-tui play` under Textual's web driver.

The server starts every game in a session of its own, as a terminal does: the kernel then
shares the CPU between games as it does between terminal games, instead of squeezing all of a
server's tabs into one share. A game in its own session does not die with the server's process
group; Textual's web driver usually ends when its pipes close, and to be sure the game also
watches its parent and ends when the server is gone, however the server ended.
"""

from __future__ import annotations

import os
import sys
import threading
import time


def _end_with(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)  # the server is gone: nobody reads this game any more (saves are written atomically)


def main(argv: list[str] | None = None) -> int:
    threading.Thread(target=_end_with, args=(os.getppid(),), daemon=True, name="kremlin-server-watch").start()
    from kremlin_tui.cli import main as cli_main

    return cli_main(["play", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
