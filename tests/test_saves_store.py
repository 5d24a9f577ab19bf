"""The saves folder: atomic writes and backups, slot names, damaged files, failing disks."""

from __future__ import annotations

import errno
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kremlin_tui.engine import Game
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.saves import (
    AUTOSAVE_SLOTS,
    MAX_BYTES,
    DamagedSave,
    NoSuchSave,
    SaveError,
    SaveStore,
    SlotNameError,
    build_document,
    clean_slot_name,
    listing,
    player_slot_name,
)
from kremlin_tui.saves import store as store_module
from kremlin_tui.saves.slots import MAX_CHARS

MINI = str(Path(__file__).parent / "fixtures" / "mini")


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story([MINI], cache=False)


def document(story: Story, picks: tuple[str, ...] = ("back",), slot: str = "s", seed: int = 3, minute: int = 0) -> dict:
    game = Game.new(story, seed)
    for pick in picks:
        game.choose(pick)
    return build_document(game, slot=slot, kind="manual", saved_at=datetime(2024, 5, 1, 12, minute, tzinfo=UTC),
                          play_seconds=61.5)


# -- writing and backups -------------------------------------------------------------------------


def test_a_save_is_one_readable_json_file_per_slot_and_the_previous_version_is_kept(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path / "saves")
    first = store.write("game", document(story, ("back",)))
    assert first == tmp_path / "saves" / "game.json"
    text = first.read_text(encoding="utf-8")
    assert text.startswith("{\n") and '"kremlin_tui_save": 3' in text  # indented, human-readable
    assert not (tmp_path / "saves" / "game.json.bak").exists()
    store.write("game", document(story, ("back", "vote")))
    assert store.read("game").save.state.decisions == 2
    backup = store.read_path(tmp_path / "saves" / "game.json.bak")
    assert backup.state.decisions == 1
    assert sorted(os.listdir(tmp_path / "saves")) == ["game.json", "game.json.bak"]  # no temporary files left


def test_a_save_holds_the_decisions_one_per_line_not_the_prose(tmp_path: Path, story: Story) -> None:
    path = SaveStore(tmp_path).write("game", document(story, ("back", "vote")))
    text = path.read_text(encoding="utf-8")
    saved = json.loads(text)["state"]
    rows = [line.strip().rstrip(",") for line in text.splitlines() if line.strip().startswith('["')]
    assert [json.loads(row) for row in rows] == saved["history"] and len(rows) == 2
    first = saved["history"][0]
    assert first[:5] == ["start", "back", "1924-01-21", "The Telegram", "Turn back [for Moscow] (Party ▲)"] and first[5] is None
    assert ["party", 45, 50] in first[6] and ["went_back", False, True] in first[6]  # no prose, no labels
    assert saved["names"] == {"party": ["stat", "Party standing", "up"], "secret": ["hidden", "Secret", "up"]}
    assert "chosen" not in saved and "visits" not in saved  # the history says the same



