"""The story cache holds data, never code: a planted, foreign or garbled file is ignored.

Everything here goes through the real loader with KREMLIN_TUI_CACHE pointing at a temporary
folder (the conftest fixture, or a folder of the test's own).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kremlin_tui import cache, cache_items
from kremlin_tui.cache_items import MemoryBody
from kremlin_tui.diagnostics import Collector
from kremlin_tui.expr import Expr, parse
from kremlin_tui.loader import content_hash, load_story, story_files
from kremlin_tui.model import Node
from kremlin_tui.stat_thresholds import thresholds

MINI = str(Path(__file__).parent / "fixtures" / "mini")
POSIX = hasattr(os, "getuid")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("KREMLIN_TUI_CACHE", str(directory))
    return directory


def _entry(directory: Path, story_dir: str = MINI) -> Path:
    files = story_files([story_dir], Collector())
    return directory / f"story-{cache.cache_key(content_hash(files), [story_dir])[:40]}.json"


def _seal(directory: Path, payload: bytes, story_dir: str = MINI) -> Path:
    """Write `payload` as the cache file the loader will look for, with a correct magic, key and
    digest: what someone who could write the cache folder would plant."""
    path = _entry(directory, story_dir)
    key = path.name[len("story-"):-len(".json")]
    files = story_files([story_dir], Collector())
    full_key = cache.cache_key(content_hash(files), [story_dir])
    assert full_key.startswith(key)
    blob = cache.MAGIC + full_key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(blob)
    path.chmod(0o600)
    return path


def _structure(story) -> object:  # type: ignore[no-untyped-def]
    return cache._Encoder().enc({"nodes": {k: story.nodes[k] for k in story.nodes}, "codex": {k: story.codex[k] for k in story.codex},
                       "stats": story.stats, "flags": story.flags, "campaign": [story.campaign], "events": story.events})


def test_warm_load_gives_the_same_story_decoding_scenes_lazily(cache_dir: Path) -> None:
    cold = load_story([MINI])
    path = _entry(cache_dir)
    assert path.is_file()
    warm = load_story([MINI])
    assert type(warm.nodes) is cache.LazyMap and type(warm.codex) is cache.LazyMap
    assert warm.nodes._items == {} and warm.codex._items == {}  # nothing decoded until asked for
    assert _structure(warm) == _structure(cold)
    assert warm.nodes["start"].choices[0].label.render is not None


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_cache_folder_and_files_are_owner_only(cache_dir: Path) -> None:
    load_story([MINI])
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    files = list(cache_dir.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_a_loose_folder_of_ours_is_tightened(cache_dir: Path) -> None:
    cache_dir.mkdir(mode=0o777)
    cache_dir.chmod(0o777)
    load_story([MINI])
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700


def test_a_planted_pickle_never_runs(cache_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.system, (f"touch {marker}",))

    planted = pickle.dumps(Boom())
    _seal(cache_dir, planted)  # at the name the loader reads, with a valid digest
    (cache_dir / _entry(cache_dir).name.replace(".json", ".pickle")).write_bytes(planted)  # and the old name
    story = load_story([MINI])
    assert not marker.exists()
    assert story.nodes["start"].title == "The Telegram"


@pytest.mark.parametrize("payload", [
    b'2\n{}',
    b'999999\n{"story": {}, "index": {}}',
    b'99\n{"story": {"__class__": "os.system", "args": ["touch pwned"]}, "index": {"nodes": [], "codex": []}}',
    b'10\n["Node", 1]',
    # a well-formed header whose values name things that are not the model's classes
    None,
], ids=["empty", "bad-length", "object-like", "not-a-header", "unknown-tags"])
def test_malicious_or_garbled_json_is_ignored(cache_dir: Path, tmp_path: Path, payload: bytes | None) -> None:
    if payload is None:
        header = json.dumps({"story": {"campaign": ["os.system", "touch pwned"], "chapters": ["__import__", "os"]},
                             "index": {"nodes": [["start", 0, 30]], "codex": []}}).encode()
        payload = str(len(header)).encode() + b"\n" + header + b'["subprocess.Popen", ["id"]]   '
    _seal(cache_dir, payload)
    files = story_files([MINI], Collector())
    assert cache.read(content_hash(files), [MINI]) is None
    story = load_story([MINI])  # rebuilt from the files, and the bad entry replaced
    assert story.nodes["start"].title == "The Telegram"
    assert cache.read(content_hash(files), [MINI]) is not None
    assert not Path("pwned").exists() and not (tmp_path / "pwned").exists()


def test_a_json_node_of_the_wrong_shape_is_refused() -> None:
    decoder = cache._Decoder(["a.yaml"])
    for bad in (["Node", "a", "b"], ["builtins.eval", "1+1"], [1, 2], ["P", 5, 1, 1], ["P", 0, "1", 1],
                ["M", "x", [], [], [[9, "x"]]], ["M", "{a}", [], [0], [[1, 0]]], ["m", "x", [1]], ["D", "x", "day"],
                ["E", "x", ["t", "var", "x", 0], None], ["E", "x", ["Var", "x"], None], ["Var", "x", 0, 1]):
        with pytest.raises(cache.CacheError):
            decoder.dec(bad)
    assert decoder.dec({"x": ["t", 1, ["l", "a"]]}) == {"x": (1, ["a"])}
    assert decoder.dec(["P", 0, 3, 4]) == ("a.yaml", 3, 4)


def test_expressions_decode_to_one_shared_tree_per_source() -> None:
    source = "party > 2 and not visited(x)"
    first, second = (Expr(source, parse(source), None), Expr(source, parse(source), None))
    encoded = cache._Encoder().enc([first, second])
    assert encoded[1][2][0] == "And"  # each node is tagged with its class, not a tuple's first item
    decoded = cache._Decoder([]).dec(json.loads(json.dumps(encoded)))
    assert [e.ast for e in decoded] == [first.ast, first.ast]
    assert decoded[0].ast is decoded[1].ast  # shared, as the parser's memo shares it in a cold load
    assert decoded[0](_Ctx()) is True


@pytest.mark.skipif(not POSIX, reason="POSIX permissions and owners")
def test_files_others_could_have_written_are_ignored(cache_dir: Path, tmp_path: Path) -> None:
    load_story([MINI])
    path = _entry(cache_dir)
    files = story_files([MINI], Collector())
    key = content_hash(files)
    assert cache.read(key, [MINI]) is not None
    path.chmod(0o620)  # group-writable
    assert cache.read(key, [MINI]) is None
    path.chmod(0o600)
    assert cache.read(key, [MINI]) is not None
    target = tmp_path / "elsewhere.json"
    target.write_bytes(path.read_bytes())
    target.chmod(0o600)
    path.unlink()
    path.symlink_to(target)  # a symlink, even to a valid file, is not followed
    assert cache.read(key, [MINI]) is None
    path.unlink()
    os.mkfifo(path)  # a FIFO neither hangs nor is read
    assert cache.read(key, [MINI]) is None
    assert load_story([MINI]).nodes["start"].title == "The Telegram"
    if os.getuid() == 0:  # root can hand a file to another user: a foreign file is ignored
        path.unlink()
        load_story([MINI])
        assert cache.read(key, [MINI]) is not None
        os.chown(path, 12345, 12345)
        assert cache.read(key, [MINI]) is None


@pytest.mark.skipif(not POSIX or os.getuid() == 0, reason="root may write anywhere")
def test_a_folder_we_cannot_write_never_fails_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    monkeypatch.setenv("KREMLIN_TUI_CACHE", str(locked / "cache"))
    assert load_story([MINI]).nodes["start"].title == "The Telegram"


def test_the_key_changes_with_the_folders_and_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = cache.cache_key("abc", [MINI])
    assert cache.cache_key("abc", [MINI, MINI]) != first
    monkeypatch.chdir(tmp_path)  # positions in messages are relative to the working directory
    assert cache.cache_key("abc", [MINI]) != first


def test_nothing_in_the_cache_module_can_unpickle() -> None:
    source = Path(cache.__file__).read_text(encoding="utf-8")
    for word in ("pickle", "marshal", "eval(", "exec(", "__import__", "importlib", "getattr(sys.modules"):
        assert word not in source.split('"""', 2)[2], word


