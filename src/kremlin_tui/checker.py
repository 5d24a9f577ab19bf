"""`kremlin-tui check`: everything the loader reports, plus whole-story analysis.

The analysis is static and conservative: a flag's possible values are its initial value and
every value some effect assigns it; a stat may take any value in its range. With those, a
condition that cannot be true is an error, a scene that nothing reaches is an error, and a
scene whose every choice can be unavailable is a dead end.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from kremlin_tui.analysed import remembered, truth_of, value_of
from kremlin_tui.builder.state import story_variables
from kremlin_tui.cells import STREAM_SAFE, zero_width_runs
from kremlin_tui.checker_index import CODEX, StoryIndex, text_name
from kremlin_tui.diagnostics import Collector, Diagnostic, Pos
from kremlin_tui.expr import NUM, Ast, Expr, ExprError, Scope, reads
from kremlin_tui.label_hints import check_callbacks, check_labels
from kremlin_tui.loader import load_story_with_diagnostics
from kremlin_tui.mentions import mentioned_in_any
from kremlin_tui.model import Choice, Effect, EffectOp, Node, Story
from kremlin_tui.records import dataclass
from kremlin_tui.story_stats import node_templates, story_stats
from kremlin_tui.structure import check_structure, cyclic_scenes
from kremlin_tui.template import Cond, Template, Text

# Ops the passes test on every effect, bound once (an enum member's lookup costs ~75 ns in 3.11).
_SCHEDULE, _UNLOCK = EffectOp.SCHEDULE, EffectOp.UNLOCK


@dataclass
class CheckReport:
    """What `check` found: errors, warnings, and the story's figures for the summary line."""

    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def cannot_run(self) -> list[str]:
        """Why the check could not run at all (no story folder): `check` exits 2, not 1."""
        return [d.message for d in self.errors if d.code == "no-story"]

    def to_json(self) -> dict[str, Any]:
        return {
            "errors": [d.to_json() for d in self.errors],
            "warnings": [d.to_json() for d in self.warnings],
            "stats": self.stats,
        }


def check_story(dirs: list[str], overlay: Mapping[str, str] | None = None, keep: list[object] | None = None) -> CheckReport:
    """Check the story in `dirs`; `overlay` (absolute path -> text) replaces files not yet saved.
    `keep` receives the story, for a caller that would rather not free it now (the `check`
    program, which ends without freeing it)."""
    story, diagnostics = load_story_with_diagnostics(dirs, cache=False, overlay=overlay)
    if keep is not None:
        keep.append(story)
    out = Collector()
    out.items.extend(diagnostics)
    report = CheckReport()
    if story is not None:
        analyse(story, out)
        dense: list[Node | None] = []
        report.stats = story_stats(story, dense)
        invisible_runs(story, dense, out)
    report.errors = sorted(out.errors, key=_order)
    report.warnings = sorted(out.warnings, key=_order)
    return report


# Problems that cause others: a file that cannot be read or parsed, a broken template or
# expression. They are listed first, so the writer fixes the cause before its echoes.
ROOT_CAUSES = frozenset({"io", "encoding", "too-large", "yaml", "control-char", "anchor", "alias", "tag",
                         "too-deep", "documents", "duplicate-key", "key", "template", "syntax", "split-effect"})


def _order(d: Diagnostic) -> tuple[int, str, int, int]:
    return (0 if d.code in ROOT_CAUSES else 1, d.pos.path, d.pos.line, d.pos.col)


# ---------------------------------------------------------------------------------------------


def all_effects(story: Story) -> Iterator[tuple[Node, Choice, Effect]]:
    for node in story.nodes.values():
        for choice in node.choices:
            for effect in choice.effects:
                yield node, choice, effect
            for outcome in choice.outcomes:
                for effect in outcome.effects:
                    yield node, choice, effect


def refined_scope(story: Story, index: StoryIndex | None = None) -> Scope:
    """The names of the story, with each flag limited to the values something can give it."""
    possible = (index or StoryIndex(story)).flag_values
    variables = story_variables(story.stats, story.relations, story.flags, possible)
    choices = {f"{n.id}.{c.id}" for n in story.nodes.values() for c in n.choices}
    return remembered(Scope(variables, set(story.nodes), choices, set(story.relations)))


def truth(expr: Expr | None, scope: Scope) -> frozenset[bool]:
    """`analysed.truth_of` (an error is BOTH: already reported by the loader), reading the scope's
    remembered analysis at once where there is one: the analysis asks ~2,500 times, and the
    loader has analysed nearly every condition already."""
    if expr is not None:
        known = scope.analysed.get(expr.source)
        if known is not None and not isinstance(known, ExprError):
            return known.truth()
    return truth_of(expr, scope)


