"""A game in play, as front ends hold it: the engine's `Game` plus undo and redo, autosave,
named and quick saves, loading, "continue", play time and "unsaved progress".

The TUI and plain mode call only this API (and `SaveStore` for listings); neither knows how
a save is written. Every failure of the file system comes out as `SaveError` with a message
for the player, and autosave never raises at all: a full disk must not stop a game.

Undo restores the whole state, the random generator's state included, so taking the same
choice again draws the same outcome: undo is not a way to re-roll. Redo restores the exact
state that was undone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kremlin_tui.engine import EngineError, Game, GameState, TurnResult
from kremlin_tui.model import Story
from kremlin_tui.saves.document import GameIdentity, SaveFile, build_document, clean_game_name, utc_now
from kremlin_tui.saves.errors import NoSuchSave, SaveError, SlotNameError
from kremlin_tui.saves.migrate import LoadReport, plural, restore
from kremlin_tui.saves.ring import KEEP_LINES, RingWatch, branch_name, branch_note, common_decisions, line_start
from kremlin_tui.saves.slots import (
    AUTOSAVE_COUNT,
    QUICKSAVE_SLOT,
    autosave_slot,
    clean_slot_name,
    is_quick,
    name_separators,
    player_slot_name,
    quick_slot,
    slot_kind,
    typed_name,
)
from kremlin_tui.saves.store import SaveStore, SlotInfo
from kremlin_tui.saves.undo import StateStack, replay_states
from kremlin_tui.saves.vocabulary import SlotKind

UNDO_LIMIT = 50  # snapshots kept in memory; older decisions are undone by replaying from the seed
IDLE_CAP_SECONDS = 600.0  # a game left open counts at most ten minutes between two actions


@dataclass
class _BeforeLoad:
    """Everything a load replaced, so that undo can take the load back."""

    game: Game
    identity: GameIdentity
    slot: str | None
    play: float
    undo: StateStack
    saved: object
    next_autosave: int | None
    loaded: object = None  # the state as loaded: undo goes back only from exactly there
    branched_from: tuple[str, ...] = ()
    ring: RingWatch | None = None  # what the line of play knew of its ring: undo of the load brings it back


class Session:
    """One game being played. Build it with `new`, `from_slot` or `resume` (continue)."""

    def __init__(
        self,
        game: Game,
        store: SaveStore | None = None,
        *,
        autosave: bool = True,
        play_seconds: float = 0.0,
        slot: str | None = None,
        undo_limit: int = UNDO_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        identity: GameIdentity | None = None,
    ) -> None:
        self.game = game
        self.store = store
        self.identity = identity or GameIdentity.new(now())  # which game this is (id, name)
        self.autosave_enabled = autosave and store is not None
        self.slot = slot  # the named or quick save this game was last saved to or loaded from
        self.undo_limit = max(1, undo_limit)
        self.autosave_error: str | None = None  # why the last autosave failed (None: it worked)
        self.last_autosave: str | None = None  # the autosave slot written last
        self.undo_problem: str | None = None  # why the last undo could not go further back
        self.undone_loads = 0  # how many of the steps the last undo took back were loads
        self._undo = StateStack()  # the states before each decision (shared structure: saves/undo.py)
        self._redo = StateStack()
        self._clock = clock
        self._now = now
        self._play = max(0.0, play_seconds)
        self._last_tick = clock()
        self._next_autosave: int | None = None
        self._loads: list[_BeforeLoad] = []  # loads that undo can take back, the latest last
        self._saved = self._snapshot_json()
        self._ring = RingWatch()  # whether this game's autosave ring holds another line's moments
        self.branch_note: str | None = None  # why the game went on as a new game (front ends show it once)
        self._branched_from: tuple[str, ...] = ()  # the games this line of play went on from (see _branch)

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def new(cls, story: Story, seed: int, store: SaveStore | None = None, **options: Any) -> Session:
        session = cls(Game.new(story, seed), store, **options)
        session._name_apart()
        return session

    def _name_apart(self) -> None:
        """Two games started in the same minute would share a name: the second gets " (2)"."""
        if self.store is None:
            return
        try:
            taken = {info.game.name for info in self.store.list() if info.game is not None}
        except SaveError:
            return
        name, number = self.identity.name, 2
        while name in taken:
            name = f"{self.identity.name} ({number})"
            number += 1
        self.identity = GameIdentity(self.identity.id, name, self.identity.started_at)

    @classmethod
    def from_slot(cls, story: Story, store: SaveStore, slot: str, **options: Any) -> tuple[Session, LoadReport]:
        """Load a save into a new session; raises SaveError (NoSuchSave, DamagedSave, IncompatibleSave)."""
        session = cls(Game.new(story, 0), store, **options)
        report = session.load(slot)
        session._loads.clear()  # nothing was played before: there is no load to take back
        return session, report

    @classmethod
    def resume(cls, story: Story, store: SaveStore, **options: Any) -> tuple[Session, LoadReport] | None:
        """"Continue": the newest sound save of this story, of any kind; None if there is none."""
        for info in store.list():
            if not info.ok or info.story_id != story.campaign.id:
                continue
            try:
                return cls.from_slot(story, store, info.slot, **options)
            except SaveError:
                continue  # e.g. the story can no longer replay it: try the next newest
        return None

    # -- reading -----------------------------------------------------------------------------

    @property
    def story(self) -> Story:
        return self.game.story

    @property
    def state(self) -> GameState:
        return self.game.state

    @property
    def play_seconds(self) -> float:
        """Time spent playing this game, across sessions (idle gaps capped at IDLE_CAP_SECONDS)."""
        return self._play + min(max(0.0, self._clock() - self._last_tick), IDLE_CAP_SECONDS)

    @property
    def unsaved(self) -> bool:
        """Whether the game differs from the last named or quick save (or the load, or the start).
        Autosaves do not count: this is what "you have unsaved progress" asks about."""
        return self._snapshot_json() != self._saved

    @property
    def game_id(self) -> str:
        return self.identity.id

    @property
    def game_name(self) -> str:
        return self.identity.name

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def redo_depth(self) -> int:
        return len(self._redo)

    # -- playing -----------------------------------------------------------------------------

    def choose(self, pick: str | int, render: bool = True) -> TurnResult:
        """Take a choice (by id or 1-based number), remember the state for undo, autosave.
        Raises the engine's ChoiceUnavailable/EngineError with the state unchanged."""
        self._tick()
        before = self.state.copy()
        try:
            result = self.game.choose(pick, render)
        except EngineError:
            self.game.state = before  # an engine error may come after some effects applied
            raise
        self._undo.push(before)
        self._undo.keep(self.undo_limit)
        self._redo.clear()
        self.autosave()
        return result

    def undo(self, steps: int = 1) -> int:
        """Step back up to `steps` decisions; returns how many were undone (0: nothing to undo,
        or the game cannot be rebuilt further back: see `undo_problem`)."""
        self._tick()
        done = 0
        self.undo_problem = None
        self.undone_loads = 0
        while done < steps:
            if not self._undo and self._can_undo_load():
                self._undo_load()
                self.undone_loads += 1
                done += 1
                continue
            if not self._undo and not self._rebuild_undo():
                break
            self._redo.push(self.state.copy())
            self.game.state = self._undo.pop()
            done += 1
        if done:
            self.autosave()
        return done

    def redo(self, steps: int = 1) -> int:
        """Take back up to `steps` undone decisions, exactly as they were; returns how many."""
        self._tick()
        done = 0
        while done < steps and self._redo:
            self._undo.push(self.state.copy())
            self.game.state = self._redo.pop()
            done += 1
        self._undo.keep(self.undo_limit)
        if done:
            self.autosave()
        return done

    def _can_undo_load(self) -> bool:
        return bool(self._loads) and self._loads[-1].loaded == self._snapshot_json()

    def _undo_load(self) -> None:
        """Go back to the game as it was before the latest load (its undo stack included)."""
        before = self._loads.pop()
        self.game, self.identity, self.slot, self._play = before.game, before.identity, before.slot, before.play
        self._branched_from = before.branched_from
        if before.ring is not None:  # the line's own: since when it runs, what it wrote, what it left
            self._ring = before.ring
        self._undo, self._redo = before.undo, StateStack()
        self._saved, self._next_autosave = before.saved, before.next_autosave
        self._last_tick = self._clock()

    def _rebuild_undo(self) -> bool:
        """Refill the undo stack by replaying the history from the seed (after a load, or past
        the in-memory limit). Only if the replay reproduces the current state exactly, so an
        undo can never land on a state the game was not really in."""
        if not self.state.history:
            return False
        snapshots, problem = replay_states(self.story, self.state, self.undo_limit)
        if snapshots is None:
            self.undo_problem = problem
            return False
        self._undo = snapshots
        return True

    def replace_game(self, game: Game) -> None:
        """Adopt a game built elsewhere (live reload of an edited story). Undo snapshots belong to
        the old story, so they go; undo then rebuilds from the history."""
        self.game = game
        self._undo.clear()
        self._redo.clear()
        self._loads.clear()

    # -- saving ------------------------------------------------------------------------------

    def _require_store(self) -> SaveStore:
        if self.store is None:
            raise SaveError("Saving is not available: there is no saves folder.")
        return self.store

    def _write(self, slot: str, name: str = "") -> None:
        self._tick()
        document = build_document(self.game, slot=slot, kind=slot_kind(slot), saved_at=self._now(),
                                  play_seconds=self._play, identity=self.identity, name=name)
        self._require_store().write(slot, document)

    def existing_save(self, name: str) -> SlotInfo | None:
        """The save that `save(name)` would replace (None if the slot is free). Raises
        SlotNameError when the name is not allowed, or when the file it maps to holds a save
        whose name differs only in characters a file name cannot hold (`a/b`, `a\\b` and `a-b`
        all become `a-b.json`): replacing it would be a silent overwrite, so it is refused."""
        slot = player_slot_name(name)
        try:
            info = self._require_store().info(slot)
        except NoSuchSave:
            return None
        typed = typed_name(name)
        if not info.damaged and name_separators(info.meta.name or info.slot) != name_separators(typed):
            shown = typed_name(info.meta.name) or info.slot
            raise SlotNameError(
                f"'{typed}' would be stored in the same file ({slot}.json) as the save '{shown}': the names "
                "differ only in characters a file name cannot hold. Choose another name "
                f"(or save as '{shown}' to replace that save).")
        return info

    def save(self, name: str) -> str:
        """Save under a player's name (cleaned; autosave and quick save names are reserved);
        returns the name used. Front ends ask first when `existing_save(name)` is not None.
        Raises SaveError (SlotNameError for a refused name)."""
        slot = player_slot_name(name)
        self.existing_save(name)  # refuses a name that would take another save's file
        self._write(slot, typed_name(name))
        self.slot = slot
        self._saved = self._snapshot_json()
        return slot

    def rename_game(self, name: str) -> str:
        """Give the game being played a new name (also in its saves on disk); returns it."""
        try:
            clean = clean_game_name(name)
        except ValueError as exc:
            raise SaveError(str(exc)) from None
        if self.store is not None:  # first: it refuses the name of another game
            store = self.store
            self._ring.across_rewrite(store, self.identity.id, lambda: store.rename_game(self.identity.id, clean))
        self.identity = GameIdentity(self.identity.id, clean, self.identity.started_at)
        return clean

    @property
    def quick_slot(self) -> str:
        """This game's quick save slot (`quicksave-<game id>`): every game has its own."""
        return quick_slot(self.identity.id)

    def quicksave(self) -> str:
        """Save to this game's quick save slot; returns the slot. Another game's quick save is
        never touched (each game has its own slot)."""
        slot = self.quick_slot
        self._write(slot)
        self.slot = slot
        self._saved = self._snapshot_json()
        return slot

    def quickload_slot(self) -> str:
        """The quick save that quick load (F9) loads: this game's; else, for a line of play that
        went on as a branch, the quick save of the game it branched from (made in this window);
        else the old shared quick save slot when it holds this game. Raises NoSuchSave, with a
        sentence for the player, when there is none: another game's quick save is never loaded."""
        store = self._require_store()
        for game_id in (self.identity.id, *reversed(self._branched_from)):
            slot = quick_slot(game_id)
            if store.exists(slot):
                return slot
        if store.exists(QUICKSAVE_SLOT):
            try:
                if store.read(QUICKSAVE_SLOT).save.identity.id == self.identity.id:
                    return QUICKSAVE_SLOT
            except SaveError:
                pass
        raise NoSuchSave("There is no quick save of this game yet: quicksave makes one (saves lists the quick "
                         "saves of other games).")

    def quickload(self) -> LoadReport:
        """Load this game's quick save (see quickload_slot)."""
        return self.load(self.quickload_slot())

    def autosave(self) -> str | None:
        """Write the next of the rotating autosave slots; returns it, or None if autosave is off
        or failed (then `autosave_error` says why). Never raises."""
        if not self.autosave_enabled or self.store is None:
            return None
        try:
            if self._ring.holds_others(self.store, self.identity.id, self.state.history):
                self._branch()
            index = self._autosave_index()
            slot = autosave_slot(self.identity.id, index + 1)
            self._write(slot)
        except SaveError as exc:
            self.autosave_error = str(exc)
            return None
        self._ring.remember(self.store.path_for(slot))
        self._next_autosave = (index + 1) % AUTOSAVE_COUNT
        self.autosave_error = None
        self.last_autosave = slot
        self.store.prune_autosaves(self.identity.id, self._now())
        return slot

    def _branch(self) -> None:
        """Go on as a new game, so that the moments in this game's ring stay as they are."""
        old, fresh = self.identity, GameIdentity.new(self._now())
        self.identity = GameIdentity(fresh.id, branch_name(old.name), fresh.started_at)
        self._branched_from = (*self._branched_from, old.id)[-KEEP_LINES:]
        self._name_apart()
        self._next_autosave = None
        self._ring.start(None)
        self.branch_note = branch_note(old.name, self.identity.name)

    def _autosave_index(self) -> int:
        """The slot of this game's ring after its newest autosave: the oldest (or a missing or
        damaged one)."""
        if self._next_autosave is not None:
            return self._next_autosave
        store = self._require_store()
        ages: list[tuple[datetime, int]] = []
        for index in range(AUTOSAVE_COUNT):
            slot = autosave_slot(self.identity.id, index + 1)
            try:
                info = store.info(slot)
            except SaveError:
                return index
            if not info.ok:
                return index
            ages.append((info.saved_at, index))
        return min(ages)[1]

    def load(self, slot: str) -> LoadReport:
        """Replace this session's game with a save (migrated to the current story if it was
        edited; see LoadReport). Raises SaveError and leaves the game as it was."""
        store = self._require_store()
        read = store.read(slot)
        game, report = restore(self.story, read.save, read.slot)
        report.from_backup = read.from_backup
        report.backup_reason = read.damage
        self._tick()
        before = _BeforeLoad(self.game, self.identity, self.slot, self._play, self._undo, self._saved,
                             self._next_autosave, branched_from=self._branched_from, ring=self._ring.copy())
        if read.save.identity.id != self.identity.id:
            self._next_autosave = None  # another game: find where its ring stands
            self._branched_from = ()
            self._ring.start(line_start(read, self._now()))  # a new line of play
        self.game = game
        self.identity = read.save.identity
        self._undo = StateStack()
        self._redo.clear()
        self._play = read.save.meta.play_seconds
        self._last_tick = self._clock()
        kind = slot_kind(report.slot)
        self.slot = report.slot if kind != SlotKind.AUTO else None
        self._saved = self._snapshot_json()
        before.loaded = self._saved
        if before.game.state.history or before.undo:  # a game to go back to (not an idle or fresh one)
            self._loads.append(before)
            del self._loads[:-10]
        return report

    # -- what a front end asks before discarding something ------------------------------------

    def read_save(self, slot: str) -> SaveFile:
        return self._require_store().read(slot).save

    def loss_if_loading(self, slot: str) -> str | None:
        """What loading a save of this same game would discard, as a phrase ("14 decisions made
        since the quick save of March 1930"); None when nothing would be (the save is this very
        state, the game has gone no further than it, or it is another game's). Raises SaveError
        if the save cannot be read."""
        save = self.read_save(slot)
        mine = self.state.history
        name = self._require_store().slot_name(slot)
        what = "the quick save" if is_quick(name) else f"the save '{name}'"
        if save.identity.id != self.identity.id:
            return None  # another game: see questions.load_question
        if save.state.to_json() == self.state.to_json():
            return None
        shared = common_decisions(mine, save.state.history)
        later = len(mine) - shared
        if later <= 0:
            return None
        if shared == len(save.state.history):
            return f"{plural(later, 'decision')} made since {what} of {save.meta.date or 'that moment'}"
        return f"{plural(later, 'decision')} of this game that {what} does not have"

    # -- the saves folder --------------------------------------------------------------------

    def saves(self) -> list[SlotInfo]:
        return self._require_store().list()

    def backups(self) -> list[SlotInfo]:
        """The sound previous versions of saves (see SaveStore.backups)."""
        return self._require_store().backups()

    def restore_backup(self, slot: str) -> str:
        """Make the previous version of a save current (see SaveStore.restore_backup)."""
        return self._require_store().restore_backup(slot)

    def delete(self, slot: str) -> None:
        self._require_store().delete(slot)
        if self.slot == clean_slot_name(slot):
            self.slot = None

    def rename(self, old: str, new: str) -> str:
        name = self._require_store().rename(old, new)
        if self.slot == clean_slot_name(old):
            self.slot = name
        return name

    # -- helpers -----------------------------------------------------------------------------

    def _tick(self) -> None:
        now = self._clock()
        self._play += min(max(0.0, now - self._last_tick), IDLE_CAP_SECONDS)
        self._last_tick = now

    def _snapshot_json(self) -> object:
        return self.state.to_json()
