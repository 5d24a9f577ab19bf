"""Building the story cache in a child process, on the TUI's first start (issue 19: memory).

A start without a cached story (just installed, or the story edited) reads the YAML and builds
the model. Done in the game's own process, that left the loader's garbage and the builder's
peak there for good (the C allocator keeps what was freed): 55 MB where a start from the cache
holds 38. So on a cache miss the TUI has a child process build the story and write the cache,
then reads the cache as every later start does, and never imports YAML or the builder itself.

Nothing passes between the two processes but the cache file, in its one data-only format,
read with the same checks as always (`cache.read`). The child runs this very package, with this
process's module path and nothing from the working folder. A child that cannot start, fails,
is killed, runs out of time or writes nothing (a story with errors, a cache folder it cannot
write) changes nothing: the game then builds the story itself, as it always did.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

TIMEOUT = 120.0  # seconds; a child still building by then is killed, and the game builds the story itself

# The child: this process's module path (so the same package and libraries), then build and cache.
_CHILD = ("import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
          "from kremlin_tui.cache_child import build; sys.exit(build(sys.argv[2:]))")


def build_in_child(dirs: list[str]) -> bool:
    """Have a child process build the story in `dirs` and write its cache; True if it says it
    did (the caller reads the cache, with every check, and builds the story itself if it must)."""
    from kremlin_tui.cache import cache_writable

    if not sys.executable or not cache_writable():
        return False
    command = [sys.executable, "-I"]  # isolated: no PYTHON* variables, no user site, no working folder
    if sys.flags.dont_write_bytecode:
        command.append("-B")
    if sys.pycache_prefix:
        command += ["-X", f"pycache_prefix={sys.pycache_prefix}"]
    command += ["-c", _CHILD, json.dumps([p for p in sys.path if p]), *dirs]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=TIMEOUT, start_new_session=os.name == "posix", check=False)
    except (OSError, subprocess.SubprocessError, ValueError):  # cannot start, or killed at the timeout
        return False
    return done.returncode == 0


def build(dirs: list[str]) -> int:
    """In the child: load the story (building it and writing the cache); 0 if it was built."""
    from kremlin_tui.loader import load_story_with_diagnostics

    return 0 if load_story_with_diagnostics(dirs).story is not None else 1