def analyse(story: Story, out: Collector) -> None:
    walked = StoryIndex(story)
    scope = refined_scope(story, walked)
    never = frozenset({False})
    flag_hint = _flag_hint(story, scope)

    available: dict[tuple[str, str], bool] = {}
    for node in story.nodes.values():
        for choice in node.choices:
            t = truth(choice.condition, scope)
            available[(node.id, choice.id)] = True in t
            if t == never and choice.condition is not None:
                source = choice.condition.source
                out.error(choice.condition.pos, "never-true",
                          f"the condition of '{node.id}.{choice.id}' can never hold: {source}{flag_hint(choice.condition)}")
            for index, outcome in enumerate(choice.outcomes, start=1):
                try:
                    weight = value_of(outcome.weight, scope)
                except ExprError:
                    continue
                if weight.kind == NUM and weight.hi <= 0:
                    out.warning(outcome.weight.pos, "never-happens",
                                f"outcome {index} of '{node.id}.{choice.id}' has a weight that is never above 0")
        if node.event and node.event.condition is not None and truth(node.event.condition, scope) == never:
            out.error(node.event.condition.pos, "never-true",
                      f"event '{node.id}' can never fire: {node.event.condition.source}{flag_hint(node.event.condition)}")
    for at, passages in walked.passages.items():
        for cond, _body in passages:
            if truth(cond, scope) == never:
                out.error(cond.pos, "never-true",
                          f"in {text_name(walked.texts[at])}: {{if {cond.source}}} can never hold{flag_hint(cond)}")

    _reachability(story, out, available, scope, walked)
    _codex_matches(story, out)
    for where, template, owner in _list_like_texts(walked):
        _accidental_lists(where, template, owner, out)
    _dead_ends(story, out, scope)
    _time_travel(story, out)
    check_structure(story, out, available, scope, walked)  # no ending, traps, x / 0
    _codex_coverage(story, out, walked)
    check_labels(story, scope, out)  # hand-written hints that contradict the effects
    check_callbacks(story, out, walked)  # "Because …" texts on flags several choices set


def _flag_hint(story: Story, scope: Scope) -> Any:
    def hint(expr: Expr) -> str:
        stuck = [
            name for name in _names(expr.ast)
            if name in story.flags and scope.variables[name].values is not None
            and len(scope.variables[name].values or ()) == 1
        ]
        if not stuck:
            return ""
        name = stuck[0]
        value = next(iter(scope.variables[name].values or ()))
        return f" (no effect ever changes flag '{name}' from {str(value).lower() if isinstance(value, bool) else repr(value)})"

    return hint


def _names(ast: Ast) -> Iterator[str]:
    """The variables an expression reads (not the names built-ins take)."""
    return (name for name, how in reads(ast) if how == "var")


def _reachability(story: Story, out: Collector, available: dict[tuple[str, str], bool], scope: Scope,
                  index: StoryIndex) -> None:
    never = frozenset({False})
    reached: set[str] = {story.campaign.start}
    frontier = [story.campaign.start]
    scheduled: set[str] = set()
    pending_events = {
        n.id for n in story.nodes.values()
        if n.event is not None and truth(n.event.condition, scope) != never
    }
    while True:
        while frontier:
            node = story.nodes[frontier.pop()]
            for choice in node.choices:
                if not available[(node.id, choice.id)]:
                    continue
                scheduled.update(index.schedules.get(id(choice), ()))
                for target in choice.destinations():
                    if target not in reached:
                        reached.add(target)
                        frontier.append(target)
        ready = {
            e for e in pending_events
            if not story.nodes[e].event.scheduled or e in scheduled  # type: ignore[union-attr]
        }
        if not ready:
            break
        pending_events -= ready
        reached |= ready
        frontier.extend(ready)
    for node in story.nodes.values():
        if node.id in reached:
            continue
        if node.is_ending:
            out.error(node.pos, "unreachable-ending", f"ending '{node.id}': nothing leads here")
        elif node.event is not None:
            trigger = node.event
            if trigger.scheduled and node.id not in scheduled:
                why = "nothing reachable schedules it"
            elif trigger.condition is not None and truth(trigger.condition, scope) == never:
                why = "its condition can never hold"
            else:
                why = "it is only reachable from unreachable scenes"
            out.error(node.pos, "unreachable", f"event '{node.id}' can never be due: {why}")
        else:
            out.error(node.pos, "unreachable", f"scene '{node.id}' is unreachable from the start '{story.campaign.start}'")


