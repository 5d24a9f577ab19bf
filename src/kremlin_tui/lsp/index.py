"""Where every id of a story is defined and used, read line by line from the files' text.

The language server answers "go to definition", "find references", completion and hover from
this index. It is built from the text the writer is typing, not from the loaded model, because
a file being edited is often half written and does not parse: a line scan still finds the ids
around the cursor. It knows the story format's shape (spec.OBJECTS and the effect syntax), so
an id counts as used only where the format reads ids (`goto`, `if`, effects, `{...}` in text),
never in prose: "the party" in a scene's text is not a use of the stat `party`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import yaml

from kremlin_tui.expr_builtins import BUILTINS
from kremlin_tui.spec import OBJECTS


class Kind(StrEnum):
    """What an id names. Stats, relations and flags share one namespace (variables)."""

    NODE = "scene"
    CHOICE = "choice"
    STAT = "stat"
    RELATION = "relation"
    FLAG = "flag"
    CODEX = "codex"
    CHAPTER = "chapter"


VARIABLE_KINDS = (Kind.STAT, Kind.RELATION, Kind.FLAG)
_SECTION_KINDS = {
    "nodes": Kind.NODE, "endings": Kind.NODE, "codex": Kind.CODEX, "flags": Kind.FLAG,
    "stats": Kind.STAT, "relations": Kind.RELATION, "chapters": Kind.CHAPTER,
}
_SECTION_OBJECTS = {
    "nodes": "node", "endings": "ending", "codex": "codex", "flags": "flag", "stats": "stat",
    "relations": "relation", "chapters": "chapter", "extend": "extend", "campaign": "campaign",
}
_NESTED_OBJECTS = {"choices": "choice", "outcomes": "outcome", "event": "event", "map": "map",
                   "countries": "map_country", "regions": "map_region", "labels": "map_label"}
_ID_KEYS = {"goto": Kind.NODE, "start": Kind.NODE, "node": Kind.NODE, "chapter": Kind.CHAPTER, "relation": Kind.RELATION}
_EXPR_KEYS = {"if", "weight", "effects"}
_TEMPLATE_KEYS = {"text", "label", "result", "divergence"}
_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][A-Za-z0-9_]*):(?:\s+|$)(.*)$")
_ITEM_LINE = re.compile(r"^(\s*)-\s")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_FLOW_ID = re.compile(r"\{\s*id:\s*([A-Za-z_][A-Za-z0-9_]*)")
FUNCTIONS = tuple(BUILTINS)  # the expression language's built-ins (there was a "round" that never existed)
NAMED_BY = {b.name: Kind(b.names) for b in BUILTINS.values() if b.names}  # visited -> scene, chose -> choice, ...
KEYWORDS = ("and", "or", "not", "true", "false", "schedule", "unlock", "in", "on",
            "day", "days", "month", "months", "year", "years", "if", "elif", "else", "end")


@dataclass(frozen=True)
class Span:
    """A place in a file: 0-based line and column (the protocol's convention), and a length."""

    path: str
    line: int
    col: int
    length: int

    def contains(self, line: int, col: int) -> bool:
        return line == self.line and self.col <= col <= self.col + self.length


@dataclass
class Definition:
    kind: Kind
    name: str
    span: Span
    fields: dict[str, str] = field(default_factory=dict)  # the item's one-line values, for hover
    text: list[str] = field(default_factory=list)  # its first lines of text

    @property
    def key(self) -> tuple[str, str]:
        return symbol_key(self.kind, self.name)


@dataclass(frozen=True)
class Use:
    kind: Kind
    name: str
    span: Span

    @property
    def key(self) -> tuple[str, str]:
        return symbol_key(self.kind, self.name)


def symbol_key(kind: Kind, name: str) -> tuple[str, str]:
    """Variables share a namespace: a stat, relation or flag is found by name alone."""
    return ("variable" if kind in VARIABLE_KINDS else kind.value, name)


@dataclass
class FileScan:
    definitions: list[Definition] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)


@dataclass
class _Context:
    """What the scanner knows about the line it is on."""

    section: str = ""
    node: str = ""  # the id of the scene being read (for choice ids)
    keys: list[tuple[int, str]] = field(default_factory=list)  # enclosing (indent, key)
    block_key: str = ""  # the key whose `|` block the following lines belong to
    block_indent: int = -1
    flow_key: str = ""  # an expression or id list that continues over lines: `effects: [a,`
    flow_depth: int = 0
    item_indent: int = -1  # the indent of the section's list items
    current: Definition | None = None  # the definition whose fields are being read


