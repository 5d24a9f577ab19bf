"""The test suite itself never touches a player's files (see tests/suite_isolation.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import suite_isolation

# The tests most likely to reach for a player's saves: the TUI flows (one of them once built the
# app without a saves folder and rotated the real autosave), plain mode and the saves commands.
# A subset keeps this test short; `python tests/suite_isolation.py` runs the whole suite so.
SUBSET = [
    "tests/tui/test_flows.py::test_live_reload_keeps_the_game_where_it_was",
    "tests/tui/test_saves_flows.py::test_continue_resumes_the_newest_save_in_a_new_run",
    "tests/tui/test_saves_flows.py::test_play_continue_opens_the_newest_save",
    "tests/test_saves_cli.py",
]

pytestmark = pytest.mark.skipif(
    bool(os.environ.get(suite_isolation.CHILD_MARK)), reason="already inside the isolation run"
)


def test_the_suite_leaves_a_players_saves_byte_for_byte_unchanged(tmp_path: Path) -> None:
    checkout = suite_isolation.copy_checkout(tmp_path / "checkout")
    (checkout / "saves" / "autosave-1.json").write_text(suite_isolation.FAKE_SAVE, encoding="utf-8")
    (checkout / "saves" / "kept.json").write_text(suite_isolation.FAKE_SAVE, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()

    code, output, changed = suite_isolation.run_suite(home, checkout, SUBSET)

    assert code == 0, output[-4000:]
    assert " passed" in output and "error" not in output.splitlines()[-1], output[-2000:]
    assert changed == []

    # The check can fail: a game played in that same environment saves where the suite must
    # not, and the fingerprint sees it.
    env = suite_isolation.child_environment(home, checkout)
    before = suite_isolation.fingerprint(home, checkout / "saves")
    play = subprocess.run(
        [sys.executable, "-m", "kremlin_tui", "play", "--plain", "--story", "tests/fixtures/mini", "--seed", "1"],
        cwd=checkout, env=env, input="save mine\nquit\n", capture_output=True, text=True, check=False,
    )
    assert play.returncode == 0, play.stderr
    after = suite_isolation.fingerprint(home, checkout / "saves")
    assert f"created: {checkout / 'saves' / 'mine.json'}" in suite_isolation.differences(before, after)
