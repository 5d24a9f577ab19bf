"""The command line's help formatters, which measure the terminal only when they lay text out,
print what argparse's own print, at any width."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from kremlin_tui import cli, helpformat


def _parsers(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield parser.prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def _texts(command: str | None) -> list[tuple[str, str, str]]:
    return [(prog, p.format_help(), p.format_usage()) for prog, p in _parsers(cli.build_parser(command))]


@pytest.mark.parametrize("columns", ["8", "30", "61", "80", "100", "240"])
@pytest.mark.parametrize("command", [None, *cli.COMMANDS])
def test_help_and_usage_are_argparses_own_at_any_width(monkeypatch: pytest.MonkeyPatch, columns: str, command: str | None) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    ours = _texts(command)
    monkeypatch.setattr(helpformat, "ArgumentParser", argparse.ArgumentParser)  # (cli imports them as it builds)
    monkeypatch.setattr(helpformat, "RawDescriptionHelpFormatter", argparse.RawDescriptionHelpFormatter)
    theirs = _texts(command)
    assert type(cli.build_parser(command)) is argparse.ArgumentParser  # (the comparison is not of ours with ours)
    assert ours == theirs


def test_a_formatter_given_a_width_keeps_it() -> None:
    ours = helpformat.HelpFormatter("prog", max_help_position=40, width=57)
    theirs = argparse.HelpFormatter("prog", max_help_position=40, width=57)
    assert (ours._width, ours._max_help_position) == (theirs._width, theirs._max_help_position) == (57, 37)


def test_adding_options_does_not_measure_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[int] = []

    def measure(self: helpformat.HelpFormatter) -> tuple[int, int]:
        measured.append(1)
        return (78, 24)

    monkeypatch.setattr(helpformat._WidthWhenUsed, "_measured", measure)
    parser = cli.build_parser("check")
    assert parser.parse_args(["check", "story", "--format", "json"]).format == "json"
    assert not measured
    parser.format_help()
    assert measured
