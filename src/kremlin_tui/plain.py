"""Plain line mode: the game for screen readers, pipes and scripts.

Output is deterministic for a given seed and input (no clocks, no random names), text is wrapped
at a fixed width, and `> ` begins only the prompt: Markdown quotes are drawn with a bar instead.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import IO

from kremlin_tui.engine import ChoiceUnavailable, EngineError, Game, Scene, TurnResult
from kremlin_tui.model import Story

WIDTH = 78
PROMPT = "> "
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)")
_LIST = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")

HELP = """\
Type the number of a choice and press Enter.
Commands:
  stats      your standing: stats and relations
  journal    the decisions you have taken, by date
  codex      the codex entries you have unlocked (codex NAME to read one)
  help       this text
  quit       leave the game (end of input also leaves)"""


def strip_emphasis(text: str) -> str:
    return _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)


def render_markdown(text: str, width: int = WIDTH) -> str:
    """Markdown to plain wrapped text. Quotes become '  │ ' so that only the prompt starts with '> '."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if all(line.lstrip().startswith(">") for line in lines if line.strip()):
            quoted = " ".join(re.sub(r"^\s*>\s?", "", line) for line in lines).strip()
            wrapped = textwrap.wrap(strip_emphasis(quoted), width - 4) or [""]
            out.append("\n".join("  │ " + line for line in wrapped))
        elif any(_LIST.match(line) for line in lines):
            items: list[str] = []
            for line in lines:
                match = _LIST.match(line)
                if match or not items:
                    items.append(line.strip())
                else:
                    items[-1] += " " + line.strip()
            rendered = []
            for item in items:
                match = _LIST.match(item)
                marker = match.group(2) if match else ""
                body = item[match.end():] if match else item
                bullet = "•" if marker in ("-", "*", "+") else marker
                rendered.append(textwrap.fill(strip_emphasis(body), width, initial_indent=f"  {bullet} ",
                                              subsequent_indent="    "))
            out.append("\n".join(rendered))
        elif re.match(r"^#{1,6}\s", block):
            out.append(strip_emphasis(re.sub(r"^#{1,6}\s*", "", block).strip()).upper())
        else:
            paragraph = " ".join(line.strip() for line in lines)
            out.append(textwrap.fill(strip_emphasis(paragraph), width))
    return "\n\n".join(out)


def format_delta(delta: float) -> str:
    amount = abs(delta)
    number = str(int(amount)) if float(amount).is_integer() else f"{amount:.1f}"
    return ("▲" if delta > 0 else "▼") + number


