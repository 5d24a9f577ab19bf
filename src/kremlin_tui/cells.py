"""Terminal cells: how wide text is on a screen, and wrapping and padding by that width.

`len()` counts characters, but a terminal gives a wide CJK character or an emoji two cells and a
combining accent or a zero-width space none. Plain mode wrapped by characters, so 5,000 zero-width
spaces in a story became ~60 lines that look blank, and a save list with emoji names ran past the
terminal's edge. Everything in plain mode that wraps or pads text measures it here; the widths are
those Textual (Rich) draws with, so the TUI and plain mode agree.
"""

from __future__ import annotations

import textwrap
import unicodedata
from functools import lru_cache

__all__ = ["STREAM_SAFE", "cell_width", "fill", "ljust", "wrap", "zero_width_runs"]

_SOFT_HYPHEN = "\u00ad"  # a format character that terminals draw as one cell
# Unicode's stream-safe text format (UAX #15) allows at most 30 combining characters in a row; no
# writing system needs more, and a longer run of invisible characters is a mistake or an attack.
STREAM_SAFE = 30


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    """0 for combining marks, format characters (zero-width space, joiners, bidi controls) and
    Hangul medial vowels and finals; 2 for East Asian wide and full-width characters (CJK, most
    emoji); 1 for the rest."""
    if (unicodedata.category(char) in ("Mn", "Me", "Cf") and char != _SOFT_HYPHEN) or "\u1160" <= char <= "\u11ff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """The cells `text` takes on one terminal line."""
    if text.isascii():
        return len(text)  # nearly all text: no per-character look-up
    return sum(map(_char_width, text))


def ljust(text: str, cells: int) -> str:
    """`text` padded with spaces to `cells` cells (f"{text:<20}" by cells, not characters)."""
    return text + " " * max(0, cells - cell_width(text))


def _split_at(chunk: str, room: int) -> int:
    """How many characters of `chunk` fit in `room` cells: at least one, so that wrapping always
    moves on, and never ending before a zero-width character (a combining accent stays with its
    letter)."""
    used = 0
    for index, char in enumerate(chunk):
        used += _char_width(char)
        if used > room:
            return max(1, index)
    return len(chunk)


class CellWrapper(textwrap.TextWrapper):
    """textwrap.TextWrapper measuring by cells. Its line-filling loop is textwrap's (Python
    3.11), with `len` replaced by `cell_width`; `max_lines` is not supported (nothing uses it).
    For text whose characters are one cell each, it gives exactly textwrap's lines."""

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int) -> None:
        space_left = 1 if width < 1 else width - cur_len
        if self.break_long_words:
            chunk = reversed_chunks[-1]
            end = _split_at(chunk, space_left)
            if cur_line and cell_width(chunk[:end]) > space_left:
                end = 0  # a wide character that does not fit after the line's words: on the next line
            if self.break_on_hyphens and cell_width(chunk) > space_left:
                hyphen = chunk.rfind("-", 0, end)
                if hyphen > 0 and any(c != "-" for c in chunk[:hyphen]):
                    end = hyphen + 1
            cur_line.append(chunk[:end])
            reversed_chunks[-1] = chunk[end:]
        elif not cur_line:
            cur_line.append(reversed_chunks.pop())

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        if self.max_lines is not None:
            raise ValueError("CellWrapper does not support max_lines")
        if self.width <= 0:
            raise ValueError(f"invalid width {self.width!r} (must be > 0)")
        lines: list[str] = []
        chunks.reverse()
        while chunks:
            cur_line: list[str] = []
            cur_len = 0
            indent = self.subsequent_indent if lines else self.initial_indent
            width = self.width - cell_width(indent)
            if self.drop_whitespace and chunks[-1].strip() == "" and lines:
                del chunks[-1]
            while chunks:
                size = cell_width(chunks[-1])
                if cur_len + size > width:
                    break
                cur_line.append(chunks.pop())
                cur_len += size
            if chunks and cell_width(chunks[-1]) > width:
                self._handle_long_word(chunks, cur_line, cur_len, width)
                cur_len = sum(map(cell_width, cur_line))
            if self.drop_whitespace and cur_line and cur_line[-1].strip() == "":
                cur_len -= cell_width(cur_line[-1])
                del cur_line[-1]
            if cur_line:
                lines.append(indent + "".join(cur_line))
        return lines


def wrap(text: str, width: int = 70, **options: object) -> list[str]:
    """textwrap.wrap by cells (same options)."""
    return CellWrapper(width=width, **options).wrap(text)  # type: ignore[arg-type]


def fill(text: str, width: int = 70, **options: object) -> str:
    """textwrap.fill by cells (same options)."""
    return "\n".join(wrap(text, width, **options))


def zero_width_runs(text: str, longest: int = STREAM_SAFE) -> list[tuple[int, int]]:
    """Where `text` has more than `longest` zero-width characters (combining marks, zero-width
    spaces and joiners, bidi controls) in a row: (start, end) of each run."""
    runs: list[tuple[int, int]] = []
    start = -1
    for index, char in enumerate(text + "a"):
        if char > "\xff" and _char_width(char) == 0:
            if start < 0:
                start = index
        elif start >= 0:
            if index - start > longest:
                runs.append((start, index))
            start = -1
    return runs
