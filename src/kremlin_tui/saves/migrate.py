"""A save made with another text of the story: `restore` fits it to the story being played.
(Older save *formats* are upgraded by `formats`, before a save reaches this module; the file
layer, `store`, depends only on that.)

One rule: never a silently wrong state.
- Same story text (content hash): the state loads as saved.
- Story edited, but every scene and choice the save refers to still exists and every value
  still fits its declaration: the state loads; new stats and flags take their initial values,
  and the report says so.
- Otherwise the decision history is replayed from the seed on the new story, as far as it still
  applies (`Game.replay`), and the report says what could not be kept.
- A save of another story is refused with the reason.

Saves name scenes and choices by the ids writers give them, never by position, so adding a
choice or reordering a file never breaks a save.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kremlin_tui.calendar import CALENDAR
from kremlin_tui.dates import GameDate
from kremlin_tui.engine import EngineError, Game, GameState
from kremlin_tui.model import Story
from kremlin_tui.saves.document import SaveFile
from kremlin_tui.saves.errors import IncompatibleSave
from kremlin_tui.saves.vocabulary import LoadMode

# -- story edits -------------------------------------------------------------------------------


@dataclass
class LoadReport:
    """What loading did, for the player: how the save met the story (never OTHER_STORY: such a
    save is not loaded), and what a replay kept."""

    slot: str
    mode: LoadMode
    kept: int  # decisions kept
    total: int  # decisions in the save
    notes: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the replay stopped early
    lost: list[str] = field(default_factory=list)  # the decisions that could not be kept, as a player reads them
    from_backup: bool = False
    backup_reason: str = ""

    @property
    def complete(self) -> bool:
        """Every decision in the save is in the loaded game."""
        return self.kept == self.total

    def lines(self) -> list[str]:
        """The report as plain sentences; empty for an exact load from the save itself."""
        out: list[str] = []
        if self.from_backup:
            out.append(f"The save file was damaged ({self.backup_reason}); loaded its previous version instead.")
        if self.mode == LoadMode.UPDATED:
            out.append("The story has changed since this save; everything it refers to still exists.")
        elif self.mode == LoadMode.REPLAY:
            if self.complete:
                out.append(f"The story has changed since this save: replayed {_all(self.total)} from the start.")
            else:
                out.append(f"The story has changed since this save: kept {self.kept} of {plural(self.total, 'decision')} "
                           f"(stopped: {self.stopped}).")
                if self.lost:
                    shown = self.lost[:5]
                    out.append("Not kept: " + "; ".join(shown) + (f"; and {len(self.lost) - 5} more" if len(self.lost) > 5 else "") + ".")
                out.append("The save file itself is unchanged.")
        out.extend(self.notes)
        return out


@dataclass(frozen=True)
class Assessment:
    """How a save relates to a story, without loading it (used by `saves check` and `restore`)."""

    mode: LoadMode
    problems: tuple[str, ...]  # why the state cannot be used as saved


def assess(story: Story, save: SaveFile) -> Assessment:
    if save.story_id != story.campaign.id:
        return Assessment(LoadMode.OTHER_STORY, (f"it belongs to the story '{save.story_id}', not '{story.campaign.id}'",))
    problems = tuple(state_problems(story, save.state))
    if problems:
        return Assessment(LoadMode.REPLAY, problems)
    return Assessment(LoadMode.EXACT if save.story_hash == story.content_hash else LoadMode.UPDATED, ())


def restore(story: Story, save: SaveFile, slot: str = "") -> tuple[Game, LoadReport]:
    """A game for `story` from a save, by the rule in the module docstring; raises IncompatibleSave.
    The game takes over the save's state (not copied: a `SaveFile` is read for one use)."""
    verdict = assess(story, save)
    total = len(save.state.history)
    if verdict.mode == LoadMode.OTHER_STORY:
        title = f" ({save.story_title})" if save.story_title else ""
        raise IncompatibleSave(f"This save belongs to another story: '{save.story_id}'{title}, "
                               f"not '{story.campaign.id}' ({story.campaign.title}).")
    state = save.state
    if verdict.mode in (LoadMode.EXACT, LoadMode.UPDATED):
        notes = [] if verdict.mode == LoadMode.EXACT else update_state(story, state)
        _require_every_value(story, state)
        state.story_id = story.campaign.id
        state.story_hash = story.content_hash
        return Game(story, state), LoadReport(slot, verdict.mode, total, total, notes)
    steps = [(s.node, s.choice) for s in state.history]
    try:
        game, kept, stopped = Game.replay(story, state.seed, steps)
    except EngineError as exc:
        raise IncompatibleSave(f"The story cannot replay this save: {exc}.") from None
    lost = [f"{_date(s.date)} — {s.title or s.node}: {s.label or s.choice}" for s in state.history[kept:]]
    report = LoadReport(slot, LoadMode.REPLAY, kept, total, stopped=stopped, lost=lost)
    if kept == total:
        report.notes.append("Recomputed because " + "; ".join(verdict.problems[:3]) + ".")
    return game, report