class _Ctx:
    vars = {"party": 3}
    visits: dict[str, int] = {}
    chosen: frozenset[str] = frozenset()


def test_a_warm_story_reads_its_events_without_decoding_their_scenes(cache_dir: Path) -> None:
    cold = load_story([MINI])
    assert set(cold.triggers) == set(cold.events) and all(cold.triggers[e] is cold.nodes[e].event for e in cold.events)
    warm = load_story([MINI])
    assert warm.event_index.events and thresholds(warm) == thresholds(cold)
    assert warm.nodes._items == {}  # the engine's event index and the stat thresholds decoded no scene
    assert cache._Encoder().enc(dict(warm.triggers)) == cache._Encoder().enc(dict(cold.triggers))
    assert warm.events and _structure(warm) == _structure(cold)


def test_scenes_are_kept_compressed_and_a_damaged_one_is_refused(cache_dir: Path) -> None:
    load_story([MINI])
    payload = _entry(cache_dir).read_bytes()
    assert b'"index"' in payload and b'Victory.' not in payload  # the header is JSON, the scenes zlib
    warm = load_story([MINI])
    nodes = warm.nodes
    start, end = nodes._spans["start"]
    packed = bytes(nodes._body.item(start, end))
    damaged = cache.LazyMap(MemoryBody(memoryview(packed[:-3])), {"start": (0, len(packed) - 3)}, Node, nodes._decode)
    with pytest.raises(cache.CacheError):
        damaged["start"]