def _dead_ends(story: Story, out: Collector, scope: Scope) -> None:
    always = frozenset({True})
    cyclic: set[str] | None = None  # worked out once, on the first 'once' choice
    for node in story.nodes.values():
        if node.is_ending or not node.choices:
            continue
        revisitable: bool | None = None
        safe = False
        for choice in node.choices:
            if choice.condition is not None and truth(choice.condition, scope) != always:
                continue
            if choice.once:
                if revisitable is None:
                    if cyclic is None:
                        cyclic = cyclic_scenes(story)
                    revisitable = node.id in cyclic
                if revisitable:
                    continue
            safe = True
            break
        if not safe:
            out.error(node.pos, "dead-end",
                      f"dead end: every choice in '{node.id}' can be unavailable; give one choice no 'if' "
                      "(and no 'once' if the scene can be revisited), or add 'fallback: true' to one")


def _time_travel(story: Story, out: Collector) -> None:
    """Warn where a choice leads to an earlier scene. Endings are exempt: an ending's date is the
    earliest day it tells of, and a game that reaches it later keeps its own date (the engine never
    moves the calendar back), so one exile can close a 1927 route and a 1933 one."""
    for node in story.nodes.values():
        if node.date is None:
            continue
        for choice in node.choices:
            for target in choice.destinations():
                dest = story.nodes.get(target)
                if dest is not None and not dest.is_ending and dest.date is not None and dest.date.day < node.date.day:
                    out.warning(choice.pos, "back-in-time",
                                f"'{node.id}.{choice.id}' leads from {node.date.iso()} back to '{dest.id}' ({dest.date.iso()})")


def _codex_coverage(story: Story, out: Collector, index: StoryIndex | None = None) -> None:
    """Warn of codex entries nothing unlocks. Most are unlocked by name (a scene's `codex`, an
    `unlock` effect); only the words of the others are looked for in the scenes' texts (every
    passage, conditional or not), at once (`mentioned_in_any`), not text by text."""
    unlocked = set((index or StoryIndex(story)).unlocked)
    for node in story.nodes.values():
        unlocked.update(node.codex)
    others = [entry for entry in story.codex.values() if entry.id not in unlocked]
    if others:
        texts = [part.text for node in story.nodes.values() for part in _text_parts(node.text)]
        unlocked |= mentioned_in_any(((word, entry.id) for entry in others for word in entry.match), texts)
    for entry in story.codex.values():
        if entry.id not in unlocked:
            out.warning(entry.pos, "codex-never-unlocked",
                        f"codex entry '{entry.id}' is never unlocked: no scene mentions {', '.join(entry.match) or entry.title}")


def _text_parts(template: Template) -> Iterator[Text] | list[Text]:
    """Every literal part of a text, those of its conditional passages too."""
    if not template.exprs:  # no passages: the parts are text (every {if} and {elif} holds an expression)
        return [part for part in template.parts if type(part) is Text]
    return _all_text_parts(template.parts)


def _all_text_parts(parts: list[Any]) -> Iterator[Text]:
    stack = list(parts)
    while stack:
        part = stack.pop()
        if isinstance(part, Cond):
            for _cond, body in part.branches:
                stack.extend(body)
        elif isinstance(part, Text):
            yield part


def _codex_matches(story: Story, out: Collector) -> None:
    """A `match` word that unlocks more than the writer meant: the same word in two entries
    (a scene mentioning it unlocks both), or a mod's entry whose word already occurs in scenes
    of the story it is loaded on (those scenes will unlock it too)."""
    owner: dict[str, str] = {}
    for entry in story.codex.values():
        for word in entry.match:
            first = owner.setdefault(word, entry.id)
            if first != entry.id:
                out.warning(entry.pos, "codex-match",
                            f"codex '{entry.id}': match '{word}' is also a match of '{first}' "
                            f"({story.codex[first].pos}); a scene that mentions it unlocks both")
    if len(story.sources) < 2:
        return
    roots = [Path(source).resolve() for source in story.sources]

    def layer(path: str) -> int:
        resolved = Path(path).resolve()
        found = [i for i, root in enumerate(roots) if root == resolved or root in resolved.parents]
        return max(found) if found else 0

    node_layers = [(node, layer(node.pos.path)) for node in story.nodes.values()]
    for entry in story.codex.values():
        entry_layer = layer(entry.pos.path)
        if entry_layer == 0:
            continue
        for word in entry.match:
            pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in word.split()) + r"(?!\w)")
            hits = [node for node, node_layer in node_layers
                    if node_layer < entry_layer and word.split()[0] in node.text.source and pattern.search(node.text.source)]
            if hits:
                out.warning(entry.pos, "codex-match",
                            f"codex '{entry.id}': match '{word}' also occurs in {len(hits)} scene(s) of {story.sources[0]} "
                            f"(first: '{hits[0].id}' at {hits[0].pos}); they will unlock the entry too")