def _require_every_value(story: Story, state: GameState) -> None:
    """A save of this very story text holds a value for every variable the story declares: its
    `vars` or its history's last change gives each one (format 3 writes a value once). An edited
    save can lose both (a history emptied, a value deleted); the game would then fail at the first
    test of that variable, so the save is refused as damaged, and nothing is loaded. A variable the
    history changed and the state lacks was removed on purpose (format 3 writes it as null; format 2
    by leaving it out), as the save formats define: that is not damage."""
    removed = {change.name for step in state.history for change in step.changes}
    missing = [name for name in story.declaration_index if name not in state.vars and name not in removed
               and (name in story.stats or name in story.relations or name in story.flags)]
    if missing:
        shown = ", ".join(f"'{name}'" for name in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise IncompatibleSave(f"This save is damaged: it holds no value for {shown}, and its history does not "
                               f"give one. Nothing was loaded.")


def state_problems(story: Story, state: GameState) -> list[str]:
    """Why the saved state cannot be used on this story as is (empty: it can)."""
    problems: list[str] = []
    nodes = story.nodes
    for number, step in enumerate(state.history, start=1):
        node = nodes.get(step.node)
        if node is None:
            problems.append(f"decision {number} was taken in the scene '{step.node}', which no longer exists")
        elif not any(c.id == step.choice for c in node.choices):
            problems.append(f"decision {number} took the choice '{step.node}.{step.choice}', which no longer exists")
    if state.node not in nodes:
        problems.append(f"the current scene '{state.node}' no longer exists")
    elif state.ending is not None and (state.ending != state.node or not nodes[state.node].is_ending):
        problems.append(f"the save ended at '{state.ending}', which is no longer an ending")
    elif state.ending is None and nodes[state.node].is_ending:
        problems.append(f"'{state.node}' is now an ending")
    if state.resume is not None and state.resume not in nodes:
        problems.append(f"the scene the game was heading to, '{state.resume}', no longer exists")
    problems.extend(_value_problems(story, state))
    return problems


def _value_problems(story: Story, state: GameState) -> list[str]:
    """In the story's order of declaration (a saved state's own order is not kept: the variables
    its history gives come after the others, see `state.told_vars`)."""
    out: list[tuple[str, str]] = []
    for name, value in state.vars.items():
        if name in story.stats or name in story.relations:
            bounds = story.bounds(name)
            assert bounds is not None
            if isinstance(value, bool) or not isinstance(value, int | float):
                out.append((name, f"'{name}' is now a number"))
            elif not bounds[0] <= value <= bounds[1]:
                out.append((name, f"'{name}' ({value}) is outside its range {bounds[0]:g}..{bounds[1]:g}"))
        elif name in story.flags:
            values = story.flags[name].values
            if values is None and not isinstance(value, bool):
                out.append((name, f"the flag '{name}' is now true or false"))
            elif values is not None and value not in values:
                out.append((name, f"the flag '{name}' can no longer be '{value}'"))
    order = story.declaration_index
    return [problem for _name, problem in sorted(out, key=lambda found: order[found[0]])]


def update_state(story: Story, state: GameState) -> list[str]:
    """Fit a state whose references all still exist to an edited story; returns notes for the player.

    New stats, relations and flags take their initial values; variables the story no longer
    declares, and records of removed events and codex entries, are dropped."""
    notes: list[str] = []
    initial = story.initial_vars()
    added = [name for name in initial if name not in state.vars]
    for name in added:
        state.vars[name] = initial[name]
    if added:
        shown = ", ".join(f"{story.label_of(n) if n not in story.flags else n} ({_value(initial[n])})" for n in added)
        notes.append(f"New in this version of the story, at their starting values: {shown}.")
    declared = set(initial) | set(CALENDAR)
    removed = sorted(name for name in state.vars if name not in declared)
    for name in removed:
        del state.vars[name]
        state.provenance.pop(name, None)
    if removed:
        notes.append(f"No longer in the story: {', '.join(removed)}.")
    nodes = story.nodes
    dropped = [n for n in state.visits if n not in nodes]
    for name in dropped:
        del state.visits[name]
    gone_events = {e for e in state.fired | set(state.scheduled) if e not in nodes or nodes[e].event is None}
    state.fired -= gone_events
    for name in gone_events:
        state.scheduled.pop(name, None)
    if gone_events:
        notes.append(f"Events no longer in the story: {', '.join(sorted(gone_events))}.")
    state.chosen = {c for c in state.chosen if _choice_exists(story, c)}
    state.codex = [c for c in state.codex if c in story.codex]
    return notes


def _choice_exists(story: Story, key: str) -> bool:
    node_id, _, choice_id = key.partition(".")
    node = story.nodes.get(node_id)
    return node is not None and any(c.id == choice_id for c in node.choices)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _all(count: int) -> str:
    return "its 1 decision" if count == 1 else f"all {count} decisions"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date(text: str) -> str:
    try:
        return GameDate.parse(text).display()
    except ValueError:
        return text
