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
raise SystemExit(main(sys.argv[1:]))
