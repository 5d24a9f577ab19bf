"""argparse's help formatters, asking the terminal's width only when they format help.

argparse makes a formatter for every option it adds (to check the option's metavar) and for
each sub-command list, and every one asks the terminal's width at once, importing `shutil` (and
with it `bz2` and `lzma`): ~2 ms of a `kremlin-tui check` that prints no help at all. These
formatters take the width, by argparse's own rule, the first time they lay text out: the help
and usage they print are argparse's to the character (tests/test_helpformat.py compares
them at several widths).
"""

from __future__ import annotations

import argparse
from typing import Any


class _WidthWhenUsed(argparse.HelpFormatter):
    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None) -> None:
        self._asked = (max_help_position, width)
        self._sizes: tuple[int, int] | None = None
        super().__init__(prog, indent_increment, max_help_position, width=0)  # (the sizes it sets are ignored)

    def _measured(self) -> tuple[int, int]:
        """(width, max_help_position) as argparse.HelpFormatter.__init__ works them out."""
        if self._sizes is None:
            max_help_position, width = self._asked
            if width is None:
                import shutil

                width = shutil.get_terminal_size().columns - 2
            self._sizes = (width, min(max_help_position, max(width - 20, self._indent_increment * 2)))
        return self._sizes

    def _ignore(self, value: Any) -> None:
        pass

    _width = property(lambda self: self._measured()[0], _ignore)  # type: ignore[assignment]
    _max_help_position = property(lambda self: self._measured()[1], _ignore)  # type: ignore[assignment]


class HelpFormatter(_WidthWhenUsed):
    """argparse.HelpFormatter, measuring the terminal when it first lays text out."""


class RawDescriptionHelpFormatter(_WidthWhenUsed, argparse.RawDescriptionHelpFormatter):
    """argparse.RawDescriptionHelpFormatter, measuring the terminal when it first lays text out."""


class ArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser (and, through `add_subparsers`, every sub-command's) whose formatter
    measures the terminal only when it formats help."""

    def __init__(self, *args: Any, formatter_class: type[argparse.HelpFormatter] = HelpFormatter, **kwargs: Any) -> None:
        super().__init__(*args, formatter_class=formatter_class, **kwargs)
