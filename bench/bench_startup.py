"""Time to the first frame of the title screen, against a bare Textual app (Header, Static,
Footer), measured side by side in one run: each app is started in a fresh process, headless,
and exits right after its first screen has been drawn. Alternating runs; medians reported.

Goal (issue 4): ours <= 1.2x the bare app.
Run: python bench/bench_startup.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

# Each child prints the wall-clock time of its first drawn frame and leaves at once.
FIRST_FRAME = "import os, time\ndef first_frame():\n    print(time.time(), flush=True)\n    os._exit(0)\n"

BARE = FIRST_FRAME + """
from textual.app import App
from textual.widgets import Footer, Header, Static
class Bare(App):
    def compose(self):
        yield Header(); yield Static("Kremlin TUI"); yield Footer()
    def on_mount(self):
        self.call_after_refresh(first_frame)
Bare().run(headless=True)
"""

OURS = FIRST_FRAME + """
from kremlin_tui.paths import default_story_dir
from kremlin_tui.tui.app import KremlinApp
class Timed(KremlinApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(first_frame)
Timed([str(default_story_dir())]).run(headless=True)
"""


def once(code: str) -> float:
    started = time.time()
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(result.stdout.strip().splitlines()[-1]) - started


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    once(BARE)
    once(OURS)  # warm the OS file cache and the story cache
    bare, ours = [], []
    for _ in range(runs):
        bare.append(once(BARE))
        ours.append(once(OURS))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare Textual app : {b * 1000:7.1f} ms (median of {runs})")
    print(f"kremlin-tui title: {o * 1000:7.1f} ms (median of {runs})")
    print(f"ratio            : {o / b:.2f}x   (goal <= 1.20x)")


if __name__ == "__main__":
    main()
