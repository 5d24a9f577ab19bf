"""Hostile re-tests of issue 11 (no game is ever lost), with cases the first round did not try:
a game's autosave ring is written from two lines of play at once (two windows, or an earlier
save of a game loaded while its later moments sit in its ring). Nothing may be overwritten
without a question: the second line goes on as a new game ("... (branch)")."""

from __future__ import annotations

import io
from pathlib import Path

from kremlin_tui.loader import load_story
from kremlin_tui.plain import run_plain
from kremlin_tui.saves import SaveStore, Session
from kremlin_tui.saves.slots import autosave_parts


def decisions_of_games(saves: Path) -> dict[str, list[int]]:
    """Every game in the folder (by name) and the decision counts its autosaves hold."""
    games: dict[str, list[int]] = {}
    for info in SaveStore(saves).list():
        if info.ok and info.game is not None and autosave_parts(info.slot) is not None:
            games.setdefault(info.game.name, []).append(info.meta.decisions)
    return {name: sorted(counts) for name, counts in games.items()}


def test_two_windows_on_one_game_keep_both_lines(tmp_path: Path, loop_story_dir: str) -> None:
    """Two processes continue the same game (a terminal and a browser tab on one saves folder)
    and each plays on: the one that autosaves second must not take over the first one's ring."""
    story = load_story([loop_story_dir], cache=False)
    saves = tmp_path / "saves"
    first = Session.new(story, 5, SaveStore(saves))
    for _ in range(3):
        first.choose(1)
    one, _ = Session.resume(story, SaveStore(saves)) or (None, None)
    two, _ = Session.resume(story, SaveStore(saves)) or (None, None)
    assert one is not None and two is not None
    for _ in range(4):
        one.choose("roll")  # window one: 7 decisions, its ring holds 5, 6, 7
    for _ in range(3):
        two.choose("steady")  # window two: 6 decisions
    games = decisions_of_games(saves)
    assert one.state.decisions in games[one.game_name], games  # window one's latest moment is still there
    assert two.game_name != one.game_name and two.game_name.endswith("(branch)")
    assert games[two.game_name] == [4, 5, 6]
    assert two.branch_note is not None and one.game_name in two.branch_note
    assert one.branch_note is None


def test_loading_an_earlier_save_of_a_game_keeps_its_later_autosaves(tmp_path: Path, loop_story_dir: str) -> None:
    """Plain mode: game A is played to 6 decisions (named save at 2), a new game is started ("A
    stays in its autosave: nothing is lost"), then A's early save is loaded and played on. No
    question was asked about A's decisions 3-6: they must still be on disk afterwards."""
    story = load_story([loop_story_dir], cache=False)
    saves = tmp_path / "saves"
    session = Session.new(story, 3, SaveStore(saves))
    keys = "1\n1\nsave early\n1\n2\n1\n1\nname Game A\nnew\ny\n1\nload early\n2\n2\n2\n2\n"
    out = io.StringIO()
    run_plain(story, session.game, io.StringIO(keys), out, session=session, new_seed=lambda: 4)
    text = " ".join(out.getvalue().split())
    assert "nothing is lost" in text
    games = decisions_of_games(saves)
    assert 6 in games["Game A"], games  # A's latest moment survives the branch from its early save
    assert games["Game A (branch)"] == [4, 5, 6]
    assert "The autosaves of 'Game A' hold moments this game does not have" in text
    assert text.count("this game goes on as 'Game A (branch)'") == 1  # said once, not at every autosave


def test_undo_then_another_choice_goes_on_in_the_same_game(tmp_path: Path, loop_story_dir: str) -> None:
    """What the player takes back is the player's own to overwrite: no branch after undo, in
    the session that played the decisions or in a later one that continued the game."""
    story = load_story([loop_story_dir], cache=False)
    saves = tmp_path / "saves"
    session = Session.new(story, 5, SaveStore(saves))
    for _ in range(4):
        session.choose("roll")
    session.undo(2)
    session.choose("steady")
    assert session.branch_note is None
    later, _ = Session.resume(story, SaveStore(saves)) or (None, None)  # another process, later
    assert later is not None and later.game_id == session.game_id
    later.redo()
    later.undo(2)
    later.choose("steady")
    later.choose("steady")
    assert later.branch_note is None and later.game_id == session.game_id
    assert set(decisions_of_games(saves)) == {session.game_name}


