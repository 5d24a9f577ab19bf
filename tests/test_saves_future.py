"""A save whose recorded time lies in the future (edited by hand, or written on a clock far
ahead) is not trusted: it does not win Continue, listings rank it by the file's time,
`saves check` flags it, and a line of play loaded from it still notices another window's
later autosaves (so it branches rather than overwrite them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from kremlin_tui.loader import load_story
from kremlin_tui.saves import SaveStore, Session, check_lines, check_saves, listing

FUTURE = "2099-01-01T00:00:00.000Z"


def edit_time(path: Path, saved_at: str = FUTURE, mtime: float | None = None) -> None:
    stat = path.stat()
    document = json.loads(path.read_text())
    document["meta"]["saved_at"] = saved_at
    path.write_text(json.dumps(document))
    os.utime(path, (stat.st_atime, mtime if mtime is not None else stat.st_mtime))


def test_a_save_dated_in_the_future_does_not_win_continue(tmp_path: Path, loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    old = Session.new(story, 3, store)
    old.choose("roll")
    old.save("old game")
    edit_time(store.path_for("old game"), mtime=time.time() - 86400)  # saved yesterday, dated 2099
    new = Session.new(story, 4, store)
    new.choose("steady")
    new.choose("steady")
    resumed, _report = Session.resume(story, store)  # type: ignore[misc]
    assert resumed.game_id == new.game_id
    info = store.info("old game")
    assert info.future and info.saved_at.year < 2099
    edit_time(store.path_for("old game"), mtime=time.time() + 10 * 86400)  # the file's time too (touch -d)
    resumed, _report = Session.resume(story, store)  # type: ignore[misc]
    assert resumed.game_id == new.game_id and store.info("old game").saved_at.year == 1970  # no time at all
    assert "(its recorded time is in the future: not trusted)" in "\n".join(listing(store.list()))


def test_saves_check_flags_a_time_in_the_future(tmp_path: Path, loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path / "saves")
    session = Session.new(story, 3, store)
    session.choose("roll")
    session.save("edited")
    session.save("honest")
    edit_time(store.path_for("edited"))
    results = {r.slot: r for r in check_saves(store, story)}
    assert results["edited"].problem and "in the future" in results["edited"].warning
    assert not results["honest"].problem and results["honest"].warning == ""
    lines = check_lines(list(results.values()), story, store.directory)
    assert any(line.startswith("    WARNING  edited: its recorded save time (") for line in lines)
    assert lines[-1].endswith(", 1 dated in the future.")
    run = subprocess.run([sys.executable, "-m", "kremlin_tui", "saves", "check", str(store.directory), "--story",
                          loop_story_dir, "--format", "json"], capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    saves = {s["slot"]: s for s in json.loads(run.stdout)["saves"]}
    assert "in the future" in saves["edited"]["warning"] and saves["honest"]["warning"] is None


def test_a_line_loaded_from_a_future_dated_save_still_sees_another_windows_autosaves(tmp_path: Path,
                                                                                       loop_story_dir: str) -> None:
    story = load_story([loop_story_dir], cache=False)
    store = SaveStore(tmp_path)
    first = Session.new(story, 3, store)
    first.choose("roll")
    first.choose("roll")
    first.save("x")
    edit_time(store.path_for("x"))
    other = Session.new(story, 8, store)
    other.choose("steady")
    other.load("x")  # another window takes up the same game from the edited save
    first.choose("steady")  # ... while the first goes on in the game's ring
    theirs = first.state.to_json()
    for _ in range(3):
        other.choose("roll")
    on_disk = [store.read(i.slot).save.state.to_json() for i in store.list() if i.ok]
    assert theirs in on_disk  # the first window's moment was not overwritten
    assert other.game_id != first.game_id  # the second went on as a branch