def test_a_damaged_main_file_never_replaces_a_sound_backup_and_loading_falls_back(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    store.write("game", document(story, ("back",)))
    store.write("game", document(story, ("back", "vote")))
    (tmp_path / "game.json").write_text('{"kremlin_tui_save": 1, "meta":', encoding="utf-8")  # damaged outside the game
    read = store.read("game")
    assert read.from_backup and "cut short" in read.damage and read.save.state.decisions == 1
    info = store.info("game")
    assert info.damaged and info.backup
    store.write("game", document(story, ("on",)))  # the damaged file must not become the backup
    assert store.read_path(tmp_path / "game.json.bak").state.decisions == 1
    assert store.read("game").save.state.history[0].choice == "on"
    # nor is it thrown away
    assert (tmp_path / "game.json.damaged").read_text(encoding="utf-8") == '{"kremlin_tui_save": 1, "meta":'
    assert [i.slot for i in store.list()] == ["game"]


def test_a_save_from_a_newer_version_is_kept_as_the_backup_when_overwritten(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    newer = b'{"kremlin_tui_save": 9, "whatever": "the future holds"}'
    (tmp_path / "game.json").write_bytes(newer)
    assert store.info("game").status == "incompatible"
    store.write("game", document(story))
    assert (tmp_path / "game.json.bak").read_bytes() == newer


def test_a_damaged_save_without_a_backup_raises_a_readable_error(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    (tmp_path / "x.json").write_bytes(b"\x00\x01garbage")
    with pytest.raises(DamagedSave, match="The save 'x' is damaged: the file is not"):
        store.read("x")
    with pytest.raises(NoSuchSave, match="There is no save named 'nothing'"):
        store.read("nothing")


@pytest.mark.parametrize(("crash_at", "nth"), [
    ("mkdir", 1), ("open", 1), ("write", 1), ("fsync", 1),  # writing the temporary file
    ("replace", 1),  # turning the old save into the backup
    ("replace", 2),  # renaming the new save into place
])
def test_a_failure_at_any_step_of_a_write_leaves_the_old_save_loadable(tmp_path: Path, story: Story,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       crash_at: str, nth: int) -> None:
    """The deterministic twin of the SIGKILL test: fail each system call of the write sequence."""
    store = SaveStore(tmp_path)
    store.write("game", document(story, ("back",)))
    store.write("game", document(story, ("back", "vote")))
    target = Path if crash_at == "mkdir" else store_module.os
    real = getattr(target, crash_at)
    calls = []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == nth:
            raise OSError(errno.EIO, "simulated crash")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, crash_at, failing)
    with pytest.raises(SaveError, match="Could not save the game"):
        store.write("game", document(story, ("on",)))
    monkeypatch.undo()
    read = store.read("game")
    assert read.save.state.decisions == 2 and not read.from_backup
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []  # the temporary file was removed
    store.write("game", document(story, ("on",)))  # and the next save works
    assert store.read("game").save.state.history[0].choice == "on"


def test_without_hard_links_the_backup_is_a_copy(tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: object) -> None:
        raise OSError(errno.EPERM, "no hard links here")

    monkeypatch.setattr(store_module.os, "link", no_links)
    store = SaveStore(tmp_path)
    store.write("game", document(story, ("back",)))
    store.write("game", document(story, ("back", "vote")))
    assert store.read_path(tmp_path / "game.json.bak").state.decisions == 1


def test_stale_temporary_files_are_cleaned_and_never_listed(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    store.write("game", document(story))
    stale = tmp_path / f".save-{os.getppid()}-abcd.tmp"  # a live process, but 15 minutes old
    fresh = tmp_path / f".save-{os.getppid()}-dcba.tmp"
    orphan = tmp_path / f".save-{dead_pid()}-abcd.tmp"  # its process is gone: removed at once
    for path in (stale, fresh, orphan):
        path.write_bytes(b"{half a save")
    os.utime(stale, (1, 1))
    assert [i.slot for i in store.list()] == ["game"]
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a game saving right now
    assert not orphan.exists()
    orphan.write_bytes(b"{half a save")
    store.write("game", document(story))  # the next write removes it too
    assert not orphan.exists() and fresh.exists()


def dead_pid() -> int:
    """The id of a process that has exited."""
    import subprocess
    import sys

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    return int(child.stdout)


# -- failing disks -------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "is full"),
    (errno.EROFS, "read-only disk"),
    (errno.EACCES, "no permission to write"),
    (errno.EIO, "Input/output error"),
])
def test_a_full_or_read_only_folder_gives_a_clear_message(tmp_path: Path, story: Story, monkeypatch: pytest.MonkeyPatch,
                                                          code: int, words: str) -> None:
    real_open = os.open

    def failing_open(path: object, flags: int, *args: object) -> int:
        if flags & os.O_CREAT:
            raise OSError(code, os.strerror(code))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    store = SaveStore(tmp_path)
    store.write("game", document(story))
    monkeypatch.setattr(store_module.os, "open", failing_open)
    with pytest.raises(SaveError) as caught:
        store.write("game", document(story, ("back", "vote")))
    assert words in str(caught.value) and str(tmp_path) in str(caught.value)
    assert "Traceback" not in str(caught.value) and "[Errno" not in str(caught.value)
    monkeypatch.undo()
    assert store.read("game").save.state.decisions == 1


def test_a_saves_folder_that_is_a_file_is_reported(tmp_path: Path, story: Story) -> None:
    blocker = tmp_path / "saves"
    blocker.write_text("not a folder")
    store = SaveStore(blocker)
    with pytest.raises(SaveError, match="is not a folder"):
        store.write("game", document(story))
    with pytest.raises(SaveError):
        store.list()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_a_really_read_only_folder(tmp_path: Path, story: Story) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(SaveError, match="no permission"):
            SaveStore(tmp_path).write("game", document(story))
    finally:
        tmp_path.chmod(0o700)


def test_an_oversized_save_is_refused_before_anything_is_written(tmp_path: Path, story: Story) -> None:
    doc = document(story)
    doc["meta"]["scene_title"] = "x" * MAX_BYTES
    with pytest.raises(SaveError, match="more than the 2 MB"):
        SaveStore(tmp_path).write("big", doc)
    assert list(tmp_path.iterdir()) == []


# -- slot names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("My game", "My game"),
    ("../../etc/passwd", "etc-passwd"),
    ("..", None),
    ("a/b\\c", "a-b-c"),
    ("C:\\Windows\\x", "C--Windows-x"),
    ("  spaced\tout\nname  ", "spaced out name"),
    ("bell\x07and\x00nul", "bellandnul"),
    ("right\u202eto\u200bleft", "righttoleft"),
    ("game.json", "game"),
    ("a..b", "a.b"),
    (".hidden", "hidden"),
    ("-rf", "rf"),
    ("CON", "CON_"),
    ("nul.txt", "nul.txt_"),
    ("Трóцкий 1924", "Трóцкий 1924"),
    ("", None),
    ("\x00\x01/", None),
    ("x" * 200, "x" * MAX_CHARS),
])
def test_slot_names_are_cleaned(typed: str, stored: str | None) -> None:
    if stored is None:
        with pytest.raises(SlotNameError):
            clean_slot_name(typed)
    else:
        assert clean_slot_name(typed) == stored