_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
# A line of a text might be one: at the text's start, or after a line break (the literal "\n"
# first lets the regex engine skip to each line break at C speed; `^` with re.MULTILINE would
# try every position of a million characters of text).
_FIRST_LINE_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
_LATER_LINE_ITEM = re.compile(r"\n\s*(?:[-*+]|\d+[.)])\s")


def _list_like_texts(index: StoryIndex) -> Iterator[tuple[str, Template, Pos]]:
    """Every text with a line that starts like a list item (few do), with its owner's name and
    position (a template keeps no position of its own); the names are made only for these.
    (One search of all the texts joined cost more: joining a megabyte of texts of different
    string kinds copies it twice.)"""
    for template, which, owner, choice in index.texts:
        source = template.source
        # (a text that starts with a letter does not start with an item: most do)
        if not ((not source[:1].isalpha() and _FIRST_LINE_ITEM.match(source))
                or ("\n" in source and _LATER_LINE_ITEM.search(source))):
            continue
        if which == CODEX or choice < 0:
            yield (f"codex '{owner.id}'" if which == CODEX else f"'{owner.id}'"), template, owner.pos
        else:
            made = owner.choices[choice]  # type: ignore[union-attr]
            yield f"'{owner.id}.{made.id}'", template, made.pos


def _accidental_lists(where: str, template: Template, owner: Pos, out: Collector) -> None:
    """A line of prose that begins like a list item (`1923. The country...` after a line
    break, or `- ` where a dash was meant) turns its whole paragraph into a list in both front
    ends. A year at the start of a line, or a list marker in the middle of a paragraph, is
    almost never meant."""
    for paragraph in re.split(r"\n\s*\n", template.source):
        lines = paragraph.split("\n")
        items = [bool(_LIST_ITEM.match(line)) for line in lines]
        first = items.index(True) if True in items else len(lines)
        # a list meant as one: items from the first line, or a run of two or more items that
        # ends the paragraph after an introducing line ("Three demands:" then "1. ...")
        meant = first == 0 or (all(items[first:]) and len(lines) - first >= 2)
        for line, is_item in zip(lines, items):
            if not is_item:
                continue
            marker = _LIST_ITEM.match(line).group(1)  # type: ignore[union-attr]
            year_like = marker[:-1].isdigit() and int(marker[:-1]) >= 100
            if year_like or not meant:
                out.warning(_line_pos(owner, line.strip()), "accidental-list",
                            f"in {where}: a line starts with '{marker} ', so its paragraph shows as a list; "
                            "move the words so the line starts otherwise")


def _line_pos(owner: Pos, text: str) -> Pos:
    """Where a line of a text is in its file: the first line after the owner's that holds it."""
    try:
        with open(owner.path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except OSError:
        return owner
    for row in range(max(owner.line - 1, 0), len(lines)):
        col = lines[row].find(text)
        if col >= 0:
            return Pos(owner.path, row + 1, col + 1)
    return owner


def invisible_runs(story: Story, dense: list[Node | None], out: Collector) -> None:
    """More than 30 invisible or combining characters in a row (Unicode's stream-safe limit) in a
    text, label, title or place: no writing system needs that many, and on screen they are a
    blank or garbled stretch (5,000 zero-width spaces, a "Zalgo" storm). Only the texts the word
    count found dense (`story_stats`) and the titles are looked at character by character."""
    where: list[tuple[str, str, Pos]] = []  # (how a message names it, the text, its owner's position)
    for node in dense:
        if node is None:
            where += [(f"codex '{e.id}'", e.text.source, e.pos) for e in story.codex.values()]
        else:
            where += [(name, template.source, node.pos) for name, template in node_templates(node)]
    names = [(f"'{n.id}' {what}", text, n.pos) for n in story.nodes.values() for what, text in (("title", n.title), ("place", n.place))]
    names += [(f"codex '{e.id}' title", e.title, e.pos) for e in story.codex.values()]
    if b"?" * (STREAM_SAFE + 1) in "\x00".join(text for _n, text, _p in names).encode("latin-1", "replace"):
        where += names
    for name, text, owner in where:
        for start, end in zero_width_runs(text):
            run = text[start:end]
            first = unicodedata.name(run[0], f"U+{ord(run[0]):04X}")
            out.warning(_line_pos(owner, run[:STREAM_SAFE + 1]), "invisible-run",
                        f"in {name}: {end - start:,} invisible or combining characters in a row (from U+{ord(run[0]):04X} "
                        f"{first}); more than {STREAM_SAFE} (Unicode's stream-safe limit) show as a blank or garbled "
                        "stretch: remove them")
