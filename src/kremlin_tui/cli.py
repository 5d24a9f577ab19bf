"""The `kremlin-tui` command line. Headless commands never import Textual, so they start fast."""

from __future__ import annotations

import gc
import os
import sys
import time

from kremlin_tui import __version__

# What a command needs is imported by the command: `kremlin-tui check` pauses the collector as it
# starts (`main`), and what is imported after that is never looked at by a collection (argparse,
# dataclasses, pathlib: ~20 collections, 2-3 ms). (typing's own flag, without importing typing.)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from kremlin_tui.diagnostics import Diagnostic

COMMANDS = ("play", "check", "explore", "schema", "graph", "saves", "lsp", "serve")


def _story_dirs(values: list[str] | None) -> list[str]:
    from kremlin_tui.paths import default_story_dir

    return list(values) if values else [str(default_story_dir())]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser. With `command`, only that command's options: all that parsing
    its arguments (and its --help) needs, without building (and importing) the other seven on
    every start; the top-level help, which lists every command, gets them all."""
    from kremlin_tui.helpformat import ArgumentParser, RawDescriptionHelpFormatter
    from kremlin_tui.paths import SAVES_ENV, default_saves_dir, default_story_dir

    parser = ArgumentParser(
        prog="kremlin-tui",
        description="Kremlin TUI: an alternate-history strategy game. You are Trotsky, January 1924.",
        epilog=(
            f"Story: {default_story_dir()}\n"
            f"Saves: {default_saves_dir()} (override with --saves DIR or ${SAVES_ENV})\n"
            "Without a command, `kremlin-tui` plays the game."
        ),
        formatter_class=RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kremlin-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    adders = {"play": _add_play, "check": _add_check, "explore": _add_explore, "graph": _add_graph,
              "saves": _add_saves, "serve": _add_serve, "lsp": _add_lsp, "schema": _add_schema}
    for name, add in adders.items():  # (in this order in the help)
        if command is None or name == command:
            add(sub)
    return parser


def _add_serve(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`serve`: its options live with the web server's command."""
    from kremlin_tui.web.command import add_serve_parser

    add_serve_parser(sub)


