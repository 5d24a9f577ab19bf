"""`python tests/hostile_launch.py ARGS...` runs `kremlin-tui ARGS...` with the hostile payload
planted in every story it loads (see hostile.patch_loader): the output-side tests use it to
check each front end as a user would run it, in its own process, on its real stdout."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hostile
from kremlin_tui.cli import main

if os.environ.get("HOSTILE_PLANT", "1") == "1":
    hostile.patch_loader()
if os.environ.get("HOSTILE_BREAK") == "1":  # a planted bug: starting a new game raises
    from kremlin_tui.tui.app import KremlinApp

    def broken(self: KremlinApp) -> None:
        raise ZeroDivisionError("planted \x1b[2J bug")

    KremlinApp.action_new_game = broken  # type: ignore[method-assign]
raise SystemExit(main(sys.argv[1:]))
