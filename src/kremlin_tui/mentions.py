"""Which codex entries a text mentions, in time linear in the text (issue 12: bounded time).

An entry is mentioned where one of its match words occurs as a whole word: `(?<!\\w)WORD(?!\\w)`.
Searching once per entry made loading cost entries x text (660 s for an 8 MB story). Here the
words are indexed once, when the story loads, and each text is scanned once:

- every word starts with a run of word characters (its head: "Lenin", or "Red" of "Red Army");
  one regex, built as a trie of the heads (`(?<!\\w)(?:Le(?:nin|ague)|Red|...)(?!\\w)`), finds
  the heads a text holds in a single C-speed pass, whatever the number of entries; a word that
  is only a head ("Lenin") is then a dict lookup;
- a longer word ("Red Army", "U.S.") is searched for, as its own regex (compiled the first time
  its head is seen: a codex of thousands of phrases does not compile them all), only in the
  texts that hold its head, and once per text, not once per occurrence of the head;
- the rare word that starts with a non-word character keeps its own regex;
- a story with more heads than the trie regex is built for (a hostile codex) finds them with
  one `\\w+` scan per text instead: slower per text, still linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from kremlin_tui.memo import digest, memo
from kremlin_tui.memo import enabled as memo_enabled

_RUN = re.compile(r"\w+")
_FOUND = memo(50_000)  # (the index's words, text) -> ids: texts the server saw before (memo.py)
# The trie regex is built for any real codex; past these sizes (thousands of entries, or a
# "word" hundreds of characters long) compiling it would cost more than it saves, and its
# nesting would grow with the word: the `\w+` scan takes over.
TRIE_MAX_HEADS = 20_000
TRIE_MAX_HEAD_LENGTH = 80


class MentionIndex:
    """Every codex match word of a story, ready to scan texts."""

    def __init__(self, words: Iterable[tuple[str, str]]) -> None:
        """`words`: (match word, codex id) pairs; words are stripped, empty ones ignored."""
        words = list(words)
        self.key = digest(repr(sorted(words))) if memo_enabled() else ""
        self.exact: dict[str, set[str]] = {}
        self.phrases: dict[str, list[tuple[str, str]]] = {}  # head -> (whole word, codex id)
        self.compiled: dict[str, re.Pattern[str]] = {}  # a phrase's regex, compiled when its head is first seen
        self.other: list[tuple[str, re.Pattern[str], str]] = []
        for raw, cid in words:
            word = " ".join(raw.split())  # a phrase matches across any run of spaces or a line break
            if not word:
                continue
            head = _RUN.match(word)
            if head is None:
                self.other.append((word.split()[0], _whole(word), cid))
            elif head.end() == len(word):
                self.exact.setdefault(word, set()).add(cid)
            else:
                self.phrases.setdefault(head.group(), []).append((word, cid))

    @cached_property
    def heads(self) -> re.Pattern[str] | None:
        """The trie regex of every head, compiled for the first text scanned (~3 ms for the
        shipped codex): `check` loads the story, and with it this index, but scans no text
        with it. None past the trie's limits: the `\\w+` scan."""
        heads = self.exact.keys() | self.phrases.keys()
        if heads and len(heads) <= TRIE_MAX_HEADS and max(map(len, heads)) <= TRIE_MAX_HEAD_LENGTH:
            return re.compile(r"(?<!\w)" + _trie(heads) + r"(?!\w)")
        return None

    def __bool__(self) -> bool:
        return bool(self.exact or self.phrases or self.other)

    def find(self, text: str) -> frozenset[str]:
        """The codex ids whose words `text` mentions."""
        if self.key:
            known = _FOUND.get((self.key, text))
            if known is None:
                known = self._find(text)
                _FOUND.put((self.key, text), known)
            return known
        return self._find(text)

    def _find(self, text: str) -> frozenset[str]:
        found: set[str] = set()
        if self.heads is not None:
            runs = set(self.heads.findall(text))  # only the runs that are heads: few, often none
        else:
            runs = set(_RUN.findall(text)).intersection(self.exact.keys() | self.phrases.keys())
        if runs:
            exact, phrases = self.exact, self.phrases
            for run in runs:
                ids = exact.get(run)
                if ids:
                    found |= ids
                for word, cid in phrases.get(run, ()):
                    if cid not in found:
                        pattern = self.compiled.get(word)
                        if pattern is None:
                            pattern = self.compiled[word] = _whole(word)
                        if pattern.search(text):
                            found.add(cid)
        for word, pattern, cid in self.other:
            if cid not in found and word in text and pattern.search(text):
                found.add(cid)
        return frozenset(found)


def mentioned_in_any(words: Iterable[tuple[str, str]], texts: Iterable[str]) -> set[str]:
    """The ids whose words any of `texts` mentions: the union of `MentionIndex(words).find`
    over the texts, for a question about a few words and all of a story's text (`check`: which
    entries no scene mentions, once the entries scenes unlock by name are set aside).

    The texts are joined by NUL characters: not word characters and not white space, so no word
    matches across one, and a whole-word test sees one as it sees a text's end. Each word's head
    is looked for as a plain substring (a phrase's words may be parted by any run of white
    space), and the word's own regex runs only from where the head first occurs. Texts or words that hold
    a NUL are scanned one by one, with the index."""
    pairs = [(" ".join(raw.split()), cid) for raw, cid in words]
    pairs = [(word, cid) for word, cid in pairs if word]
    texts = list(texts)
    if any("\x00" in word for word, _cid in pairs) or any("\x00" in text for text in texts):
        index = MentionIndex(pairs)
        return {cid for text in texts for cid in index.find(text)}
    joined = "\x00".join(texts)
    found: set[str] = set()
    for word, cid in pairs:
        if cid in found:
            continue
        start = joined.find(word.split()[0])  # a match starts at an occurrence of the head
        if start >= 0 and _whole(word).search(joined, start):  # (its look-behind still sees before `start`)
            found.add(cid)
    return found


def _whole(word: str) -> re.Pattern[str]:
    """A word as a whole word; each space in it stands for any run of white space.

    The regex starts with the word's head as a literal, so the engine scans for it at C speed,
    and asserts after it that no word character came before (`Red(?<!\\wRed)\\s+Army`): a
    leading `(?<!\\w)` would make it try every position of the text."""
    body = r"\s+".join(re.escape(part) for part in word.split())
    head = _RUN.match(word)
    if head is None:
        return re.compile(r"(?<!\w)" + body + r"(?!\w)")
    literal = re.escape(head.group())
    return re.compile(literal + r"(?<!\w" + literal + ")" + body[len(literal):] + r"(?!\w)")


def _trie(words: Iterable[str]) -> str:
    """An alternation of the words, sharing prefixes (`Le(?:nin|ague)`): the regex engine then
    tests a position against each first character once, not against every word."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _alternation(root)


def _alternation(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [re.escape(char) + _alternation(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = "|".join(branches)
    if "" in node:  # a word ends here and longer ones go on: the longer ones are tried first
        return f"(?:{body})?"
    return body if len(branches) == 1 else f"(?:{body})"