def scan_file(path: str, text: str) -> FileScan:
    """Every definition and use of an id in one file's text."""
    scan = FileScan()
    ctx = _Context()
    for row, line in enumerate(text.split("\n")):
        _scan_line(path, row, line.rstrip("\r"), ctx, scan)
    return scan


def _scan_line(path: str, row: int, line: str, ctx: _Context, scan: FileScan) -> None:
    stripped = line.strip()
    indent = len(line) - len(line.lstrip(" "))
    if ctx.block_key and _in_block(path, row, line, stripped, indent, ctx, scan):
        return
    if not stripped or stripped.startswith("#"):
        return
    if ctx.flow_key:
        _value_uses(ctx.flow_key, path, row, line, 0, ctx, scan)
        ctx.flow_depth += line.count("[") - line.count("]")
        if ctx.flow_depth <= 0:
            ctx.flow_key = ""
        return
    match = _KEY_LINE.match(line)
    if match is None:
        if _ITEM_LINE.match(line):
            _flow_item(path, row, line, indent, ctx, scan)
        return
    lead, dash, key, value = match.group(1), match.group(2), match.group(3), match.group(4)
    if indent == 0 and not dash:
        ctx.section, ctx.keys, ctx.item_indent, ctx.current, ctx.node = key, [], -1, None, ""
        if key in ("chapter", "campaign"):
            ctx.keys = [(0, key)]
            if key == "chapter":
                _value_uses(key, path, row, line, match.start(4), ctx, scan)
        return
    key_indent = len(lead) + (len(dash) if dash else 0)
    top_item = _enter_key(ctx, lead, dash, key, key_indent)
    if key == "id" and value and _id_definition(path, row, value, match.start(4), top_item, ctx, scan):
        return
    if ctx.current is not None and len(ctx.keys) == 1 and not value.startswith(("|", ">")):
        ctx.current.fields[key] = value.strip().strip("'\"")
    if value.startswith(("|", ">")):
        ctx.block_key, ctx.block_indent = key, key_indent
        return
    if ctx.section == "extend" and key == "node" and value:
        ctx.node = value.strip()
    _value_uses(key, path, row, line, match.start(4), ctx, scan)
    if value.startswith("[") and value.count("[") > value.count("]"):
        ctx.flow_key, ctx.flow_depth = key, value.count("[") - value.count("]")


def _in_block(path: str, row: int, line: str, stripped: str, indent: int, ctx: _Context, scan: FileScan) -> bool:
    """A line of a `|` block (True), or the line that ends it (False: read it as a key line)."""
    if stripped and indent <= ctx.block_indent:
        ctx.block_key = ""
        return False
    if ctx.current is not None and ctx.block_key == "text" and stripped and len(ctx.current.text) < 4:
        ctx.current.text.append(stripped)
    if ctx.block_key in _TEMPLATE_KEYS:
        _template_uses(path, row, line, 0, scan)
    return True


def _enter_key(ctx: _Context, lead: str, dash: str | None, key: str, key_indent: int) -> bool:
    """Track the keys enclosing this one; whether it starts a top item of its section."""
    while ctx.keys and ctx.keys[-1][0] >= key_indent:
        ctx.keys.pop()
    if dash and ctx.item_indent < 0 and not ctx.keys:
        ctx.item_indent = len(lead)
    top_item = dash is not None and len(lead) == ctx.item_indent
    if top_item:
        ctx.current = None
    ctx.keys.append((key_indent, key))
    return top_item


def _id_definition(path: str, row: int, value: str, value_col: int, top_item: bool, ctx: _Context, scan: FileScan) -> bool:
    """An `id:` that defines a scene, stat, codex entry... or a choice; False for any other."""
    in_choices = any(k == "choices" for _, k in ctx.keys[:-1])
    name = value.split()[0].strip("'\"")
    if ctx.section in _SECTION_KINDS and (top_item or (not in_choices and len(ctx.keys) == 1)):
        kind = _SECTION_KINDS[ctx.section]
        definition = Definition(kind, name, Span(path, row, value_col, len(name)))
        scan.definitions.append(definition)
        ctx.current = definition
        if kind is Kind.NODE:
            ctx.node = name
        return True
    if in_choices and ctx.node:
        scan.definitions.append(Definition(Kind.CHOICE, f"{ctx.node}.{name}", Span(path, row, value_col, len(name))))
        return True
    return False