def _add_play(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`play`: the game, in the terminal UI or line by line."""
    from kremlin_tui.paths import default_saves_dir

    play = sub.add_parser("play", help="play the game (the default command)",
                          description="Play the game in the terminal UI, or line by line with --plain.")
    play.add_argument("--plain", action="store_true", help="line mode for screen readers, pipes and scripts")
    play.add_argument("--seed", type=int, default=None, help="fix the randomness (same seed + same input = same game)")
    play.add_argument("--story", action="append", metavar="DIR", help="story directory (repeat to add mods)")
    play.add_argument("--saves", metavar="DIR", help=f"saves directory (default {default_saves_dir()})")
    play.add_argument("--continue", dest="continue_game", action="store_true",
                      help="resume the newest save of this story (named, quick or autosave)")
    play.add_argument("--watch", action="store_true",
                      help="reload the story when a file changes, keeping the game where it was")
    play.add_argument("--debug", action="store_true",
                      help="writers' debugger: why each choice is shown or locked, the state, :set and :goto")


def _add_check(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`check`: every problem in the story, with its position."""
    check = sub.add_parser("check", help="check story files for errors",
                           description="Report every problem in the story with its file position.")
    check.add_argument("dirs", nargs="*", metavar="DIR", help="story directories (default: the shipped story)")
    check.add_argument("--format", choices=("text", "json"), default="text")


def _add_explore(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`explore`: the automated play-tester."""
    explore = sub.add_parser("explore", help="play many seeded games automatically and report coverage",
                             description="The automated play-tester: plays N seeded games and reports "
                                         "endings, coverage, decisions and errors.")
    explore.add_argument("--runs", type=int, default=1000, metavar="N",
                         help="how many games to play (default 1000); with --to, how many seeds to search (at most 20)")
    explore.add_argument("--seed", type=int, default=0,
                         help="game i is played with seed S+i, so --seed 1 and --seed 2 share all but one game")
    explore.add_argument("--strategy", choices=("random", "coverage"), default="random",
                         help="random: every available choice equally likely (balance figures); coverage: prefer "
                              "choices no game has taken yet (reaches every branch sooner; default random)")
    explore.add_argument("--jobs", type=int, default=None, help="processes (default: all cores)")
    explore.add_argument("--format", choices=("text", "json"), default="text")
    explore.add_argument("--story", action="append", metavar="DIR", help="story directory (repeatable)")
    explore.add_argument("--among", metavar="SCENE|CHAPTER",
                         help="count --track values over the games that reached this scene (or any scene of this "
                              "chapter) instead of over all finished games")
    explore.add_argument("--visits", action="store_true", help="list every scene with the games that reached it "
                                                             "(the text report shows the rarest; JSON always has all)")
    explore.add_argument("--track", action="append", metavar="NAME", default=[],
                         help="report how often each final value of this flag, stat or relation occurs (repeatable)")
    explore.add_argument("--audit", action="store_true",
                         help="for every conditional passage shown, the decisions that made its condition true "
                              "(finds callbacks that name one cause where there are several)")
    explore.add_argument("--to", metavar="NODE", help="find a short (where it can, the shortest) sequence of choices that reaches NODE, "
                                                      "printed as a script for `play --plain --seed S`")
    explore.add_argument("--budget", type=int, default=50_000,
                         help="game states to search per seed with --to (breadth-first, then random games)")


def _add_graph(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`graph`: the story map."""
    graph = sub.add_parser("graph", help="draw the story map (Graphviz DOT or Mermaid)",
                           description="Print the story map: scenes, events and endings as nodes, choices and "
                                       "schedules as labelled edges, unreachable nodes in red.")
    graph.add_argument("--format", choices=("dot", "mermaid"), default="dot")
    graph.add_argument("--chapter", metavar="ID", help="only the scenes of one chapter (and the edges leaving it)")
    graph.add_argument("--only", action="append", metavar="DIR",
                       help="only the scenes defined under DIR (a mod), with the edges into and out of the story "
                            "and its flag edges (repeatable)")
    graph.add_argument("--flags", action="store_true",
                       help="also draw flag edges: from a scene that sets a flag to each scene that tests it (dashed); "
                            "on by default with --only")
    graph.add_argument("--story", action="append", metavar="DIR", help="story directory (repeatable)")


def _add_saves(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`saves list` and `saves check`."""
    from kremlin_tui.paths import default_saves_dir

    saves = sub.add_parser("saves", help="list saved games, or check them against the story",
                           description="List the saved games (the default), or check every save against the "
                                       "current story: which load, which need replay, which are damaged.")
    saves_sub = saves.add_subparsers(dest="saves_command", metavar="ACTION")
    saves_list = saves_sub.add_parser("list", help="list the saves with their metadata (the default)",
                                      description="List the saves: name, in-game date, chapter, scene, real time "
                                                  "saved, play time; damaged files with the reason.")
    saves_list.add_argument("dir", nargs="?", metavar="DIR", help=f"saves directory (default {default_saves_dir()})")
    saves_check = saves_sub.add_parser("check", help="check every save against the current story",
                                       description="Load every save against the story as the game would, without "
                                                   "changing any file. Exit status 1 if a save is damaged, cannot "
                                                   "load, or would lose decisions on replay.")
    saves_check.add_argument("dir", nargs="?", metavar="DIR", help=f"saves directory (default {default_saves_dir()})")
    saves_check.add_argument("--story", action="append", metavar="DIR", help="story directory (repeatable)")
    saves_check.add_argument("--format", choices=("text", "json"), default="text")


def _add_lsp(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`lsp`: the language server, a tool for editors."""
    lsp = sub.add_parser("lsp", help="run the language server for story YAML (for editors; speaks LSP on stdin/stdout)",
                         description="A language server for story files: check's diagnostics as you type, go to definition, "
                                     "find references, completion and hover. Editors start it; see docs/editors.md. "
                                     "Needs pygls: pip install 'kremlin-tui[lsp]'.")
    lsp.add_argument("--story", action="append", metavar="DIR",
                     help="story directory (repeat for mods); default: found from the opened file")


def _add_schema(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """`schema`: the JSON Schema of story files, for editors."""
    schema = sub.add_parser("schema", help="print the JSON Schema of story files, or validate files against it",
                            description="Print the JSON Schema for story files (for editors' YAML language servers), "
                                        "or with --validate check files against it as the game reads them (dates stay "
                                        "text). Validation needs jsonschema: pip install 'kremlin-tui[lsp]'.")
    schema.add_argument("--validate", nargs="+", metavar="FILE", help="validate these story files; exit 1 if any breaks the schema")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Whatever happens, the user gets a message, never a traceback: 1 for a
    problem in their input, 2 when the command could not run (an internal error says so, with
    a hint to report it), 130 on Ctrl-C."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args and args[0] in COMMANDS else "play"
    kept: list[object] | None = [] if argv is None and command == "check" else None  # the `check` program itself
    if kept is not None:
        # What the program makes from here on (its modules, its story) lives until it exits: a
        # collection would look at it for nothing (~40 of them, 4-6 ms). Cyclic garbage waits.
        gc.disable()
    from kremlin_tui.guard import guarded

    # `lsp` speaks a binary protocol on stdin/stdout (its JSON escapes control characters itself).
    status = guarded(lambda: _run(argv, kept), stdin_needed=command in ("play", "lsp"), filter_output=command != "lsp")
    if kept is not None:
        _end_the_check_program(kept)
    return status


def _end_the_check_program(kept: list[object]) -> None:
    """`kremlin-tui check` is about to end: what Python would still do before exiting changes
    nothing a user sees and costs ~10 ms of a ~250 ms run: free the story (`kept` holds it:
    ~100k objects, one by one) and collect garbage a last time over everything left. So the
    story is left to the operating system, which takes the process's memory back at once: a
    list that holds it and itself is a cycle that module teardown cannot free, and `gc.freeze`
    puts it, with every other object, where no collection looks (the last one included). The
    rest of the exit is Python's own: exit handlers, the streams' last flush (and its report of
    a failure), the status. (The collector, paused by `main`, runs again for whatever is made
    after the freeze.)"""
    holder: list[object] = [kept]
    holder.append(holder)
    gc.freeze()
    gc.enable()


def _run(argv: Sequence[str] | None, kept: list[object] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "play")
    parser = build_parser(args_list[0] if args_list[0] in COMMANDS else None)
    args = parser.parse_args(args_list)
    if args.command == "check":
        return cmd_check(args, kept)
    if args.command == "explore":
        return cmd_explore(args)
    if args.command == "graph":
        return cmd_graph(args)
    if args.command == "saves":
        return cmd_saves(args)
    if args.command == "lsp":
        return cmd_lsp(args)
    if args.command == "serve":
        from kremlin_tui.web.command import cmd_serve

        return cmd_serve(args)
    if args.command == "schema":
        return cmd_schema(args)
    return cmd_play(args)


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)


def _load(dirs: list[str]):  # type: ignore[no-untyped-def]
    from kremlin_tui.loader import load_story_with_diagnostics

    loaded = load_story_with_diagnostics(dirs)
    if loaded.story is None:
        cannot_run = [d.message for d in loaded.diagnostics if d.code == "no-story"]
        if cannot_run:  # no story folder to read: the command could not run (exit 2, like check)
            for message in cannot_run:
                print(f"kremlin-tui: {message}", file=sys.stderr)
            raise SystemExit(2)
        _print_diagnostics(loaded.errors)
        print(f"The story has {len(loaded.errors)} error(s); run `kremlin-tui check` for details.", file=sys.stderr)
    return loaded.story


def cmd_schema(args: argparse.Namespace) -> int:
    from kremlin_tui.schema import schema_text

    if not args.validate:
        sys.stdout.write(schema_text())
        return 0
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        print("kremlin-tui schema --validate needs jsonschema: pip install 'kremlin-tui[lsp]'", file=sys.stderr)
        return 2
    from kremlin_tui.diagnostics import Collector
    from kremlin_tui.schema import validate_files

    missing = [path for path in args.validate if not os.path.isfile(path)]
    if missing:
        print(f"kremlin-tui schema: not a file: {', '.join(missing)}", file=sys.stderr)
        return 2
    out = Collector()
    validate_files(args.validate, out)
    for diagnostic in out.items:
        print(diagnostic)
    print(f"{len(out.errors)} error(s) in {len(args.validate)} file(s)")
    return 1 if out.errors else 0


def cmd_lsp(args: argparse.Namespace) -> int:
    try:
        from kremlin_tui.lsp.server import serve_stdio
    except ImportError:
        print("kremlin-tui lsp needs pygls: pip install 'kremlin-tui[lsp]'", file=sys.stderr)
        return 2
    return serve_stdio(args.story or ())


def cmd_check(args: argparse.Namespace, kept: list[object] | None = None) -> int:
    from kremlin_tui.checker import check_story
    from kremlin_tui.safetext import json_text

    try:
        report = check_story(_story_dirs(args.dirs), keep=kept)
    except Exception as exc:  # a bug, not the story's fault: one line, exit 2, never a traceback
        from kremlin_tui.diagnostics import shown

        print(f"kremlin-tui check: internal error ({shown(f'{type(exc).__name__}: {exc}', 160)}); "
              "please report it with the story that caused it", file=sys.stderr)
        return 2
    if report.cannot_run:
        for problem in report.cannot_run:
            print(f"kremlin-tui check: {problem}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json_text(report.to_json(), indent=2))
    else:
        for diagnostic in report.errors + report.warnings:
            print(diagnostic)
        stats = report.stats
        summary = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        if stats:
            summary += (f"; {stats['scenes']} scenes, {stats['events']} events, {stats['endings']} endings, "
                        f"{stats['choices']} choices, {stats['codex']} codex entries, {stats['words']} words")
        print(summary)
    return 1 if report.errors else 0


def cmd_explore(args: argparse.Namespace) -> int:
    from kremlin_tui.safetext import json_text

    for option, value in (("--runs", args.runs), ("--jobs", args.jobs), ("--budget", args.budget)):
        if value is not None and value < 1:
            print(f"kremlin-tui explore: {option} must be at least 1", file=sys.stderr)
            return 2
    story = _load(_story_dirs(args.story))
    if story is None:
        return 1
    if args.to:
        return explore_to(story, args)
    from kremlin_tui.explore import among_nodes, explore, visited_target
    from kremlin_tui.explore_report import format_report

    declared = {*story.stats, *story.relations, *story.flags}
    unknown = [name for name in args.track if name not in declared and visited_target(name) not in story.nodes]
    if unknown:
        print(f"kremlin-tui explore: --track: unknown variable {', '.join(map(repr, unknown))} "
              "(name a declared flag, stat or relation, or visited(SCENE))", file=sys.stderr)
        return 2
    if args.among and not among_nodes(story, args.among):
        print(f"kremlin-tui explore: --among: '{args.among}' is neither a scene nor a chapter", file=sys.stderr)
        return 2
    started = time.perf_counter()
    result = explore(story, args.runs, args.seed, args.strategy, args.jobs, tuple(args.track), args.audit, args.among)
    elapsed = time.perf_counter() - started
    if args.format == "json":
        print(json_text(result, indent=2))
    else:
        print(format_report(result, elapsed, all_visits=args.visits))
        if args.audit:
            from kremlin_tui.audit import format_audit

            print()
            print(format_audit(result["audit"]))
    return 1 if result["errors"] or result["revisits"] else 0


def explore_to(story, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from kremlin_tui.safetext import json_text
    from kremlin_tui.witness import find_path

    if args.to not in story.nodes:
        print(f"kremlin-tui explore: unknown scene or ending '{args.to}'", file=sys.stderr)
        return 2
    seeds = range(args.seed, args.seed + max(1, min(args.runs, 20)))
    found = find_path(story, args.to, seeds, args.budget)
    if found is None:
        print(f"No path to '{args.to}' found within {args.budget} states for seeds {seeds.start}..{seeds.stop - 1}.",
              file=sys.stderr)
        return 1
    if args.format == "json":
        print(json_text({"to": args.to, "seed": found.seed, "shortest": found.shortest,
                          "script": list(found.numbers), "steps": list(found.steps)}))
    else:
        kind = "A shortest path" if found.shortest else "A path (found by random play, not proven shortest)"
        print(f"# {kind} to '{args.to}' ({len(found.numbers)} decisions). Replay it with:", file=sys.stderr)
        import shlex

        stories = "".join(f" --story {shlex.quote(d)}" for d in (args.story or []))
        print(f"#   kremlin-tui play --plain --seed {found.seed}{stories} < script.txt", file=sys.stderr)
        for step in found.steps:
            print(f"#   {step}", file=sys.stderr)
        sys.stdout.write(found.script())
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    dirs = _story_dirs(args.story)
    story = _load(dirs)
    if story is None:
        return 1
    from kremlin_tui.graph import to_dot, to_mermaid, unreachable

    if args.chapter and args.chapter not in {c.id for c in story.chapters}:
        print(f"kremlin-tui graph: unknown chapter '{args.chapter}'", file=sys.stderr)
        return 2
    only = args.only or []
    missing = [d for d in only if not os.path.isdir(d)]
    if missing:
        print(f"kremlin-tui graph: --only: not a folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    dead = unreachable(story, dirs)
    render = to_dot if args.format == "dot" else to_mermaid
    sys.stdout.write(render(story, args.chapter, dead, only=only, flags=args.flags or bool(only)))
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    import random

    from kremlin_tui.paths import SAVES_ENV, default_saves_dir

    dirs = _story_dirs(args.story)
    from kremlin_tui.web import web_driver_in_use

    web = web_driver_in_use()
    interactive = (sys.stdin.isatty() and sys.stdout.isatty()) or web  # textual-serve pipes
    if not args.plain and interactive and not web:  # a browser draws the screen, whatever TERM says
        from kremlin_tui.terminal import tui_unsupported

        reason = tui_unsupported()
        if reason is not None:
            print(f"kremlin-tui: {reason}; playing in plain mode (`play --plain` does so without this note).",
                  file=sys.stderr)
            interactive = False
    if not args.plain and interactive:
        from kremlin_tui.tui.app import run_tui  # the TUI loads the story itself, after its first frame

        return run_tui(dirs, seed=args.seed, saves=args.saves, debug=args.debug, watch=args.watch,
                       continue_game=args.continue_game)
    story = _load(dirs)
    if story is None:
        return 1
    from kremlin_tui.plain import run_plain
    from kremlin_tui.saves import SaveError, SaveStore, Session, SlotKind, slot_kind

    store = SaveStore(args.saves or default_saves_dir())
    # A player at a terminal always gets autosaves; a piped script only when it names a saves
    # folder (--saves or $KREMLIN_TUI_SAVES), so test transcripts leave no files behind.
    autosave = args.saves is not None or bool(os.environ.get(SAVES_ENV)) or sys.stdin.isatty()
    session = None
    notes: list[str] = []
    if args.continue_game:
        try:
            resumed = Session.resume(story, store, autosave=autosave)
        except SaveError as exc:
            resumed = None
            notes.append(str(exc))
        if resumed is None:
            notes.append("There is no saved game of this story to continue; starting a new game.")
        else:
            session, report = resumed
            kind = slot_kind(report.slot)
            source = {SlotKind.AUTO: "its autosave", SlotKind.QUICK: "the quick save"}.get(kind, f"the save '{report.slot}'")
            notes += [f"Continuing '{session.game_name}' from {source}.", *report.lines()]

    def new_seed() -> int:  # a fixed --seed gives every new game the same start: transcripts repeat
        return args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)

    if session is None:
        session = Session.new(story, new_seed(), store, autosave=autosave)
    return run_plain(story, session.game, sys.stdin, sys.stdout, debug=args.debug,
                     watch=dirs if args.watch else None, session=session, notes=notes, new_seed=new_seed)


def cmd_saves(args: argparse.Namespace) -> int:
    from kremlin_tui.paths import default_saves_dir
    from kremlin_tui.safetext import json_text
    from kremlin_tui.saves import SaveError, SaveStore, check_lines, check_saves, listing

    store = SaveStore(getattr(args, "dir", None) or default_saves_dir())
    try:
        if args.saves_command != "check":
            print(f"Saves in {store.directory}:")
            for line in listing([*store.list(), *store.backups()]):
                print(line)
            return 0
        story = _load(_story_dirs(args.story))
        if story is None:
            return 1
        results = check_saves(store, story)
    except SaveError as exc:
        print(f"kremlin-tui saves: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json_text({"dir": str(store.directory), "story": story.campaign.id,
                          "saves": [{"slot": r.slot, "status": r.status, "detail": r.detail, "kept": r.kept,
                                     "total": r.total, "game": r.game.to_json() if r.game else None,
                                     "warning": r.warning or None}
                                    for r in results]}, indent=2))
    else:
        for line in check_lines(results, story, store.directory):
            print(line)
    return 1 if any(r.problem for r in results) else 0