def test_the_games_own_slots_are_reserved_for_player_saves() -> None:
    for name in (*AUTOSAVE_SLOTS, "quicksave", "QuickSave", "quicksave-0123abcd", "QUICKSAVE-0123ABCD", "autosave-1.json",
                 "autosave-0123abcd-2", "AUTOSAVE-0123ABCD-7"):
        with pytest.raises(SlotNameError, match="reserved"):
            player_slot_name(name)
    assert player_slot_name("autosave-4") == "autosave-4"


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_any_name_stays_inside_the_saves_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    try:
        clean = clean_slot_name(name)
    except SlotNameError:
        return
    assert clean == clean_slot_name(clean)  # idempotent: the same typed name always finds the same file
    assert 0 < len(clean) <= MAX_CHARS and len(clean.encode("utf-8")) <= 160
    assert "/" not in clean and "\\" not in clean and ".." not in clean and not clean.startswith(".")
    assert all(ch.isprintable() for ch in clean)
    root = tmp_path_factory.getbasetemp() / "names"
    path = SaveStore(root).path_for(name)
    assert path.parent == root and path.name == clean + ".json"


def test_hostile_names_write_nothing_outside_the_folder(tmp_path: Path, story: Story) -> None:
    saves = tmp_path / "saves"
    names = ["../escape", "../../escape", "/tmp/escape", "..\\escape", "sub/dir/escape", "escape\x00.json", "~/escape",
             "%2e%2e%2fescape", "..%2fescape"]
    for name in names:
        SaveStore(saves).write(name, document(story))
    assert [p.name for p in tmp_path.iterdir()] == ["saves"]
    assert all(p.parent == saves for p in saves.rglob("*"))
    assert all(p.is_file() for p in saves.iterdir())


# -- listing: the damaged-file corpus ------------------------------------------------------------