class PlainGame:
    """Reads commands, prints scenes. `write` receives text; input comes from `lines`."""

    def __init__(self, story: Story, game: Game, write: Callable[[str], None], debug: bool = False) -> None:
        self.story = story
        self.game = game
        self.write = write
        self.debug = debug

    def say(self, text: str = "") -> None:
        self.write(text + "\n")

    def show_scene(self) -> None:
        scene = self.game.scene()
        say = self.say
        say()
        if scene.kind == "ending":
            say("=" * WIDTH)
            say(f"THE END: {scene.title}")
        else:
            say(f"== {scene.title} ==")
        where = " · ".join(x for x in (scene.chapter_title if scene.kind != "ending" else "", scene.date, scene.place) if x)
        say(where)
        if scene.tags:
            say(f"Content: {', '.join(scene.tags)}")
        if scene.kind == "event":
            say("(An event interrupts.)")
        say()
        say(render_markdown(scene.text))
        if scene.kind == "ending":
            self.show_ending(scene)
            return
        say()
        self.show_choices(scene)
        if self.debug:
            from kremlin_tui import debugger

            for line in debugger.choice_report(self.game):
                say(line)

    def show_choices(self, scene: Scene) -> None:
        for choice in scene.choices:
            preview = ""
            if choice.preview:
                preview = "  [" + ", ".join(f"{p.label} {format_delta(p.delta)}" for p in choice.preview) + "]"
            if choice.available:
                self.say(f"{choice.number}. {choice.label}{preview}")
            else:
                self.say(f"{choice.number}. (locked: {choice.locked_reason}) {choice.label}")

    def show_ending(self, scene: Scene) -> None:
        if scene.divergence:
            self.say()
            self.say("HOW THIS HISTORY DIVERGED FROM OURS")
            self.say()
            self.say(render_markdown(scene.divergence))
        self.say()
        self.say("Final standing:")
        self.show_stats()
        self.say("=" * WIDTH)
        self.say("The game is over. Type 'journal' to review it, or 'quit'.")

    def show_result(self, result: TurnResult) -> None:
        self.say()
        self.say(f"You chose: {result.label}")
        if result.result:
            self.say()
            self.say(render_markdown(result.result))
        visible = [c for c in result.changes if c.kind in ("stat", "relation") and c.delta]
        if visible:
            self.say()
            for change in visible:
                self.say(f"  {change.label} {format_delta(change.delta)} ({_num(change.old)} → {_num(change.new)})")
        for cid in result.codex:
            self.say(f"  New in the codex: {self.story.codex[cid].title}")
        if self.debug:
            from kremlin_tui import debugger

            for line in debugger.effects_report(result):
                self.say(line)

    def show_stats(self) -> None:
        for _sid, label, value in self.game.visible_stats():
            self.say(f"  {label:<20} {_num(value):>4}")
        relations = self.game.relations()
        if relations:
            self.say("  Relations:")
            from kremlin_tui.expr import attitude_word

            for _rid, name, value in relations:
                self.say(f"  {name:<20} {_num(value):>4}  {attitude_word(value)}")

    def show_journal(self) -> None:
        history = self.game.state.history
        if not history:
            self.say("The journal is empty: you have not decided anything yet.")
            return
        from kremlin_tui.dates import GameDate

        for step in history:
            self.say(f"{GameDate.parse(step.date).display()} — {step.title}: {step.label}")
            shown = [c for c in step.changes if c.kind in ("stat", "relation") and c.delta]
            if shown:
                self.say("    " + ", ".join(f"{c.label} {format_delta(c.delta)}" for c in shown))

    def show_codex(self, name: str) -> None:
        unlocked = [self.story.codex[c] for c in self.game.state.codex if c in self.story.codex]
        if not name:
            if not unlocked:
                self.say("No codex entries yet.")
            for entry in sorted(unlocked, key=lambda e: e.title):
                self.say(f"  {entry.id:<24} {entry.title} ({entry.category})")
            return
        for entry in unlocked:
            if name in (entry.id, entry.title.lower()):
                self.say(entry.title.upper())
                self.say(render_markdown(entry.text.render(self.game.state)))
                return
        self.say(f"No unlocked codex entry '{name}'.")

    def handle(self, line: str) -> bool:
        """Handle one input line; False means quit."""
        command = line.strip()
        word, _, rest = command.partition(" ")
        word = word.lower()
        if not command:
            return True
        if word in ("quit", "q", "exit"):
            return False
        if self.debug and command.startswith(":"):
            from kremlin_tui import debugger

            for output in debugger.command(self.game, command):
                self.say(output)
            if word == ":goto":
                self.show_scene()
            return True
        if word in ("help", "?", "h"):
            self.say(HELP)
        elif word == "stats":
            self.show_stats()
        elif word == "journal":
            self.show_journal()
        elif word == "codex":
            self.show_codex(rest.strip().lower())
        elif command.isdigit():
            self.pick(int(command))
        else:
            self.say(f"I don't understand '{command}'. Type a choice's number, or 'help'.")
        return True

    def pick(self, number: int) -> None:
        if self.game.ended:
            self.say("The game is over. Type 'journal' to review it, or 'quit'.")
            return
        try:
            result = self.game.choose(number)
        except ChoiceUnavailable as exc:
            count = len(self.game.scene().choices)
            self.say(f"That choice is not available: {exc}. Choose 1 to {count}.")
            return
        self.show_result(result)
        self.show_scene()


def run_plain(story: Story, game: Game, stdin: IO[str], stdout: IO[str], debug: bool = False,
              watch: list[str] | None = None) -> int:
    import threading

    lock = threading.Lock()

    def write(text: str) -> None:
        stdout.write(text)

    player = PlainGame(story, game, write, debug)
    if watch:
        _start_watching(player, watch, lock, stdout)
    echo = not stdin.isatty()  # a piped transcript shows what was typed after each prompt
    if not game.state.history:
        player.say(story.campaign.title.upper())
        if story.campaign.content_note:
            player.say()
            player.say(render_markdown("Content note: " + story.campaign.content_note))
        player.say()
        player.say("Type 'help' for commands." + (" Debug mode: type ':help' for debug commands." if debug else ""))
    player.show_scene()
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return 0
        if echo:
            stdout.write(line if line.endswith("\n") else line + "\n")
        with lock:
            try:
                if not player.handle(line):
                    return 0
            except EngineError as exc:
                player.say(f"The story has a problem here: {exc}")


def _start_watching(player: PlainGame, dirs: list[str], lock: object, stdout: IO[str]) -> None:
    """Reload the story in the background when a file changes (`play --plain --watch`)."""
    import threading
    import time

    from kremlin_tui.watch import POLL_SECONDS, StoryWatcher

    watcher = StoryWatcher(dirs)

    def loop() -> None:
        while True:
            time.sleep(POLL_SECONDS)
            if not watcher.changed():
                continue
            with lock:  # type: ignore[attr-defined]
                outcome = watcher.reload(player.game)
                player.say()
                player.say(f"[watch] {outcome.summary()}")
                for error in outcome.errors[:10]:
                    player.say(f"[watch] {error}")
                if outcome.story is not None and outcome.game is not None:
                    player.story, player.game = outcome.story, outcome.game
                    player.show_scene()
                stdout.write(PROMPT)
                stdout.flush()

    threading.Thread(target=loop, name="story-watcher", daemon=True).start()


def _num(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return str(value)
