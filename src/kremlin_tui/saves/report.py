"""Saves as plain text lines: the listing (plain mode's `saves`, `kremlin-tui saves list`) and
the writers' check (`kremlin-tui saves check`). Text only, no markup: a save name is printed as
the player typed it, never interpreted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kremlin_tui.model import Story
from kremlin_tui.safetext import safe_line
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
            lines.append(f"  {safe_line(info.slot)}{'.json.bak' if info.is_backup else ''}  [{label}: {info.reason}]{backup}")
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
    future = " (its recorded time is in the future: not trusted)" if info.future else ""
    return (f"  {safe_line(info.slot)}{kind} — {meta.date} — {where}{ended} — saved {saved_time(info)}{future}, "
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
    warning: str = ""  # something wrong beside whether it loads (a save time in the future)

    @property
    def problem(self) -> bool:
        """Whether a writer (or player) should look at it before a release."""
        return self.status.problem or bool(self.warning)


def check_saves(store: SaveStore, story: Story) -> list[CheckResult]:
    """Every save as the game would load it, grouped by game like the listing (the files that
    cannot be read last)."""
    groups, bad = group_by_game(store.list())
    results = [_check(store, story, info) for group in groups for info in group.saves]
    return results + [_check(store, story, info) for info in bad]


def future_warning(info: SlotInfo) -> str:
    """What `saves check` and the listing say of a save whose recorded time lies in the future."""
    if not info.future:
        return ""
    recorded = info.meta.saved_datetime()
    when = recorded.astimezone().strftime("%Y-%m-%d %H:%M") if recorded is not None else info.meta.saved_at
    return (f"its recorded save time ({when}) is in the future (edited, or saved on a clock far ahead): "
            "Continue, listings and pruning go by the file's time instead")


def _check(store: SaveStore, story: Story, info: SlotInfo) -> CheckResult:
    result = _check_loading(store, story, info)
    warning = future_warning(info)
    if warning:
        return CheckResult(result.slot, result.status, result.detail, result.kept, result.total, result.game, warning)
    return result


def _check_loading(store: SaveStore, story: Story, info: SlotInfo) -> CheckResult:
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
        if result.warning:
            lines.append(f"    {'WARNING':<8} {result.slot}: {result.warning}")
    count = {status: sum(1 for r in results if r.status == status) for status in CheckStatus}
    future = sum(1 for r in results if r.warning)
    lines.append(
        f"{count[CheckStatus.LOADS] + count[CheckStatus.UPDATED]} load, {count[CheckStatus.REPLAY]} need replay, "
        f"{count[CheckStatus.REPLAY_LOSSY]} lose decisions on replay, {count[CheckStatus.DAMAGED]} damaged, "
        f"{count[CheckStatus.INCOMPATIBLE]} cannot load, {count[CheckStatus.OTHER_STORY]} of another story"
        + (f", {future} dated in the future." if future else ".")
    )
    return lines
