"""Saves as plain text lines: the listing (plain mode's `saves`, `kremlin-tui saves list`) and
the writers' check (`kremlin-tui saves check`). Text only, no markup: a save name is printed as
the player typed it, never interpreted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kremlin_tui.model import Story
from kremlin_tui.saves.document import GameIdentity
from kremlin_tui.saves.errors import SaveError
from kremlin_tui.saves.migrate import plural, restore
from kremlin_tui.saves.store import SaveStore, SlotInfo, group_by_game
from kremlin_tui.saves.vocabulary import CheckStatus, LoadMode, SlotKind

KIND_LABEL = {SlotKind.AUTO: "autosave", SlotKind.QUICK: "quick save", SlotKind.MANUAL: "save"}


def play_time(seconds: float) -> str:
    """"0:05" (h:mm) for play time; minutes are what a player counts in."""
    minutes = int(seconds // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def saved_time(info: SlotInfo) -> str:
    """The real time of saving in the player's local time zone, to the minute."""
    return info.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")


def listing(infos: list[SlotInfo], story_id: str | None = None) -> list[str]:
    """The saves grouped by game (the game saved last first; in a game, newest first; a
    backup follows as "previous version" with the command that restores it), then the files
    that cannot be loaded, with the reason."""
    if not infos:
        return ["No saves yet."]
    groups, bad = group_by_game(infos)
    lines: list[str] = []
    for group in groups:
        lines.append(_game_line(group.game, group.latest, story_id))
        for info in group.saves:
            lines.append(_save_line(info))
    if bad:
        lines.append("Files that cannot be loaded:")
        for info in bad:
            backup = " (its previous version is sound: loading it uses that)" if info.backup else ""
            label = "DAMAGED" if info.damaged else "CANNOT LOAD"
            lines.append(f"  {info.slot}{'.json.bak' if info.is_backup else ''}  [{label}: {info.reason}]{backup}")
    return lines


def _game_line(game: GameIdentity, latest: SlotInfo, story_id: str | None) -> str:
    meta = latest.meta
    other = f" [another story: {latest.story_id}]" if story_id is not None and latest.story_id != story_id else ""
    ended = ", ended" if meta.ended else ""
    return f"{game.name} — {plural(meta.decisions, 'decision')}, {meta.date}{ended}{other}"


def _save_line(info: SlotInfo) -> str:
    meta = info.meta
    where = ": ".join(x for x in (meta.chapter_title, meta.scene_title or meta.scene) if x)
    kind = "" if info.kind == SlotKind.MANUAL else f" ({KIND_LABEL[info.kind]})"
    if info.is_backup:
        kind += f" previous version (restore {info.slot})"
    ended = " [ended]" if meta.ended else ""
    return (f"  {info.slot}{kind} — {meta.date} — {where}{ended} — saved {saved_time(info)}, "
            f"played {play_time(meta.play_seconds)}")


@dataclass(frozen=True)
class CheckResult:
    """One save checked against a story."""

    slot: str
    status: CheckStatus
    detail: str
    kept: int = 0
    total: int = 0
    game: GameIdentity | None = None  # None: the file cannot be read

    @property
    def problem(self) -> bool:
        """Whether a writer should look at it before a release."""
        return self.status.problem


def check_saves(store: SaveStore, story: Story) -> list[CheckResult]:
    """Every save as the game would load it, grouped by game like the listing (the files that
    cannot be read last)."""
    groups, bad = group_by_game(store.list())
    results = [_check(store, story, info) for group in groups for info in group.saves]
    return results + [_check(store, story, info) for info in bad]


def _check(store: SaveStore, story: Story, info: SlotInfo) -> CheckResult:
    if not info.ok:
        backup = " (a sound backup exists: loading uses it)" if info.backup else ""
        return CheckResult(info.slot, CheckStatus(info.status), info.reason + backup)
    slot, game = info.slot, info.game
    try:
        save = store.read_path(info.path)
        if save.story_id != story.campaign.id:
            return CheckResult(slot, CheckStatus.OTHER_STORY, f"belongs to the story '{save.story_id}'", game=game)
        _game, report = restore(story, save, slot)
    except SaveError as exc:
        return CheckResult(slot, CheckStatus.INCOMPATIBLE, str(exc), game=game)
    total = report.total
    if report.mode == LoadMode.EXACT:
        return CheckResult(slot, CheckStatus.LOADS, "loads as saved", total, total, game)
    if report.mode == LoadMode.UPDATED:
        extra = (" " + " ".join(report.notes)) if report.notes else ""
        return CheckResult(slot, CheckStatus.UPDATED, "the story changed; every scene and choice it refers to "
                           f"still exists.{extra}", total, total, game)
    if report.complete:
        kept = "the only decision" if total == 1 else f"all {total} decisions"
        return CheckResult(slot, CheckStatus.REPLAY, f"needs replay: keeps {kept}", total, total, game)
    return CheckResult(slot, CheckStatus.REPLAY_LOSSY, f"needs replay: keeps {report.kept} of {plural(total, 'decision')} "
                       f"(stopped: {report.stopped})", report.kept, total, game)


_TAGS = {CheckStatus.LOADS: "ok", CheckStatus.UPDATED: "ok", CheckStatus.REPLAY: "replay",
         CheckStatus.REPLAY_LOSSY: "LOSSY", CheckStatus.OTHER_STORY: "other", CheckStatus.INCOMPATIBLE: "CANNOT",
         CheckStatus.DAMAGED: "DAMAGED"}


def check_lines(results: list[CheckResult], story: Story, directory: Path) -> list[str]:
    lines = [f"Saves in {directory}, checked against '{story.campaign.id}' ({story.campaign.title}):"]
    if not results:
        lines.append("  no saves")
    game: object = ""
    for result in results:
        if result.game is not None and result.game.id != game:
            game = result.game.id
            lines.append(f"  {result.game.name}:")
        elif result.game is None and game is not None:
            game = None
            lines.append("  Files that cannot be read:")
        lines.append(f"    {_TAGS[result.status]:<8} {result.slot}: {result.detail}")
    count = {status: sum(1 for r in results if r.status == status) for status in CheckStatus}
    lines.append(
        f"{count[CheckStatus.LOADS] + count[CheckStatus.UPDATED]} load, {count[CheckStatus.REPLAY]} need replay, "
        f"{count[CheckStatus.REPLAY_LOSSY]} lose decisions on replay, {count[CheckStatus.DAMAGED]} damaged, "
        f"{count[CheckStatus.INCOMPATIBLE]} cannot load, {count[CheckStatus.OTHER_STORY]} of another story."
    )
    return lines
