"""The story's expression language: parsed once, checked against the story, run as closures.

Story text is never handed to `eval`: expressions become a small tuple AST, the checker walks
that AST (names, types, and value ranges, so `party > 100` is reported as never true), and the
engine runs closures compiled from it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kremlin_tui.calendar import CALENDAR

Ast = tuple[Any, ...]
Fn = Callable[[Any], Any]


class ExprError(Exception):
    """A problem in one expression, at a character offset within its source."""

    def __init__(self, message: str, offset: int = 0, code: str = "expr") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.code = code


KEYWORDS = {"and", "or", "not", "true", "false"}
FUNCTIONS: dict[str, tuple[int, int]] = {
    "visited": (1, 1),
    "chose": (1, 1),
    "min": (1, 99),
    "max": (1, 99),
    "abs": (1, 1),
    "clamp": (3, 3),
    "if": (3, 3),
    "attitude": (1, 1),
}
RESERVED = KEYWORDS | set(CALENDAR) | set(FUNCTIONS)

# Limits that keep a hostile story from exhausting the stack or the float range; each is
# reported with a position (docs/story-format.md, "Limits").
MAX_EXPR_CHARS = 2000  # an expression's length
MAX_EXPR_DEPTH = 50  # brackets, calls, `not`, signs and operators in a chain, one level each
MAX_DIGITS = 15  # digits before the decimal point of a number literal
NUMBER_LIMIT = 10**15  # every number in play stays within ±NUMBER_LIMIT (results are capped)
ATTITUDES = ("hostile", "cold", "wary", "neutral", "cordial", "friendly", "allied")

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<num>\d+(?:\.\d+)?)
   |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
   |(?P<str>'[^']*'|"[^"]*")
   |(?P<op>==|!=|<=|>=|[-+*/%()<>,])
   |(?P<bad>\S)
    )""",
    re.VERBOSE,
)


def _cut(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} digits)"


