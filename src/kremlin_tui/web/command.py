"""`kremlin-tui serve`: its options, their checks, and the message when the web extra is missing.

Kept apart from `server` so that `kremlin-tui --help` and a missing `textual-serve` never import
aiohttp or Textual: only a server that is really starting does.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

INSTALL_HINT = (
    "kremlin-tui serve needs the optional web extra (textual-serve). Install it with:\n"
    '    python3 -m pip install "kremlin-tui[web]"\n'
    'or, from a checkout of the game:  python3 -m pip install ".[web]"'
)
DEFAULT_MAX_GAMES = 8


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (a local server needs no --public)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def add_serve_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = sub.add_parser(
        "serve", help="play in a web browser (needs the [web] extra)",
        description="Serve the game to a web browser: every tab plays its own game, with the full terminal "
                    "UI (screens, keys, mouse). Local by default: only this machine can connect, and the "
                    "games use your saves. --public serves other machines, each visitor with a temporary "
                    "saves folder of their own.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; any non-local address needs --public)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 picks a free one)")
    serve.add_argument("--saves", metavar="DIR", help="saves directory for local games (default: your saves)")
    serve.add_argument("--story", action="append", metavar="DIR", help="story directory (repeat to add mods)")
    serve.add_argument("--open", action="store_true", help="open the page in the default web browser")
    serve.add_argument("--public", action="store_true",
                       help="allow other machines: every visitor gets a temporary saves folder, deleted when "
                            "their tab closes, and never sees another visitor's saves")
    serve.add_argument("--max-games", type=int, default=DEFAULT_MAX_GAMES, metavar="N",
                       help=f"games played at once; the next visitor is told the server is full (default {DEFAULT_MAX_GAMES})")


def serve_problem(args: argparse.Namespace) -> str | None:
    """Why these options cannot be served, or None."""
    if not 0 <= args.port <= 65535:
        return f"--port must be between 0 and 65535, not {args.port}"
    if args.max_games < 1:
        return f"--max-games must be at least 1, not {args.max_games}"
    if not args.host.strip():
        return "--host must not be empty"
    if not args.public and not is_loopback(args.host):
        return (f"--host {args.host} lets other machines connect, and they would play with your saves. "
                "Add --public to give every visitor a temporary saves folder of their own.")
    if args.public and args.saves:
        return "--saves cannot be combined with --public: every visitor gets a temporary saves folder of their own"
    if args.saves and Path(args.saves).exists() and not Path(args.saves).is_dir():
        # every tab's game would start, then fail to save: say so once, before serving
        return f"--saves {args.saves} is not a folder"
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    problem = serve_problem(args)
    if problem:
        print(f"kremlin-tui serve: {problem}", file=sys.stderr)
        return 2
    try:
        import aiohttp  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    from kremlin_tui.web.server import ServeConfig, serve

    stories = tuple(str(Path(d).resolve()) for d in args.story or ())
    config = ServeConfig(host=args.host, port=args.port, public=args.public, max_games=args.max_games,
                         saves=Path(args.saves).resolve() if args.saves else None, stories=stories,
                         open_browser=args.open)
    return serve(config)
