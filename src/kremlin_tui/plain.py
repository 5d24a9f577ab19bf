"""Plain line mode: the game for screen readers, pipes and scripts.

Output is deterministic for a given seed and input (no clocks, no random names), text is wrapped
to the terminal's width (80 columns when the output is not a terminal, so a transcript is the same
everywhere) with hanging indents, and `> ` begins only the prompt: Markdown quotes are drawn with
a bar instead. What to show is computed in `present`, shared with the TUI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import IO

from kremlin_tui import cells, present
from kremlin_tui.cells import cell_width
from kremlin_tui.engine import ChoiceUnavailable, EngineError, Game, Scene, TurnResult
from kremlin_tui.model import NodeKind, Story
from kremlin_tui.plain_saves import DIGITS, SAVE_COMMANDS, SaveCommands
from kremlin_tui.plain_text import WIDTH, output_width, render_markdown, strip_emphasis
from kremlin_tui.saves import Session

__all__ = ["HELP", "PROMPT", "QUESTION", "WIDTH", "PlainGame", "output_width", "render_markdown", "run_plain",
           "strip_emphasis"]

PROMPT = "> "
QUESTION = "y/n? "  # the prompt of a yes/no question (never "> ": that is the command prompt only)
_COMMAND_COLUMN = re.compile(r"^  \S.*?\s{2,}(?=\S)")  # "  why STAT   " in the help's table

HELP = """\
Type the number of a choice and press Enter.
Commands:
  stats      your standing: stats and relations
  journal    the decisions you have taken, by date
  why        why this scene or event is here, and the decisions behind it
  why STAT   why a stat or relation has its value ({examples})
  codex      the codex entries you have unlocked (codex NAME to read one)
  undo       take back the last decision (undo N: the last N); redo puts it back
  save NAME  save the game under a name; load NAME loads a save (or a game's latest)
  saves      list the saved games, grouped by game
  new        start a new game (this one stays in its autosave)
  quicksave  save to this game's quick slot; quickload loads it
  delete NAME, rename OLD NEW   manage saves (quote names with spaces)
  restore NAME   bring back the previous version of a save
  name NEW   rename the game being played
  help       this text
  quit       leave the game (end of input also leaves)
The game saves itself after every decision (the last three moments of each game).
Before anything is lost, the game asks: answer y or n (end of input means n)."""


def why_examples(story: Story) -> str:
    """"why party, why britain": the story's own first stat and relation, never a campaign's
    names written into the code."""
    names = [next((s.id for s in story.stats.values() if not s.hidden), None), next(iter(story.relations), None)]
    return ", ".join(f"why {name}" for name in names if name) or "why NAME"


def _fit(line: str, width: int) -> list[str]:
    """`line` wrapped at spaces; a word wider than the line (a path) stays whole, to be copied."""
    if cell_width(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    return cells.wrap(line.lstrip(), width, initial_indent=lead, subsequent_indent=lead + "  ",
                         break_long_words=False, break_on_hyphens=False) or [line]


class PlainGame(SaveCommands):
    """Reads commands, prints scenes. `write` receives text; input comes from `lines`.

    The game lives in a save-system Session (undo, autosave, save and load): given one, `game`
    must be its game (else a session without a saves folder is made for `game`). The `game`
    property reads through to it, and assigning it (live reload) hands the new game over."""

    def __init__(self, story: Story, game: Game, write: Callable[[str], None], debug: bool = False,
                 session: Session | None = None, width: int = WIDTH, ask: Callable[[str], bool] | None = None,
                 new_seed: Callable[[], int] | None = None) -> None:
        if session is not None and game is not session.game:
            raise ValueError("PlainGame plays the session's game: pass session.game as `game`")
        self.story = story
        self.width = width
        self.session = session if session is not None else Session(game, None)
        self.write = write
        self.ask = ask or (lambda _question: False)  # without input to answer, nothing is discarded
        self.new_seed = new_seed or (lambda: self.session.state.seed)
        self.debug = debug
        self._autosave_error: str | None = None

    @property
    def game(self) -> Game:
        return self.session.game

    @game.setter
    def game(self, game: Game) -> None:
        self.session.replace_game(game)

    def say(self, text: str = "") -> None:
        """Write lines; one wider than the terminal (a message quoting a long save name or path,
        say) is wrapped with a hanging indent, so that nothing runs past the width. Lines that
        fit, which is nearly all (the scene, choices and reports are wrapped where they are
        made), are written as they are."""
        if any(cell_width(line) > self.width for line in text.split("\n")):
            text = "\n".join(fitted for line in text.split("\n") for fitted in _fit(line, self.width))
        self.write(text + "\n")

    def say_hanging(self, text: str, first: str = "", indent: int | None = None) -> None:
        """One logical line, wrapped to the width with its continuation under the text."""
        self.say("\n".join(present.hang(text, self.width, first, indent)))

    def say_table(self, text: str) -> None:
        """Lines of "  command    what it does": each wrapped, continuing under what it does."""
        for line in text.splitlines():
            column = _COMMAND_COLUMN.match(line)
            first = column.group(0) if column else ""
            self.say_hanging(line[len(first):], first, len(first) if column else 2)

    def markdown(self, text: str) -> str:
        return render_markdown(text, self.width)

    def show_scene(self) -> None:
        scene = self.game.scene()
        say = self.say
        say()
        if scene.kind == NodeKind.ENDING:
            say("=" * self.width)
            self.say_hanging(f"THE END: {scene.title}")
        else:
            self.say_hanging(f"== {scene.title} ==")
        where = " · ".join(x for x in (scene.chapter_title if scene.kind != NodeKind.ENDING else "", scene.date, scene.place) if x)
        self.say_hanging(where, indent=2)
        if scene.tags:
            self.say_hanging(f"Content: {', '.join(scene.tags)}", indent=2)
        if scene.kind == NodeKind.EVENT:
            say("(An event interrupts.)")
        say()
        say(self.markdown(scene.text))
        if scene.kind == NodeKind.ENDING:
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
            shown = [present.costs_text(present.choice_costs(choice))] + ([present.ENDS_CERTAIN] if choice.ends else [])
            preview = f"  [{'; '.join(part for part in shown if part)}]" if any(shown) else ""
            if choice.available:
                self.say_hanging(f"{choice.label}{preview}", f"{choice.number}. ")
                if choice.gamble is not None:  # the odds, computed by the engine, whatever the label says
                    self.say_hanging(present.gamble_words(choice.gamble), "   ")
            else:
                self.say_hanging(f"(locked: {choice.locked_reason}) {choice.label}", f"{choice.number}. ")

    def show_ending(self, scene: Scene) -> None:
        if scene.divergence:
            self.say()
            self.say("HOW THIS HISTORY DIVERGED FROM OURS")
            self.say()
            self.say(self.markdown(scene.divergence))
        self.say()
        self.say("Final standing:")
        self.show_stats()
        self.say("=" * self.width)
        self.say("The game is over. Type 'journal' to review it, or 'quit'.")

    def show_result(self, result: TurnResult) -> None:
        self.say()
        shown = present.outcome(self.story, result)
        self.say_hanging(shown.label, "You chose: ")
        if shown.result:
            self.say()
            self.say(self.markdown(shown.result))
        if shown.changes:
            self.say()
            for change in shown.changes:
                self.say_hanging(change.line, "  ")
        for title in shown.codex:
            self.say_hanging(title, "  New in the codex: ")
        if self.debug:
            from kremlin_tui import debugger

            for line in debugger.effects_report(result):
                self.say(line)

    def show_stats(self) -> None:
        rows = present.final_standing(self.game)
        relations = [row for row in rows if row.attitude]
        for row in rows:
            if relations and row is relations[0]:
                self.say("  Relations:")
            self.say(f"  {cells.ljust(row.label, 20)} {row.value:>4}" + (f"  {row.attitude}" if row.attitude else ""))

    def show_journal(self) -> None:
        entries = present.journal(self.game)
        if not entries:
            self.say("The journal is empty: you have not decided anything yet.")
            return
        for entry in entries:
            self.say_hanging(f"{entry.date} — {entry.title}: {entry.label}", indent=4)
            if entry.causes:  # the decisions that set the event off
                self.say_hanging("An event, set off by: " + "; ".join(entry.causes), "    ")
            if entry.changes:
                self.say_hanging(present.costs_text(entry.changes), "    ")

    def show_why(self, subject: str) -> None:
        from kremlin_tui.why import find_variable

        if subject:
            name = find_variable(self.story, subject)
            if name is None:
                example = why_examples(self.story).partition(",")[0]
                self.say(f"No stat or relation '{subject}'. Type 'why' for this scene, or 'why' and a stat: {example}.")
                return
            why = self.game.why(name)
        else:
            why = self.game.why()
        self.say(f"WHY: {why.subject.upper()}")
        for line in why.lines():
            body = line.lstrip(" ")
            indent = " " * (len(line) - len(body))
            marker = next((m for m in ("• ", "← ") if body.startswith(m)), "")
            self.say_hanging(body, indent, len(indent) + len(marker))

    def show_codex(self, name: str) -> None:
        unlocked = [self.story.codex[c] for c in self.game.state.codex if c in self.story.codex]
        if not name:
            if not unlocked:
                self.say("No codex entries yet.")
            for entry in sorted(unlocked, key=lambda e: e.title):
                self.say(f"  {cells.ljust(entry.id, 24)} {entry.title} ({entry.category})")
            return
        for entry in unlocked:
            if name in (entry.id, entry.title.lower()):
                self.say(entry.title.upper())
                self.say(self.markdown(entry.text.render(self.game.state)))
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
            self.say_table(HELP.format(examples=why_examples(self.story)))
            if self.debug:
                from kremlin_tui.debugger import HELP as DEBUG_HELP

                self.say(DEBUG_HELP)
        elif word == "stats":
            self.show_stats()
        elif word == "journal":
            self.show_journal()
        elif word == "why":
            self.show_why(rest.strip())
        elif word == "codex":
            self.show_codex(rest.strip().lower())
        elif word in SAVE_COMMANDS:
            self.save_command(word, rest.strip())
        elif DIGITS.fullmatch(command) and len(command) > 7:
            self.say(f"There is no choice {_shorten(command, 20)}. Type a choice's number, or 'help'.")
        elif DIGITS.fullmatch(command):
            self.pick(int(command))
        else:
            self.say(f"I don't understand '{_shorten(command)}'. Type a choice's number, or 'help'.")
        return True

    def pick(self, number: int) -> None:
        if self.game.ended:
            self.say("The game is over. Type 'journal' to review it, or 'quit'.")
            return
        try:
            result = self.session.choose(number)
        except ChoiceUnavailable as exc:
            count = len(self.game.scene().choices)
            reason = str(exc).rstrip(".")  # a locked text is a sentence with its own full stop
            self.say(f"That choice is not available: {reason}. Choose 1 to {count}.")
            return
        self.show_result(result)
        self.report_autosave()
        self.show_scene()


def run_plain(story: Story, game: Game, stdin: IO[str], stdout: IO[str], debug: bool = False,
              watch: list[str] | None = None, session: Session | None = None, notes: list[str] | None = None,
              new_seed: Callable[[], int] | None = None) -> int:
    """Play in line mode. `session` brings saves, autosave and undo (without one, undo still
    works and saving says it is unavailable); `notes` are printed before the first scene."""
    import threading

    lock = threading.Lock()

    def write(text: str) -> None:
        stdout.write(text)

    echo = not stdin.isatty()  # a piped transcript shows what was typed after each prompt

    def ask(question: str) -> bool:
        """A y/n question; anything but y or yes, and the end of input, mean no."""
        player.say(player.markdown(question))
        stdout.write(QUESTION)
        stdout.flush()
        answer = stdin.readline()
        if not answer:
            stdout.write("\n")
            return False
        if echo:
            stdout.write(answer if answer.endswith("\n") else answer + "\n")
        return answer.strip().lower() in ("y", "yes")

    player = PlainGame(story, game, write, debug, session, width=output_width(stdout), ask=ask, new_seed=new_seed)
    game = player.game
    if watch:
        _start_watching(player, watch, lock, stdout)
    for note in notes or ():
        player.say(player.markdown(note))
    if not game.state.history:
        player.say(story.campaign.title.upper())
        if story.campaign.content_note:
            player.say()
            player.say(player.markdown("Content note: " + story.campaign.content_note))
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
    import contextlib
    import threading
    import time

    from kremlin_tui.watch import POLL_SECONDS, StoryWatcher

    watcher = StoryWatcher(dirs)

    def poll() -> None:
        if not watcher.changed():
            return
        with lock:  # type: ignore[attr-defined]
            outcome = watcher.reload(player.game)  # never raises
            player.say()
            player.say(f"[watch] {outcome.summary()}")
            for error in outcome.errors[:10]:
                player.say(f"[watch] {error}")
            if outcome.story is not None and outcome.game is not None:
                player.story, player.game = outcome.story, outcome.game
                player.show_scene()
            stdout.write(PROMPT)
            stdout.flush()

    def loop() -> None:
        # The watcher outlives anything a story or a bug throws at it: a dead watcher would
        # silently stop reloading for the rest of the session.
        while True:
            time.sleep(POLL_SECONDS)
            try:
                poll()
            except Exception as exc:
                with contextlib.suppress(Exception):
                    stdout.write(f"\n[watch] internal error ({type(exc).__name__}); still watching. Please report it.\n")
                    stdout.flush()

    threading.Thread(target=loop, name="story-watcher", daemon=True).start()


def _shorten(text: str, limit: int = 60) -> str:
    """An echoed input, cut so a pasted page does not come back whole."""
    return text if len(text) <= limit else text[:limit] + "…"
