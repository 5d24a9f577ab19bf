"""The command line: `kremlin-tui saves list|check`, and saves in plain mode (`save`, `load`,
`saves`, `undo`, `redo`, `delete`, `rename`, autosave, `play --continue`)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kremlin_tui import cli, paths
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.saves import SaveStore, Session

MINI = Path(__file__).parent / "fixtures" / "mini"


def run(argv: list[str], keys: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    """Run the CLI in this process with `keys` as piped input; returns (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(keys), out, err
    try:
        status = cli.main(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return status, out.getvalue(), err.getvalue()


def play(saves: Path | None, keys: str, *extra: str, story: Path = MINI, seed: int = 4) -> str:
    argv = ["play", "--plain", "--seed", str(seed), "--story", str(story), *extra]
    if saves is not None:
        argv += ["--saves", str(saves)]
    status, out, err = run(argv, keys)
    assert status == 0, err
    assert "Traceback" not in out + err
    return out


def edited_copy(tmp_path: Path, *replacements: tuple[str, str], name: str = "edited") -> Path:
    root = tmp_path / name
    shutil.copytree(MINI, root)
    for old, new in replacements:
        for path in root.glob("*.yaml"):
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _no_saves_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KREMLIN_TUI_SAVES", raising=False)


# -- saves check ---------------------------------------------------------------------------------


@pytest.fixture
def checked_dir(tmp_path: Path, make_story: Callable[..., str]) -> Path:
    """A saves folder with one save of each kind the check must tell apart."""
    mini = load_story([str(MINI)], cache=False)
    saves = tmp_path / "saves"
    store = SaveStore(saves)

    def save(story: Story, slot: str, picks: list[str]) -> None:
        session = Session.new(story, 4, store, autosave=False)
        for pick in picks:
            session.choose(pick)
        session.save(slot)

    save(mini, "fresh", [])
    save(mini, "after back", ["back"])  # party 50: outside the edited story's new range
    save(mini, "via sukhumi", ["on", "wait"])  # goes through the scene the edit renames
    other = load_story([make_story("nodes:\n  - {id: a, title: A, text: x, choices: [{id: c, label: C, goto: a}]}\n")],
                       cache=False)
    save(other, "other story", ["c"])
    (saves / "broken.json").write_text('{"kremlin_tui_save": 1, "meta": {', encoding="utf-8")
    (saves / "future.json").write_text('{"kremlin_tui_save": 7}', encoding="utf-8")
    return saves


def test_saves_check_tells_loads_replays_and_damage_apart(tmp_path: Path, checked_dir: Path) -> None:
    story = edited_copy(tmp_path, ("id: sukhumi\n", "id: sukhumi_resort\n"), ("goto: sukhumi\n", "goto: sukhumi_resort\n"),
                        ("{id: party, label: Party standing, initial: 45}", "{id: party, label: Party standing, initial: 45, max: 48}"),
                        ("  - {id: secret,", "  - {id: army, label: Red Army, initial: 30}\n  - {id: secret,"))
    before = {p.name: p.read_bytes() for p in checked_dir.iterdir()}
    status, out, err = run(["saves", "check", str(checked_dir), "--story", str(story)])
    assert status == 1, err  # a damaged save and a lossy replay: a writer must look
    lines = {line.split(":")[0].split()[-1]: line for line in out.splitlines() if line.startswith("    ")}
    assert lines["fresh"].startswith("    ok") and "Red Army (30)" in lines["fresh"]
    assert lines["back"].startswith("    replay") and "keeps the only decision" in lines["back"]
    assert lines["sukhumi"].startswith("    LOSSY") and "keeps 1 of 2 decisions" in lines["sukhumi"]
    assert "'sukhumi'" in lines["sukhumi"]
    assert lines["story"].startswith("    other")
    assert lines["broken"].startswith("    DAMAGED") and "cut short" in lines["broken"]
    assert lines["future"].startswith("    CANNOT") and "newer version" in lines["future"]
    assert out.splitlines()[-1] == ("1 load, 1 need replay, 1 lose decisions on replay, 1 damaged, 1 cannot load, "
                                    "1 of another story.")
    assert {p.name: p.read_bytes() for p in checked_dir.iterdir()} == before  # checking changes nothing
    headers = [line for line in out.splitlines() if line.startswith("  ") and not line.startswith("    ")]
    assert len(headers) == 5 and headers[-1] == "  Files that cannot be read:"  # one game per save here

    status, out, _ = run(["saves", "check", str(checked_dir), "--story", str(story), "--format", "json"])
    data = json.loads(out)
    assert status == 1 and data["story"] == "mini"
    assert {s["slot"]: s["status"] for s in data["saves"]} == {
        "fresh": "updated", "after back": "replay", "via sukhumi": "replay-lossy", "other story": "other-story",
        "broken": "damaged", "future": "incompatible"}
    assert {s["slot"]: (s["kept"], s["total"]) for s in data["saves"]}["via sukhumi"] == (1, 2)
    games = {s["slot"]: s["game"] for s in data["saves"]}
    assert games["broken"] is None and games["fresh"]["name"].startswith("Game of ")


def test_saves_check_passes_when_every_save_loads(checked_dir: Path) -> None:
    for name in ("broken.json", "future.json"):
        (checked_dir / name).unlink()
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "saves", "check", str(checked_dir), "--story", str(MINI)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 load, 0 need replay, 0 lose decisions on replay, 0 damaged, 0 cannot load, 1 of another story." in result.stdout


def test_saves_check_reports_a_broken_story_without_a_traceback(checked_dir: Path, make_story: Callable[..., str]) -> None:
    status, _out, err = run(["saves", "check", str(checked_dir), "--story", make_story("nodes: [}\n")])
    assert status == 1 and "error" in err and "Traceback" not in err


def test_saves_list_and_the_default_action(checked_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, _ = run(["saves", "list", str(checked_dir)])
    assert status == 0 and out.splitlines()[0] == f"Saves in {checked_dir}:"
    assert "  via sukhumi — January 1925 — Chapter One: A Crisis — saved " in out
    assert "  broken  [DAMAGED: the file is cut short (truncated JSON)]" in out
    assert "  future  [CANNOT LOAD: this save was made by a newer version of Kremlin TUI" in out
    status, out, _ = run(["saves", "list", str(checked_dir / "missing")])
    assert status == 0 and "No saves yet." in out
    monkeypatch.setattr(paths, "default_saves_dir", lambda: checked_dir)
    status, out, _ = run(["saves"])
    # a line per game (four), a line per save (four), and the two files that cannot be loaded
    assert status == 0 and out.splitlines()[0] == f"Saves in {checked_dir}:" and len(out.splitlines()) == 12
    assert "Files that cannot be loaded:" in out


def test_help_shows_where_saves_live(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "kremlin_tui", "--help"], capture_output=True, text=True, timeout=60,
                            env={**__import__("os").environ, "KREMLIN_TUI_SAVES": str(tmp_path / "my-saves")})
    assert f"Saves: {tmp_path / 'my-saves'}" in result.stdout and "saves" in result.stdout


# -- plain mode ----------------------------------------------------------------------------------


def test_plain_mode_save_load_undo_redo_delete_rename(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    out = play(saves, "1\nsave before the vote\n1\nundo\nredo\nredo\nload before the vote\ny\nsaves\n"
                      "rename \"before the vote\" kept\ndelete kept\ny\ndelete kept\nload kept\nundo 9\n")
    assert "Saved as 'before the vote'." in out
    assert "Undid 1 decision." in out and "Redid 1 decision." in out and "Nothing to redo." in out
    assert ("Load 'before the vote'? You would lose 1 decision made since the save 'before the vote' of 27 January "
            "1924 (undo takes the load back).") in " ".join(out.split())
    assert "Loaded 'before the vote'." in out
    # a long saves path is wrapped onto a line of its own (never broken: it can be copied)
    assert f"Saves in {saves}:" in " ".join(out.split()) and "  before the vote — 27 January 1924 — Chapter One: Moscow — saved " in out
    assert "Renamed 'before the vote' to 'kept'." in out
    assert "Delete the save 'kept' (1 decision, 27 January 1924)? This cannot be undone." in out
    assert "Deleted 'kept'." in out
    assert "There is no save named 'kept'." in out
    # the first undo after a load takes the load back; then the two decisions made before it
    assert "Undid 2 decisions and the load." in out.split("> undo 9")[1]
    names = sorted(p.name for p in saves.iterdir() if not p.name.endswith(".bak"))
    assert len(names) == 3 and all(re.fullmatch(r"autosave-[0-9a-f]{8}-[123]\.json", n) for n in names)


def test_only_the_prompt_starts_with_the_prompt_marker_with_save_commands(tmp_path: Path) -> None:
    keys = ["1", "save one", "undo", "redo", "saves", "load one", "rename one two", "delete two", "quicksave", "help"]
    out = play(tmp_path / "s", "\n".join(keys) + "\n")
    for line in out.splitlines():
        if line.startswith("> "):
            assert line[2:] in [*keys, ""], line
    assert "  save NAME  save the game under a name" in out  # the help lists the save commands


def test_plain_mode_output_stays_deterministic_with_saves(tmp_path: Path) -> None:
    keys = "1\nsave one\n1\nundo\n1\nload one\nquicksave\n1\nquickload\nredo\njournal\n"
    first = play(tmp_path / "a", keys, seed=21)
    second = play(tmp_path / "b", keys, seed=21)
    assert first == second
    assert "20" not in "".join(line for line in first.splitlines() if "Saved" in line)  # no timestamps


def test_plain_mode_messages_for_bad_names_and_usage(tmp_path: Path) -> None:
    out = play(tmp_path / "saves", "save\nload\nsave autosave-1\nsave ../../../x\nsave \x01\nrename a\nundo x\nredo\n")
    assert "Type 'save NAME' to save the game under a name." in out
    assert "Type 'load NAME'" in out
    assert "'autosave-1' is reserved for the game's own saves" in out
    assert "Saved as 'x'." in out and (tmp_path / "saves" / "x.json").is_file()
    assert "A save name needs at least one letter or digit." in out
    assert "Type 'rename OLD NEW'" in out and "Type 'undo' or 'undo N'" in out
    assert "Nothing to redo." in out
    assert [p.name for p in tmp_path.iterdir()] == ["saves"]


def test_plain_mode_keeps_playing_when_the_saves_folder_is_unusable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    out = play(blocker, "1\nsave x\n1\n")
    words = " ".join(out.split())  # a message quoting a long path is wrapped to the width
    assert words.count("Autosave failed: Could not save the game: ") == 1 and "is not a folder" in words
    after = words.split("> save x")[1]
    assert "Could not save the game: " in after and "You chose: Call a vote" in after


def test_piped_plain_mode_autosaves_only_when_given_a_saves_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = tmp_path / "default-saves"
    with monkeypatch.context() as patch:
        patch.setattr(paths, "default_saves_dir", lambda: default)
        play(None, "1\n1\n")
        assert not default.exists()  # a script's transcript leaves nothing behind
        play(None, "1\nsave asked for\n")
        assert sorted(p.name for p in default.iterdir()) == ["asked for.json"]  # an explicit save still works
    monkeypatch.setenv("KREMLIN_TUI_SAVES", str(tmp_path / "env-saves"))
    play(None, "1\n")
    (autosave,) = (tmp_path / "env-saves").iterdir()
    assert re.fullmatch(r"autosave-[0-9a-f]{8}-1\.json", autosave.name)


def test_play_continue_resumes_the_newest_save(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    play(saves, "1\nsave early\n1\n")  # the autosave after the vote is the newest
    out = play(saves, "journal\n", "--continue", seed=999)
    assert re.match(r"Continuing 'Game of [^']+' from its autosave\.", out)
    assert "Call a vote" in out.split("> journal")[1]
    assert "MINI STORY" not in out  # no title screen when resuming a game in progress


def test_play_continue_without_saves_starts_a_new_game(tmp_path: Path) -> None:
    out = play(tmp_path / "none", "", "--continue")
    assert out.startswith("There is no saved game of this story to continue; starting a new game.")
    assert "== The Telegram ==" in out


def test_loading_a_save_from_an_edited_story_says_what_was_kept(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    play(saves, "2\nsave trip\n")  # start.on -> sukhumi
    edited = edited_copy(tmp_path, ("id: sukhumi\n", "id: sukhumi_resort\n"), ("goto: sukhumi\n", "goto: sukhumi_resort\n"))
    out = play(saves, "1\nload trip\n", story=edited)
    after = " ".join(out.split("> load trip")[1].split())
    assert after.startswith("Loaded 'trip'. The story has changed since this save: replayed its 1 decision from the "
                            "start. Recomputed because the current scene 'sukhumi' no longer exists. == Sukhumi ==")
    play(saves, "1\n1\nsave lost\n")  # start.back, moscow.vote; now the vote's id changes
    edited = edited_copy(tmp_path, ("id: vote\n", "id: call_vote\n"), name="edited-vote")
    out = play(saves, "load lost\n", story=edited)
    after = " ".join(out.split("> load lost")[1].split())
    assert after.startswith("Loaded 'lost'. The story has changed since this save: kept 1 of 2 decisions (stopped: "
                            "choice 'moscow.vote' no longer exists or is not available). Not kept: 27 January 1924 — "
                            "Moscow: Call a vote. The save file itself is unchanged. == Moscow ==")


def test_names_are_printed_as_typed_never_interpreted(tmp_path: Path) -> None:
    out = play(tmp_path / "s", "save [bold red]x[-] _y_ `z` {party}\nsaves\n")
    assert "Saved as '[bold red]x[-] _y_ `z` {party}'." in out
    assert "  [bold red]x[-] _y_ `z` {party} — 21 January 1924" in out
