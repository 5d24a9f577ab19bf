"""Every file a listing shows can be reached by the commands the listing suggests: a save copied
in under a name the game would never write (a device name such as `nul`, a hidden file, leading
or trailing spaces, a control character, characters a save name cannot hold, an over-long
name) is listed as a save of its game, and `rename`, `load` and `delete` reach it by the name
shown (before, it was listed as damaged, "rename the file", and rename could not reach it)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from kremlin_tui.loader import load_story
from kremlin_tui.plain import run_plain
from kremlin_tui.safetext import safe_line
from kremlin_tui.saves import SaveStore, Session, listing

NAMES = ["nul", "CON", "com1", ".hidden", " spaced", "trailing ", "a\x01b", "a..b", "-dash", "a:b", "x" * 80,
         "autosave-1.json", "wide\u202etext"]


def run(story_dir: str, saves: Path, keys: str) -> str:
    story = load_story([story_dir], cache=False)
    session = Session.new(story, 7, SaveStore(saves))
    out = io.StringIO()
    run_plain(story, session.game, io.StringIO(keys), out, session=session, new_seed=lambda: 8)
    return out.getvalue()


@pytest.fixture
def saves(tmp_path: Path, loop_story_dir: str) -> Path:
    story = load_story([loop_story_dir], cache=False)
    folder = tmp_path / "saves"
    session = Session.new(story, 3, SaveStore(folder))
    session.choose("roll")
    session.save("source")
    for index, name in enumerate(NAMES):
        shutil.copy(folder / "source.json", folder / f"{name}.json")
        if index % 2:
            shutil.copy(folder / "source.json", folder / f"{name}.json.bak")  # and its previous version
    (folder / "source.json").unlink()
    return folder


@pytest.mark.parametrize("name", NAMES, ids=[safe_line(n)[:12] for n in NAMES])
def test_a_listed_file_can_be_renamed_by_the_name_shown(saves: Path, loop_story_dir: str, name: str) -> None:
    shown = safe_line(name)
    [info] = [i for i in SaveStore(saves).list() if i.slot == name]
    assert info.ok and info.game is not None  # a sound save under an odd name: listed under its game
    assert f"  {shown} — " in "\n".join(listing([info]))  # as the listing shows it
    out = run(loop_story_dir, saves, f'rename "{shown}" fixed\nload fixed\n')
    assert "Renamed" in out and "Loaded 'fixed'." in out, out
    assert not (saves / f"{name}.json").exists() and (saves / "fixed.json").is_file()
    assert not (saves / f"{name}.json.bak").exists()  # the previous version went with it


@pytest.mark.parametrize("name", ["nul", ".hidden", "a\x01b", " spaced"], ids=["nul", "hidden", "ctrl", "space"])
def test_a_listed_file_can_be_loaded_and_deleted_by_the_name_shown(saves: Path, loop_story_dir: str,
                                                                    name: str) -> None:
    shown = safe_line(name)
    out = run(loop_story_dir, saves, f'load "{shown}"\n')
    assert f"Loaded '{shown}'." in out, out
    out = run(loop_story_dir, saves, f'delete "{shown}"\ny\n')
    assert "Deleted" in out and not (saves / f"{name}.json").exists(), out
    assert not (saves / f"{name}.json.bak").exists()  # and its previous version


def test_nothing_outside_the_folder_is_reached_by_a_shown_name(saves: Path, loop_story_dir: str,
                                                                tmp_path: Path) -> None:
    (tmp_path / "outside.json").write_text("{}")
    out = run(loop_story_dir, saves, 'rename "../outside" x\ndelete "../outside"\ny\nload ../outside\n')
    assert (tmp_path / "outside.json").is_file() and not (saves / "x.json").exists(), out
