"""What every part of the expression language shares: the error, the limits, and the abstract
values the checker reasons with (a numeric interval, or a set of possible flag values)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from kremlin_tui.expr_ast import Ast, node_offset
from kremlin_tui.records import dataclass

Fn = Callable[[Any], Any]


class ExprError(Exception):
    """A problem in one expression, at a character offset within its source."""

    def __init__(self, message: str, offset: int = 0, code: str = "expr") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.code = code


KEYWORDS = {"and", "or", "not", "true", "false"}

# Limits that keep a hostile story from exhausting the stack or the float range; each is
# reported with a position (docs/story-format.md, "Limits").
MAX_EXPR_CHARS = 2000  # an expression's length
MAX_EXPR_DEPTH = 50  # brackets, calls, `not`, signs and operators in a chain, one level each
MAX_DIGITS = 15  # digits before the decimal point of a number literal
NUMBER_LIMIT = 10**15  # every number in play stays within ±NUMBER_LIMIT (results are capped)


def cap(value: Any) -> Any:
    """Keep a result within ±NUMBER_LIMIT, so no chain of products overflows a float or
    becomes infinite (and no infinity minus infinity becomes NaN)."""
    if -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
        return value
    if value != value:  # NaN: cannot arise from capped operands, but never let it through
        return 0
    return NUMBER_LIMIT if value > 0 else -NUMBER_LIMIT


class ValueKind(StrEnum):
    """What an expression's value is: a number, true/false, or text (a flag's named values)."""

    NUM = "num"
    BOOL = "bool"
    STR = "str"


NUM, BOOL, STR = ValueKind.NUM, ValueKind.BOOL, ValueKind.STR  # looked up once: the analysis asks often


@dataclass(frozen=True)
class VarInfo:
    """What the checker knows about a name: its type and the values it can hold."""

    kind: ValueKind
    lo: float = -math.inf
    hi: float = math.inf
    values: frozenset[Any] | None = None  # possible values of a bool or str


@dataclass(frozen=True, slots=True)
class Abs:
    """An abstract value: a numeric interval, or a set of possible bool/str values."""

    kind: ValueKind
    lo: float = -math.inf
    hi: float = math.inf
    values: frozenset[Any] | None = None

    def truth(self) -> frozenset[bool]:
        """Whether the value can count as true, as false, or both. The answers are shared sets
        (a story's analysis asks this ~2,000 times, of a few distinct value sets)."""
        if self.kind == NUM:
            if self.lo == 0 and self.hi == 0:
                return _FALSE_ONLY
            if self.lo > 0 or self.hi < 0:
                return _TRUE_ONLY
            return BOTH
        values = self.values
        if values is None:
            return BOTH
        truth = _TRUTH_OF_VALUES.get(values)
        if truth is None:
            truth = frozenset(bool(v) for v in values)
            if len(_TRUTH_OF_VALUES) >= 1_000:  # the language server reads many stories' texts
                _TRUTH_OF_VALUES.clear()
            # (values equal as sets give the same truths: 1 == True, and bool() of each is kept)
            _TRUTH_OF_VALUES[values] = truth
        return truth


BOTH = frozenset({True, False})
_TRUE_ONLY = frozenset({True})
_FALSE_ONLY = frozenset({False})
_TRUTH_OF_VALUES: dict[frozenset[Any], frozenset[bool]] = {}  # a set of values -> which truths they have


class Scope:
    """The names an expression may use; the loader fills it from the story's declarations."""

    def __init__(
        self,
        variables: dict[str, VarInfo],
        nodes: set[str],
        choices: set[str],
        relations: set[str],
    ) -> None:
        self.variables = variables
        self.nodes = nodes
        self.choices = choices
        self.relations = relations
        self.analysed: dict[str, Any] = {}  # expression source -> its analysis here (analysed.py)
        self.names: dict[str, Abs] = {}  # a variable's analysis, made once (expr_analysis._var)


def forget_truths() -> None:
    """Drop the remembered truths of value sets (loader.forget: a benchmark's fresh-process rounds)."""
    _TRUTH_OF_VALUES.clear()


def truth_abs(values: Iterable[bool]) -> Abs:
    return Abs(BOOL, values=frozenset(values))


def unknown_name(name: str, known: Iterable[str]) -> str:
    """"unknown name X", with the closest known name as a hint."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown name '{name}'{hint}"


def numeric(value: Abs, ast: Ast, what: str) -> Abs:
    """A value used as a number: text is an error, true/false count as 1/0."""
    if value.kind == STR:
        raise ExprError(f"{what} needs numbers, not text", node_offset(ast), "type")
    if value.kind == BOOL:
        vals = value.values or BOTH
        return Abs(NUM, min(int(v) for v in vals), max(int(v) for v in vals))
    return value


__all__ = [
    "BOOL",
    "BOTH",
    "KEYWORDS",
    "MAX_DIGITS",
    "MAX_EXPR_CHARS",
    "MAX_EXPR_DEPTH",
    "NUM",
    "NUMBER_LIMIT",
    "STR",
    "Abs",
    "Ast",
    "ExprError",
    "Fn",
    "Scope",
    "ValueKind",
    "VarInfo",
    "cap",
    "node_offset",
    "numeric",
    "truth_abs",
    "unknown_name",
]
