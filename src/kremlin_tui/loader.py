"""Turn story directories into a `Story`, reporting every problem with its file position.

Loading happens in passes: read every file, collect declarations (so a scene may name a flag
declared in a later file), then build scenes, checking each name, expression and target.
Whole-story analysis (reachability, dead ends, conditions that never hold) is the checker's job.
"""

from __future__ import annotations

import bisect
import errno
import gc
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from kremlin_tui.dates import GameDate
from kremlin_tui.diagnostics import NOWHERE, Collector, Diagnostic, Pos, StoryError, article, shown
from kremlin_tui.expr import CALENDAR, NUMBER_LIMIT, RESERVED, Expr, ExprError, Scope, VarInfo, analyze, parse
from kremlin_tui.mentions import MentionIndex
from kremlin_tui.model import (
    Campaign,
    Chapter,
    Choice,
    CodexEntry,
    Effect,
    EventTrigger,
    FlagDef,
    Node,
    Outcome,
    RelationDef,
    StatDef,
    Story,
)
from kremlin_tui.spec import OBJECTS
from kremlin_tui.storymap import build_map
from kremlin_tui.template import Template, TemplateError, parse_template
from kremlin_tui.yamlsource import (
    YMap,
    YNode,
    YScalar,
    YSeq,
    decode,
    folded_position,
    parse_yaml_text,
    read_limited,
    scalar_position,
)

LOADER_VERSION = "2"  # bump when loading gives a different model for the same files (cached stories)
MAX_DELAY = 9999  # `schedule EVENT in N days|months|years`: N has at most four digits
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NULL = {"", "~", "null", "Null", "NULL"}
_ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=)(?!=)\s*(.*?)\s*$")
_SCHEDULE_IN = re.compile(r"^\s*schedule\s+([A-Za-z_]\w*)\s+in\s+(\d+)\s+(days?|months?|years?)\s*$")
_SCHEDULE_ON = re.compile(r"^\s*schedule\s+([A-Za-z_]\w*)\s+on\s+(\S+)\s*$")
_UNLOCK = re.compile(r"^\s*unlock\s+([A-Za-z_]\w*)\s*$")


@dataclass
class SourceFile:
    path: str  # the path shown in messages
    real: str
    data: bytes


def story_files(dirs: Iterable[str | os.PathLike[str]], out: Collector,
                overlay: Mapping[str, str] | None = None) -> list[SourceFile]:
    """Every YAML file under the directories, in a stable order, with its bytes.

    `overlay` maps absolute paths to text that replaces the file's contents on disk: the
    language server checks what the writer has typed before it is saved.

    A folder that cannot be used at all is a `no-story` error (`check` then exits 2: it could
    not run). A `*.yaml` name that is not a readable regular file (a broken or looping link, a
    FIFO, a device) and a folder that cannot be listed are warnings: never silently skipped,
    and never opened (opening a FIFO would block the game forever)."""
    files: list[SourceFile] = []
    for directory in dirs:
        problem = _not_a_folder(str(directory))
        if problem:
            out.error(Pos(str(directory), 0, 0), "no-story", problem)
            continue
        found = sorted(_yaml_files(Path(directory), out))
        if not found:
            out.error(Pos(str(directory), 0, 0), "no-story", f"'{shown(str(directory), 200)}' holds no .yaml files")
        for path in found:
            shown_path = _display_path(path)
            unsaved = overlay.get(str(path.resolve())) if overlay else None
            data = unsaved.encode("utf-8") if unsaved is not None else read_limited(str(path), shown_path, out)
            if data is not None:
                files.append(SourceFile(shown_path, str(path), data))
    return files


def story_paths(dirs: Iterable[str | os.PathLike[str]], out: Collector) -> list[Path]:
    """The paths `story_files` would read (for the watcher: no bytes read, nothing reported)."""
    return [path for directory in dirs if not _not_a_folder(str(directory))
            for path in sorted(_yaml_files(Path(directory), out))]


def _not_a_folder(directory: str) -> str | None:
    name = shown(directory, 200)
    try:
        mode = os.stat(directory).st_mode
    except FileNotFoundError:
        return f"the story folder '{name}' does not exist"
    except OSError as exc:
        return f"cannot open the story folder '{name}': {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return None
    if stat.S_ISREG(mode):
        return f"'{name}' is a file; give the folder that holds the story's .yaml files"
    return f"'{name}' is not a folder"


