"""Codex entries: their match words (read before any text, so every text can be scanned for
mentions as it is built) and the entries themselves."""

from __future__ import annotations

from kremlin_tui.builder.declarations import Declarations
from kremlin_tui.builder.exprs import Expressions
from kremlin_tui.builder.reader import Reader, one_of
from kremlin_tui.diagnostics import shown
from kremlin_tui.mentions import MentionIndex
from kremlin_tui.model import CodexEntry
from kremlin_tui.spec import CATEGORIES


def codex_words(read: Reader, raw: Declarations) -> tuple[set[str], MentionIndex]:
    """The declared codex ids, and the index of their match words (a title by default)."""
    ids: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for declared in raw.codex:
        values = declared.values
        cid = read.text(values.get("id"), "id")
        title = read.text(values.get("title"), "title")
        if cid is None:
            continue
        ids.add(cid)
        words = read.strings(values.get("match"), "match") if "match" in values else ((title,) if title else ())
        pairs.extend((word, cid) for word in words)
    return ids, MentionIndex(pairs)


def build_codex(read: Reader, exprs: Expressions, raw: Declarations) -> dict[str, CodexEntry]:
    codex: dict[str, CodexEntry] = {}
    for declared in raw.codex:
        values, pos = declared.values, declared.pos
        cid = read.ident(values.get("id"), "codex id")
        title = read.text(values.get("title"), "title")
        category = read.text(values.get("category"), "category")
        text = exprs.template(values.get("text"), "codex text")
        if cid is None or title is None or category is None or text is None:
            continue
        if category not in CATEGORIES:
            read.error(values["category"].pos, "enum", f"category '{shown(category)}' must be {one_of(CATEGORIES)}")
        if cid in codex:
            read.error(values["id"].pos, "duplicate-id", f"codex entry '{cid}' is already defined at {codex[cid].pos}")
            continue
        match = read.strings(values.get("match"), "match") if "match" in values else (title,)
        codex[cid] = CodexEntry(cid, title, category, text, match, pos)
    return codex
