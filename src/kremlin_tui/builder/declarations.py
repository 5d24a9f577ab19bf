"""The first pass: what every file declares, collected before anything is built, so a scene
may name a flag, an event or a codex entry that a later file declares."""

from __future__ import annotations

from dataclasses import field

from kremlin_tui.builder.reader import NULL, Reader
from kremlin_tui.diagnostics import Pos
from kremlin_tui.records import dataclass
from kremlin_tui.yamlsource import YNode, YScalar

Values = dict[str, YNode]  # a mapping's keys, checked against spec.py


@dataclass(frozen=True)
class Declared:
    """One object of a story file: its checked keys, where it is, and which file holds it."""

    values: Values
    pos: Pos
    path: str = ""


@dataclass(frozen=True)
class DeclaredNode(Declared):
    """A scene, an event or an ending; `chapter` is the file's default chapter."""

    chapter: str = ""
    ending: bool = False


@dataclass
class Declarations:
    """Declarations collected from all files before anything is built."""

    campaign: list[Declared] = field(default_factory=list)
    chapters: list[Declared] = field(default_factory=list)
    stats: list[Declared] = field(default_factory=list)
    relations: list[Declared] = field(default_factory=list)
    flags: list[Declared] = field(default_factory=list)
    nodes: list[DeclaredNode] = field(default_factory=list)
    codex: list[Declared] = field(default_factory=list)
    extend: list[Declared] = field(default_factory=list)

    def collect(self, read: Reader, tree: YNode, path: str) -> None:
        """Add one file's top-level objects."""
        empty = isinstance(tree, YScalar) and tree.plain and tree.text in NULL  # nothing, a comment, `~`
        top = {} if empty else read.fields(tree, "file")
        if top is None:
            return
        default_chapter = read.ident(top.get("chapter"), "chapter") or ""
        if "campaign" in top:
            campaign = read.fields(top["campaign"], "campaign")
            if campaign is not None:
                self.campaign.append(Declared(campaign, top["campaign"].pos, path))
        # the order of the reports follows the file's sections: declarations, scenes, the rest
        self._lists(read, top, path, (("chapters", "chapter", self.chapters), ("stats", "stat", self.stats),
                                      ("relations", "relation", self.relations), ("flags", "flag", self.flags)))
        for key, ending in (("nodes", False), ("endings", True)):
            for item in read.items(top.get(key), key):
                values = read.fields(item, "ending" if ending else "node")
                if values is not None:
                    self.nodes.append(DeclaredNode(values, item.pos, path, default_chapter, ending))
        self._lists(read, top, path, (("codex", "codex", self.codex), ("extend", "extend", self.extend)))

    @staticmethod
    def _lists(read: Reader, top: Values, path: str, lists: tuple[tuple[str, str, list[Declared]], ...]) -> None:
        for key, kind, target in lists:
            for item in read.items(top.get(key), key):
                values = read.fields(item, kind)
                if values is not None:
                    target.append(Declared(values, item.pos, path))