def test_a_warm_start_imports_neither_yaml_nor_the_builder(cache_dir: Path) -> None:
    load_story([MINI])  # fill the cache
    code = ("import sys; from kremlin_tui.loader import load_story; "
            f"load_story([{MINI!r}]); print(sorted(m for m in sys.modules if m == 'yaml' or "
            "m.startswith('kremlin_tui.builder')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "KREMLIN_TUI_CACHE": str(cache_dir)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def _held_bytes(root: object) -> int:
    """Bytes of every bytes/memoryview object reachable from `root` through containers and
    instances (not modules, functions or classes): what a story keeps of its cache file in memory."""
    import gc
    import types

    seen: set[int] = set()
    stack, total = [root], 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type | types.ModuleType | types.FunctionType | types.CodeType):
            continue
        seen.add(id(obj))
        if isinstance(obj, bytes | memoryview):
            total += obj.nbytes if isinstance(obj, memoryview) else len(obj)
            continue
        stack.extend(gc.get_referents(obj))
    return total


@pytest.mark.skipif(not cache_items.CAN_READ_AT, reason="items stay in memory where os.pread is missing")
def test_a_warm_story_leaves_its_scenes_in_the_cache_file(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_story([MINI])
    warm = load_story([MINI])
    assert type(warm.nodes._body) is cache_items.FileBody
    assert _structure(warm) == _structure(cold)
    monkeypatch.setattr(cache, "CAN_READ_AT", False)
    in_memory = load_story([MINI])
    body = sum(end - start for items in (in_memory.nodes, in_memory.codex, in_memory.triggers)
               for start, end in items._spans.values())
    assert _held_bytes(in_memory) >= body > 1000
    assert _held_bytes(warm) < _held_bytes(in_memory) - body // 2  # 16-byte digests, not the items


def test_without_reading_at_an_offset_the_scenes_stay_in_memory(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_story([MINI])
    monkeypatch.setattr(cache, "CAN_READ_AT", False)
    warm = load_story([MINI])
    assert type(warm.nodes._body) is MemoryBody and _structure(warm) == _structure(cold)


@pytest.mark.skipif(not cache_items.CAN_READ_AT, reason="items stay in memory where os.pread is missing")
def test_a_cache_file_replaced_or_deleted_after_loading_is_still_read_as_it_was(cache_dir: Path) -> None:
    cold = load_story([MINI])
    entry = _entry(cache_dir)
    first = load_story([MINI])
    entry.unlink()
    second = load_story([MINI])  # rebuilt and written again (a new file at the same name)
    os.replace(_seal(cache_dir, b"garbage"), entry)  # then replaced by garbage
    assert _structure(first) == _structure(cold) == _structure(second)


@pytest.mark.skipif(not cache_items.CAN_READ_AT, reason="items stay in memory where os.pread is missing")
def test_a_cache_file_rewritten_in_place_is_never_decoded_the_story_files_are_read(
        cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    story_dir = tmp_path / "story"
    shutil.copytree(MINI, story_dir)
    cold = load_story([str(story_dir)])
    entry = _entry(cache_dir, str(story_dir))
    warm = load_story([str(story_dir)])
    decoded: list[object] = []
    for items in (warm.nodes, warm.codex, warm.triggers):
        monkeypatch.setattr(items, "_decode", decoded.append)
    with entry.open("r+b") as handle:  # every item's bytes changed under the open file (same length)
        blob = bytearray(handle.read())
        start = warm.nodes._body._offset
        blob[start:] = bytes(b ^ 0xFF for b in blob[start:])
        handle.seek(0)
        handle.write(blob)
    assert _structure(warm) == _structure(cold)  # every scene: from the story files, built again
    assert decoded == []  # no changed byte was decoded
    load_story([str(story_dir)])  # the damaged file is replaced by a good one
    changed = load_story([str(story_dir)])  # a story read from it; then the file is cut and the story edited
    assert type(changed.nodes._body) is cache_items.FileBody
    with entry.open("r+b") as handle:
        handle.truncate(100)
    (story_dir / "one.yaml").write_text((story_dir / "one.yaml").read_text().replace("The Telegram", "A Letter"))
    with pytest.raises(cache.CacheError, match="so did the story's files"):
        changed.nodes["start"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open descriptors in /proc")
def test_a_freed_story_closes_its_cache_file(cache_dir: Path) -> None:
    import gc

    load_story([MINI])
    before = len(os.listdir("/proc/self/fd"))
    stories = [load_story([MINI]) for _ in range(20)]
    assert len(os.listdir("/proc/self/fd")) >= before + (20 if cache_items.CAN_READ_AT else 0)
    del stories
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) <= before
