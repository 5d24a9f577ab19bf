"""Concurrent writers and hard links never leave temporary files behind (issue 11).

rename() between two names of one file succeeds and does nothing (POSIX), so a temporary
link renamed over a backup that already is that file used to stay: 4 processes saving to one
slot left 71 `.save-*.tmp` files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kremlin_tui.saves import SaveStore
from kremlin_tui.saves.store import TEMP_PREFIX

MINI = Path(__file__).parent / "fixtures" / "mini"

WRITER = """
import sys
from kremlin_tui.loader import load_story
from kremlin_tui.saves import SaveStore, Session

story = load_story([sys.argv[1]], cache=False)
store = SaveStore(sys.argv[2])
session = Session.new(story, int(sys.argv[3]), store, autosave=False)
sys.stdout.write("ready\\n")
sys.stdout.flush()
sys.stdin.readline()  # start together
for _ in range(int(sys.argv[4])):
    session.save("shared")
"""


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX))


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_four_processes_saving_to_one_slot_leave_no_temporary_files_and_one_valid_slot(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(MINI), str(saves), str(seed), "200"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
               for seed in (1, 2, 3, 4)]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        assert writer.wait(timeout=600) == 0
    assert temp_files(saves) == []
    assert sorted(p.name for p in saves.iterdir()) == ["shared.json", "shared.json.bak"]
    info = SaveStore(saves).info("shared")
    assert info.ok and info.meta.slot == "shared"
    assert SaveStore(saves).read("shared").save.state.seed in (1, 2, 3, 4)


def test_a_slot_hard_linked_to_its_backup_leaves_no_temporary_file(tmp_path: Path) -> None:
    from kremlin_tui.loader import load_story
    from kremlin_tui.saves import Session

    store = SaveStore(tmp_path)
    session = Session.new(load_story([str(MINI)], cache=False), 3, store, autosave=False)
    session.save("linked")
    os.link(tmp_path / "linked.json", tmp_path / "linked.json.bak")  # backup and slot: one file
    session.choose("back")
    session.save("linked")
    assert temp_files(tmp_path) == []
    assert store.read("linked").save.state.decisions == 1
    assert store.read_path(tmp_path / "linked.json.bak").state.decisions == 0


def test_a_temporary_file_left_by_a_dead_process_goes_at_the_next_write(tmp_path: Path) -> None:
    from kremlin_tui.loader import load_story
    from kremlin_tui.saves import Session

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    left = tmp_path / f"{TEMP_PREFIX}{int(child.stdout)}-0badc0de.tmp"
    left.write_bytes(b'{"half a save')  # seconds old, not fifteen minutes
    session = Session.new(load_story([str(MINI)], cache=False), 3, SaveStore(tmp_path), autosave=False)
    session.save("next")
    assert temp_files(tmp_path) == []
