"""Shared fixtures: the mini story, a temporary story builder, and a private world per test.

Every test runs with HOME, the XDG folders, the game's data, saves and cache folders and the
temporary folder pointed at folders of its own (`_private_world`), and an audit hook
(`_write_guard`) fails any test that writes a file outside its temporary folders: the suite
must never touch a player's saves, whatever code path a test takes.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"

MANIFEST = """\
campaign:
  id: t
  title: Test
  start: a
  start_date: 1924-01-21
stats:
  - {id: party, label: Party standing, initial: 45}
  - {id: hidden_x, label: Hidden, initial: 5, hidden: true}
relations:
  - {id: britain, name: Britain, initial: -20}
flags:
  - {id: flag_a, description: A flag.}
  - {id: mood, description: A valued flag., values: [calm, angry]}
"""


# Where a write is allowed while a test runs: the pytest temporary folders, the test's private
# world, compiled-bytecode caches and hypothesis' example database. Everything else is a
# player's file as far as the suite is concerned.
_ALLOWED: list[str] = []
_VIOLATIONS: list[str] = []
_ARMED = False
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {  # event -> indexes of the path arguments it writes
    "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1), "os.link": (1,),
    "os.symlink": (1,), "os.truncate": (0,), "os.chmod": (0,), "os.utime": (0,), "os.chown": (0,),
    "shutil.rmtree": (0,), "shutil.copyfile": (1,), "shutil.copytree": (1,), "shutil.move": (0, 1),
}
_HYPOTHESIS_DB = os.path.realpath(os.path.join(os.getcwd(), ".hypothesis"))
# The session's own temporary folder (TMPDIR as the suite started: plugins such as the snapshot
# report write there); each test then gets a temporary folder of its own.
_SESSION_TMP = os.path.realpath(tempfile.gettempdir())


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root + os.sep) for root in roots)


def _check_write(event: str, target: object, dir_fd: object = None) -> None:
    if isinstance(target, int) or dir_fd is not None:  # relative to an open folder: not checkable
        return
    try:
        path = os.path.realpath(os.fsdecode(target))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return
    if path.startswith("/dev/") or f"{os.sep}__pycache__{os.sep}" in path:
        return
    if _inside(path, _ALLOWED) or _inside(path, [_HYPOTHESIS_DB]):
        return
    _VIOLATIONS.append(f"{event}: {path}")
    raise PermissionError(f"test isolation: this test may not write {path} (outside its temporary folders)")


def _audit(event: str, args: tuple[object, ...]) -> None:
    if not _ARMED:
        return
    if event == "open":
        path, mode, flags = args
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        if writes:
            _check_write(event, path)
        return
    indexes = _PATH_EVENTS.get(event)
    if indexes is None:
        return
    dir_fd = args[-1] if event in {"os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.utime"} else None
    for index in indexes:
        if index < len(args):
            _check_write(event, args[index], dir_fd if isinstance(dir_fd, int) else None)


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _private_world(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HOME, XDG, data, saves, cache and temp folders of this test's own.

    The compiled-story cache is shared by the session (still a temporary folder) so the
    shipped story is compiled once, not once per test.
    """
    world = tmp_path_factory.mktemp("world")
    for name, folder in {
        "HOME": "home", "XDG_DATA_HOME": "xdg-data", "XDG_CONFIG_HOME": "xdg-config",
        "XDG_CACHE_HOME": "xdg-cache", "XDG_STATE_HOME": "xdg-state", "KREMLIN_TUI_DATA": "data",
        "KREMLIN_TUI_SAVES": "saves", "TMPDIR": "tmp",
    }.items():
        (world / folder).mkdir()
        monkeypatch.setenv(name, str(world / folder))
    for name in ("APPDATA", "LOCALAPPDATA", "USERPROFILE", "KREMLIN_TUI_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KREMLIN_TUI_CACHE", str(tmp_path_factory.getbasetemp() / "story-cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(world / "tmp"))
    yield world


@pytest.fixture(autouse=True)
def _no_remembered_results() -> Iterator[None]:
    """The language server turns on memo.remember for the whole process; a test that makes one
    in-process must not leave it on for the tests after it (they load expecting nothing kept)."""
    from kremlin_tui import memo

    yield
    if memo.enabled():
        memo.remember(False)


@pytest.fixture(autouse=True)
def _write_guard(_private_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Fail the test if it wrote (or tried to write) outside its temporary folders."""
    global _ARMED
    _ALLOWED[:] = [os.path.realpath(tmp_path_factory.getbasetemp()), os.path.realpath(_private_world), _SESSION_TMP]
    _VIOLATIONS.clear()
    _ARMED = True
    try:
        yield
    finally:
        _ARMED = False
    if _VIOLATIONS:
        pytest.fail("the test wrote outside its temporary folders:\n  " + "\n  ".join(dict.fromkeys(_VIOLATIONS)))


@pytest.fixture
def mini() -> str:
    return str(MINI)


# The smallest story body: one scene whose one choice leads to an ending. A test that needs a
# story with one thing changed starts from it: make_story(TWO_SCENES.replace("text: a", ...)).
TWO_SCENES = """\
nodes:
  - id: a
    title: A
    text: a
    choices:
      - {id: go, label: Go, goto: end}
endings:
  - {id: end, title: End, text: done}
"""

# One scene that returns to itself: a game as long as a test wants, with a random outcome.
LOOP = """\
nodes:
  - id: a
    title: The Loop
    text: "Round {decisions}: party {party}."
    choices:
      - id: roll
        label: Roll the dice
        goto: a
        outcomes:
          - {weight: 1, effects: [party += 3]}
          - {weight: 1, effects: [party -= 2]}
      - id: steady
        label: Hold steady
        goto: a
"""


@pytest.fixture
def loop_story_dir(make_story: Callable[..., str]) -> str:
    """The LOOP story's folder (the no-game-lost tests, plain and TUI)."""
    return make_story(LOOP)


@pytest.fixture
def make_story(tmp_path: Path) -> Callable[..., str]:
    """Write a story directory: `make_story(scenes_yaml)` adds the standard manifest."""

    def build(body: str, manifest: str = MANIFEST, name: str = "story") -> str:
        root = tmp_path / name
        root.mkdir(exist_ok=True)
        (root / "manifest.yaml").write_text(manifest, encoding="utf-8")
        (root / "scenes.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
        return str(root)

    return build
