"""Saves that survive change: format versions migrate forward by code, and a save made with
an older text of the story loads, replays, or is refused with a reason; never a wrong state."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kremlin_tui.engine import Game, GameState
from kremlin_tui.loader import load_story
from kremlin_tui.model import Story
from kremlin_tui.saves import (
    FORMAT_VERSION,
    MIGRATIONS,
    DamagedSave,
    IncompatibleSave,
    LoadMode,
    SaveStore,
    Session,
    assess,
    read_save_bytes,
    upgrade,
)
from kremlin_tui.saves.formats import OLDEST_FORMAT

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini() -> Story:
    return load_story([str(MINI)], cache=False)


def edited(tmp_path: Path, *replacements: tuple[str, str], name: str = "edited") -> Story:
    """A copy of the mini story with text replacements (each must apply)."""
    root = tmp_path / name
    shutil.copytree(MINI, root)
    for old, new in replacements:
        paths = [p for p in root.glob("*.yaml") if old in p.read_text(encoding="utf-8")]
        assert paths, f"edit does not apply: {old!r}"
        for path in paths:
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return load_story([str(root)], cache=False)


def saved(tmp_path: Path, story: Story, picks: list[str], seed: int = 4, slot: str = "game") -> SaveStore:
    store = SaveStore(tmp_path / "saves")
    session = Session.new(story, seed, store, autosave=False)
    for pick in picks:
        session.choose(pick)
    session.save(slot)
    return store


# -- format versions -----------------------------------------------------------------------------


def test_every_old_format_has_a_migration_to_the_next() -> None:
    assert FORMAT_VERSION == 3
    assert sorted(MIGRATIONS) == list(range(OLDEST_FORMAT, FORMAT_VERSION))


def format2_state(state: GameState) -> dict:
    """A state as format 2 (and the formats before it) wrote it: every variable, every change's
    old value, the provenance, and the story's id and hash."""
    data = state.to_json()
    data.update(version=2, vars=dict(state.vars), provenance={k: list(v) for k, v in state.provenance.items()})
    for row, step in zip(data["history"], state.history, strict=True):
        if len(row) > 6:
            row[6] = [c if isinstance(c, dict) else [s.name, s.old, s.new] for c, s in zip(row[6], step.changes, strict=True)]
    return data


def version0(game: Game) -> dict:
    """The format-0 layout: state under "game", hex generator state, `chosen` as a mapping,
    flat metadata, no story section."""
    state = format2_state(game.state)
    state["rng"] = hex(state["rng"])
    state["chosen"] = {key: True for key in game.state.chosen}
    return {"kremlin_tui_save": 0, "slot": "from the prototype", "saved": 1714564800, "play_time": 95.0, "game": state}


def test_a_format_0_save_migrates_to_format_1_and_loads_exactly(tmp_path: Path, mini: Story) -> None:
    game = Game.new(mini, 31)
    for pick in ["back", "vote"]:
        game.choose(pick)
    old = version0(game)
    document, original = upgrade(json.loads(json.dumps(old)))
    assert original == 0 and document["kremlin_tui_save"] == FORMAT_VERSION
    save = read_save_bytes(json.dumps(old).encode())
    assert save.format == 0 and save.story_id == "mini" and save.story_hash == mini.content_hash
    assert save.state == game.state
    assert save.meta.slot == "from the prototype" and save.meta.saved_at == "2024-05-01T12:00:00.000Z"
    assert save.meta.play_seconds == 95.0 and save.meta.date == game.state.date.display() and save.meta.decisions == 2
    # in the saves folder: listed, loaded, and rewritten in the current format only when saved again
    store = SaveStore(tmp_path)
    (tmp_path / "prototype.json").write_text(json.dumps(old), encoding="utf-8")
    (info,) = store.list()
    assert info.ok and info.meta.scene == game.state.node
    session, report = Session.from_slot(mini, store, "prototype")
    assert report.mode == "exact" and session.state == game.state
    assert json.loads((tmp_path / "prototype.json").read_text())["kremlin_tui_save"] == 0
    session.save("prototype")
    assert json.loads((tmp_path / "prototype.json").read_text())["kremlin_tui_save"] == FORMAT_VERSION


def version1(document: dict) -> dict:
    """The format-1 layout of a current document: every decision with the prose after it and
    each change in full (name, kind, label, old, new, polarity)."""
    old = json.loads(json.dumps(document))
    old["kremlin_tui_save"] = 1
    old["state"] = format2_state(read_save_bytes(json.dumps(document).encode()).state)
    state = old["state"]
    names = state.pop("names")
    state["version"] = 1
    state["chosen"] = sorted(f"{row[0]}.{row[1]}" for row in state["history"])
    state["visits"] = {row[0]: 1 for row in state["history"]} | {state["node"]: 1}
    history = []
    for row in state["history"]:
        node, choice, date, title, label, *rest = row + [None, [], []][len(row) - 5:]
        changes = [{"name": n, "kind": names[n][0] if n in names else "flag",
                    "label": names[n][1] if n in names else f"The flag {n}.", "old": a, "new": b,
                    "polarity": names[n][2] if n in names else "neutral"} for n, a, b in rest[1]]
        history.append({"node": node, "choice": choice, "date": date, "title": title, "label": label,
                        "outcome": rest[0], "result": f"What followed {choice}.", "changes": changes,
                        "events": rest[2]})
    state["history"] = history
    return old


