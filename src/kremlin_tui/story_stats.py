"""`check`'s summary: how many scenes, events, endings, choices and codex entries, and words.

A word is a run of letters (A-Z, a-z, À-ÿ), digits, apostrophes (' or ’) and hyphens: `WORD`
says it as a regex (a pattern only: compiled, it would cost every start for the tests' sake).
Counting with that regex took ~20 ms of every `check` of the shipped story (a million
characters, matched one by one by the regex engine), more than all the story's structure
checks together; `words` counts the same runs with string methods that run at C speed
(tests/test_check_fast_paths.py holds the two equal on every text of the story and on
generated ones):

- ’ becomes ' (both are word characters, and ’ is the only one outside Latin-1);
- the text is encoded as Latin-1, every other character becoming '?' (not a word character);
- each byte becomes 'a' (a word character) or ' ' (anything else);
- a run starts at the text's first byte if that is an 'a', and wherever ' a' occurs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kremlin_tui.memo import memo
from kremlin_tui.model import Node, NodeKind, Story
from kremlin_tui.template import Template

WORD = r"[A-Za-zÀ-ÿ0-9'’-]+"
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'-") | frozenset(range(0xC0, 0x100))
_RUNS = bytes(0x61 if byte in _WORD_BYTES else 0x20 for byte in range(256))  # word byte -> 'a', other -> ' '
_WORDS = memo(15_000)  # the language server's memo (memo.py): a text's word count


# More than 30 characters in a row outside Latin-1 ('?' once encoded): where a run of invisible
# or combining characters (all outside Latin-1) longer than Unicode's stream-safe limit would be.
_DENSE = b"?" * 31


def _measure(text: str) -> tuple[int, bool]:
    """`text`'s word count, and whether it may hold such a run (the encoding is made anyway)."""
    measured = _WORDS.get(text)
    if measured is None:
        encoded = text.replace("’", "'").encode("latin-1", "replace")
        runs = encoded.translate(_RUNS)
        measured = (runs.count(b" a") + runs.startswith(b"a"), _DENSE in encoded)
        _WORDS.put(text, measured)
    return measured


def words(text: str) -> int:
    """How many words `text` holds: `len(re.findall(WORD, text))`, counted faster."""
    return _measure(text)[0]


def node_templates(node: Node) -> list[tuple[str, Template]]:
    """A scene's texts (its own, its ending's divergence, its choices' and outcomes'), each
    with how a message names it."""
    found = [(f"'{node.id}'", node.text)]
    if node.divergence:
        found.append((f"'{node.id}' divergence", node.divergence))
    for choice in node.choices:
        found.append((f"'{node.id}.{choice.id}' label", choice.label))
        if choice.result:
            found.append((f"'{node.id}.{choice.id}' result", choice.result))
        for outcome in choice.outcomes:
            if outcome.result:
                found.append((f"an outcome of '{node.id}.{choice.id}'", outcome.result))
    return found


def _sources(node: Node) -> Iterator[str]:
    """The sources of `node_templates(node)`, without naming each."""
    yield node.text.source
    if node.divergence:
        yield node.divergence.source
    for choice in node.choices:
        yield choice.label.source
        if choice.result:
            yield choice.result.source
        for outcome in choice.outcomes:
            if outcome.result:
                yield outcome.result.source


def story_stats(story: Story, dense: list[Node | None] | None = None) -> dict[str, Any]:
    """The figures `check` prints under its report (and puts in its JSON). `dense` receives the
    scenes whose texts may hold a run of invisible or combining characters (None: the codex's
    texts may), for `checker` to look at closely: seen here at no cost, as the words are counted."""
    nodes = story.nodes.values()
    per_chapter: dict[str, dict[str, int]] = {}
    # A scene's texts are counted together, joined by a character that is not a word character
    # (no two words merge): one count per scene rather than one per text, the same sum.
    total_words, maybe = _measure("\x00".join(entry.text.source for entry in story.codex.values()))
    if maybe and dense is not None:
        dense.append(None)
    for node in nodes:
        entry = per_chapter.setdefault(node.chapter or "-", {"scenes": 0, "events": 0, "endings": 0, "words": 0})
        entry[node.kind + "s"] += 1
        count, maybe = _measure("\x00".join(_sources(node)))  # each text counted once
        if maybe and dense is not None:
            dense.append(node)
        entry["words"] += count
        total_words += count
    return {
        "files": len(story.files),
        "scenes": sum(1 for n in nodes if n.kind == NodeKind.SCENE),
        "events": sum(1 for n in nodes if n.kind == NodeKind.EVENT),
        "endings": sum(1 for n in nodes if n.is_ending),
        "nodes": len(story.nodes),
        "choices": sum(len(n.choices) for n in nodes),
        "conditional_choices": sum(1 for n in nodes for c in n.choices if c.condition is not None),
        "codex": len(story.codex),
        "words": total_words,
        "chapters": per_chapter,
    }