def corpus(story: Story) -> dict[str, bytes]:
    good = json.dumps(document(story)).encode()
    other = document(story)
    other["kremlin_tui_save"] = 99
    bad_state = document(story)
    bad_state["state"]["vars"]["party"] = [1, 2]
    bad_step = document(story)
    bad_step["state"]["history"][0][2] = "yesterday"  # a row: [node, choice, date, ...]
    bad_rng = document(story)
    bad_rng["state"]["rng"] = -5
    return {
        "empty": b"",
        "blank": b"   \n",
        "truncated": good[: len(good) // 2],
        "truncated-at-1": good[:1],
        "not-json": b"this is not a save at all",
        "binary": bytes(range(256)),
        "utf16": json.dumps(document(story)).encode("utf-16"),
        "json-list": b"[1, 2, 3]",
        "json-string": b'"a string"',
        "foreign": json.dumps({"name": "some other program's settings"}).encode(),
        "newer": json.dumps(other).encode(),
        "version-text": good.replace(b'"kremlin_tui_save": 3', b'"kremlin_tui_save": "3"'),
        "bad-state": json.dumps(bad_state).encode(),
        "bad-step": json.dumps(bad_step).encode(),
        "bad-rng": json.dumps(bad_rng).encode(),
        "no-state": json.dumps({"kremlin_tui_save": 1, "story": {"id": "mini"}}).encode(),
        "nan": good.replace(b'"play_seconds": 61.5', b'"play_seconds": NaN'),
        "deep": b"[" * 100_000 + b"]" * 100_000,
        "huge-int": good.replace(b'"seed": 3', b'"seed": ' + b"9" * 5000),
        "oversized": b'{"kremlin_tui_save": 1, "pad": "' + b"x" * (MAX_BYTES + 10) + b'"}',
    }


@pytest.mark.parametrize(("change", "sound"), [
    (["party", 45, 50], True),
    (["party", 45.5, -50.25], True),
    (["went_back", False, True], True),
    (["outcome", "none", "won"], True),
    (["party", 45, 1e300], False),  # past the story's number limit: it would overflow the game's arithmetic
    (["party", -1e300, 45], False),
    (["party", [45], 50], False),
    (["party", 45, None], False),
    (["", 45, 50], False),
    ([7, 45, 50], False),
    (["party", 45], False),
    ({"name": "party", "kind": "stat", "label": "Party", "old": 45, "new": 50, "polarity": "up"}, True),
    ({"name": "party", "kind": "stat", "label": "Party", "old": 45, "new": 1e300}, False),
])
def test_each_change_in_the_history_is_checked_on_load(tmp_path: Path, story: Story, change: object, sound: bool) -> None:
    """A change record is checked field by field before the engine sees it (the hot loop of
    loading a save writes the common cases out: this pins it to what `_is_scalar` accepts)."""
    bad = document(story)
    bad["state"]["history"][0][6][0] = change
    (tmp_path / "edited.json").write_text(json.dumps(bad), encoding="utf-8")
    if sound:
        assert SaveStore(tmp_path).read("edited").save.state.decisions == 1
    else:
        # [name, new] leaves the old value to an earlier change of the name, and there is none
        with pytest.raises(DamagedSave, match=r"decision 1 in the history (has a malformed change record|changes 'party' "
                                              r"without its old value)"):
            SaveStore(tmp_path).read("edited")


def test_every_damaged_file_is_listed_with_a_reason_and_the_rest_still_load(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    store.write("good one", document(story, ("back",), minute=1))
    store.write("good two", document(story, ("back", "vote"), minute=2))
    for name, data in corpus(story).items():
        (tmp_path / f"{name}.json").write_bytes(data)
    (tmp_path / "a-folder.json").mkdir()
    (tmp_path / "README.txt").write_text("not a save, not listed")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.json")  # reading it would block forever
    os.symlink("/dev/zero", tmp_path / "zero.json")

    infos = {i.slot: i for i in store.list()}
    assert {s for s, i in infos.items() if i.ok} == {"good one", "good two"}
    expected_bad = set(corpus(story)) | {"a-folder", "zero"} | ({"fifo"} if hasattr(os, "mkfifo") else set())
    assert {s for s, i in infos.items() if not i.ok} == expected_bad
    for slot in expected_bad:
        assert infos[slot].reason, slot
        with pytest.raises(SaveError):
            store.read(slot)
    reasons = {slot: infos[slot].reason for slot in expected_bad}
    assert reasons["empty"] == "the file is empty"
    assert "cut short" in reasons["truncated"]
    assert "not valid JSON" in reasons["not-json"]
    assert "not text" in reasons["binary"]
    assert "not a Kremlin TUI save" in reasons["foreign"] and "not a Kremlin TUI save" in reasons["json-list"]
    assert infos["newer"].status == "incompatible" and "newer version" in reasons["newer"]
    assert "state.vars" in reasons["bad-state"]
    assert "decision 1" in reasons["bad-step"]
    assert "too large" in reasons["oversized"] and "not a regular file" in reasons["zero"]
    assert "not a regular file" in reasons["a-folder"]
    assert "nested too deeply" in reasons["deep"]
    # the good ones load, newest listed first
    assert [i.slot for i in store.list()][:2] == ["good two", "good one"]
    assert store.read("good two").save.state.decisions == 2
    text = "\n".join(listing(store.list(), "mini"))
    assert "DAMAGED" in text and "CANNOT LOAD" in text and "good one" in text


def test_listing_shows_the_metadata_a_player_needs(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    store.write("before the vote", document(story, ("back",), slot="before the vote"))
    (info,) = store.list()
    meta = info.meta
    assert (info.slot, info.kind, meta.date, meta.chapter_title, meta.scene_title) == (
        "before the vote", "manual", "27 January 1924", "Chapter One", "Moscow")
    assert info.saved_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC) and meta.play_seconds == 61.5
    assert info.story_id == "mini" and info.story_hash == story.content_hash
    header, line = listing([info], "mini")
    assert header.startswith("Earlier game of ") and header.endswith(" — 1 decision, 27 January 1924")
    assert line.startswith("  before the vote — 27 January 1924 — Chapter One: Moscow — saved 2024-05-01")
    assert line.endswith("played 0:01")


def test_a_missing_folder_lists_as_empty(tmp_path: Path) -> None:
    assert SaveStore(tmp_path / "nowhere").list() == []
    assert listing([]) == ["No saves yet."]


# -- delete and rename ---------------------------------------------------------------------------


def test_delete_removes_the_save_and_its_backup(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    store.write("game", document(story))
    store.write("game", document(story))
    store.delete("game")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(NoSuchSave):
        store.delete("game")


def test_rename_moves_save_and_backup_and_never_overwrites(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    store.write("old", document(story, ("back",), slot="old"))
    store.write("old", document(story, ("back", "vote"), slot="old"))
    store.write("taken", document(story))
    assert store.rename("old", "new/name") == "new-name"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new-name.json", "new-name.json.bak", "taken.json"]
    assert store.read("new-name").save.meta.slot == "new-name"
    assert store.read_path(tmp_path / "new-name.json.bak").state.decisions == 1
    with pytest.raises(SaveError, match="already a save named 'taken'"):
        store.rename("new-name", "taken")
    with pytest.raises(SlotNameError):
        store.rename("new-name", "quicksave")
    with pytest.raises(NoSuchSave):
        store.rename("ghost", "other")
    assert store.read("taken").save.state.decisions == 1


def test_an_autosave_can_be_kept_by_renaming_it(tmp_path: Path, story: Story) -> None:
    store = SaveStore(tmp_path)
    store.write("autosave-2", document(story, slot="autosave-2"))
    assert store.rename("autosave-2", "keep this") == "keep this"
    info = store.info("keep this")
    assert info.kind == "manual" and info.meta.kind == "manual"


def test_a_damaged_file_is_renamed_byte_for_byte(tmp_path: Path) -> None:
    store = SaveStore(tmp_path)
    data = b'{"kremlin_tui_save": 1, "oops"' + b"x" * 100
    (tmp_path / "broken.json").write_bytes(data)
    store.rename("broken", "rescued")
    assert (tmp_path / "rescued.json").read_bytes() == data and not (tmp_path / "broken.json").exists()