def test_a_format_1_save_migrates_to_format_2_and_loads_exactly(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back", "vote"])
    current = json.loads((tmp_path / "saves" / "game.json").read_text())
    old = version1(current)
    assert all("result" in step and isinstance(step["changes"][0], dict) for step in old["state"]["history"])
    document, original = upgrade(json.loads(json.dumps(old)))
    assert original == 1 and read_save_bytes(json.dumps(document).encode()).state == store.read("game").save.state
    (tmp_path / "saves" / "old.json").write_text(json.dumps(old, indent=1), encoding="utf-8")
    session, report = Session.from_slot(mini, store, "old")
    assert report.mode == "exact" and session.state == store.read("game").save.state
    assert [len(s.changes) for s in session.state.history] == [3, 2]
    assert session.state.history[0].changes[0].label == "Party standing"
    # a label the story renamed between two decisions stays as it was shown
    old["state"]["history"][1]["changes"][0]["label"] = "Renamed"
    save = read_save_bytes(json.dumps(old).encode())
    assert save.state.history[1].changes[0].label == "Renamed"
    assert save.state.history[0].changes[0].label == "Party standing"


def test_a_malformed_old_save_is_damaged_not_a_crash(mini: Story) -> None:
    with pytest.raises(DamagedSave, match=r"format 0.*cannot be upgraded"):
        read_save_bytes(json.dumps({"kremlin_tui_save": 0, "slot": "x"}).encode())
    bad = version0(Game.new(mini, 1))
    bad["game"]["rng"] = "not hex"
    with pytest.raises(DamagedSave, match="cannot be upgraded"):
        read_save_bytes(json.dumps(bad).encode())


def test_formats_from_the_future_and_the_unknown_past_are_refused(mini: Story) -> None:
    with pytest.raises(IncompatibleSave, match="newer version of Kremlin TUI"):
        read_save_bytes(b'{"kremlin_tui_save": 4}')
    with pytest.raises(DamagedSave, match="unknown"):
        read_save_bytes(b'{"kremlin_tui_save": -1}')
    with pytest.raises(DamagedSave, match="not a number"):
        read_save_bytes(b'{"kremlin_tui_save": true}')


# -- story edits ---------------------------------------------------------------------------------


def test_the_same_story_loads_exactly(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back", "vote"])
    _session, report = Session.from_slot(mini, store, "game")
    assert (report.mode, report.kept, report.total, report.lines()) == ("exact", 2, 2, [])


def test_a_stat_added_loads_with_its_initial_value(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back", "vote"])
    original = store.read("game").save.state
    story = edited(tmp_path, ("  - {id: secret,", "  - {id: army, label: Red Army, initial: 30}\n  - {id: secret,"),
                   ("  - {id: went_back, description: Turned back.}",
                    "  - {id: went_back, description: Turned back.}\n  - {id: purged, description: A purge.}"))
    assert story.content_hash != mini.content_hash
    session, report = Session.from_slot(story, store, "game")
    assert report.mode == "updated" and report.complete
    assert session.state.vars["army"] == 30 and session.state.vars["purged"] is False
    assert {k: v for k, v in session.state.vars.items() if k not in ("army", "purged")} == original.vars
    assert session.state.history == original.history and session.state.rng == original.rng
    assert session.state.story_hash == story.content_hash
    text = " ".join(report.lines())
    assert "Red Army (30)" in text and "purged (no)" in text and "story has changed" in text
    decisions = session.state.decisions
    session.choose(session.game.available_ids()[0])  # and it plays on
    assert session.state.decisions == decisions + 1


def test_a_choice_the_save_never_took_may_go(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back"])
    story = edited(tmp_path, ("""      - id: secret_door
        label: The locked door
        if: party > 80
        locked: You need Party standing above 80.
        goto: moscow
""", ""))
    _session, report = Session.from_slot(story, store, "game")
    assert report.mode == "updated"


def test_a_renamed_scene_replays_as_far_as_it_can_and_says_what_was_lost(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back", "vote"], seed=4)
    before = (tmp_path / "saves" / "game.json").read_bytes()
    story = edited(tmp_path, ("id: moscow\n", "id: red_square\n"), ("goto: moscow\n", "goto: red_square\n"))
    assert "moscow" not in story.nodes
    assert assess(story, store.read("game").save).mode == "replay"
    session, report = Session.from_slot(story, store, "game")
    assert report.mode == LoadMode.REPLAY and (report.kept, report.total) == (1, 2) and not report.complete
    assert "'moscow'" in (report.stopped or "") and "red_square" in (report.stopped or "")
    assert report.lost == ["27 January 1924 — Moscow: Call a vote"]
    text = "\n".join(report.lines())
    assert "kept 1 of 2 decisions" in text and "Not kept: 27 January 1924 — Moscow: Call a vote" in text
    assert "unchanged" in text
    # the kept part is exactly what a fresh game with that decision gives on the new story
    fresh = Game.new(story, 4)
    fresh.choose("back")
    assert session.state == fresh.state and session.state.node == "red_square"
    assert (tmp_path / "saves" / "game.json").read_bytes() == before  # loading never rewrites the file


def test_a_removed_choice_replays_up_to_it(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["on", "wait"])
    story = edited(tmp_path, ("""      - id: on
        label: Go on to Sukhumi
        effects: [party -= 5, schedule letter in 3 months]
        goto: sukhumi
""", ""))
    session, report = Session.from_slot(story, store, "game")
    assert (report.mode, report.kept, report.total) == (LoadMode.REPLAY, 0, 2)
    assert "'start.on' no longer exists" in (report.stopped or "")
    assert session.state.node == "start" and session.state.decisions == 0
    assert len(report.lost) == 2


def test_a_value_outside_a_changed_range_is_recomputed_by_replay(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back"], seed=4)  # party 45 -> 50
    story = edited(tmp_path, ("{id: party, label: Party standing, initial: 45}",
                              "{id: party, label: Party standing, initial: 45, max: 48}"))
    session, report = Session.from_slot(story, store, "game")
    assert report.mode == LoadMode.REPLAY and report.complete
    assert session.state.vars["party"] == 48  # recomputed under the new rules, not silently clamped
    assert "outside its range" in " ".join(report.lines())


def test_a_flag_value_that_no_longer_exists_is_recomputed(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back", "vote"], seed=4)
    outcome = store.read("game").save.state.vars["outcome"]
    renamed = "triumph" if outcome == "won" else "defeat"
    edits = [(f"outcome = '{outcome}'", f"outcome = '{renamed}'"),
             ("values: [none, won, lost]", f"values: [none, {renamed}, {'lost' if outcome == 'won' else 'won'}]")]
    if outcome == "won":
        edits.append(("outcome == 'won'", "outcome == 'triumph'"))
    story = edited(tmp_path, *edits)
    session, report = Session.from_slot(story, store, "game")
    assert report.mode == LoadMode.REPLAY and report.complete
    assert session.state.vars["outcome"] == renamed  # the same draw, under the new name


def test_random_outcomes_replay_identically_on_an_edited_story(tmp_path: Path, mini: Story) -> None:
    """Replays draw from the seed again, so unaffected random outcomes stay as they were."""
    for seed in range(12):
        store = saved(tmp_path, mini, ["back", "vote"], seed=seed, slot=f"s{seed}")
        original = store.read(f"s{seed}").save.state
        story = edited(tmp_path, ("  - {id: party, label: Party standing, initial: 45}",
                                  "  - {id: party, label: Party standing, initial: 45, max: 99}"), name=f"e{seed}")
        session, report = Session.from_slot(story, store, f"s{seed}")
        assert report.mode == "updated"
        game, kept, stopped = Game.replay(story, seed, [(s.node, s.choice) for s in original.history])
        assert kept == 2 and stopped is None
        assert game.state.history[1].outcome == original.history[1].outcome
        assert game.state.vars == session.state.vars


def test_a_save_of_another_story_is_refused_with_the_reason(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back"])
    story = edited(tmp_path, ("id: mini", "id: other_campaign"), ("title: Mini Story", "title: Another Story"))
    with pytest.raises(IncompatibleSave) as caught:
        Session.from_slot(story, store, "game")
    message = str(caught.value)
    assert "'mini' (Mini Story)" in message and "'other_campaign' (Another Story)" in message
    assert assess(story, store.read("game").save).mode == "other-story"


def test_a_hand_edited_value_of_the_wrong_type_is_recomputed_not_trusted(tmp_path: Path, mini: Story) -> None:
    store = saved(tmp_path, mini, ["back"])
    path = tmp_path / "saves" / "game.json"
    document = json.loads(path.read_text())
    document["state"]["vars"]["went_back"] = "perhaps"  # a string where the flag is true/false
    path.write_text(json.dumps(document))
    session, report = Session.from_slot(mini, store, "game")
    assert report.mode == LoadMode.REPLAY and report.complete and session.state.vars["went_back"] is True


@pytest.mark.parametrize("damage", ["history emptied", "value deleted"])
def test_a_save_missing_a_value_of_this_story_is_refused_as_damaged(tmp_path: Path, mini: Story, damage: str) -> None:
    """Format 3 writes a value the history gives only in the history: an edited save can lose
    both. Loading one reached the engine and failed at the first test of the variable
    ("internal error: KeyError: 'party'" in a choice's preview); it is refused, nothing loaded."""
    store = saved(tmp_path, mini, ["back"])
    path = tmp_path / "saves" / "game.json"
    document = json.loads(path.read_text())
    if damage == "history emptied":
        document["state"]["history"] = []  # 'party', changed by decision 1, was only there
    else:
        document["state"]["vars"].pop("grain")  # untouched by the history: only in vars
    path.write_text(json.dumps(document))
    with pytest.raises(IncompatibleSave, match=r"This save is damaged: it holds no value for '(party|grain)'"):
        Session.from_slot(mini, store, "game")
