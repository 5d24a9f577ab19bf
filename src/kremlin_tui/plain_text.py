"""Plain mode's text: Markdown made into wrapped lines for a terminal, a pipe or a screen reader.

Quotes are drawn with a bar ('  │ '), never '> ', so that in plain mode only the prompt starts
that way; the width is the terminal's, or 80 columns when writing to a pipe or a file, so a
transcript is the same everywhere.
"""

from __future__ import annotations

import re
from typing import IO

from kremlin_tui import cells

WIDTH = 80  # when the output is not a terminal
MIN_WIDTH = 40
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)")
_LIST = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")


def strip_emphasis(text: str) -> str:
    return _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)


def render_markdown(text: str, width: int = WIDTH) -> str:
    """Markdown to plain wrapped text. Quotes become '  │ ' so that only the prompt starts with '> '."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        if all(line.lstrip().startswith(">") for line in lines if line.strip()):
            quoted = " ".join(re.sub(r"^\s*>\s?", "", line) for line in lines).strip()
            wrapped = cells.wrap(strip_emphasis(quoted), width - 4, break_on_hyphens=False) or [""]
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
                rendered.append(cells.fill(strip_emphasis(body), width, initial_indent=f"  {bullet} ",
                                              subsequent_indent="    ", break_on_hyphens=False))
            out.append("\n".join(rendered))
        elif re.match(r"^#{1,6}\s", block):
            out.append(strip_emphasis(re.sub(r"^#{1,6}\s*", "", block).strip()).upper())
        else:
            paragraph = " ".join(line.strip() for line in lines)
            out.append(cells.fill(strip_emphasis(paragraph), width, break_on_hyphens=False))
    return "\n\n".join(out)


def output_width(stream: IO[str]) -> int:
    """The terminal's width, or WIDTH when writing to a pipe or a file (so transcripts agree)."""
    import os

    try:
        if stream.isatty():
            return max(MIN_WIDTH, os.get_terminal_size(stream.fileno()).columns - 1)
    except (OSError, ValueError, AttributeError):
        pass
    return WIDTH
