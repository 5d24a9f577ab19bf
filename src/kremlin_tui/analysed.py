"""An expression's analysis, worked out once per scope and source.

A story repeats its conditions (`chose(...)`, `party > 50` on many choices) and `check` asks
about the same expression in several passes (availability, reachability, dead ends, traps), so
`analyze` (expr_analysis.py) would otherwise run many times over the same tree. The result
depends only on the expression and the scope's names, and a scope is never changed once built,
so each scope keeps its results by source (`Scope.analysed`). The language server checks the
story after every edit, and most edits leave the names alone: there (memo.py) a scope with the
same names as an earlier one takes over the earlier one's results.
"""

from __future__ import annotations

from kremlin_tui.expr import BOTH, Abs, Expr, ExprError, Scope, analyze
from kremlin_tui.memo import digest, memo
from kremlin_tui.memo import enabled as memo_enabled

_SCOPES = memo(8)  # digest of a scope's names -> its analyses


_LAST: list[Scope] = []  # the scope remembered last, outside the language server (one slot)


def remembered(scope: Scope) -> Scope:
    """`scope`, sharing the analyses of an earlier scope with exactly the same names.

    The language server (memo.py on) keeps several, by digest. Otherwise only the last one is
    kept: that is the loader's scope when `check` builds its refined one, and for most stories
    (the shipped one included) no flag is narrowed, so the names are the same and every
    condition the loader analysed need not be analysed again (~15 ms of a check)."""
    if memo_enabled():
        key = scope_digest(scope)
        known = _SCOPES.get(key)
        if known is None:
            _SCOPES.put(key, scope.analysed)
        else:
            scope.analysed = known
        return scope
    last = _LAST[0] if _LAST else None
    if last is not None and same_names(last, scope):
        scope.analysed = last.analysed
        scope.names = last.names  # (each variable's analysis: a function of the names alone)
    _LAST[:] = [scope]
    return scope


def forget() -> None:
    """Drop the scope remembered outside the language server (a benchmark's first-load rounds:
    no analysis of an earlier load is reused)."""
    _LAST.clear()


def same_names(one: Scope, other: Scope) -> bool:
    """Whether `analyze` reads the same from both scopes (what `scope_digest` digests)."""
    return (one.variables == other.variables and one.nodes == other.nodes and one.choices == other.choices
            and one.relations == other.relations)


def scope_digest(scope: Scope) -> str:
    """Everything `analyze` reads from a scope: each name's kind, range and values, and the
    scene, choice and relation ids."""
    variables = sorted((name, info.kind, info.lo, info.hi, None if info.values is None else sorted(map(repr, info.values)))
                       for name, info in scope.variables.items())
    text = repr((variables, sorted(scope.nodes), sorted(scope.choices), sorted(scope.relations)))
    return digest(text)


def value_of(expr: Expr, scope: Scope) -> Abs:
    """What values `expr` can take in `scope`; raises ExprError as `analyze` does."""
    problem = problem_of(expr, scope)
    if problem is not None:
        raise problem
    return scope.analysed[expr.source]  # type: ignore[return-value]  # problem_of stored the value


def problem_of(expr: Expr, scope: Scope) -> ExprError | None:
    """The error analysing `expr` in `scope` gives, or None. (What `value_of` raises, without
    the raise: the loader asks this of each of a story's ~3,000 expressions.)"""
    known = scope.analysed.get(expr.source)
    if known is None:
        try:
            known = analyze(expr.ast, scope)
        except ExprError as exc:
            known = exc
        scope.analysed[expr.source] = known
    return known if isinstance(known, ExprError) else None


def truth_of(expr: Expr | None, scope: Scope) -> frozenset[bool]:
    """Whether a condition can be true, false or both (no condition: always true); a condition
    that does not analyse counts as both (the loader has reported it)."""
    if expr is None:
        return frozenset({True})
    try:
        return value_of(expr, scope).truth()
    except ExprError:
        return BOTH