def _flow_item(path: str, row: int, line: str, indent: int, ctx: _Context, scan: FileScan) -> None:
    """`- {id: party, label: ...}` in a section, or `- party += 5` in an effects list."""
    flow = _FLOW_ID.search(line)
    if flow and ctx.section in _SECTION_KINDS:
        if ctx.item_indent < 0:
            ctx.item_indent = indent
        name = flow.group(1)
        definition = Definition(_SECTION_KINDS[ctx.section], name, Span(path, row, flow.start(1), len(name)))
        try:
            values = yaml.load(line.strip()[1:].strip(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            values = None
        if isinstance(values, dict):
            definition.fields = {str(k): str(v) for k, v in values.items() if k != "id"}
        scan.definitions.append(definition)
        ctx.current = None
        return
    if ctx.keys and ctx.keys[-1][1] in (_EXPR_KEYS | {"codex"}):
        _value_uses(ctx.keys[-1][1], path, row, line, line.index("-") + 1, ctx, scan)


def _value_uses(key: str, path: str, row: int, line: str, start: int, ctx: _Context, scan: FileScan) -> None:
    if key in _ID_KEYS:
        for word in _WORD.finditer(line, start):
            scan.uses.append(Use(_ID_KEYS[key], word.group(), Span(path, row, word.start(), len(word.group()))))
            break
    elif key == "codex" and ctx.section != "codex":
        for word in _WORD.finditer(line, start):
            scan.uses.append(Use(Kind.CODEX, word.group(), Span(path, row, word.start(), len(word.group()))))
    elif key in _EXPR_KEYS:
        _expression_uses(path, row, line, start, len(line), scan)
    elif key in _TEMPLATE_KEYS:
        _template_uses(path, row, line, start, scan)


def _template_uses(path: str, row: int, line: str, start: int, scan: FileScan) -> None:
    depth_start = -1
    for index in range(start, len(line)):
        char = line[index]
        if char == "{":
            depth_start = index + 1
        elif char == "}" and depth_start >= 0:
            _expression_uses(path, row, line, depth_start, index, scan)
            depth_start = -1


def _expression_uses(path: str, row: int, line: str, start: int, stop: int, scan: FileScan) -> None:
    """Ids in an expression or effect: `visited(x)` and `schedule x` name scenes, `unlock x` a
    codex entry, `chose(a.b)` a choice; any other word may be a variable (resolved later)."""
    segment = line[start:stop]
    masked = _QUOTED.sub(lambda m: " " * len(m.group()), segment)
    previous = ""
    for word in _WORD.finditer(masked):
        name = word.group()
        col = start + word.start()
        after = masked[word.end():].lstrip()
        if after.startswith("(") and name in FUNCTIONS:
            previous = name
            continue
        named = NAMED_BY.get(previous)
        if named is Kind.NODE or previous == "schedule":
            kind = Kind.NODE
        elif previous == "unlock":
            kind = Kind.CODEX
        elif named is Kind.CHOICE and after.startswith("."):
            kind = Kind.NODE
            choice = _WORD.match(after[1:].lstrip())
            if choice is not None:
                choice_col = start + masked.index(choice.group(), word.end())
                scan.uses.append(Use(Kind.CHOICE, f"{name}.{choice.group()}", Span(path, row, choice_col, len(choice.group()))))
        elif named is Kind.RELATION:
            kind = Kind.RELATION
        else:
            kind = Kind.FLAG  # a variable of some kind: resolved against the definitions
        if name not in KEYWORDS and not masked[: word.start()].rstrip().endswith("."):
            scan.uses.append(Use(kind, name, Span(path, row, col, len(name))))
        previous = name if name in ("schedule", "unlock") else ""
        if previous == "" and name in FUNCTIONS:
            previous = name


class StoryIndex:
    """The definitions and uses of every id across a story's files (and its mods)."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.files: dict[str, FileScan] = {path: scan_file(path, text) for path, text in texts.items()}
        self.texts = dict(texts)
        self.definitions: dict[tuple[str, str], list[Definition]] = {}
        for scan in self.files.values():
            for definition in scan.definitions:
                self.definitions.setdefault(definition.key, []).append(definition)
        self._uses: dict[tuple[str, str], list[Use]] | None = None

    def update(self, path: str, text: str) -> StoryIndex:
        """A new index with one file's text replaced (the others are not scanned again)."""
        texts = dict(self.texts)
        texts[path] = text
        index = StoryIndex.__new__(StoryIndex)
        index.texts = texts
        index.files = dict(self.files)
        index.files[path] = scan_file(path, text)
        index.definitions = {}
        for scan in index.files.values():
            for definition in scan.definitions:
                index.definitions.setdefault(definition.key, []).append(definition)
        index._uses = None
        return index

    @property
    def uses(self) -> dict[tuple[str, str], list[Use]]:
        """Uses grouped by symbol; a word in an expression that names no variable is dropped."""
        if self._uses is None:
            grouped: dict[tuple[str, str], list[Use]] = {}
            for scan in self.files.values():
                for use in scan.uses:
                    key = self._resolve(use)
                    if key is not None:
                        grouped.setdefault(key, []).append(use)
            self._uses = grouped
        return self._uses

    def _resolve(self, use: Use) -> tuple[str, str] | None:
        key = use.key
        if key in self.definitions or use.kind not in VARIABLE_KINDS:
            return key
        return None  # a word in an expression that is no declared variable (a typo: check says so)

    # -- questions the server asks ------------------------------------------------------------

    def symbol_at(self, path: str, line: int, col: int) -> tuple[str, str] | None:
        scan = self.files.get(path)
        if scan is None:
            return None
        for definition in scan.definitions:
            if definition.span.contains(line, col):
                return definition.key
        for use in scan.uses:
            if use.span.contains(line, col):
                return self._resolve(use)
        return None

    def definition(self, key: tuple[str, str]) -> list[Definition]:
        return self.definitions.get(key, [])

    def references(self, key: tuple[str, str], include_definition: bool = True) -> list[Span]:
        spans = [use.span for use in self.uses.get(key, [])]
        if include_definition:
            spans = [d.span for d in self.definition(key)] + spans
        return sorted(set(spans), key=lambda s: (s.path, s.line, s.col))

    def of_kind(self, *kinds: Kind) -> Iterable[Definition]:
        wanted = {symbol_key(kind, "")[0] for kind in kinds}
        for (group, _name), definitions in sorted(self.definitions.items()):
            for definition in definitions[:1]:
                if group in wanted and definition.kind in kinds:
                    yield definition

    def hover(self, key: tuple[str, str]) -> str | None:
        definitions = self.definition(key)
        if not definitions:
            return None
        return describe(definitions[0])


def describe(definition: Definition) -> str:
    """Markdown for a hover: what the id is, in the writer's terms."""
    f = definition.fields
    kind = definition.kind
    if kind is Kind.NODE:
        head = f"**{f.get('title', definition.name)}** ({'event' if 'event' in f else 'scene'} `{definition.name}`)"
        where = " · ".join(part for part in (f.get("date", ""), f.get("place", "")) if part)
        lines = [head] + ([where] if where else []) + ([" ".join(definition.text)] if definition.text else [])
        return "\n\n".join(lines)
    if kind is Kind.STAT:
        low, high = f.get("min", "0"), f.get("max", "100")
        extra = ", hidden" if f.get("hidden") in ("True", "true") else ""
        polarity = f", polarity {f['polarity']}" if "polarity" in f else ""
        return (f"**{f.get('label', definition.name)}** (stat `{definition.name}`: {low}–{high}, "
                f"starts at {f.get('initial', '?')}{polarity}{extra})\n\n{f.get('description', '')}").strip()
    if kind is Kind.RELATION:
        low, high = f.get("min", "-100"), f.get("max", "100")
        return (f"**{f.get('name', definition.name)}** (relation `{definition.name}`: {low}–{high}, "
                f"starts at {f.get('initial', '?')})\n\n{f.get('description', '')}").strip()
    if kind is Kind.FLAG:
        values = f.get("values")
        shape = f"one of {values}" if values else "true/false"
        return f"Flag `{definition.name}` ({shape})\n\n{f.get('description', '')}".strip()
    if kind is Kind.CODEX:
        body = " ".join(definition.text)
        return f"**{f.get('title', definition.name)}** (codex `{definition.name}`, {f.get('category', '?')})\n\n{body}".strip()
    if kind is Kind.CHAPTER:
        return f"**{f.get('title', definition.name)}** (chapter `{definition.name}`, {f.get('years', '')})".strip()
    return f"Choice `{definition.name}`"


# -- completion -------------------------------------------------------------------------------


class CompletionKind(StrEnum):
    """What a completion offers; the server shows each kind with its own editor icon."""

    KEY = "key"
    SCENE = "scene"
    CHOICE = "choice"
    VARIABLE = "variable"
    CODEX = "codex"
    CHAPTER = "chapter"
    FUNCTION = "function"


@dataclass(frozen=True)
class Completion:
    label: str
    kind: CompletionKind
    detail: str = ""


def object_at(lines: list[str], row: int, indent: int) -> str:
    """The kind of object (a spec.OBJECTS key) whose keys are written at this indent on this row.

    Walks up: a list item that starts left of the cursor holds it, and the key holding that list
    (`choices:`, `outcomes:`, a top-level section) says what the item is."""
    limit = indent
    for index in range(row - 1, -1, -1):
        match = _KEY_LINE.match(lines[index])
        if match is None:
            continue
        lead, dash, key = len(match.group(1)), match.group(2), match.group(3)
        if dash is not None:
            if lead < limit:
                limit = lead  # inside this item: what holds the list?
            continue
        if lead < limit:
            if lead == 0:
                return _SECTION_OBJECTS.get(key, "file")
            return _NESTED_OBJECTS.get(key, "file")
    return "file"


def completions(index: StoryIndex, path: str, lines: list[str], row: int, col: int) -> list[Completion]:
    """What may be typed at the cursor: the format's keys at a key, ids where the format reads ids."""
    line = lines[row] if row < len(lines) else ""
    before = line[:col]
    key_only = re.match(r"^(\s*)(-\s+)?([A-Za-z_]*)$", before)
    if key_only:
        indent = len(key_only.group(1)) + (len(key_only.group(2)) if key_only.group(2) else 0)
        kind = object_at(lines, row, indent)
        spec = OBJECTS.get(kind, ())
        return [Completion(f.name, CompletionKind.KEY, f.doc or f.type) for f in spec]
    key_match = _KEY_LINE.match(line)
    key = key_match.group(3) if key_match else ""
    if key in ("goto", "start", "node") or re.search(r"(visited\(|schedule\s+)\w*$", before):
        return [Completion(d.name, CompletionKind.SCENE, d.fields.get("title", "")) for d in index.of_kind(Kind.NODE)]
    if re.search(r"chose\((\w+)\.\w*$", before):
        scene = re.search(r"chose\((\w+)\.\w*$", before).group(1)  # type: ignore[union-attr]
        return [Completion(d.name.split(".", 1)[1], CompletionKind.CHOICE) for d in index.of_kind(Kind.CHOICE)
                if d.name.startswith(scene + ".")]
    if key == "chapter":
        return [Completion(d.name, CompletionKind.CHAPTER, d.fields.get("title", "")) for d in index.of_kind(Kind.CHAPTER)]
    if re.search(r"unlock\s+\w*$", before) or (key == "codex" and lines and not line.startswith("codex")):
        return [Completion(d.name, CompletionKind.CODEX, d.fields.get("title", "")) for d in index.of_kind(Kind.CODEX)]
    if re.search(r"attitude\(\w*$", before):
        return [Completion(d.name, CompletionKind.VARIABLE, d.fields.get("name", "")) for d in index.of_kind(Kind.RELATION)]
    in_template = before.rfind("{") > before.rfind("}")
    if key in _EXPR_KEYS or in_template or _is_expression_continuation(lines, row):
        variables = [Completion(d.name, CompletionKind.VARIABLE, d.fields.get("label") or d.fields.get("name")
                                or d.fields.get("description", ""))
                     for d in index.of_kind(*VARIABLE_KINDS)]
        functions = [Completion(b.name, CompletionKind.FUNCTION, f"{b.usage}: {b.doc}") for b in BUILTINS.values()]
        return variables + functions
    return []


def _is_expression_continuation(lines: list[str], row: int) -> bool:
    """An item line of an effects list: `      - party += 5`."""
    for index in range(row - 1, -1, -1):
        match = _KEY_LINE.match(lines[index])
        if match is not None:
            return match.group(3) == "effects" and not match.group(4)
        if not _ITEM_LINE.match(lines[index]):
            return False
    return False
