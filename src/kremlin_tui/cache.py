"""A compiled-story cache keyed by the story files' content, so a warm start skips YAML.

The payload is written with its SHA-256 and checked before unpickling: a truncated or altered
file is ignored and rebuilt, never used. Cache files live in the user's cache directory (or
KREMLIN_TUI_CACHE); KREMLIN_TUI_NO_CACHE=1 disables the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

MAGIC = b"KTUI-STORY-CACHE-1\n"


def cache_dir() -> Path | None:
    if os.environ.get("KREMLIN_TUI_NO_CACHE"):
        return None
    explicit = os.environ.get("KREMLIN_TUI_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.path.join(os.environ.get("LOCALAPPDATA", ""), "kremlin-tui") if sys.platform == "win32" else None
    )
    return Path(base or Path.home() / ".cache") / "kremlin-tui"


def _path(key: str) -> Path | None:
    directory = cache_dir()
    if directory is None:
        return None
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    return directory / f"story-{key[:32]}-{tag}.pickle"


def read(key: str) -> Any | None:
    path = _path(key)
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    header = len(MAGIC) + 64 + 1 + 64 + 1
    if len(blob) < header or not blob.startswith(MAGIC):
        return None
    stored_key = blob[len(MAGIC) : len(MAGIC) + 64].decode("ascii", "replace")
    digest = blob[len(MAGIC) + 65 : len(MAGIC) + 129].decode("ascii", "replace")
    payload = blob[header:]
    if stored_key != key or hashlib.sha256(payload).hexdigest() != digest:
        return None
    try:
        story = pickle.loads(payload)
    except Exception:  # a cache from another version of the code: rebuild
        return None
    return story if getattr(story, "content_hash", None) == key else None


def write(key: str, story: Any) -> None:
    path = _path(key)
    if path is None:
        return
    try:
        from dataclasses import replace

        from kremlin_tui.model import LazyNodes

        packed = replace(story, nodes=LazyNodes.pack(story.nodes))
        payload = pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)
        blob = MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, RecursionError):
        pass  # a cache is an optimisation: failing to write one is never an error