def _yaml_files(root: Path, out: Collector) -> list[Path]:
    """The story files under `root`, following links to folders (each folder once)."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue  # a link back to a folder already read
            seen.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(folder))
        except OSError as exc:
            out.warning(Pos(_display_path(folder), 0, 0), "skipped",
                        f"cannot read the folder: {exc.strerror or exc}; its files are skipped")
            continue
        for entry in entries:
            path = Path(entry.path)
            wanted = path.suffix in (".yaml", ".yml")
            try:
                mode = os.stat(entry.path).st_mode  # follows links
            except OSError as exc:
                if wanted or entry.is_symlink():
                    why = "a symbolic link loop" if exc.errno == errno.ELOOP else (
                        "a broken symbolic link" if entry.is_symlink() else exc.strerror or str(exc))
                    if wanted:
                        out.warning(Pos(_link_path(path), 0, 0), "skipped", f"skipped: {why}")
                continue
            if stat.S_ISDIR(mode):
                pending.append(path)
            elif wanted and stat.S_ISREG(mode):
                found.append(path)
            elif wanted:
                out.warning(Pos(_link_path(path), 0, 0), "skipped", f"skipped: {_file_kind(mode)}, not a regular file")
    return found


def _link_path(path: Path) -> str:
    """How to show a path that may be a (broken) link: the link itself, not what it names."""
    try:
        return _display_path(path.parent) + os.sep + path.name if path.parent != Path(".") else path.name
    except (OSError, RuntimeError):
        return str(path)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link loop (RuntimeError before 3.13)
        return str(path)


def content_hash(files: list[SourceFile]) -> str:
    digest = hashlib.sha256(f"kremlin-story/{LOADER_VERSION}\n".encode())
    for index, source in enumerate(files):
        name = Path(source.real).name
        digest.update(f"{index}:{name}:{len(source.data)}\n".encode())
        digest.update(source.data)
    return digest.hexdigest()


def load_story(dirs: list[str], *, cache: bool = True) -> Story:
    """Load a story or raise StoryError listing every problem (warnings are dropped)."""
    story, diagnostics = load_story_with_diagnostics(dirs, cache=cache)
    if story is None:
        raise StoryError(diagnostics)
    return story


def load_story_with_diagnostics(dirs: list[str], *, cache: bool = True,
                                overlay: Mapping[str, str] | None = None) -> tuple[Story | None, list[Diagnostic]]:
    # Loading allocates hundreds of thousands of small objects and no reference cycles worth
    # collecting; pausing the cyclic GC meanwhile makes it markedly faster.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(dirs, cache and not overlay, overlay)
    finally:
        if was_enabled:
            gc.enable()


def _load(dirs: list[str], cache: bool, overlay: Mapping[str, str] | None = None) -> tuple[Story | None, list[Diagnostic]]:
    out = Collector()
    files = story_files(dirs, out, overlay)
    if out.errors:
        return None, out.items
    key = content_hash(files)
    if cache:
        from kremlin_tui import cache as story_cache

        cached = story_cache.read(key, [str(d) for d in dirs])
        if cached is not None:
            return cached, []
    story = _Builder(out, files, [str(d) for d in dirs], key).build()
    if out.errors:
        return None, out.items
    if cache and story is not None:
        from kremlin_tui import cache as story_cache

        story_cache.write(key, [str(d) for d in dirs], story)
    return story, out.items


# ---------------------------------------------------------------------------------------------


@dataclass
class _Raw:
    """Declarations collected from all files before anything is built."""

    campaign: list[tuple[dict[str, YNode], Pos]] = field(default_factory=list)
    chapters: list[tuple[dict[str, YNode], Pos]] = field(default_factory=list)
    stats: list[tuple[dict[str, YNode], Pos]] = field(default_factory=list)
    relations: list[tuple[dict[str, YNode], Pos]] = field(default_factory=list)
    flags: list[tuple[dict[str, YNode], Pos]] = field(default_factory=list)
    nodes: list[tuple[dict[str, YNode], Pos, str, bool, str]] = field(default_factory=list)
    codex: list[tuple[dict[str, YNode], Pos, str]] = field(default_factory=list)
    extend: list[tuple[dict[str, YNode], Pos, str]] = field(default_factory=list)


class _Builder:
    def __init__(self, out: Collector, files: list[SourceFile], dirs: list[str], key: str) -> None:
        self.out = out
        self.files = files
        self.dirs = dirs
        self.key = key
        self.raw = _Raw()
        self.lines: dict[str, list[str]] = {}
        self.scope: Scope | None = None
        self.mention_index = MentionIndex(())  # the codex match words, filled by prepare_codex
        self.codex_ids: set[str] = set()
        self.event_ids: set[str] = set()
        self.all_ids: set[str] = set()
        self.indents: dict[tuple[str, int], int] = {}
        self.flow_memo: dict[int, tuple[int, int, int]] = {}  # scalar_position's memo (id of a scalar)
        self.breaks: dict[int, list[int]] = {}  # line-break offsets of long block scalars
        self.folded_memo: dict[int, list[tuple[int, int]] | None] = {}  # folded_position's alignments
        self.analysed: dict[str, ExprError | None] = {}  # stories repeat expressions: check each once
        self.broken_files = False  # a file that did not parse: its ids are missing, so skip cross-checks

    # -- helpers --------------------------------------------------------------------------

    def error(self, pos: Pos, code: str, message: str) -> None:
        self.out.error(pos, code, message)

    def fields(self, node: YNode, kind: str) -> dict[str, YNode] | None:
        """Check a mapping against its spec: unknown keys, missing keys."""
        if not isinstance(node, YMap):
            self.error(node.pos, "type", f"expected {article(kind)} (a mapping of keys), found {_describe(node)}")
            return None
        spec = OBJECTS[kind]
        allowed = {f.name for f in spec}
        for key in node.order:
            if key not in allowed:
                import difflib

                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error(node.keys[key], "unknown-key", f"unknown key '{shown(key)}' in {article(kind)}{hint}")
        result: dict[str, YNode] = {}
        for f in spec:
            value = node.items.get(f.name)
            if value is None or (isinstance(value, YScalar) and value.plain and value.text in _NULL):
                if f.required:
                    self.error(node.pos, "missing-key", f"{article(kind)} needs '{f.name}'")
                continue
            result[f.name] = value
        return result

    def text(self, node: YNode | None, what: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, YScalar):
            self.error(node.pos, "type", f"{what} must be text, found {_describe(node)}")
            return None
        return node.text

    def ident(self, node: YNode | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is None or node is None:
            return None
        if not _ID.match(value):
            self.error(node.pos, "bad-id", f"{what} '{shown(value)}' must be letters, digits and '_' (not starting with a digit)")
            return None
        return value

    def number(self, node: YNode | None, what: str, default: float | None = None) -> float | None:
        if node is None:
            return default
        value = self.text(node, what)
        if value is None:
            return default
        number = parse_number(value)
        if number is None:
            self.error(node.pos, "type", f"{what} must be a number, not '{shown(value)}'")
            return default
        if not -NUMBER_LIMIT < number < NUMBER_LIMIT:  # also NaN and infinities
            self.error(node.pos, "number", f"{what} {shown(value)} is out of range: a number in a story lies "
                       f"between -{NUMBER_LIMIT:.0e} and {NUMBER_LIMIT:.0e}".replace("e+", "e"))
            return default
        return number

    def boolean(self, node: YNode | None, what: str) -> bool:
        if node is None:
            return False
        value = self.text(node, what)
        if value in ("true", "True", "yes"):
            return True
        if value in ("false", "False", "no"):
            return False
        if value is not None:
            self.error(node.pos, "type", f"{what} must be true or false, not '{shown(value)}'")
        return False

    def date(self, node: YNode | None, what: str) -> GameDate | None:
        value = self.text(node, what)
        if value is None or node is None:
            return None
        try:
            return GameDate.parse(value)
        except ValueError as exc:
            self.error(node.pos, "bad-date", f"{what}: {exc}")
            return None

    def items(self, node: YNode | None, what: str) -> list[YNode]:
        if node is None:
            return []
        if isinstance(node, YSeq):
            return node.items
        if isinstance(node, YScalar):
            return [node]
        self.error(node.pos, "type", f"{what} must be a list, found a mapping")
        return []

    def strings(self, node: YNode | None, what: str) -> tuple[str, ...]:
        return tuple(v for v in (self.text(item, what) for item in self.items(node, what)) if v is not None)

    def scalar_pos(self, scalar: YScalar, offset: int) -> Pos:
        """The file position of a character inside a scalar's text."""
        if offset == 0 and not scalar.block:
            return scalar.pos if not scalar.quote else Pos(scalar.pos.path, scalar.pos.line, scalar.pos.col + 1)
        if not scalar.block:
            return scalar_position(self.lines.get(scalar.pos.path, []), scalar, offset, self.flow_memo)
        lines = self.lines.get(scalar.pos.path, [])
        row = scalar.pos.line - 1
        if row < len(lines) and lines[row][scalar.pos.col - 1:scalar.pos.col] == ">":  # folded: lines joined by spaces
            folded = folded_position(lines, scalar, offset, self.block_indent(scalar), self.folded_memo)
            if folded is not None:
                return folded
        text = scalar.text
        if len(text) < 4096:
            line_offset = text.count("\n", 0, offset)
            column_in_line = offset - (text.rfind("\n", 0, offset) + 1)
        else:  # a long text with many {expressions}: index its line breaks once, not per position
            breaks = self.breaks.get(id(scalar))
            if breaks is None:
                breaks = self.breaks[id(scalar)] = [m.start() for m in re.finditer("\n", text)]
            line_offset = bisect.bisect_left(breaks, offset)
            column_in_line = offset - (breaks[line_offset - 1] + 1 if line_offset else 0)
        row = scalar.pos.line + line_offset  # 0-based index of the line after the indicator
        return Pos(scalar.pos.path, row + 1, self.block_indent(scalar) + column_in_line + 1)

    def block_indent(self, scalar: YScalar) -> int:
        """The indentation of a `|` block's content (YAML strips it from the text)."""
        key = (scalar.pos.path, scalar.pos.line)
        indent = self.indents.get(key)
        if indent is None:
            lines = self.lines.get(scalar.pos.path, [])
            row = scalar.pos.line
            while row < len(lines) and not lines[row].strip():
                row += 1
            indent = len(lines[row]) - len(lines[row].lstrip(" ")) if row < len(lines) else 0
            self.indents[key] = indent
        return indent

    def expr(self, node: YNode | None, what: str) -> Expr | None:
        if node is None:
            return None
        if not isinstance(node, YScalar):
            self.error(node.pos, "type", f"{what} must be an expression, found {_describe(node)}")
            return None
        return self.expr_from(node.text, node, what)

    def expr_from(self, source: str, scalar: YScalar, what: str, offset: int = 0) -> Expr | None:
        try:
            ast = parse(source)
        except ExprError as exc:
            code = "syntax" if exc.code == "expr" else exc.code
            self.error(self.scalar_pos(scalar, offset + exc.offset), code, f"{what}: {exc.message}")
            return None
        expr = Expr(source, ast, self.scalar_pos(scalar, offset))
        self.check_expr(expr, scalar, what, offset)
        return expr

    def check_expr(self, expr: Expr, scalar: YScalar, what: str, offset: int) -> None:
        assert self.scope is not None
        if expr.source in self.analysed:
            problem = self.analysed[expr.source]
        else:
            try:
                analyze(expr.ast, self.scope)
                problem = None
            except ExprError as exc:
                problem = exc
            self.analysed[expr.source] = problem
        if problem is not None:
            self.error(self.scalar_pos(scalar, offset + problem.offset), problem.code, f"{what}: {problem.message}")

    def template(self, node: YNode | None, what: str) -> Template | None:
        if node is None:
            return None
        if not isinstance(node, YScalar):
            self.error(node.pos, "type", f"{what} must be text, found {_describe(node)}")
            return None
        try:
            template = parse_template(node.text, lambda o: self.scalar_pos(node, o), self.mentions)
        except TemplateError as exc:
            self.error(self.scalar_pos(node, exc.offset), "template", f"{what}: {exc.message}")
            return None
        except ExprError as exc:
            code = "syntax" if exc.code == "expr" else exc.code
            self.error(self.scalar_pos(node, exc.offset), code, f"{what}: {exc.message}")
            return None
        for expr, offset in template.exprs:
            self.check_expr(expr, node, what, offset)
        return template

    def mentions(self, text: str) -> frozenset[str]:
        # one scan per text, whatever the number of entries (mentions.py)
        return self.mention_index.find(text) if self.mention_index else frozenset()

    # -- passes ---------------------------------------------------------------------------

    def build(self) -> Story | None:
        for source in self.files:
            text = decode(source.data, source.path, self.out)
            if text is None:
                self.broken_files = True
                continue
            tree = parse_yaml_text(text, source.path, self.out)
            if tree is None:
                self.broken_files = True
                continue
            self.lines[source.path] = text.split("\n")
            self.collect(tree, source.path)
        if self.broken_files and not self.raw.campaign:
            return None
        campaign = self.build_campaign()
        chapters = self.build_chapters()
        stats, relations, flags = self.build_state()
        if campaign is not None:  # the map reads the relations: built after them (storymap.py)
            campaign = replace(campaign, map=build_map(self, self.raw.campaign[0][0].get("map"), relations))
        node_ids = self.declare_nodes()
        choice_keys = self.declare_choices()
        variables = self.variables(stats, relations, flags)
        self.scope = Scope(variables, node_ids, choice_keys, set(relations))
        self.flags = flags
        self.prepare_codex()
        codex = self.build_codex()
        nodes = self.build_nodes(chapters)
        self.apply_extends(nodes)
        self.check_targets(nodes, campaign)
        if campaign is None or self.out.errors:
            return None
        events = sorted(
            (n for n in nodes.values() if n.event is not None),
            key=lambda n: (-n.event.priority, n.event.after or campaign.start_date, n.id),  # type: ignore[union-attr]
        )
        return Story(
            campaign=campaign,
            chapters=tuple(chapters.values()),
            stats=stats,
            relations=relations,
            flags=flags,
            nodes=nodes,
            codex=codex,
            events=tuple(n.id for n in events),
            content_hash=self.key,
            sources=tuple(self.dirs),
            files=tuple(f.path for f in self.files),
        )

    def collect(self, tree: YNode, path: str) -> None:
        empty = isinstance(tree, YScalar) and tree.plain and tree.text in _NULL  # nothing, a comment, `~`
        top = {} if empty else self.fields(tree, "file")
        if top is None:
            return
        default_chapter = self.ident(top.get("chapter"), "chapter") or ""
        if "campaign" in top:
            campaign = self.fields(top["campaign"], "campaign")
            if campaign is not None:
                self.raw.campaign.append((campaign, top["campaign"].pos))
        for key, target in (("chapters", self.raw.chapters), ("stats", self.raw.stats),
                            ("relations", self.raw.relations), ("flags", self.raw.flags)):
            for item in self.items(top.get(key), key):
                values = self.fields(item, key[:-1] if key != "stats" else "stat")
                if values is not None:
                    target.append((values, item.pos))
        for key, ending in (("nodes", False), ("endings", True)):
            for item in self.items(top.get(key), key):
                values = self.fields(item, "ending" if ending else "node")
                if values is not None:
                    self.raw.nodes.append((values, item.pos, default_chapter, ending, path))
        for item in self.items(top.get("codex"), "codex"):
            values = self.fields(item, "codex")
            if values is not None:
                self.raw.codex.append((values, item.pos, path))
        for item in self.items(top.get("extend"), "extend"):
            values = self.fields(item, "extend")
            if values is not None:
                self.raw.extend.append((values, item.pos, path))

    def build_campaign(self) -> Campaign | None:
        if not self.raw.campaign:
            first = Pos(self.files[0].path, 1, 1) if self.files else NOWHERE
            self.error(first, "no-campaign", "no file declares the 'campaign' manifest")
            return None
        for _, pos in self.raw.campaign[1:]:
            self.error(pos, "duplicate-campaign", f"a second 'campaign' manifest (the first is at {self.raw.campaign[0][1]})")
        values, pos = self.raw.campaign[0]
        cid = self.ident(values.get("id"), "campaign id")
        title = self.text(values.get("title"), "title")
        start = self.ident(values.get("start"), "start")
        start_date = self.date(values.get("start_date"), "start_date")
        if not (cid and title and start and start_date):
            return None
        return Campaign(
            id=cid,
            title=title,
            start=start,
            start_date=start_date,
            premise=self.text(values.get("premise"), "premise") or "",
            content_note=self.text(values.get("content_note"), "content_note") or "",
            pos=pos,
            tagline=self.text(values.get("tagline"), "tagline") or "",
        )

    def build_chapters(self) -> dict[str, Chapter]:
        chapters: dict[str, Chapter] = {}
        for values, pos in self.raw.chapters:
            cid = self.ident(values.get("id"), "chapter id")
            title = self.text(values.get("title"), "title")
            if cid is None or title is None:
                continue
            if cid in chapters:
                self.error(pos, "duplicate-id", f"chapter '{cid}' is declared twice (first at {chapters[cid].pos})")
                continue
            chapters[cid] = Chapter(cid, title, self.text(values.get("years"), "years") or "", pos)
        return chapters

    def build_state(self) -> tuple[dict[str, StatDef], dict[str, RelationDef], dict[str, FlagDef]]:
        seen: dict[str, Pos] = {}
        stats: dict[str, StatDef] = {}
        relations: dict[str, RelationDef] = {}
        flags: dict[str, FlagDef] = {}

        def claim(node: YNode | None, what: str) -> str | None:
            sid = self.ident(node, what)
            if sid is None or node is None:
                return None
            if sid in RESERVED:
                self.error(node.pos, "reserved", f"'{sid}' is a reserved name; choose another id")
                return None
            if sid in seen:
                self.error(node.pos, "duplicate-id", f"'{sid}' is already declared at {seen[sid]}")
                return None
            seen[sid] = node.pos
            return sid

        for values, pos in self.raw.stats:
            sid = claim(values.get("id"), "stat id")
            label = self.text(values.get("label"), "label")
            low = self.number(values.get("min"), "min", 0)
            high = self.number(values.get("max"), "max", 100)
            initial = self.number(values.get("initial"), "initial")
            if sid is None or label is None or initial is None or low is None or high is None:
                continue
            if not low <= initial <= high:
                self.error(pos, "range", f"stat '{sid}': initial {initial} is outside {low}..{high}")
            polarity = self.text(values.get("polarity"), "polarity") or "up"
            if polarity not in ("up", "down", "neutral"):
                self.error(values["polarity"].pos, "enum", "polarity must be up, down or neutral")
            hidden = self.boolean(values.get("hidden"), "hidden")
            rests_at = self.text(values.get("rests_at"), "rests_at")
            if rests_at is not None and rests_at not in ("min", "max"):
                self.error(values["rests_at"].pos, "enum", "rests_at must be min or max")
                rests_at = None
            elif rests_at is not None and not hidden:
                # a visible stat stuck at a bound is what the dead-stat report exists to catch
                self.error(values["rests_at"].pos, "rests-at-visible",
                           f"stat '{sid}': rests_at is only for hidden counters; give a visible stat consequences")
                rests_at = None
            stats[sid] = StatDef(sid, label, low, high, initial, self.text(values.get("description"), "description") or "",
                                 hidden, polarity, pos, rests_at)
        for values, pos in self.raw.relations:
            rid = claim(values.get("id"), "relation id")
            name = self.text(values.get("name"), "name")
            initial = self.number(values.get("initial"), "initial")
            low = self.number(values.get("min"), "min", -100)
            high = self.number(values.get("max"), "max", 100)
            if rid is None or name is None or initial is None or low is None or high is None:
                continue
            if not low <= initial <= high:
                self.error(pos, "range", f"relation '{rid}': initial {initial} is outside {low}..{high}")
            relations[rid] = RelationDef(rid, name, low, high, initial, self.text(values.get("description"), "description") or "", pos)
        for values, pos in self.raw.flags:
            fid = claim(values.get("id"), "flag id")
            if fid is None:
                continue
            description = self.text(values.get("description"), "description") or ""
            options = self.strings(values.get("values"), "values") if "values" in values else None
            initial_node = values.get("initial")
            initial: bool | str
            if options is not None:
                if not options:
                    self.error(pos, "enum", f"flag '{fid}': 'values' is empty")
                    continue
                initial = self.text(initial_node, "initial") if initial_node is not None else options[0]  # type: ignore[assignment]
                if initial not in options:
                    where = initial_node.pos if initial_node else pos
                    self.error(where, "enum", f"flag '{fid}': initial '{shown(str(initial))}' is not one of its values")
                    initial = options[0]
            else:
                initial = self.boolean(initial_node, "initial")
            flags[fid] = FlagDef(fid, description, options, initial, pos)
        return stats, relations, flags

    def variables(self, stats: dict[str, StatDef], relations: dict[str, RelationDef], flags: dict[str, FlagDef]) -> dict[str, VarInfo]:
        variables: dict[str, VarInfo] = {}
        for s in stats.values():
            variables[s.id] = VarInfo("num", s.min, s.max)
        for r in relations.values():
            variables[r.id] = VarInfo("num", r.min, r.max)
        for f in flags.values():
            if f.values is None:
                variables[f.id] = VarInfo("bool", values=frozenset({True, False}))
            else:
                variables[f.id] = VarInfo("str", values=frozenset(f.values))
        variables["year"] = VarInfo("num", 1, 9999)
        variables["month"] = VarInfo("num", 1, 12)
        variables["day"] = VarInfo("num", 1, 31)
        variables["decisions"] = VarInfo("num", 0, float("inf"))
        assert set(CALENDAR) <= set(variables)
        return variables

    def declare_nodes(self) -> set[str]:
        seen: dict[str, Pos] = {}
        for values, pos, _chapter, _ending, _path in self.raw.nodes:
            node_id = self.ident(values.get("id"), "id")
            if node_id is None:
                continue
            if node_id in seen:
                self.error(values["id"].pos, "duplicate-id", f"'{node_id}' is already defined at {seen[node_id]}")
                continue
            seen[node_id] = pos
            if "event" in values:
                self.event_ids.add(node_id)
        self.all_ids = set(seen)
        return set(seen)

    def declare_choices(self) -> set[str]:
        keys: set[str] = set()
        for values, _pos, *_rest in self.raw.nodes:
            node_id = self.text(values.get("id"), "id")
            for item in self.items(values.get("choices"), "choices"):
                if isinstance(item, YMap) and isinstance(item.items.get("id"), YScalar):
                    keys.add(f"{node_id}.{item.items['id'].text}")  # type: ignore[union-attr]
        for values, _pos, _path in self.raw.extend:
            node_id = self.text(values.get("node"), "node")
            for item in self.items(values.get("choices"), "choices"):
                if isinstance(item, YMap) and isinstance(item.items.get("id"), YScalar):
                    keys.add(f"{node_id}.{item.items['id'].text}")  # type: ignore[union-attr]
        return keys

    def prepare_codex(self) -> None:
        pairs: list[tuple[str, str]] = []
        for values, _pos, _path in self.raw.codex:
            cid = self.text(values.get("id"), "id")
            title = self.text(values.get("title"), "title")
            if cid is None:
                continue
            self.codex_ids.add(cid)
            words = self.strings(values.get("match"), "match") if "match" in values else ((title,) if title else ())
            pairs.extend((word, cid) for word in words)
        self.mention_index = MentionIndex(pairs)

    def build_codex(self) -> dict[str, CodexEntry]:
        codex: dict[str, CodexEntry] = {}
        for values, pos, _path in self.raw.codex:
            cid = self.ident(values.get("id"), "codex id")
            title = self.text(values.get("title"), "title")
            category = self.text(values.get("category"), "category")
            text = self.template(values.get("text"), "codex text")
            if cid is None or title is None or category is None or text is None:
                continue
            if category not in ("person", "party", "term", "place", "event"):
                self.error(values["category"].pos, "enum", f"category '{shown(category)}' must be person, party, term, place or event")
            if cid in codex:
                self.error(values["id"].pos, "duplicate-id", f"codex entry '{cid}' is already defined at {codex[cid].pos}")
                continue
            match = self.strings(values.get("match"), "match") if "match" in values else (title,)
            codex[cid] = CodexEntry(cid, title, category, text, match, pos)
        return codex

    def build_nodes(self, chapters: dict[str, Chapter]) -> dict[str, Node]:
        nodes: dict[str, Node] = {}
        for values, pos, default_chapter, ending, _path in self.raw.nodes:
            node = self.build_node(values, pos, default_chapter, ending, chapters)
            if node is not None and node.id not in nodes:
                nodes[node.id] = node
        return nodes

    def build_node(self, values: dict[str, YNode], pos: Pos, default_chapter: str, ending: bool,
                   chapters: dict[str, Chapter]) -> Node | None:
        node_id = self.ident(values.get("id"), "id")
        title = self.text(values.get("title"), "title")
        text = self.template(values.get("text"), "text")
        chapter = self.ident(values.get("chapter"), "chapter") or default_chapter
        if chapter and chapters and chapter not in chapters:
            where = values["chapter"].pos if "chapter" in values else pos
            self.error(where, "unknown-chapter", f"unknown chapter '{chapter}'")
        codex_refs = self.strings(values.get("codex"), "codex")
        for ref, item in zip(codex_refs, self.items(values.get("codex"), "codex"), strict=False):
            if ref not in self.codex_ids:
                self.error(item.pos, "unknown-codex", f"unknown codex entry '{shown(ref)}'")
        event = self.build_event(values["event"]) if "event" in values else None
        choices: list[Choice] = []
        if not ending:
            items = self.items(values.get("choices"), "choices")
            if not items:
                self.error(pos, "no-choices", f"scene '{node_id}' has no choices (a scene that ends the game belongs in 'endings')")
            seen: set[str] = set()
            for item in items:
                choice = self.build_choice(item, node_id or "", event is not None)
                if choice is None:
                    continue
                if choice.id in seen:
                    self.error(choice.pos, "duplicate-id", f"choice '{choice.id}' appears twice in '{node_id}'")
                    continue
                seen.add(choice.id)
                choices.append(choice)
        divergence = self.template(values.get("divergence"), "divergence") if ending else None
        if node_id is None or title is None or text is None:
            return None
        return Node(
            id=node_id,
            title=title,
            text=text,
            date=self.date(values.get("date"), "date"),
            place=self.text(values.get("place"), "place") or "",
            chapter=chapter,
            tags=self.strings(values.get("tags"), "tags"),
            codex=codex_refs,
            choices=tuple(choices),
            event=event,
            is_ending=ending,
            divergence=divergence,
            pos=pos,
            repeatable=self.boolean(values.get("repeatable"), "repeatable"),
        )

    def build_event(self, node: YNode) -> EventTrigger | None:
        values = self.fields(node, "event")
        if values is None:
            return None
        priority = self.number(values.get("priority"), "priority", 0)
        trigger = EventTrigger(
            after=self.date(values.get("after"), "after"),
            before=self.date(values.get("before"), "before"),
            condition=self.expr(values.get("if"), "event condition"),
            priority=int(priority or 0),
            scheduled=self.boolean(values.get("scheduled"), "scheduled"),
            pos=node.pos,
        )
        if trigger.after is not None and trigger.before is not None and trigger.last_day < trigger.after.day:
            self.error(values["before"].pos, "never-open",
                       f"the event's window never opens: 'before: {trigger.before.iso()}' is earlier than "
                       f"'after: {trigger.after.iso()}'")
        return trigger

    def build_choice(self, item: YNode, node_id: str, in_event: bool) -> Choice | None:
        values = self.fields(item, "choice")
        if values is None:
            return None
        cid = self.ident(values.get("id"), "choice id")
        label = self.template(values.get("label"), "label")
        if isinstance(values.get("label"), YScalar) and "\n" in values["label"].text.strip():  # type: ignore[union-attr]
            self.error(values["label"].pos, "label", "a choice label is one line")
        condition = self.expr(values.get("if"), "condition")
        locked = self.text(values.get("locked"), "locked")
        if locked and condition is None and "if" not in values:
            self.out.warning(values["locked"].pos, "locked-without-if", "'locked' has no effect without 'if'")
        effects = self.effects(values.get("effects"))
        goto = self.ident(values.get("goto"), "goto")
        outcomes = tuple(o for o in (self.build_outcome(x) for x in self.items(values.get("outcomes"), "outcomes")) if o)
        if "outcomes" in values and not outcomes and not self.out.errors:
            self.error(values["outcomes"].pos, "outcomes", "'outcomes' is empty")
        if goto is None and not in_event and not outcomes:
            self.error(item.pos, "no-goto", f"choice '{cid}' needs 'goto' (or 'outcomes')")
        if outcomes and goto is None and not in_event:
            for outcome in outcomes:
                if outcome.goto is None:
                    self.error(outcome.pos, "no-goto", f"an outcome of '{cid}' needs 'goto' (the choice has none)")
        if cid is None or label is None:
            return None
        hide = self.boolean(values.get("hide_effects"), "hide_effects")
        return Choice(
            id=cid,
            label=label,
            condition=condition,
            locked=locked,
            once=self.boolean(values.get("once"), "once"),
            fallback=self.boolean(values.get("fallback"), "fallback"),
            effects=effects,
            result=self.template(values.get("result"), "result"),
            goto=goto,
            outcomes=outcomes,
            hide_effects=hide,
            pos=item.pos,
            node=node_id,
            goto_pos=values["goto"].pos if "goto" in values else None,
            preview=() if hide else self.preview(effects),
        )

    def preview(self, effects: tuple[Effect, ...]) -> tuple[tuple[str, float], ...]:
        shown: dict[str, float] = {}
        for effect in effects:
            if effect.op not in ("+=", "-=") or effect.value is None:
                continue
            amount = effect.value.constant()
            if not isinstance(amount, int | float) or isinstance(amount, bool):
                continue
            visible = effect.target in self.scope.relations or (  # type: ignore[union-attr]
                effect.target in self.stats_visible
            )
            if visible:
                shown[effect.target] = shown.get(effect.target, 0) + (amount if effect.op == "+=" else -amount)
        return tuple((k, v) for k, v in shown.items() if v)

    @property
    def stats_visible(self) -> set[str]:
        cached = getattr(self, "_visible", None)
        if cached is None:
            cached = {
                str(values["id"].text)  # type: ignore[union-attr]
                for values, _pos in self.raw.stats
                if isinstance(values.get("id"), YScalar) and not self.boolean_quiet(values.get("hidden"))
            }
            self._visible = cached
        return cached

    @staticmethod
    def boolean_quiet(node: YNode | None) -> bool:
        return isinstance(node, YScalar) and node.text in ("true", "True", "yes")

    def build_outcome(self, item: YNode) -> Outcome | None:
        values = self.fields(item, "outcome")
        if values is None:
            return None
        weight_node = values.get("weight")
        weight = self.expr(weight_node, "weight") if weight_node is not None else Expr("1", ("const", 1), item.pos)
        if weight is None:
            return None
        return Outcome(
            weight=weight,
            effects=self.effects(values.get("effects")),
            result=self.template(values.get("result"), "result"),
            goto=self.ident(values.get("goto"), "goto"),
            pos=item.pos,
            goto_pos=values["goto"].pos if "goto" in values else None,
        )

    def effects(self, node: YNode | None) -> tuple[Effect, ...]:
        built: list[Effect] = []
        items = self.items(node, "effects")
        skip = False
        for index, item in enumerate(items):
            if skip:
                skip = False
                continue
            if not isinstance(item, YScalar):
                self.error(item.pos, "type", "an effect is one line, e.g. 'party += 5'")
                continue
            split = _split_by_comma(item, items[index + 1] if index + 1 < len(items) else None)
            if split is not None:
                self.error(item.pos, "split-effect",
                           f"the comma in '{split}' ends the effect in an unquoted list [...]; quote the effect: \"{split}\"")
                skip = True
                continue
            effect = self.effect(item)
            if effect is not None:
                built.append(effect)
        return tuple(built)

    def effect(self, item: YScalar) -> Effect | None:
        source = item.text
        assert self.scope is not None
        if match := _ASSIGN.match(source):
            target, op, rhs = match.groups()
            info = self.scope.variables.get(target)
            target_pos = self.scalar_pos(item, match.start(1))
            if info is None or target in CALENDAR:
                from kremlin_tui.expr import _unknown

                message = _unknown(target, self.scope.variables) if info is None else f"'{target}' cannot be changed"
                self.error(target_pos, "unknown-name", f"effect: {message}")
                return None
            if not rhs:
                self.error(self.scalar_pos(item, len(source)), "syntax", f"effect: nothing after '{op}'")
                return None
            value = self.expr_from(rhs, item, "effect", match.start(3))
            if value is None:
                return None
            flag = self.flags.get(target)
            if flag is not None:
                if op != "=":
                    self.error(target_pos, "type", f"effect: '{target}' is a flag; write '{target} = ...'")
                    return None
                self.check_flag_value(flag, value, item, match.start(3))
            elif (const := value.constant()) is not None and isinstance(const, str | bool):
                self.error(self.scalar_pos(item, match.start(3)), "type", f"effect: '{target}' is a number")
                return None
            return Effect(op, target, value, self.scalar_pos(item, 0))
        if match := _SCHEDULE_IN.match(source):
            target, amount, unit = match.groups()
            if not self.check_event_ref(target, item, match.start(1)):
                return None
            if len(amount) > 4:
                self.error(self.scalar_pos(item, match.start(2)), "number",
                           f"effect: a delay of {shown(amount, 20)} {unit} is too long (at most {MAX_DELAY} {unit})")
                return None
            return Effect("schedule", target, None, self.scalar_pos(item, 0), delay=(int(amount), unit))
        if match := _SCHEDULE_ON.match(source):
            target, when = match.groups()
            if not self.check_event_ref(target, item, match.start(1)):
                return None
            try:
                on = GameDate.parse(when)
            except ValueError as exc:
                self.error(self.scalar_pos(item, match.start(2)), "bad-date", f"effect: {exc}")
                return None
            return Effect("schedule", target, None, self.scalar_pos(item, 0), on=on)
        if match := _UNLOCK.match(source):
            target = match.group(1)
            if target not in self.codex_ids:
                self.error(self.scalar_pos(item, match.start(1)), "unknown-codex", f"effect: unknown codex entry '{target}'")
                return None
            return Effect("unlock", target, None, self.scalar_pos(item, 0))
        if source.strip().startswith("schedule"):
            message = "write 'schedule EVENT in N months' (or days, years) or 'schedule EVENT on YYYY-MM-DD'"
        else:
            message = "an effect is 'name += expr', 'name -= expr', 'name = expr', 'schedule ...' or 'unlock ...'"
        self.error(item.pos, "bad-effect", f"effect '{shown(source.strip())}': {message}")
        return None

    def check_flag_value(self, flag: FlagDef, value: Expr, item: YScalar, offset: int) -> None:
        const = value.constant()
        pos = self.scalar_pos(item, offset)
        if flag.values is None:
            if const is not None and not isinstance(const, bool):
                self.error(pos, "type", f"effect: '{flag.id}' is true or false, not {shown(repr(const))}")
        elif const is not None and const not in flag.values:
            self.error(pos, "enum", f"effect: '{flag.id}' is one of {shown(', '.join(flag.values), 200)}; not {shown(repr(const))}")

    def check_event_ref(self, target: str, item: YScalar, offset: int) -> bool:
        if target not in self.event_ids:
            kind = "a scene, not an event" if target in self.all_ids else "unknown"
            self.error(self.scalar_pos(item, offset), "unknown-event", f"effect: cannot schedule '{target}': {kind}")
            return False
        return True

    def apply_extends(self, nodes: dict[str, Node]) -> None:
        for values, _pos, _path in self.raw.extend:
            target = self.ident(values.get("node"), "node")
            if target is None:
                continue
            node = nodes.get(target)
            if node is None:
                self.error(values["node"].pos, "unknown-node", f"extend: unknown scene '{target}'")
                continue
            if node.is_ending:
                self.error(values["node"].pos, "extend-ending", f"extend: '{target}' is an ending; endings have no choices")
                continue
            existing = {c.id for c in node.choices}
            added: list[Choice] = []
            for item in self.items(values.get("choices"), "choices"):
                choice = self.build_choice(item, target, node.event is not None)
                if choice is None:
                    continue
                if choice.id in existing:
                    self.error(choice.pos, "duplicate-id", f"extend: '{target}' already has a choice '{choice.id}'")
                    continue
                existing.add(choice.id)
                added.append(choice)
            # a mod whose side scene returns to the scene it extends makes that scene a hub
            repeatable = node.repeatable or self.boolean(values.get("repeatable"), "repeatable")
            nodes[target] = replace(node, choices=node.choices + tuple(added), repeatable=repeatable)

    def check_targets(self, nodes: dict[str, Node], campaign: Campaign | None) -> None:
        if self.broken_files:
            return  # the targets may be defined in the file that could not be read
        if campaign is not None:
            start = nodes.get(campaign.start)
            if start is None and campaign.start in self.all_ids:
                pass  # declared, but it could not be built: its own error says why
            elif start is None:
                self.error(campaign.pos, "unknown-node", f"start: unknown scene '{campaign.start}'")
            elif start.is_ending or start.event is not None:
                self.error(campaign.pos, "bad-start", f"start: '{campaign.start}' must be an ordinary scene")
        for node in nodes.values():
            for choice in node.choices:
                targets = [(choice.goto, choice.goto_pos or choice.pos)] + [(o.goto, o.goto_pos or o.pos) for o in choice.outcomes]
                for target, where in targets:
                    if target is None:
                        continue
                    dest = nodes.get(target)
                    if dest is None and target in self.all_ids:
                        continue  # declared, but it could not be built: its own error says why
                    if dest is None:
                        from kremlin_tui.expr import _unknown

                        self.error(where, "unknown-node", f"goto: {_unknown(target, nodes).replace('name', 'scene', 1)}")
                    elif dest.event is not None:
                        self.error(where, "goto-event", f"goto: '{target}' is an event; events fire by themselves")


def _split_by_comma(item: YScalar, following: YNode | None) -> str | None:
    """`effects: [party = max(party, 40)]` reads as two items, `party = max(party` and `40)`:
    the whole effect as the writer meant it, when an item opens a call the next one closes."""
    if not item.plain or item.text.count("(") <= item.text.count(")"):
        return None
    if not isinstance(following, YScalar) or following.text.count(")") <= following.text.count("("):
        return None
    return f"{item.text}, {following.text}"


_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def parse_number(text: str) -> int | float | None:
    """A decimal number as a writer types it, or None; never raises, whatever the length.
    (`inf`, `nan`, `1_000` and hexadecimal are not numbers here.)"""
    text = text.strip()
    if len(text) > 100 or not _NUMBER.fullmatch(text):
        return None
    if text.lstrip("+-").isdigit():
        return int(text)
    return float(text)


def _describe(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return f"'{shown(node.text)}'"
