"""The TUI's first start has a child process build the story cache (issue 19: memory after
start); whatever becomes of the child, the story loads. The child's code is replaced here by
one that fails, is killed, hangs or writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kremlin_tui import cache, cache_child
from kremlin_tui.loader import load_story, load_story_with_diagnostics

MINI = str(Path(__file__).parent / "fixtures" / "mini")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("KREMLIN_TUI_CACHE", str(directory))
    return directory


def _load(calls: list[bool]) -> object:
    def spy(dirs: list[str]) -> bool:
        calls.append(cache_child.build_in_child(dirs))
        return calls[-1]

    loaded = load_story_with_diagnostics([MINI], build_elsewhere=spy)
    assert loaded.story is not None and loaded.story.nodes["start"].title == "The Telegram"
    return loaded.story


def test_a_child_builds_and_caches_the_story_and_this_process_reads_the_cache(cache_dir: Path) -> None:
    calls: list[bool] = []
    story = _load(calls)
    assert calls == [True]
    assert type(story.nodes) is cache.LazyMap  # type: ignore[attr-defined]  # read from what the child wrote
    assert list(cache_dir.glob("story-*.json"))
    again: list[bool] = []
    _load(again)
    assert again == []  # a warm start asks no child


def test_the_child_runs_this_package_isolated_from_the_working_folder(cache_dir: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    planted = tmp_path / "work"
    planted.mkdir()
    for name in ("json", "yaml", "kremlin_tui"):  # modules in the working folder are never imported
        (planted / f"{name}.py").write_text("raise SystemExit(7)\n")
    monkeypatch.chdir(planted)
    calls: list[bool] = []
    _load(calls)
    assert calls == [True]


@pytest.mark.parametrize("child", [
    "import sys; sys.exit(3)",  # fails
    "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",  # killed
    "import sys",  # says it built, wrote nothing
    "raise ImportError('no yaml here')",
], ids=["fails", "killed", "writes-nothing", "cannot-import"])
def test_whatever_becomes_of_the_child_the_story_loads(cache_dir: Path, monkeypatch: pytest.MonkeyPatch, child: str) -> None:
    monkeypatch.setattr(cache_child, "_CHILD", child)
    calls: list[bool] = []
    story = _load(calls)
    assert calls == [child == "import sys"]
    assert type(story.nodes) is dict  # type: ignore[attr-defined]  # built here, as a start without the child did
    assert list(cache_dir.glob("story-*.json"))  # and cached by this process


def test_a_child_that_hangs_is_killed_at_the_timeout(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid_file = tmp_path / "pid"
    monkeypatch.setattr(cache_child, "_CHILD", f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)")
    monkeypatch.setattr(cache_child, "TIMEOUT", 1.0)
    started = time.monotonic()
    calls: list[bool] = []
    _load(calls)
    assert calls == [False] and time.monotonic() - started < 30
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone (killed and reaped), not left running


@pytest.mark.parametrize("setting", ["no-cache", "not-a-folder"])
def test_no_child_when_the_story_could_not_be_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    if setting == "no-cache":
        monkeypatch.setenv("KREMLIN_TUI_NO_CACHE", "1")
    else:
        (tmp_path / "file").write_text("")
        monkeypatch.setenv("KREMLIN_TUI_CACHE", str(tmp_path / "file" / "cache"))  # cannot be made
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("a child was started"))
    calls: list[bool] = []
    _load(calls)
    assert calls == [False]


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root may write anywhere")
def test_a_read_only_cache_folder_starts_no_child(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir.mkdir(mode=0o500)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("a child was started"))
    calls: list[bool] = []
    _load(calls)
    assert calls == [False]


def test_the_child_builds_the_story_this_process_would(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KREMLIN_TUI_NO_CACHE", "1")
    here = load_story([MINI])
    monkeypatch.delenv("KREMLIN_TUI_NO_CACHE")
    assert cache_child.build([MINI]) == 0  # as the child runs it
    from_child = load_story([MINI])
    assert type(from_child.nodes) is cache.LazyMap
    assert cache._Encoder().enc({k: from_child.nodes[k] for k in from_child.nodes}) == cache._Encoder().enc(dict(here.nodes))
    assert cache_child.build([str(Path(MINI) / "missing")]) == 1


def test_the_child_keeps_the_bytecode_setting(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda command, **k: seen.append(command) or subprocess.CompletedProcess(command, 1))
    monkeypatch.setattr(sys, "pycache_prefix", "/tmp/somewhere")
    cache_child.build_in_child([MINI])
    command = seen[0]
    assert command[:2] == [sys.executable, "-I"] and command[-1] == MINI
    assert ("-B" in command) == bool(sys.flags.dont_write_bytecode)
    assert "pycache_prefix=/tmp/somewhere" in command
