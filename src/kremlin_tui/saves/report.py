"""Saves as plain text lines: the listing (plain mode's `saves`, `kremlin-tui saves list`) and
the writers' check (`kremlin-tui saves check`). Text only, no markup: a save name is printed as
the player typed it, never interpreted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kremlin_tui.model import Story
from kremlin_tui.saves.errors import SaveError
from kremlin_tui.saves.migrate import plural, restore
from kremlin_tui.saves.store import SaveStore, SlotInfo

KIND_LABEL = {"auto": "autosave", "quick": "quick save", "manual": "save"}


def play_time(seconds: float) -> str:
    """"0:05" (h:mm) for play time; minutes are what a player counts in."""
    minutes = int(seconds // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def saved_time(info: SlotInfo) -> str:
    """The real time of saving in the player's local time zone, to the minute."""
    return info.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")


def listing(infos: list[SlotInfo], story_id: str | None = None) -> list[str]:
    """One line per save (newest first), then the damaged ones with the reason."""
    if not infos:
        return ["No saves yet."]
    lines: list[str] = []
    for info in infos:
        if not info.ok:
            backup = " (its previous version is sound: loading it uses that)" if info.backup else ""
            label = "DAMAGED" if info.damaged else "CANNOT LOAD"
            lines.append(f"  {info.slot}  [{label}: {info.reason}]{backup}")
            continue
        meta = info.meta
        where = ": ".join(x for x in (meta.chapter_title, meta.scene_title or meta.scene) if x)
        kind = "" if info.kind == "manual" else f" ({KIND_LABEL[info.kind]})"
        other = f" [another story: {info.story_id}]" if story_id is not None and info.story_id != story_id else ""
        ended = " [ended]" if meta.ended else ""
        lines.append(f"  {info.slot}{kind} — {meta.date} — {where}{ended} — saved {saved_time(info)}, "
                     f"played {play_time(meta.play_seconds)}{other}")
    return lines


@dataclass(frozen=True)
class CheckResult:
    """One save checked against a story. `status`: "loads" (same story text), "updated" (edited
    story, all references intact), "replay" (replays every decision), "replay-lossy" (keeps only
    some), "other-story", "incompatible" or "damaged"."""

    slot: str
    status: str
    detail: str
    kept: int = 0
    total: int = 0

    @property
    def problem(self) -> bool:
        """Whether a writer should look at it before a release."""
        return self.status in ("replay-lossy", "damaged", "incompatible")


def check_saves(store: SaveStore, story: Story) -> list[CheckResult]:
    results: list[CheckResult] = []
    for info in store.list():
        if not info.ok:
            backup = " (a sound backup exists: loading uses it)" if info.backup else ""
            results.append(CheckResult(info.slot, info.status, info.reason + backup))
            continue
        try:
            save = store.read_path(info.path)
            if save.story_id != story.campaign.id:
                results.append(CheckResult(info.slot, "other-story", f"belongs to the story '{save.story_id}'"))
                continue
            _game, report = restore(story, save, info.slot)
        except SaveError as exc:
            results.append(CheckResult(info.slot, "incompatible", str(exc)))
            continue
        total = report.total
        if report.mode == "exact":
            results.append(CheckResult(info.slot, "loads", "loads as saved", total, total))
        elif report.mode == "updated":
            extra = (" " + " ".join(report.notes)) if report.notes else ""
            results.append(CheckResult(info.slot, "updated", "the story changed; every scene and choice it refers to "
                                       f"still exists.{extra}", total, total))
        elif report.complete:
            kept = "the only decision" if total == 1 else f"all {total} decisions"
            results.append(CheckResult(info.slot, "replay", f"needs replay: keeps {kept}", total, total))
        else:
            results.append(CheckResult(info.slot, "replay-lossy", f"needs replay: keeps {report.kept} of "
                                       f"{plural(total, 'decision')} (stopped: {report.stopped})", report.kept, total))
    return results


_TAGS = {"loads": "ok", "updated": "ok", "replay": "replay", "replay-lossy": "LOSSY", "other-story": "other",
         "incompatible": "CANNOT", "damaged": "DAMAGED"}


def check_lines(results: list[CheckResult], story: Story, directory: Path) -> list[str]:
    lines = [f"Saves in {directory}, checked against '{story.campaign.id}' ({story.campaign.title}):"]
    if not results:
        lines.append("  no saves")
    for result in results:
        lines.append(f"  {_TAGS[result.status]:<8} {result.slot}: {result.detail}")
    count = {status: sum(1 for r in results if r.status == status) for status in _TAGS}
    lines.append(
        f"{count['loads'] + count['updated']} load, {count['replay']} need replay, "
        f"{count['replay-lossy']} lose decisions on replay, {count['damaged']} damaged, "
        f"{count['incompatible']} cannot load, {count['other-story']} of another story."
    )
    return lines
