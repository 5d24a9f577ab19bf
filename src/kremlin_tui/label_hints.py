"""`check`'s consequence warnings: labels whose hand-written hints lie, and false callbacks.

The engine shows what a choice will do (`preview.py`), so a label needs no hint; but a hint a
writer does put in a label ("Legalise factions (Party ▲)", "(a gamble)") must be true, since
the player reads it first. Read statically from the choice's effects:

- `label-hint`: a hint names a stat or relation the choice never changes, changes the other
  way, or changes only in some of its outcomes or situations (unless the label also says it is
  a gamble); or the label says "a gamble" and the choice has one possible result.
- `gamble-hint`: the label lists consequences as if they were certain, but its outcomes have
  different results and the label does not say it is a gamble.
- `false-callback`: a flag set by more than one choice, while a text conditioned on it begins
  "Because" (or "Since", "Thanks to", ...), or has a later sentence that does: the text names
  one cause where there are several.
  `explore --audit` shows which of them really reach the text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache

from kremlin_tui.analysed import value_of
from kremlin_tui.checker_index import CODEX, LABEL, TEXT, StoryIndex
from kremlin_tui.decided import decided_by_state
from kremlin_tui.diagnostics import Collector
from kremlin_tui.expr import NUM, And, Ast, Cmp, Const, Expr, ExprError, Scope, Var
from kremlin_tui.model import Choice, Effect, EffectOp, Story
from kremlin_tui.records import dataclass
from kremlin_tui.template import Interp, Part, Template, Text

HINT_GROUP = re.compile(r"\(([^()]*[▲▼][^()]*|[^()]*\bgamble\b[^()]*)\)")
HINT_ITEM = re.compile(r"^(?P<name>[^▲▼]+?)\s*(?P<arrows>[▲▼]+)(?P<rest>.*)$")
GAMBLE_WORDS = re.compile(r"\b(gamble|risk|a vote)\b", re.IGNORECASE)
HINT_SEPARATOR = re.compile(r"[,;]| or ")
# Openings that tell the player *why* something is so: such a passage must have one cause (also
# what `explore --audit` flags; kept here, not in audit.py, so `check` never imports the audit).
# "Since" of time ("Since October the delegation…", "since 1918") tells no cause.
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_CALLBACK_WORDS = (r"(?:because|since(?!\s+(?:" + _MONTHS + r"|\d|then\b|last\b|early\b|late\b|the (?:spring|summer"
                   r"|autumn|winter)\b))|thanks to|now that|as a result of|after your?|having)\b")
CALLBACK = re.compile(r"^(" + _CALLBACK_WORDS + ")", re.IGNORECASE)
# The same words opening any later sentence of a passage, or its quoted speech: a callback in the
# middle of a paragraph ("… rapids. Because you brought Cooper's firm to the Dnieper, …") is as much
# a promise as one at its start.
_CALLBACK_WORDS_PLAIN = ("because", "since", "thanks to", "now that", "as a result of", "after you", "having")
CALLBACK_SENTENCE = re.compile(r"(?:[.!?][\"”’*_)]*\s+|\n\s*\n\s*)[\"“*_(]*(" + _CALLBACK_WORDS + r"[^.!?\n]*)",
                               re.IGNORECASE)
STOP = {"the", "of", "and", "a", "an"}
# Effect ops, bound once (an enum member's lookup costs ~75 ns in 3.11; the checks test thousands of effects)
_ADD, _SUBTRACT, _SET, _SCHEDULE, _UNLOCK = EffectOp.ADD, EffectOp.SUBTRACT, EffectOp.SET, EffectOp.SCHEDULE, EffectOp.UNLOCK

Span = tuple[float, float]  # the range a stat's change can take on one path through a choice
UNKNOWN: Span = (-math.inf, math.inf)
_NO_CHANGE: Span = (0.0, 0.0)
_INFINITE = (math.inf, -math.inf)  # (`x in _INFINITE`: math.isinf(x), without a call)


@dataclass(frozen=True)
class Hint:
    """One consequence a label claims, as `(Party ▲)`: the variables it may mean and which way."""

    text: str  # as written: "Party ▲"
    names: frozenset[str]  # the stats/relations it can mean (empty: not a variable we know)
    up: bool


@lru_cache(maxsize=4096)  # the same few names ("Party", "Army") in hundreds of labels
def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").replace("'s", "").replace("'", "").replace("–", " ").replace("-", " ")
    return " ".join(word[:-1] if word.endswith("s") and len(word) > 3 else word for word in text.split())


def aliases(story: Story) -> dict[str, set[str]]:
    """What a hint may call a stat or relation: its label or name, its id, and their words
    ("Party" for "Party standing", "Army" for "Red Army", "KMT" for `kmt`)."""
    found: dict[str, set[str]] = {}
    named = [(s.id, s.label) for s in story.stats.values()] + [(r.id, r.name) for r in story.relations.values()]
    for var, label in named:
        keys = {_norm(label), _norm(var.replace("_", " "))}
        keys |= {w for w in _norm(var.replace("_", " ")).split() if len(w) >= 3}
        keys |= {w for w in _norm(label).split() if len(w) >= 4 and w not in STOP}
        keys.add(_norm(label).split()[0] if label.strip() else "")
        for key in keys - {""}:
            found.setdefault(key, set()).add(var)
    return found


def parse_hints(label: str, names: dict[str, set[str]], known: dict[str, Hint | bool] | None = None) -> tuple[list[Hint], bool, bool]:
    """The stat hints of a label, whether it says it is a gamble, and whether it has hints at all.
    `known` keeps what each item of a hint group read as, for the next label with the same item
    (the shipped story's 1,419 items are 89 different texts: "Party ▲", "a gamble", ...)."""
    known = {} if known is None else known
    hints: list[Hint] = []
    gamble = False
    any_group = False
    for group in HINT_GROUP.finditer(label):
        any_group = True
        for item in HINT_SEPARATOR.split(group.group(1)):
            read = known.get(item)
            if read is None:
                read = known[item] = _read_item(item.strip(), names)
            if read is True:
                gamble = True
            elif read is not False:
                hints.append(read)
    return hints, gamble, any_group


def _read_item(item: str, names: dict[str, set[str]]) -> Hint | bool:
    """One item of a hint group: a hint, True for words that say it is a gamble, False for
    anything else (a qualified or two-way hint, other words)."""
    if GAMBLE_WORDS.search(item) and "▲" not in item and "▼" not in item:
        return True
    match = HINT_ITEM.match(item)
    if match is None or match.group("rest").strip():  # "Army ▲ later", "War danger ▼ if granted": qualified
        return False
    arrows = match.group("arrows")
    if "▲" in arrows and "▼" in arrows:
        return False
    name = match.group("name").strip()
    return Hint(f"{name} {arrows}", frozenset(names.get(_norm(name), ())), "▲" in arrows)


def _span(effect: Effect, scope: Scope) -> Span:
    if effect.value is None or effect.op not in (_ADD, _SUBTRACT):
        return UNKNOWN  # "=" sets a value: the change depends on what it was
    try:
        value = value_of(effect.value, scope)
    except ExprError:
        return UNKNOWN
    if value.kind != NUM:
        return UNKNOWN
    return (value.lo, value.hi) if effect.op == _ADD else (-value.hi, -value.lo)


def paths(choice: Choice) -> list[tuple[Effect, ...]]:
    """Every way through a choice: its own effects, then each outcome's."""
    if not choice.outcomes:
        return [choice.effects]
    return [choice.effects + outcome.effects for outcome in choice.outcomes]


def change_span(path: tuple[Effect, ...], name: str, scope: Scope) -> Span | None:
    """How much one path changes `name` (None: it does not touch it)."""
    total: Span | None = None
    for effect in path:
        if effect.target != name or effect.op in (_SCHEDULE, _UNLOCK):
            continue
        lo, hi = _span(effect, scope)
        total = (lo, hi) if total is None else (total[0] + lo, total[1] + hi)
    return total


def _results_differ(choice: Choice) -> bool:
    """Whether the choice may end in different results in one situation (a gamble)."""
    if len(choice.outcomes) < 2:
        return False
    seen = {(tuple((e.op, e.target, e.value.source if e.value else "", e.delay, e.on) for e in o.effects),
             o.goto or choice.goto) for o in choice.outcomes}
    if len(seen) > 1 and decided_by_state(choice):
        return False  # the state picks the one outcome that can be drawn: nothing is left to chance
    return len(seen) > 1


def _check_hint(hint: Hint, choice: Choice, scope: Scope, gamble_said: bool,
                ways: list[tuple[Effect, ...]] | None = None) -> str | None:
    """Why `hint` is untrue of `choice`, or None. A hint may mean several variables ("CCP":
    the relation and the hidden stat); it is true if one of them moves its way on every path.
    (`ways`: the choice's `paths`, if the caller has them.)"""
    up = hint.up
    moved: list[list[Span]] = []
    if ways is None:
        ways = paths(choice)
    for name in sorted(hint.names):
        per_path = [change_span(path, name, scope) or _NO_CHANGE for path in ways]
        if per_path.count(_NO_CHANGE) == len(per_path):  # (plain loops: the ~1,300 hints of a story)
            continue
        holds = True
        for lo, hi in per_path:
            if lo in _INFINITE or hi in _INFINITE:
                return None  # set to a value, or by an expression the checker cannot bound: no claim
            if (lo <= 0) if up else (hi >= 0):
                holds = False
        if holds:
            return None
        moved.append(per_path)
    word, other = ("rise", "fall") if up else ("fall", "rise")
    if not moved:
        return "the choice never changes it"
    if all(((hi <= 0) if up else (lo >= 0)) for per_path in moved for lo, hi in per_path):
        if all(((hi < 0) if up else (lo > 0)) for per_path in moved for lo, hi in per_path):
            return f"the choice makes it {other}"
        return f"the choice never makes it {word}"
    if gamble_said:
        return None  # "(Party ▲, a gamble)": it rises in some outcomes, and the label says so
    if len(choice.outcomes) > 1 and not decided_by_state(choice):
        return f"it does not {word} in every outcome (say it is a gamble, or drop the hint)"
    return f"it does not always {word} (the change depends on the situation)"


def check_labels(story: Story, scope: Scope, out: Collector) -> None:
    names = aliases(story)
    known: dict[str, Hint | bool] = {}
    for node in story.nodes.values():
        for choice in node.choices:
            hints, gamble_said, any_group = parse_hints(choice.label.source, names, known)
            if not any_group:
                continue
            where = f"'{node.id}.{choice.id}'"
            warned = False
            ways = None
            for hint in hints:
                if not hint.names:
                    continue  # "(your health ▼)": not a stat the checker knows
                if ways is None:
                    ways = paths(choice)
                problem = _check_hint(hint, choice, scope, gamble_said, ways)
                if problem:
                    warned = True
                    out.warning(choice.pos, "label-hint",
                                f"the label of {where} says ({hint.text}), but {problem}")
            if gamble_said:  # (whether the results differ is worked out only where it matters)
                if not _results_differ(choice):
                    out.warning(choice.pos, "label-hint", f"the label of {where} says it is a gamble, but it has one possible result")
            elif hints and not warned and _results_differ(choice):
                out.warning(choice.pos, "gamble-hint",
                            f"the label of {where} lists consequences as if certain, but its outcomes have "
                            "different results: add 'a gamble' to the hint, or drop the hint (the game shows the odds)")


# -- callbacks ------------------------------------------------------------------------------------


_MARKUP = re.compile(r"[*_>#`\"“]")
_DECIDES = 20  # CALLBACK reads at most 15 characters: its longest opening and the one after it
# White space and markup, then the first letters of a CALLBACK opening (group 1), or a letter
# that may start one followed by markup (cleaning drops it: "B*ecause") or by the end of the part
# (the next part may hold the rest) (group 2), or the end. ASCII letters only: anything else (“,
# "ſince", "SİNCE", which CALLBACK's re.IGNORECASE reads as "since") leaves it to the whole
# passage (group 2 again); with those in its classes, compiling this took milliseconds.
_MAY_OPEN = re.compile(r"""[\s*_>#`"]*(?:([bB][eE]|[sS][iI]|[tT][hH][aA]|[nN][oO]|[aA][sSfF]|[hH][aA])"""
                       r"""|((?:[bBsSnNaAhHtT]|[tT][hH])(?=[*_>#`"]|[^\x00-\x7f]|\Z)|[^\x00-\x7f])|\Z)""")


def callback_opening(parts: list[Part]) -> str | None:
    """The passage's opening if it reads like a callback, else None.

    Most passages do not, and cleaning a whole passage (often paragraphs) to read its first
    words cost a tenth of `check`'s analysis. The first letters settle most of the shipped
    story's ~1,500 passages ("The", "You", "In"): cleaning starts the opening with them (or
    with a space), so they must be a callback's first letters. Then cleaning (white space
    runs to one space, markup characters dropped) keeps prefixes: the cleaned first 64
    characters (of the first part: the passage's, but for white space and markup before it)
    are a prefix of the cleaned whole, so when they clean to `_DECIDES` characters or more
    they answer as the whole would; only then, or when the
    passage is that short, is the whole cleaned."""
    for part in parts:
        if isinstance(part, Interp):
            return None  # the opening starts "{…}"
        if isinstance(part, Text):
            found = _MAY_OPEN.match(part.text)
            if found is None:
                return None
            if found.group(1) is not None:
                head = _MARKUP.sub("", " ".join(part.text[:64].split()))  # (a prefix of the whole's, cleaned)
                if len(head) >= _DECIDES and not CALLBACK.match(head):
                    return None
                break
            if found.group(2) is not None:
                break  # the part ends inside the first word: the whole passage decides
            # (else the part is white space and markup only: the next one decides)
    text = "".join(p.text if isinstance(p, Text) else "{…}" for p in parts if isinstance(p, Text | Interp))
    head = _MARKUP.sub("", " ".join(text[:64].split()))
    if len(head) >= _DECIDES and not CALLBACK.match(head):
        return None
    opening = _MARKUP.sub("", " ".join(text.split()))
    return opening if CALLBACK.match(opening) else None


def callback_claim(parts: list[Part]) -> str | None:
    """The passage's first sentence that reads like a callback (its opening or a later one;
    nested conditions skipped), else None. A plain search over the passage's own text: the
    sentences after the first are what `callback_opening` does not read."""
    text = "".join(p.text if isinstance(p, Text) else "{…}" for p in parts if isinstance(p, Text | Interp))
    low = text.lower()
    if not any(word in low for word in _CALLBACK_WORDS_PLAIN):  # most passages: none of the words at all
        return None
    opening = callback_opening(parts)
    if opening is not None:
        return opening
    found = CALLBACK_SENTENCE.search(text)
    return None if found is None else " ".join(found.group(1).split())


def conditional_passages(template: Template) -> Iterator[tuple[Expr, list[Part]]]:
    """`template.passages()`, without walking the parts of a text that has no expression at all
    (most labels and many texts): every {if} and {elif} holds one."""
    return template.passages() if template.exprs else iter(())


def _flag_value(ast: Ast, story: Story) -> tuple[str, str] | None:
    """The flag and value a condition requires: `flag` -> (flag, 'True'), `flag == 'x'` -> (flag, "'x'")."""
    match ast:
        case Var(name) if name in story.flags:
            return name, repr(True)
        case Cmp(("==",), (Var(name), Const(value))) if name in story.flags:
            return name, repr(value)
    return None


def check_callbacks(story: Story, out: Collector, index: StoryIndex | None = None) -> None:
    index = index or StoryIndex(story)
    shared: dict[str, list[tuple[str, str, set[str]]]] = {}  # a condition's source -> its flags with several setters
    for at, (_template, which, owner, _choice) in enumerate(index.texts):
        if which == TEXT and owner.event is not None and owner.event.condition is not None:  # type: ignore[union-attr]
            _check_callback(story, out, index.setters, shared, owner.event.condition, owner.text.parts,  # type: ignore[union-attr]
                            f"event '{owner.id}'")
        if which in (LABEL, CODEX):
            continue
        for expr, body in index.passages.get(at, ()):
            _check_callback(story, out, index.setters, shared, expr, body, f"'{owner.id}'")


def _check_callback(story: Story, out: Collector, setters: dict[str, dict[str, set[str]]],
                    shared: dict[str, list[tuple[str, str, set[str]]]], expr: Expr, body: list[Part], where: str) -> None:
    """Warn if the passage `body`, shown when `expr` holds, reads like a callback (`callback_claim`)
    while a flag the condition requires is set by several choices. The flags are worked out once
    per condition (`shared`: texts repeat their conditions); the claim, a search of the whole
    passage, is read only for a passage with such a flag (most have none)."""
    needs = shared.get(expr.source)
    if needs is None:
        needs = shared[expr.source] = [(flag, value, choices) for flag, value in _required_flags(expr.ast, story)
                                       if len(choices := setters.get(flag, {}).get(value, set())) > 1]
    if not needs:
        return
    opening = callback_claim(body)
    if opening is None:
        return
    for flag, value, choices in needs:
        shown = ", ".join(sorted(choices)[:4]) + (f" and {len(choices) - 4} more" if len(choices) > 4 else "")
        first = " ".join(opening.split()[:6])
        out.warning(expr.pos, "false-callback",
                    f"in {where}: \"{first} …\" gives one cause, but {len(choices)} choices set "
                    f"{flag}{'' if value == repr(True) else ' = ' + value}: {shown} "
                    "(see `explore --audit`)")


def _required_flags(ast: Ast, story: Story) -> list[tuple[str, str]]:
    """The flag values a condition needs to hold: the whole condition, or each part of an `and`."""
    direct = _flag_value(ast, story)
    if direct is not None:
        return [direct]
    if type(ast) is And:
        return [found for item in ast.items if (found := _flag_value(item, story)) is not None]
    return []