def test_a_quick_load_the_player_agreed_to_goes_on_in_the_same_game(tmp_path: Path, loop_story_dir: str) -> None:
    """F9 over later progress asks first ("You would lose 3 decisions"): after "yes" the game
    goes on in its own ring, as the question said; no branch for every quick load."""
    story = load_story([loop_story_dir], cache=False)
    saves = tmp_path / "saves"
    session = Session.new(story, 5, SaveStore(saves))
    session.choose("roll")
    session.quicksave()
    for _ in range(3):
        session.choose("roll")
    assert session.loss_if_loading(session.quick_slot) is not None  # the front end asks this first
    session.quickload()
    session.choose("steady")
    session.choose("steady")
    assert session.branch_note is None
    assert set(decisions_of_games(saves)) == {session.game_name}


def test_a_save_edited_to_hold_huge_titles_is_listed_with_them_cut(tmp_path: Path, loop_story_dir: str) -> None:
    """A save's meta is only what a listing shows; an edited file with a 5,000-character date and
    scene title made the load screen four times slower and `saves list` print 5,000-character
    lines. Listings get them cut (the game itself is in the state, untouched)."""
    import json
    import subprocess
    import sys

    story = load_story([loop_story_dir], cache=False)
    saves = tmp_path / "saves"
    session = Session.new(story, 5, SaveStore(saves))
    session.choose("roll")
    session.save("x")
    document = json.loads((saves / "x.json").read_text(encoding="utf-8"))
    document["meta"].update(date="\u202e" + "9" * 5000, scene_title="W" * 5000, chapter_title="T" + "\u0301" * 5000)
    (saves / "x.json").write_text(json.dumps(document), encoding="utf-8")
    meta = SaveStore(saves).info("x").meta
    assert max(len(meta.date), len(meta.scene_title), len(meta.chapter_title)) <= 200
    assert meta.scene_title.endswith("…")
    assert SaveStore(saves).read("x").save.state.to_json() == session.state.to_json()
    listing = subprocess.run([sys.executable, "-m", "kremlin_tui", "saves", "list", str(saves)], capture_output=True,
                             text=True, timeout=120)
    assert listing.returncode == 0 and "x" in listing.stdout
    assert max(len(line) for line in listing.stdout.splitlines()) < 700, listing.stdout[:300]


def test_a_game_cannot_take_the_name_of_another_game(tmp_path: Path, loop_story_dir: str) -> None:
    """`load NAME` loads a game's latest save by its name: two games named 'Twin' made it load
    whichever came first, and the load screen showed two games no one could tell apart."""
    import pytest

    from kremlin_tui.saves import SaveError

    story = load_story([loop_story_dir], cache=False)
    saves = tmp_path / "saves"
    first = Session.new(story, 5, SaveStore(saves))
    first.choose("roll")
    first.rename_game("Twin")
    second = Session.new(story, 6, SaveStore(saves))
    second.choose("steady")
    before = second.game_name
    for name in ("Twin", "twin", "  TWIN "):
        with pytest.raises(SaveError, match="There is already a game named 'Twin'"):
            second.rename_game(name)
    assert second.game_name == before
    with pytest.raises(SaveError):
        SaveStore(saves).rename_game(second.game_id, "Twin")  # the load screen's `g` goes here
    assert first.rename_game("Twin") == "Twin"  # its own name again is fine
    assert sorted(decisions_of_games(saves)) == sorted([before, "Twin"])


def test_replacing_a_damaged_save_says_where_it_goes(tmp_path: Path, loop_story_dir: str) -> None:
    """The question before `save x` promised "kept as its backup (restore x)" for a damaged x.json
    too, but a damaged file is set aside as x.json.damaged and `restore x` finds nothing."""
    from kremlin_tui.saves import overwrite_question

    story = load_story([loop_story_dir], cache=False)
    saves = tmp_path / "saves"
    session = Session.new(story, 5, SaveStore(saves))
    session.choose("roll")
    saves.mkdir(exist_ok=True)
    (saves / "x.json").write_text("{ not json", encoding="utf-8")
    question = overwrite_question(session, "x") or ""
    assert "set aside as x.json.damaged" in question and "restore x" not in question, question
    session.save("x")
    assert (saves / "x.json.damaged").read_text(encoding="utf-8") == "{ not json"
    assert not (saves / "x.json.bak").exists()
    session.choose("roll")
    assert "kept as its backup (restore x)" in (overwrite_question(session, "x") or "")
