"""Files are read with a size limit, but only what a file holds is reserved (bounded.py).

`read(limit + 1)` reserves `limit + 1` bytes before reading: 256 MB for a cached story, so under
an address-space cap (`ulimit -v 250000`) every start after the first said "out of memory" while
the first, with no cache yet, ran in 150 MB. These tests fail with the old reads."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from kremlin_tui import bounded, cache, storyfiles
from kremlin_tui.diagnostics import Collector
from kremlin_tui.loader import load_story
from kremlin_tui.saves import files as save_files

MINI = str(Path(__file__).parent / "fixtures" / "mini")


def _peak_of(read) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_read_gives_the_whole_file_or_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    for size, limit, expected in ((0, 10, 0), (10, 10, 10), (11, 10, 11), (5_000, 10, 11), (5_000, 100_000, 5_000)):
        path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
        with path.open("rb") as handle:
            data = bounded.read_bounded(handle, limit)
        assert len(data) == expected
        assert data == path.read_bytes()[:expected]


def test_a_file_that_grew_after_it_was_measured_is_read_on_up_to_the_limit(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"a" * 3_000)
    stale = os.stat(path)
    with path.open("rb") as handle:
        monkeypatch.setattr(bounded.os, "fstat", lambda fd: stale)
        path.write_bytes(b"b" * 9_000)  # rewritten in place: larger than fstat said
        assert bounded.read_bounded(handle, 100_000) == b"b" * 9_000
    with path.open("rb") as handle:
        assert bounded.read_bounded(handle, 5_000) == b"b" * 5_001  # still "too large" for the caller


def test_no_read_reserves_its_limit_for_a_small_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KREMLIN_TUI_CACHE", str(tmp_path / "cache"))
    load_story([MINI])  # writes the cache
    entry = next((tmp_path / "cache").rglob("story-*.json"))
    small = tmp_path / "small.yaml"
    small.write_bytes(b"scenes: {}\n" * 100)
    assert _peak_of(lambda: cache._read_trusted(entry)) < 4 * entry.stat().st_size + 1_000_000
    assert _peak_of(lambda: storyfiles.read_limited(str(small), "small.yaml", Collector())) < 1_000_000
    assert _peak_of(lambda: save_files.read_limited(small)) < 1_000_000


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS") or not Path("/proc/self/status").exists(),
                    reason="needs RLIMIT_AS and /proc")
def test_a_warm_start_under_an_address_space_cap_reads_the_cache(tmp_path: Path) -> None:
    """The cap leaves 96 MB above what the process has mapped: a story from the cache fits
    easily; reserving 256 MB for the read does not."""
    env = {**os.environ, "KREMLIN_TUI_CACHE": str(tmp_path / "cache")}
    code = ("import sys, resource\n"
            "from kremlin_tui.loader import load_story\n"
            "size = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmSize:')) * 1024\n"
            "resource.setrlimit(resource.RLIMIT_AS, (size + 96 * 1024 * 1024, resource.getrlimit(resource.RLIMIT_AS)[1]))\n"
            f"story = load_story([{MINI!r}])\n"
            "print(len(story.nodes), 'yaml' in sys.modules)\n")
    subprocess.run([sys.executable, "-c", f"from kremlin_tui.loader import load_story; load_story([{MINI!r}])"],
                   env=env, check=True, timeout=60)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    nodes, yaml_read = result.stdout.split()
    assert int(nodes) > 0 and yaml_read == "False"  # from the cache, not from the story files
