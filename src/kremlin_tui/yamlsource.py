"""Read a YAML file into a small positioned tree, refusing hostile input before it can hurt.

We stream libyaml's parser events instead of using its composer: the composer recurses in C and
crashes on deeply nested input, and it expands nothing we could bound. Building the tree here
lets us refuse tags, aliases, excessive depth and size with a positioned error, and keep every
scalar as the text the writer typed (so a label `No` stays "No", not YAML 1.1's `False`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from kremlin_tui.diagnostics import Collector, Pos

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "!",
    None,
}


@dataclass(eq=False)
class YScalar:
    text: str
    pos: Pos
    plain: bool  # unquoted: may be a number, a boolean or null
    block: bool = False  # written as a `|` or `>` block


@dataclass(eq=False)
class YSeq:
    items: list[YNode]
    pos: Pos


@dataclass(eq=False)
class YMap:
    items: dict[str, YNode]
    keys: dict[str, Pos]
    pos: Pos
    order: list[str] = field(default_factory=list)


YNode = YScalar | YSeq | YMap


def read_yaml_file(path: str, display_path: str, out: Collector) -> YNode | None:
    """Return the file's tree, or None after reporting why it cannot be read."""
    data = read_limited(path, display_path, out)
    return None if data is None else parse_yaml_bytes(data, display_path, out)


def read_limited(path: str, display_path: str, out: Collector) -> bytes | None:
    """The file's bytes, refusing files over the size limit."""
    start = Pos(display_path, 1, 1)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        out.error(start, "io", f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        out.error(start, "too-large", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None
    return data


def parse_yaml_bytes(data: bytes, display_path: str, out: Collector) -> YNode | None:
    text = decode(data, display_path, out)
    return None if text is None else parse_yaml_text(text, display_path, out)


def decode(data: bytes, display_path: str, out: Collector) -> str | None:
    """UTF-8 text, or None after reporting where the first invalid byte is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        out.error(Pos(display_path, line, col), "encoding", "the file is not valid UTF-8")
        return None


def parse_yaml_text(text: str, display_path: str, out: Collector) -> YNode | None:
    loader = _Loader(text)
    try:
        return _build(loader, display_path, out)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(display_path, mark.line + 1, mark.column + 1) if mark else Pos(display_path, 1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        out.error(pos, "yaml", f"YAML syntax: {problem}")
    except yaml.YAMLError as exc:
        out.error(Pos(display_path, 1, 1), "yaml", f"YAML syntax: {exc}")
    except _Refused:
        pass
    finally:
        loader.dispose()
    return None


class _Refused(Exception):
    """Stops reading a file after a positioned error was reported."""


def _build(loader: yaml.CSafeLoader, path: str, out: Collector) -> YNode | None:
    # The hot loop of loading: one pass over libyaml's events, with the common case (a scalar
    # inside a mapping or a list) handled inline.
    stack: list[YSeq | YMap] = []
    keys: list[str | None] = []
    root: YNode | None = None
    documents = 0
    parent: YSeq | YMap | None = None
    key: str | None = None

    def refuse(event: yaml.Event, code: str, message: str) -> None:
        mark = event.start_mark
        out.error(Pos(path, mark.line + 1, mark.column + 1), code, message)
        raise _Refused

    get_event = loader.get_event
    scalar_event, stream_end = yaml.ScalarEvent, yaml.StreamEndEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    standard = _STANDARD_TAGS
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.anchor is not None:
                refuse(event, "anchor", "anchors and aliases (&name, *name) are not supported")
            tag = event.tag
            if tag not in standard:
                refuse(event, "tag", f"YAML tags such as '{tag}' are not allowed in story files")
            mark = event.start_mark
            style = event.style
            node: YNode = YScalar(event.value, Pos(path, mark.line + 1, mark.column + 1), not style and tag is None,
                                  style == "|" or style == ">")
        elif kind is map_start or kind is seq_start:
            if event.anchor is not None:
                refuse(event, "anchor", "anchors and aliases (&name, *name) are not supported")
            if event.tag not in standard:
                refuse(event, "tag", f"YAML tags such as '{event.tag}' are not allowed in story files")
            if len(stack) >= MAX_DEPTH:
                refuse(event, "too-deep", f"the file nests deeper than {MAX_DEPTH} levels")
            mark = event.start_mark
            pos = Pos(path, mark.line + 1, mark.column + 1)
            node = YMap({}, {}, pos) if kind is map_start else YSeq([], pos)
        elif kind is map_end or kind is seq_end:
            stack.pop()
            keys.pop()
            parent = stack[-1] if stack else None
            key = keys[-1] if keys else None
            continue
        elif kind is stream_end or event is None:
            break
        elif kind is yaml.AliasEvent:
            refuse(event, "alias", "anchors and aliases (&name, *name) are not supported")
            continue
        else:
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    refuse(event, "documents", "a story file holds one YAML document (remove the extra '---')")
            continue
        # attach the new node to its parent
        if parent is None:
            root = node
        elif type(parent) is YSeq:
            parent.items.append(node)
        elif key is None:
            if type(node) is not YScalar:
                refuse(event, "key", "a mapping key must be a plain word, not a list or mapping")
            text = node.text  # type: ignore[union-attr]
            if text in parent.keys:  # type: ignore[union-attr]
                refuse(event, "duplicate-key", f"the key '{text}' appears twice in this mapping")
            key = keys[-1] = text
            parent.keys[text] = node.pos  # type: ignore[union-attr]
            parent.order.append(text)  # type: ignore[union-attr]
            continue
        else:
            parent.items[key] = node  # type: ignore[index]
            key = keys[-1] = None
        if type(node) is not YScalar:
            stack.append(node)  # type: ignore[arg-type]
            keys.append(None)
            parent, key = node, None  # type: ignore[assignment]
    return root
