"""Playing in a browser: `kremlin-tui serve` runs one game process per tab through textual-serve.

This package's `__init__` stays import-free so the command line can ask whether it runs under
Textual's web driver without loading Textual, aiohttp or textual-serve.
"""

from __future__ import annotations

import os

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


def web_driver_in_use() -> bool:
    """True when a Textual server (textual-serve, textual-web) runs this process.

    Such a server talks to the game through pipes, not a terminal, so the usual "no terminal
    means plain mode" rule would start the line-by-line game instead of the screens the browser
    page expects. The server announces its driver in $TEXTUAL_DRIVER.
    """
    return os.environ.get("TEXTUAL_DRIVER", "").strip() == WEB_DRIVER
