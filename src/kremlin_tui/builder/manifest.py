"""The campaign manifest (one per story) and the chapters."""

from __future__ import annotations

from kremlin_tui.builder.declarations import Declarations
from kremlin_tui.builder.reader import Reader
from kremlin_tui.diagnostics import NOWHERE, Pos
from kremlin_tui.model import Campaign, Chapter


def build_campaign(read: Reader, raw: Declarations, first_file: str | None) -> Campaign | None:
    if not raw.campaign:
        read.error(Pos(first_file, 1, 1) if first_file else NOWHERE, "no-campaign", "no file declares the 'campaign' manifest")
        return None
    for extra in raw.campaign[1:]:
        read.error(extra.pos, "duplicate-campaign", f"a second 'campaign' manifest (the first is at {raw.campaign[0].pos})")
    values, pos = raw.campaign[0].values, raw.campaign[0].pos
    cid = read.ident(values.get("id"), "campaign id")
    title = read.text(values.get("title"), "title")
    start = read.ident(values.get("start"), "start")
    start_date = read.date(values.get("start_date"), "start_date")
    if not (cid and title and start and start_date):
        return None
    return Campaign(
        id=cid,
        title=title,
        start=start,
        start_date=start_date,
        premise=read.text(values.get("premise"), "premise") or "",
        content_note=read.text(values.get("content_note"), "content_note") or "",
        pos=pos,
        tagline=read.text(values.get("tagline"), "tagline") or "",
    )


def build_chapters(read: Reader, raw: Declarations) -> dict[str, Chapter]:
    chapters: dict[str, Chapter] = {}
    for declared in raw.chapters:
        values, pos = declared.values, declared.pos
        cid = read.ident(values.get("id"), "chapter id")
        title = read.text(values.get("title"), "title")
        if cid is None or title is None:
            continue
        if cid in chapters:
            read.error(pos, "duplicate-id", f"chapter '{cid}' is declared twice (first at {chapters[cid].pos})")
            continue
        chapters[cid] = Chapter(cid, title, read.text(values.get("years"), "years") or "", pos)
    return chapters
