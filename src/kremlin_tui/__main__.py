"""`python -m kremlin_tui` runs the same command line as `kremlin-tui`."""

from kremlin_tui.cli import main

raise SystemExit(main())
