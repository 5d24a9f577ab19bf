"""The questions a front end asks before it discards anything, computed once for every front end.

Each function returns the question as one plain sentence (the TUI shows it in a yes/no
dialog, plain mode prints it and reads `y` or `n`), or None when nothing would be lost and
the action may go ahead without asking. A question always says what would be lost: "14
decisions made since the quick save of March 1930", not "are you sure?". Questions hold no
real time and no game name (which holds one), so plain-mode transcripts stay byte-identical.
"""

from __future__ import annotations

from kremlin_tui.saves.errors import NoSuchSave
from kremlin_tui.saves.migrate import plural
from kremlin_tui.saves.session import Session
from kremlin_tui.saves.slots import clean_slot_name, is_quick
from kremlin_tui.saves.store import SlotInfo


def new_game_question(session: Session | None) -> str | None:
    """Before New game: asked whenever the game in play has any decision."""
    if session is None or not session.state.history or (session.game.ended and not session.unsaved):
        return None
    where = _where(session)
    if _kept(session):
        return f"Start a new game? This game ({where}) stays in its autosave under Load: nothing is lost."
    return f"Start a new game? The unsaved progress of this game ({where}) would be lost."


def load_question(session: Session | None, slot: str) -> str | None:
    """Before loading `slot` (F9 quick load too) over the game in play. Raises SaveError when
    the save cannot be read (the front end shows that instead)."""
    if session is None or session.store is None:
        return None
    save = session.read_save(slot)
    name = session.store.slot_name(slot)
    label = "the quick save" if is_quick(name) else f"'{name}'"
    if save.identity.id != session.game_id:
        if not session.state.history or _kept(session):
            return None  # the game in play stays in its autosave
        return (f"Load {label}? The unsaved progress of this game ({_where(session)}) would be lost "
                "(undo takes the load back).")
    loss = session.loss_if_loading(slot)
    if loss is None:
        return None
    return f"Load {label}? You would lose {loss} (undo takes the load back)."


def quickload_question(session: Session | None) -> str | None:
    """Before quick load (F9): about this game's own quick save. Raises NoSuchSave (a sentence
    for the player) when this game has none: another game's quick save is never loaded."""
    if session is None or session.store is None:
        return None
    return load_question(session, session.quickload_slot())


def overwrite_question(session: Session, name: str) -> str | None:
    """Before `save NAME`: None if the name is free (or the save already holds exactly this
    moment). Raises SlotNameError for a name that may not be used, or that would take the
    file of a save with a different name."""
    existing = session.existing_save(name)
    if existing is None:
        return None
    if existing.ok:
        try:
            if session.read_save(existing.slot).state.to_json() == session.state.to_json():
                return None
        except NoSuchSave:
            return None
    kept = (f"The damaged file is set aside as {existing.slot}.json.damaged, for a rescue by hand."
            if existing.damaged else  # (SaveStore.write never makes a damaged file a backup)
            f"Its present version is kept as its backup (restore {existing.slot}) until the next save over it.")
    return f"Replace the save {describe(existing)}? {kept}"


def delete_question(session: Session, slot: str) -> str:
    """Before deleting a save (raises NoSuchSave when there is none)."""
    info = session.store.info(slot) if session.store is not None else None
    if info is None:
        raise NoSuchSave(f"There is no save named '{clean_slot_name(slot)}'.")
    backup = " and its backup" if info.backup else ""
    return f"Delete the save {describe(info)}{backup}? This cannot be undone."


def describe(info: SlotInfo) -> str:
    """A save as a question names it: "'before' (12 decisions, March 1930)"."""
    if not info.ok:
        return f"'{info.slot}' ({'damaged' if info.damaged else 'cannot be loaded'}: {info.reason})"
    meta = info.meta
    return f"'{info.slot}' ({plural(meta.decisions, 'decision')}, {meta.date or 'unknown date'})"


def _kept(session: Session) -> bool:
    """Whether the game in play is on disk as it is now (its autosave, or a save of it)."""
    if not session.unsaved:
        return True
    return session.autosave_enabled and session.autosave_error is None and session.last_autosave is not None


def _where(session: Session) -> str:
    return f"{plural(len(session.state.history), 'decision')}, {session.state.date.display()}"
