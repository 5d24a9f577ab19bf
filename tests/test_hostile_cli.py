"""Every command of the CLI over a table of hostile inputs: story folders, saves, arguments and
typed input. For each: no traceback, no internal error (the guard's last resort), an exit status
in {0, 1, 2} as the input deserves (a broken story never exits 0), no raw control character in
the output, and a bounded time. Hypothesis adds random typed input and random save damage.

Most rows run in-process through `cli.main` (a subprocess per row would take minutes); a sample
runs as real processes, where a traceback would show as one.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kremlin_tui
from kremlin_tui import cli
from kremlin_tui.safetext import is_safe

TESTS = Path(__file__).parent
MINI = TESTS / "fixtures" / "mini"
SECONDS = 60  # per command: far above any row's normal time, far below "hangs"
PLAY_INPUT = b"1\n1\n1\nstats\njournal\ncodex\nundo\nredo\nsaves\nquit\n"

MANIFEST = (MINI / "manifest.yaml").read_text(encoding="utf-8")
GOOD = """\
chapter: one
nodes:
  - id: a
    title: Start
    date: 1924-02
    text: Hello.
    choices:
      - {id: go, label: Go, goto: end}
  - {id: end, title: The End, text: Bye., ending: true}
"""


def _scene(**lines: str) -> str:
    """GOOD with extra keys (already indented YAML) in the first scene."""
    extra = "".join(f"    {line}\n" for line in lines.values())
    return GOOD.replace("    text: Hello.\n", "    text: Hello.\n" + extra, 1)


# name -> files to write (name -> text or bytes), or a callable that builds the folder
BROKEN_STORIES: dict[str, dict[str, str | bytes]] = {
    "empty-yaml": {"manifest.yaml": MANIFEST, "scenes.yaml": ""},
    "comment-only": {"manifest.yaml": MANIFEST, "scenes.yaml": "# nothing\n", "more.yaml": GOOD.replace("goto: end", "goto: nowhere")},
    "binary": {"manifest.yaml": MANIFEST, "scenes.yaml": bytes(range(256)) * 4},
    "bad-utf8": {"manifest.yaml": MANIFEST, "scenes.yaml": b"nodes:\n  - id: a\n    title: \xff\xfe\n"},
    "deep-nesting": {"manifest.yaml": MANIFEST, "scenes.yaml": "x: " + "[" * 20000 + "]" * 20000 + "\n"},
    "python-tag": {"manifest.yaml": MANIFEST, "scenes.yaml": "nodes: !!python/object/apply:os.system ['touch pwned']\n"},
    "alias-bomb": {"manifest.yaml": MANIFEST, "scenes.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n"
                   + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                             for p, c in zip("abcdefgh", "bcdefghi", strict=True))},
    "control-chars": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("title: Start", 'title: "x\\e]0;PWNED\\a\\e[2J\\u009b2J"')},
    "control-key": {"manifest.yaml": MANIFEST, "scenes.yaml": _scene(k='"k\\e]0;PWNED\\a": 1')},
    "huge-number": {"manifest.yaml": MANIFEST.replace("initial: 45}", "initial: 45, max: " + "9" * 5000 + "}"), "scenes.yaml": GOOD},
    "inf-max": {"manifest.yaml": MANIFEST.replace("initial: 45}", "initial: 45, max: .inf}"), "scenes.yaml": GOOD},
    "deep-expression": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("{id: go, label: Go, goto: end}",
                        "{id: go, label: Go, goto: end, if: '" + "(" * 5000 + "party" + ")" * 5000 + " > 1'}")},
    "long-expression": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("{id: go, label: Go, goto: end}",
                        "{id: go, label: Go, goto: end, if: '" + " + ".join(["party"] * 5000) + " > 1'}")},
    "nested-template": {"manifest.yaml": MANIFEST,
                        "scenes.yaml": GOOD.replace("text: Hello.", "text: '" + "{if flag_a}" * 3000 + "x" + "{end}" * 3000 + "'")},
    "huge-literal": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("{id: go, label: Go, goto: end}",
                     "{id: go, label: Go, goto: end, effects: ['party += " + "9" * 5000 + "']}")},
    "weight-1e400": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("{id: go, label: Go, goto: end}",
                     "{id: go, label: Go, outcomes: [{weight: 1e400, goto: end}]}")},
    "date-past-9999": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("date: 1924-02", "date: 99999-01-01")},
    "start-missing": {"manifest.yaml": MANIFEST.replace("start: a", "start: nowhere"), "scenes.yaml": GOOD},
    "no-ending-cycle": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("goto: end}", "goto: a}")
                        .replace("  - {id: end, title: The End, text: Bye., ending: true}\n", "")},
    "manifest-only": {"manifest.yaml": MANIFEST},
    "not-a-mapping": {"manifest.yaml": "- just\n- a list\n", "scenes.yaml": "42\n"},
    "window-never-opens": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD + "  - id: ev\n    title: Ev\n    text: E.\n"
                           "    event: {after: 1930, before: 1925}\n    choices: [{id: ok, label: OK, goto: end}]\n"},
}
SOUND_STORIES: dict[str, dict[str, str | bytes]] = {
    "good": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD},
    "div-zero": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("{id: go, label: Go, goto: end}",
                 "{id: go, label: Go, goto: end, effects: ['party = party / (party - party)']}")},
    "bidi-and-markup": {"manifest.yaml": MANIFEST, "scenes.yaml": GOOD.replace("title: Start", "title: '[bold]x[/] \u202eevil'")},
}
CANNOT_RUN = {"missing": "does/not/exist", "devnull": os.devnull}


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("hostile-stories")
    made: dict[str, str] = {}
    for name, files in {**BROKEN_STORIES, **SOUND_STORIES}.items():
        folder = root / name
        folder.mkdir()
        for file, content in files.items():
            path = folder / file
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        made[name] = str(folder)
    special = root / "special-files"
    special.mkdir()
    (special / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (special / "scenes.yaml").write_text(GOOD, encoding="utf-8")
    os.mkfifo(special / "fifo.yaml")
    (special / "dangling.yaml").symlink_to(root / "nowhere.yaml")
    (special / "loop.yaml").symlink_to(special / "loop.yaml")
    (special / "sub").mkdir()
    (special / "sub" / "up").symlink_to(special)
    made["special-files"] = str(special)
    file = root / "a-file.yaml"
    file.write_text(GOOD, encoding="utf-8")
    made["a-file"] = str(file)
    made["empty-dir"] = str(root / "empty")
    (root / "empty").mkdir()
    made.update(CANNOT_RUN)
    return made


class Overtime(BaseException):
    """Raised by the alarm: a BaseException, so no `except Exception` in the code swallows it."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def ring(_signum: int, _frame: object) -> None:
        raise Overtime(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(argv: list[str], stdin: bytes = b"", monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    """`kremlin-tui ARGV` in this process, with `stdin` as its input; (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        with time_limit(SECONDS):
            try:
                status = cli.main(argv)
            except SystemExit as exc:  # argparse
                status = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return status, out.getvalue(), err.getvalue()


def assert_sound(argv: list[str], status: int, out: str, err: str, allowed: set[int]) -> None:
    shown = f"{argv}: exit {status}\n--- stderr\n{err[-1500:]}\n--- stdout\n{out[-800:]}"
    assert "Traceback" not in out + err, shown
    assert "internal error" not in err, shown
    assert status in allowed, shown
    assert is_safe(out) and is_safe(err), shown  # no raw control character reached "the terminal"


def _commands(story: str, saves: str) -> list[tuple[list[str], bytes]]:
    return [
        (["check", story], b""),
        (["check", story, "--format", "json"], b""),
        (["play", "--plain", "--seed", "1", "--story", story, "--saves", saves], PLAY_INPUT),
        (["play", "--plain", "--debug", "--seed", "2", "--story", story], b":state\n:goto end\n1\n"),
        (["explore", "--runs", "7", "--jobs", "1", "--story", story], b""),
        (["explore", "--runs", "3", "--jobs", "1", "--format", "json", "--track", "party", "--story", story], b""),
        (["explore", "--to", "end", "--budget", "200", "--story", story], b""),
        (["graph", "--story", story], b""),
        (["graph", "--format", "mermaid", "--chapter", "one", "--story", story], b""),
        (["saves", "check", saves, "--story", story], b""),
    ]


@pytest.mark.parametrize("name", sorted([*BROKEN_STORIES, *CANNOT_RUN, "a-file", "empty-dir"]))
def test_every_command_on_a_broken_story(name: str, stories: dict[str, str], tmp_path: Path) -> None:
    for argv, stdin in _commands(stories[name], str(tmp_path / "saves")):
        status, out, err = run(argv, stdin)
        assert_sound(argv, status, out, err, {1, 2})  # a broken story is never "fine"
        if argv[0] == "check" and name in (*CANNOT_RUN, "a-file", "empty-dir"):
            assert status == 2, (argv, err)  # could not run, not "your story has errors"
    assert not Path("pwned").exists()


@pytest.mark.parametrize("name", sorted([*SOUND_STORIES, "special-files"]))
def test_every_command_on_a_sound_but_odd_story(name: str, stories: dict[str, str], tmp_path: Path) -> None:
    for argv, stdin in _commands(stories[name], str(tmp_path / "saves")):
        status, out, err = run(argv, stdin)
        assert_sound(argv, status, out, err, {0, 1})


def _hostile_saves(folder: Path) -> list[str]:
    """A saves folder holding one sound save and every kind of damaged one; returns the names."""
    from kremlin_tui.engine import Game
    from kremlin_tui.loader import load_story
    from kremlin_tui.saves import SaveStore, build_document

    store = SaveStore(folder)
    game = Game.new(load_story([str(MINI)]), 4)
    game.choose("back")
    good = build_document(game, slot="good", kind="manual", saved_at=datetime.now(UTC), play_seconds=2.0)
    store.write("good", good)
    text = json.dumps(good)

    def variant(name: str, edit: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
        document = json.loads(text)
        edit(document)
        (folder / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")

    variant("future-date", lambda d: d["state"].__setitem__("date", "99999-01-01"))
    variant("date-9999", lambda d: d["state"].__setitem__("date", "9999-12-31"))
    variant("nan-var", lambda d: d["state"]["vars"].__setitem__("party", float("nan")))
    variant("huge-var", lambda d: d["state"]["vars"].__setitem__("party", 10**400))
    variant("wrong-types", lambda d: d.__setitem__("state", {"vars": [1, 2], "node": 5, "history": "x"}))
    variant("unknown-node", lambda d: d["state"].__setitem__("node", "nowhere"))
    variant("escape-meta", lambda d: d["meta"].__setitem__("scene_title", "x\x1b]0;PWNED\x07\x1b[2J\x9b"))
    variant("no-meta", lambda d: d.pop("meta"))
    variant("future-format", lambda d: d.__setitem__("kremlin_tui_save", 99))
    (folder / "truncated.json").write_text(text[: len(text) // 2], encoding="utf-8")
    (folder / "not-json.json").write_bytes(b"\xff\xfe garbage \x00")
    (folder / "deep.json").write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    (folder / "huge.json").write_bytes(b" " * (3 * 1024 * 1024) + b"{}")
    (folder / "a-folder.json").mkdir()
    os.mkfifo(folder / "fifo.json")
    (folder / "loop.json").symlink_to(folder / "loop.json")
    (folder / "dangling.json").symlink_to(folder / "gone.json")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def test_saves_commands_on_hostile_saves(tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    names = _hostile_saves(folder)
    for argv, stdin in (
        (["saves", "list", str(folder)], b""),
        (["saves", "check", str(folder), "--story", str(MINI)], b""),
        (["saves", "check", str(folder), "--story", str(MINI), "--format", "json"], b""),
        (["play", "--plain", "--continue", "--story", str(MINI), "--saves", str(folder)], b"1\njournal\n"),
        (["play", "--plain", "--story", str(MINI), "--saves", str(folder)],
         b"".join(f'load "{n}"\n1\njournal\nstats\nundo\n'.encode() for n in names) + b"saves\n"),
    ):
        status, out, err = run(argv, stdin)
        assert_sound(argv, status, out, err, {0, 1})
    assert (folder / "fifo.json").exists()  # nothing deleted or moved a file it could not read


HOSTILE_ARGV: list[list[str]] = [
    ["explore", "--runs", "-1"], ["explore", "--runs", "0"], ["explore", "--runs", "9" * 5000],
    ["explore", "--runs", "x"], ["explore", "--jobs", "-3", "--runs", "1"], ["explore", "--budget", "-1", "--to", "end"],
    ["explore", "--seed", "9" * 5000, "--runs", "1"], ["explore", "--track", "nope", "--runs", "1"],
    ["explore", "--to", "nowhere", "--runs", "1"], ["explore", "--strategy", "evil"],
    ["play", "--plain", "--seed", "-5"], ["play", "--plain", "--seed", "9" * 5000],
    ["play", "--plain", "--saves", os.devnull], ["play", "--plain", "--story", ""],
    ["graph", "--chapter", "\x1b[2J"], ["graph", "--format", "svg"], ["check", "--format", "xml"],
    ["saves", "list", os.devnull], ["saves", "frobnicate"], ["schema", "--validate", os.devnull],
    ["schema", "--validate", "does-not-exist.yaml"], ["--no-such-option"], ["frobnicate"], ["-"], [""],
    ["check", "--", "-x"],
]


@pytest.mark.parametrize("argv", HOSTILE_ARGV, ids=lambda a: " ".join(a)[:40])
def test_hostile_arguments(argv: list[str]) -> None:
    full = [*argv, *(["--story", str(MINI)] if argv and argv[0] in ("explore", "play", "graph") and "--story" not in argv else [])]
    status, out, err = run(full, b"1\n")
    allowed = {0, 1, 2} if full[0] == "play" or full == ["-"] or full == [""] else {1, 2}
    assert_sound(full, status, out, err, allowed)


HOSTILE_LINES = [
    "²", "undo ²", "redo ½", "9" * 5000, "undo " + "9" * 5000, "-1", "0", "+1", "1.5", "1e3", "٣", "１",
    "load ../../../../etc/passwd", "load " + "x" * 10000, "save " + "x" * 10000, "save \x1b]0;x\x07",
    "rename a", "rename \"unterminated", "delete", "delete nope", "codex \x1b[2J", "codex " + "x" * 10000,
    ":goto end", ":set party 1e400", "quicksave", "quickload", "\x00", "\t\t", " " * 10000, "x" * 1_000_000,
]


def test_hostile_typed_lines(tmp_path: Path) -> None:
    stdin = "\n".join(HOSTILE_LINES).encode() + b"\n\xff\xfe\xfd\n1\njournal\n"
    for extra in ([], ["--debug"]):
        argv = ["play", "--plain", "--seed", "3", "--story", str(MINI), "--saves", str(tmp_path / "saves"), *extra]
        status, out, err = run(argv, stdin)
        assert_sound(argv, status, out, err, {0})
    status, out, err = run(["play", "--plain", "--story", str(MINI)], b"1\n" + b"x" * 5_000_000)  # no final newline
    assert_sound(["play"], status, out, err, {0})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(st.text(max_size=30), st.from_regex(r"(undo|redo|load|save|codex|rename|delete) ?\S{0,12}",
                                                                       fullmatch=True),
                                st.integers(-5, 10**30).map(str)), max_size=12))
def test_random_typed_input_never_breaks_plain_mode(lines: list[str]) -> None:
    from kremlin_tui.engine import Game
    from kremlin_tui.loader import load_story
    from kremlin_tui.plain import run_plain

    story = load_story([str(MINI)])
    out = io.StringIO()
    assert run_plain(story, Game.new(story, 5), io.StringIO("\n".join(lines) + "\n"), out) == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.lists(st.sampled_from(["meta", "state", "story", "vars", "history", "node", "date", "rng", "seed",
                                      "visits", "calendar", "events", "codex", "kremlin_tui_save", 0, 1]), min_size=1, max_size=3),
       value=st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(),
                                    st.text(max_size=8)),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                          max_leaves=6))
def test_randomly_damaged_saves_never_break_the_commands(tmp_path_factory: pytest.TempPathFactory, path: list[object],
                                                         value: object) -> None:
    from kremlin_tui.engine import Game
    from kremlin_tui.loader import load_story
    from kremlin_tui.saves import build_document

    folder = tmp_path_factory.mktemp("fuzzed-saves")
    game = Game.new(load_story([str(MINI)]), 6)
    game.choose("back")
    document = build_document(game, slot="fuzz", kind="manual", saved_at=datetime.now(UTC), play_seconds=1.0)
    target: object = document
    for key in path[:-1]:
        nxt = target.get(key) if isinstance(target, dict) else None  # type: ignore[union-attr]
        if not isinstance(nxt, (dict, list)):
            break
        target = nxt
    last = path[-1]
    if isinstance(target, dict):
        target[str(last) if not isinstance(last, str) else last] = value
    elif isinstance(target, list) and isinstance(last, int) and last < len(target):
        target[last] = value
    (folder / "fuzz.json").write_text(json.dumps(document, allow_nan=True), encoding="utf-8")
    for argv, stdin in ((["saves", "list", str(folder)], b""),
                        (["saves", "check", str(folder), "--story", str(MINI)], b""),
                        (["play", "--plain", "--story", str(MINI), "--saves", str(folder)], b"load fuzz\n1\n1\njournal\nundo\n")):
        status, out, err = run(argv, stdin)
        assert_sound(argv, status, out, err, {0, 1})


# -- a sample as real processes: a traceback, a hang or a stream problem would show as such ------

def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(kremlin_tui.__file__).parent.parent)
    env["KREMLIN_TUI_CACHE"] = str(tmp / "cache")
    return env


@pytest.mark.parametrize("name", ["deep-expression", "control-chars", "binary", "special-files", "devnull"])
def test_a_sample_in_real_processes(name: str, stories: dict[str, str], tmp_path: Path) -> None:
    for argv, stdin in _commands(stories[name], str(tmp_path / "saves"))[:3]:
        result = subprocess.run([sys.executable, "-m", "kremlin_tui", *argv], input=stdin, capture_output=True,
                                timeout=SECONDS, env=_env(tmp_path))
        out, err = result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace")
        allowed = {0, 1} if name == "special-files" else {1, 2}
        assert_sound(argv, result.returncode, out, err, allowed)
