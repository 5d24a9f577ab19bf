"""Run the test suite with HOME and XDG pointed at a folder of "real" saves; prove no byte changes.

The autouse fixture in `tests/conftest.py` gives every test folders of its own, and its write
guard fails a test that writes elsewhere in the test process. This script checks the whole
picture from the outside, subprocesses included: it builds a fake home holding saves, a
profile and a cache where the game would look for a player's own, runs pytest with only that
home in the environment (no KREMLIN_TUI_* variables), and compares every byte afterwards.

By hand, from a checkout (runs the whole suite; any pytest arguments may follow):

    python tests/suite_isolation.py            # or: python tests/suite_isolation.py tests/tui -x

It exits 0 when the fake home (and the checkout's `saves/`) are unchanged, 1 otherwise, and
says which files changed. `tests/test_suite_isolation.py` runs it on a subset of the suite.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
CHILD_MARK = "KREMLIN_TUI_SUITE_ISOLATION_CHILD"

# A save as the game writes it is not needed: the check is byte equality, and a file the game
# would rotate or back up (`autosave-1.json`) is the one most at risk.
FAKE_SAVE = json.dumps({"kremlin_tui_save": 1, "meta": {"slot": "autosave-1", "note": "a player's real game"}}, indent=1)


def plant_fake_home(home: Path) -> dict[str, str]:
    """Fill `home` with a player's files where every front end would look; return the environment."""
    data = home / "xdg-data"
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(data),
        "XDG_CONFIG_HOME": str(home / "xdg-config"),
        "XDG_CACHE_HOME": str(home / "xdg-cache"),
        "XDG_STATE_HOME": str(home / "xdg-state"),
    }
    files = {
        data / "kremlin-tui" / "saves" / "autosave-1.json": FAKE_SAVE,
        data / "kremlin-tui" / "saves" / "my game.json": FAKE_SAVE,
        data / "kremlin-tui" / "profile.json": '{"theme": "nord"}',
        home / ".local" / "share" / "kremlin-tui" / "saves" / "autosave-1.json": FAKE_SAVE,
        home / ".local" / "share" / "kremlin-tui" / "profile.json": '{"theme": "nord"}',
        home / "xdg-cache" / "kremlin-tui" / "keep.txt": "cache",
        home / ".cache" / "kremlin-tui" / "keep.txt": "cache",
        home / "xdg-config" / "kremlin-tui" / "keep.txt": "config",
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return env


def fingerprint(*roots: Path) -> dict[str, str]:
    """Every file and folder under `roots`: path -> SHA-256 of its bytes (or 'dir')."""
    prints: dict[str, str] = {}
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts:
                continue
            prints[str(path)] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return prints


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changed = [f"changed: {p}" for p in before if p in after and before[p] != after[p]]
    changed += [f"removed: {p}" for p in before if p not in after]
    changed += [f"created: {p}" for p in after if p not in before]
    return changed


def child_environment(home: Path, checkout: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KREMLIN_TUI_") and not k.startswith("XDG_")}
    env.update(plant_fake_home(home))
    env["PYTHONPATH"] = str(checkout / "src")
    env[CHILD_MARK] = "1"
    tmp = home.parent / "child-tmp"
    tmp.mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp)
    return env


def run_suite(home: Path, checkout: Path, pytest_args: list[str]) -> tuple[int, str, list[str]]:
    """Run pytest in `checkout` with the fake `home`; return (exit code, output, changed files)."""
    env = child_environment(home, checkout)
    saves = checkout / "saves"
    before = fingerprint(home, saves)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args],
        cwd=checkout, env=env, capture_output=True, text=True, check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr, differences(before, fingerprint(home, saves))


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="kremlin-fake-home-") as scratch:
        home = Path(scratch) / "home"
        home.mkdir()
        code, output, changed = run_suite(home, CHECKOUT, argv)
        print(output[-3000:])
        if changed:
            print("The test suite changed a player's files:\n  " + "\n  ".join(changed))
            return 1
        print(f"Fake home and {CHECKOUT / 'saves'} unchanged (pytest exit status {code}).")
        return 0 if code == 0 else code


def copy_checkout(target: Path) -> Path:
    """A copy of this checkout (source, tests, story) so a run can plant files in its `saves/`."""
    for name in ("src", "tests", "story"):
        shutil.copytree(CHECKOUT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(CHECKOUT / "pyproject.toml", target / "pyproject.toml")
    (target / "saves").mkdir(exist_ok=True)
    return target


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