def tokenize(source: str) -> list[tuple[str, Any, int]]:
    if len(source) > MAX_EXPR_CHARS:
        raise ExprError(f"the expression is too long: {len(source):,} characters (at most {MAX_EXPR_CHARS:,})", 0, "too-long")
    tokens: list[tuple[str, Any, int]] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
        kind = match.lastgroup
        if kind is None:
            break
        text = match.group(kind)
        start = match.start(kind)
        if kind == "num":
            whole = text.split(".", 1)[0]
            if len(whole) > MAX_DIGITS:
                raise ExprError(f"the number {_cut(text)} is too large: at most {MAX_DIGITS} digits before the point", start, "number")
            tokens.append(("num", float(text) if "." in text else int(text), start))
        elif kind == "str":
            tokens.append(("str", text[1:-1], start))
        elif kind == "name":
            tokens.append(("kw" if text in KEYWORDS else "name", text, start))
        elif kind == "op":
            tokens.append(("op", text, start))
        else:
            if text == "=":
                raise ExprError("'=' compares nothing here: write '==' to compare", start)
            if text in "'\"":
                raise ExprError("this string has no closing quote", start)
            raise ExprError(f"unexpected character '{text}'", start)
    tokens.append(("end", None, len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.i = 0
        self.nesting = 0  # recursion guard: brackets, calls, `not` and signs

    def enter(self, offset: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_EXPR_DEPTH:
            raise ExprError(_too_deep(), offset, "too-deep")

    def peek(self) -> tuple[str, Any, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, Any, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def accept(self, kind: str, value: Any = None) -> bool:
        token = self.peek()
        if token[0] == kind and (value is None or token[1] == value):
            self.i += 1
            return True
        return False

    def expect(self, kind: str, value: str, what: str) -> None:
        if not self.accept(kind, value):
            token = self.peek()
            found = "the end" if token[0] == "end" else f"'{token[1]}'"
            raise ExprError(f"expected {what}, found {found}", token[2])

    def parse(self) -> Ast:
        if self.peek()[0] == "end":
            raise ExprError("the expression is empty", 0)
        node = self.or_expr()
        token = self.peek()
        if token[0] != "end":
            raise ExprError(f"unexpected '{token[1]}' (missing 'and'/'or' or an operator?)", token[2])
        return node

    def or_expr(self) -> Ast:
        items = [self.and_expr()]
        while self.accept("kw", "or"):
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else ("or", tuple(items))

    def and_expr(self) -> Ast:
        items = [self.not_expr()]
        while self.accept("kw", "and"):
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else ("and", tuple(items))

    def not_expr(self) -> Ast:
        if self.accept("kw", "not"):
            self.enter(self.tokens[self.i - 1][2])
            node = ("not", self.not_expr())
            self.nesting -= 1
            return node
        return self.comparison()

    def comparison(self) -> Ast:
        first = self.sum()
        ops: list[str] = []
        operands = [first]
        while self.peek()[0] == "op" and self.peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            ops.append(self.take()[1])
            operands.append(self.sum())
        return first if not ops else ("cmp", tuple(ops), tuple(operands))

    def sum(self) -> Ast:
        node = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            node = ("arith", self.take()[1], node, self.term())
        return node

    def term(self) -> Ast:
        node = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/", "%"):
            node = ("arith", self.take()[1], node, self.unary())
        return node

    def unary(self) -> Ast:
        if self.peek()[0] == "op" and self.peek()[1] in ("-", "+"):
            sign = self.take()
            self.enter(sign[2])
            inner = self.unary()
            self.nesting -= 1
            return ("neg", inner) if sign[1] == "-" else inner
        return self.primary()

    def primary(self) -> Ast:
        kind, value, offset = self.take()
        if kind == "num":
            return ("const", value)
        if kind == "str":
            return ("const", value)
        if kind == "kw" and value in ("true", "false"):
            return ("const", value == "true")
        if kind == "op" and value == "(":
            self.enter(offset)
            node = self.or_expr()
            self.expect("op", ")", "')'")
            self.nesting -= 1
            return node
        if kind == "name":
            if self.accept("op", "("):
                self.enter(offset)
                args: list[Ast] = []
                if not self.accept("op", ")"):
                    while True:
                        if value in ("visited", "chose", "attitude") and self.peek()[0] == "name":
                            ref = self.take()
                            args.append(("ref", ref[1], ref[2]))
                        else:
                            args.append(self.or_expr())
                        if self.accept("op", ")"):
                            break
                        self.expect("op", ",", "',' or ')'")
                self.nesting -= 1
                return ("call", value, tuple(args), offset)
            if "." in value:
                raise ExprError(f"'{value}': a dotted name is only allowed inside chose(...)", offset)
            return ("var", value, offset)
        found = "the end of the expression" if kind == "end" else f"'{value}'"
        raise ExprError(f"expected a value, found {found}{self.doubled_hint(kind, value)}", offset)

    def doubled_hint(self, kind: str, value: Any) -> str:
        """`party >> 5`, `a && b`: an operator typed twice, or one from another language."""
        if kind != "op" or self.i < 2:
            return ""
        before = self.tokens[self.i - 2]
        if before[0] != "op":
            return ""
        pair = f"{before[1]}{value}"
        if before[1] == value and value in ("<", ">", "+", "-", "*", "/", "%"):
            return f" (did you mean '{value}'?)"
        if pair in ("=<", "=>"):
            return f" (did you mean '{pair[::-1]}'?)"
        return ""


@functools.lru_cache(maxsize=8192)
def parse(source: str) -> Ast:
    """Parse an expression; raises ExprError with the offending offset.

    Memoised: stories repeat the same small expressions ({year}, `party >= 40`) many times,
    and the AST is an immutable tuple, safe to share."""
    ast = _Parser(source).parse()
    if ast_depth(ast) > MAX_EXPR_DEPTH:  # a long chain such as 1 + 1 + ... nests one level per operator
        raise ExprError(_too_deep(), 0, "too-deep")
    return ast


_KINDS = frozenset({"const", "var", "not", "and", "or", "neg", "arith", "cmp", "call", "ref"})


def _too_deep() -> str:
    return (f"the expression nests too deeply: at most {MAX_EXPR_DEPTH} levels "
            "(each bracket, call, 'not', sign and chained operator is one)")


def ast_depth(ast: Ast) -> int:
    """How deeply an AST nests, measured without recursion (the tree may be hostile)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(ast, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
        for part in node[1:]:
            if isinstance(part, tuple) and part:
                if part[0] in _KINDS:
                    stack.append((part, depth + 1))
                else:  # a tuple of operands or arguments
                    stack.extend((item, depth + 1) for item in part if isinstance(item, tuple) and item)
    return deepest


# ---------------------------------------------------------------------------------------------
# Static analysis: names, types and the values an expression can take.


@dataclass(frozen=True)
class VarInfo:
    """What the checker knows about a name: its type and the values it can hold."""

    kind: str  # "num", "bool" or "str"
    lo: float = -math.inf
    hi: float = math.inf
    values: frozenset[Any] | None = None  # possible values of a bool or str


@dataclass(frozen=True)
class Abs:
    """An abstract value: a numeric interval, or a set of possible bool/str values."""

    kind: str  # "num", "bool", "str"
    lo: float = -math.inf
    hi: float = math.inf
    values: frozenset[Any] | None = None

    def truth(self) -> frozenset[bool]:
        if self.kind == "num":
            if self.lo == 0 and self.hi == 0:
                return frozenset({False})
            if self.lo > 0 or self.hi < 0:
                return frozenset({True})
            return frozenset({True, False})
        if self.values is None:
            return frozenset({True, False})
        return frozenset(bool(v) for v in self.values)


BOTH = frozenset({True, False})


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


def _truth_abs(values: Iterable[bool]) -> Abs:
    return Abs("bool", values=frozenset(values))


def analyze(ast: Ast, scope: Scope) -> Abs:
    """Check names and types; return what values the expression can take. Raises ExprError."""
    kind = ast[0]
    if kind == "const":
        value = ast[1]
        if isinstance(value, bool):
            return Abs("bool", values=frozenset({value}))
        if isinstance(value, str):
            return Abs("str", values=frozenset({value}))
        return Abs("num", value, value)
    if kind == "var":
        info = scope.variables.get(ast[1])
        if info is None:
            raise ExprError(unknown_name(ast[1], scope.variables), ast[2], "unknown-name")
        return Abs(info.kind, info.lo, info.hi, info.values)
    if kind == "not":
        inner = analyze(ast[1], scope)
        return _truth_abs(not v for v in inner.truth())
    if kind in ("and", "or"):
        truths = [analyze(item, scope).truth() for item in ast[1]]
        if kind == "and":
            can_true = all(True in t for t in truths)
            can_false = any(False in t for t in truths)
        else:
            can_true = any(True in t for t in truths)
            can_false = all(False in t for t in truths)
        return _truth_abs([v for v, ok in ((True, can_true), (False, can_false)) if ok])
    if kind == "neg":
        inner = _numeric(analyze(ast[1], scope), ast[1], "'-'")
        return Abs("num", -inner.hi, -inner.lo)
    if kind == "arith":
        return _arith(ast[1], _numeric(analyze(ast[2], scope), ast[2], f"'{ast[1]}'"),
                      _numeric(analyze(ast[3], scope), ast[3], f"'{ast[1]}'"))
    if kind == "cmp":
        operands = [analyze(item, scope) for item in ast[2]]
        can_true, can_false = True, False
        for op, left, right, node in zip(ast[1], operands, operands[1:], ast[2][1:], strict=False):
            truth = _compare(op, left, right, node)
            can_true = can_true and True in truth
            can_false = can_false or False in truth
        return _truth_abs([v for v, ok in ((True, can_true), (False, can_false)) if ok])
    if kind == "call":
        return _call(ast, scope)
    if kind == "ref":
        raise ExprError(f"'{ast[1]}' is not a value here", ast[2])
    raise ExprError(f"unsupported expression {kind}")


def unknown_name(name: str, known: Iterable[str]) -> str:
    """"unknown name X", with the closest known name as a hint."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown name '{name}'{hint}"


def _offset(ast: Ast) -> int:
    if ast[0] in ("var", "ref"):
        return ast[2]
    if ast[0] == "call":
        return ast[3]
    for part in ast[1:]:
        if isinstance(part, tuple) and part and isinstance(part[0], str):
            return _offset(part)
        if isinstance(part, tuple) and part and isinstance(part[0], tuple):
            return _offset(part[0])
    return 0


def _numeric(value: Abs, ast: Ast, what: str) -> Abs:
    if value.kind == "str":
        raise ExprError(f"{what} needs numbers, not text", _offset(ast), "type")
    if value.kind == "bool":
        vals = value.values or BOTH
        return Abs("num", min(int(v) for v in vals), max(int(v) for v in vals))
    return value


def _arith(op: str, a: Abs, b: Abs) -> Abs:
    if op == "+":
        return _capped(a.lo + b.lo, a.hi + b.hi)
    if op == "-":
        return _capped(a.lo - b.hi, a.hi - b.lo)
    if op == "*":
        products = [x * y for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
        products = [p for p in products if p == p]  # inf * 0 is NaN: no bound
        return _capped(min(products, default=-math.inf), max(products, default=math.inf))
    if op == "%":
        bound = max(abs(b.lo), abs(b.hi))
        return Abs("num", min(0, -bound), bound)
    return Abs("num")  # division: any value


def _capped(lo: float, hi: float) -> Abs:
    """The run-time cap (see `cap`), applied to an interval; infinite bounds stay unbounded."""
    lo = -math.inf if lo != lo else lo if lo in (math.inf, -math.inf) else cap(lo)
    hi = math.inf if hi != hi else hi if hi in (math.inf, -math.inf) else cap(hi)
    return Abs("num", lo, hi)


def _compare(op: str, a: Abs, b: Abs, node: Ast) -> frozenset[bool]:
    if (a.kind == "str") != (b.kind == "str"):
        raise ExprError("compares text with a number or a boolean", _offset(node), "type")
    if a.kind == "str" or (a.kind == "bool" and b.kind == "bool"):
        if op not in ("==", "!="):
            raise ExprError(f"'{op}' compares numbers; use '==' or '!=' here", _offset(node), "type")
        if a.values is None or b.values is None:
            return BOTH
        pairs = [(x == y) for x in a.values for y in b.values]
        truth = frozenset(pairs if op == "==" else [not p for p in pairs])
        return truth
    a, b = _numeric(a, node, f"'{op}'"), _numeric(b, node, f"'{op}'")
    results: set[bool] = set()
    if op == "<":
        results |= {True} if a.lo < b.hi else set()
        results |= {False} if a.hi >= b.lo else set()
    elif op == "<=":
        results |= {True} if a.lo <= b.hi else set()
        results |= {False} if a.hi > b.lo else set()
    elif op == ">":
        results |= {True} if a.hi > b.lo else set()
        results |= {False} if a.lo <= b.hi else set()
    elif op == ">=":
        results |= {True} if a.hi >= b.lo else set()
        results |= {False} if a.lo < b.hi else set()
    else:
        overlap = a.lo <= b.hi and b.lo <= a.hi
        single = a.lo == a.hi == b.lo == b.hi
        equal = {True} if overlap else set()
        differ = set() if single else {False}
        results = equal | differ if op == "==" else {not v for v in equal | differ}
    return frozenset(results)


def _call(ast: Ast, scope: Scope) -> Abs:
    name, args, offset = ast[1], ast[2], ast[3]
    if name not in FUNCTIONS:
        raise ExprError(unknown_name(name, FUNCTIONS), offset, "unknown-function")
    low, high = FUNCTIONS[name]
    if not low <= len(args) <= high:
        if low == high:
            wanted = f"{low} argument{'s' if low > 1 else ''}"
        elif len(args) > high:
            wanted = f"at most {high} arguments"
        else:
            wanted = f"at least {low} argument{'s' if low > 1 else ''}"
        raise ExprError(f"{name}() takes {wanted}, not {len(args)}", offset, "arguments")
    if name in ("visited", "chose", "attitude"):
        arg = args[0]
        if arg[0] != "ref":
            raise ExprError(f"{name}() takes a name, not an expression", offset, "arguments")
        ref = arg[1]
        if name == "visited":
            if ref not in scope.nodes:
                raise ExprError(unknown_name(ref, scope.nodes).replace("name", "scene", 1), arg[2], "unknown-node")
            return Abs("num", 0, math.inf)
        if name == "chose":
            if "." not in ref:
                raise ExprError("chose() takes scene.choice, e.g. chose(tiflis_telegram.turn_back)", arg[2], "arguments")
            if ref not in scope.choices:
                node = ref.split(".", 1)[0]
                what = "scene" if node not in scope.nodes else "choice"
                raise ExprError(f"unknown {what} in '{ref}'", arg[2], "unknown-choice")
            return Abs("bool", values=BOTH)
        if ref not in scope.relations:
            raise ExprError(unknown_name(ref, scope.relations).replace("name", "country", 1), arg[2], "unknown-name")
        return Abs("str", values=frozenset(ATTITUDES))
    values = [analyze(arg, scope) for arg in args]
    if name == "if":
        a, b = values[1], values[2]
        if (a.kind == "str") != (b.kind == "str"):
            raise ExprError("if(): both results must be text, or both numbers", offset, "type")
        if a.kind == "str":
            merged = None if a.values is None or b.values is None else a.values | b.values
            return Abs("str", values=merged)
        truth = values[0].truth()
        na, nb = _numeric(a, args[1], "if()"), _numeric(b, args[2], "if()")
        if truth == frozenset({True}):
            return na
        if truth == frozenset({False}):
            return nb
        return Abs("num", min(na.lo, nb.lo), max(na.hi, nb.hi))
    nums = [_numeric(v, arg, f"{name}()") for v, arg in zip(values, args, strict=True)]
    if name == "min":
        return Abs("num", min(v.lo for v in nums), min(v.hi for v in nums))
    if name == "max":
        return Abs("num", max(v.lo for v in nums), max(v.hi for v in nums))
    if name == "abs":
        v = nums[0]
        lo = 0 if v.lo <= 0 <= v.hi else min(abs(v.lo), abs(v.hi))
        return Abs("num", lo, max(abs(v.lo), abs(v.hi)))
    v, lo, hi = nums
    return Abs("num", max(v.lo, lo.lo), min(v.hi, hi.hi))


# ---------------------------------------------------------------------------------------------
# Compilation to closures. The context `c` has .vars, .visits and .chosen.


def attitude_word(value: float) -> str:
    if value <= -60:
        return "hostile"
    if value <= -30:
        return "cold"
    if value <= -10:
        return "wary"
    if value < 10:
        return "neutral"
    if value < 30:
        return "cordial"
    if value < 60:
        return "friendly"
    return "allied"


def cap(value: Any) -> Any:
    """Keep a result within ±NUMBER_LIMIT, so no chain of products overflows a float or
    becomes infinite (and no infinity minus infinity becomes NaN)."""
    if -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
        return value
    if value != value:  # NaN: cannot arise from capped operands, but never let it through
        return 0
    return NUMBER_LIMIT if value > 0 else -NUMBER_LIMIT


def _div(a: float, b: float) -> float:
    # x / 0 gives 0 (documented): a story's arithmetic never stops the game; `check` reports a
    # divisor that is always 0.
    return cap(a / b) if b else 0


def _mod(a: float, b: float) -> float:
    return a % b if b else 0


_ARITH = {
    "+": lambda a, b: cap(a + b),
    "-": lambda a, b: cap(a - b),
    "*": lambda a, b: cap(a * b),
    "/": _div,
    "%": _mod,
}
_CMP = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def compile_ast(ast: Ast) -> Fn:
    kind = ast[0]
    if kind == "const":
        value = ast[1]
        return lambda c: value
    if kind == "var":
        name = ast[1]
        return lambda c: c.vars[name]
    if kind == "not":
        inner = compile_ast(ast[1])
        return lambda c: not inner(c)
    if kind == "and":
        parts = [compile_ast(item) for item in ast[1]]
        if len(parts) == 2:
            a, b = parts
            return lambda c: bool(a(c) and b(c))
        return lambda c: all(p(c) for p in parts)
    if kind == "or":
        parts = [compile_ast(item) for item in ast[1]]
        if len(parts) == 2:
            a, b = parts
            return lambda c: bool(a(c) or b(c))
        return lambda c: any(p(c) for p in parts)
    if kind == "neg":
        inner = compile_ast(ast[1])
        return lambda c: -inner(c)
    if kind == "arith":
        op, left, right = _ARITH[ast[1]], compile_ast(ast[2]), compile_ast(ast[3])
        return lambda c: op(left(c), right(c))
    if kind == "cmp":
        ops = [_CMP[o] for o in ast[1]]
        operands = [compile_ast(item) for item in ast[2]]
        if len(ops) == 1:
            op, left, right = ops[0], operands[0], operands[1]
            return lambda c: op(left(c), right(c))

        def chain(c: Any) -> bool:
            values = [f(c) for f in operands]
            return all(op(values[i], values[i + 1]) for i, op in enumerate(ops))

        return chain
    if kind == "call":
        return _compile_call(ast)
    raise ExprError(f"cannot compile {kind}")


def _compile_call(ast: Ast) -> Fn:
    name, args = ast[1], ast[2]
    if name == "visited":
        node = args[0][1]
        return lambda c: c.visits.get(node, 0)
    if name == "chose":
        key = args[0][1]
        return lambda c: key in c.chosen
    if name == "attitude":
        country = args[0][1]
        return lambda c: attitude_word(c.vars[country])
    fns = [compile_ast(arg) for arg in args]
    if name == "if":
        cond, yes, no = fns
        return lambda c: yes(c) if cond(c) else no(c)
    if name == "min":
        return lambda c: min(f(c) for f in fns)
    if name == "max":
        return lambda c: max(f(c) for f in fns)
    if name == "abs":
        (inner,) = fns
        return lambda c: abs(inner(c))
    value, lo, hi = fns
    return lambda c: max(lo(c), min(hi(c), value(c)))


class Expr:
    """A parsed expression with its source and position; compiled on first use.

    The compiled closure is not pickled, so a cached story stays a plain data structure.
    """

    __slots__ = ("_fn", "ast", "pos", "source")

    def __init__(self, source: str, ast: Ast, pos: Any) -> None:
        self.source = source
        self.ast = ast
        self.pos = pos
        self._fn: Fn | None = None

    def __getstate__(self) -> tuple[str, Ast, Any]:
        return (self.source, self.ast, self.pos)

    def __setstate__(self, state: tuple[str, Ast, Any]) -> None:
        self.source, self.ast, self.pos = state
        self._fn = None

    def __call__(self, ctx: Any) -> Any:
        fn = self._fn
        if fn is None:
            fn = self._fn = compile_ast(self.ast)
        return fn(ctx)

    def constant(self) -> Any:
        """The value if the expression is a literal (used for effect previews), else None."""
        if self.ast[0] == "const":
            return self.ast[1]
        if self.ast[0] == "neg" and self.ast[1][0] == "const":
            return -self.ast[1][1]
        return None

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"


def format_value(value: Any) -> str:
    """How an interpolated value reads in the text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        rounded = round(value, 1)  # 86.99999 reads as 87, not 87.0
        return str(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}"
    return str(value)
