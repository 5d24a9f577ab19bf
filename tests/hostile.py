"""Hostile text for the output-side tests: a payload of terminal escapes, a way to plant it in a
loaded story behind the loader's back, and the bytes that must never reach a terminal."""

from __future__ import annotations

import dataclasses
from typing import Any

from kremlin_tui.model import Story
from kremlin_tui.template import Cond, Template, Text

MARK = "PLANTHERE"
# Retitle the window, ring the bell, clear the screen, the same as a C1 CSI, a bidi override.
PAYLOAD = "x\x1b]0;PWNED\x07\x1b[2J\x9b2J\u202eevil\x1b[31mred\r\x00"
# What the payload would emit raw. (Textual's own frames use ESC[ for styles, never these.)
FORBIDDEN = (b"\x1b]0;", b"\x1b[2J", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae", b"\x1b[31mred", b"\x00")


def forbidden_in(data: bytes) -> list[bytes]:
    return [bad for bad in FORBIDDEN if bad in data]


def plant(story: Story, payload: str = PAYLOAD, mark: str = MARK) -> Story:
    """Replace `mark` by `payload` in every string of a loaded story, in place (the loader would
    reject the payload in a file; this is what a loader bug or a future format would let in)."""
    _Planter(payload, mark).walk(story)
    return story


class _Planter:
    def __init__(self, payload: str, mark: str) -> None:
        self.payload, self.mark = payload, mark
        self.seen: set[int] = set()

    def fix(self, value: str) -> str:
        return value.replace(self.mark, self.payload)

    def walk(self, obj: Any) -> None:
        if id(obj) in self.seen or obj is None or isinstance(obj, (int, float, bool, str, bytes)):
            return
        self.seen.add(id(obj))
        if isinstance(obj, Template):
            obj.source = self.fix(obj.source)
            self.walk_parts(obj.parts)
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            self.walk_fields(obj)
        elif isinstance(obj, dict) or hasattr(obj, "items"):
            for value in obj.values():
                self.walk(value)
        elif isinstance(obj, (list, tuple)):
            for value in obj:
                self.walk(value)

    def walk_fields(self, obj: Any) -> None:
        mark = self.mark
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, str) and mark in value:
                object.__setattr__(obj, f.name, self.fix(value))
            elif isinstance(value, tuple) and any(isinstance(v, str) and mark in v for v in value):
                object.__setattr__(obj, f.name, tuple(self.fix(v) if isinstance(v, str) else v for v in value))
            else:
                self.walk(value)

    def walk_parts(self, parts: list[Any]) -> None:
        for part in parts:
            if isinstance(part, Text):
                part.text = self.fix(part.text)
            elif isinstance(part, Cond):
                for _expr, branch in part.branches:
                    self.walk_parts(branch)


def patch_loader() -> None:
    """Plant the payload in every story the loader returns (in this process): the front ends
    then meet control characters that a loader bug, or a future format, could let through."""
    import kremlin_tui.checker
    import kremlin_tui.loader
    from kremlin_tui.loader import LoadResult

    original = kremlin_tui.loader.load_story_with_diagnostics

    def planted(*args: Any, **kwargs: Any) -> Any:
        story, diagnostics = original(*args, **kwargs)
        return LoadResult(plant(story) if story is not None else None, diagnostics)

    kremlin_tui.loader.load_story_with_diagnostics = planted  # type: ignore[assignment]
    kremlin_tui.checker.load_story_with_diagnostics = planted  # type: ignore[assignment]


def plant_story_dir(source: str, target: str) -> str:
    """A copy of the mini story with MARK in titles, text, labels, results, a stat label, a
    chapter title, a place and the campaign title: every kind of text a front end shows."""
    import shutil
    from pathlib import Path

    shutil.copytree(source, target)
    root = Path(target)
    edits = {
        "one.yaml": [("The Telegram", f"The Telegram {MARK}"), ("Lenin is dead.", f"Lenin is dead {MARK}."),
                     ("Go on to Sukhumi", f"Go on {MARK}"), ("You turn back.", f"You turn back {MARK}."),
                     ("Tiflis station", f"Tiflis {MARK}"), ("Red Square in the frost.", f"Red Square {MARK}.")],
        "manifest.yaml": [("Mini Story", f"Mini {MARK}"), ("Party standing", f"Party {MARK}"),
                          ("Chapter One", f"Chapter {MARK}")],
    }
    for name, pairs in edits.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return target
