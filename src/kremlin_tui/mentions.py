"""Which codex entries a text mentions, in time linear in the text (issue 12: bounded time).

An entry is mentioned where one of its match words occurs as a whole word: `(?<!\\w)WORD(?!\\w)`.
Searching once per entry made loading cost entries x text (660 s for an 8 MB story). Here the
words are indexed once, when the story loads, and each text is scanned once:

- a word of word characters only ("Lenin") is a whole-word match exactly when it equals one of
  the text's maximal `\\w+` runs: one C-speed `findall` and a dict lookup per distinct run;
- a word with other characters ("Red Army", "U.S.") starts with such a run (its head); only
  where the head occurs does a character trie walk check the rest, so the cost is the number of
  head occurrences times the longest word, whatever the number of entries;
- the rare word that starts with a non-word character keeps its own regex.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from kremlin_tui.memo import enabled as memo_enabled
from kremlin_tui.memo import memo

_RUN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_END = ""  # trie key of the codex ids whose word ends at this node
_FOUND = memo(50_000)  # (the index's words, text) -> ids: texts the server saw before (memo.py)


class MentionIndex:
    """Every codex match word of a story, ready to scan texts."""

    def __init__(self, words: Iterable[tuple[str, str]]) -> None:
        """`words`: (match word, codex id) pairs; words are stripped, empty ones ignored."""
        words = list(words)
        self.key = hashlib.sha256(repr(sorted(words)).encode("utf-8", "surrogateescape")).hexdigest() if memo_enabled() else ""
        self.exact: dict[str, set[str]] = {}
        self.trie: dict[str, dict] = {}  # type: ignore[type-arg]
        self.heads: set[str] = set()
        self.other: list[tuple[str, re.Pattern[str], str]] = []
        for raw, cid in words:
            word = " ".join(raw.split())  # a phrase matches across any run of spaces or a line break
            if not word:
                continue
            head = _RUN.match(word)
            if head is None:
                phrase = r"\s+".join(re.escape(part) for part in word.split())
                self.other.append((word.split()[0], re.compile(r"(?<!\w)" + phrase + r"(?!\w)"), cid))
            elif head.end() == len(word):
                self.exact.setdefault(word, set()).add(cid)
            else:
                self.heads.add(head.group())
                node = self.trie
                for char in word:
                    node = node.setdefault(char, {})
                node.setdefault(_END, set()).add(cid)  # type: ignore[arg-type]
        self._head_patterns: dict[str, re.Pattern[str]] = {}

    def __bool__(self) -> bool:
        return bool(self.exact or self.heads or self.other)

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
        runs = set(_RUN.findall(text))
        exact = self.exact
        for run in runs.intersection(exact):  # set operations in C: no Python step per word of text
            found |= exact[run]
        for run in runs.intersection(self.heads):
            self._walk_from(run, text, found)
        for word, pattern, cid in self.other:
            if cid not in found and word in text and pattern.search(text):
                found.add(cid)
        return frozenset(found)

    def _walk_from(self, head: str, text: str, found: set[str]) -> None:
        pattern = self._head_patterns.get(head)
        if pattern is None:
            pattern = self._head_patterns[head] = re.compile(r"(?<!\w)" + re.escape(head) + r"(?!\w)")
        size = len(text)
        for match in pattern.finditer(text):
            node = self.trie
            index = match.start()
            while index < size:
                if text[index].isspace():  # "Left\n  Opposition" is the phrase "Left Opposition"
                    node = node.get(" ")  # type: ignore[assignment]
                    while index < size and text[index].isspace():
                        index += 1
                else:
                    node = node.get(text[index])  # type: ignore[assignment]
                    index += 1
                if node is None:
                    break
                ids = node.get(_END)
                if ids and (index == size or not _WORD_CHAR.match(text, index)):
                    found |= ids  # type: ignore[arg-type]
