"""An expression's analysis, worked out once per scope and source.

A story repeats its conditions (`chose(...)`, `party > 50` on many choices) and `check` asks
about the same expression in several passes (availability, reachability, dead ends, traps), so
`analyze` (expr_analysis.py) would otherwise run many times over the same tree. The result
depends only on the expression and the scope's names, and a scope is never changed once built,
so each scope keeps its results by source (`Scope.analysed`).
"""

from __future__ import annotations

from kremlin_tui.expr import BOTH, Abs, Expr, ExprError, Scope, analyze


def value_of(expr: Expr, scope: Scope) -> Abs:
    """What values `expr` can take in `scope`; raises ExprError as `analyze` does."""
    known = scope.analysed.get(expr.source)
    if known is None:
        try:
            known = analyze(expr.ast, scope)
        except ExprError as exc:
            known = exc
        scope.analysed[expr.source] = known
    if isinstance(known, ExprError):
        raise known
    return known


def problem_of(expr: Expr, scope: Scope) -> ExprError | None:
    """The error analysing `expr` in `scope` gives, or None."""
    try:
        value_of(expr, scope)
    except ExprError as exc:
        return exc
    return None


def truth_of(expr: Expr | None, scope: Scope) -> frozenset[bool]:
    """Whether a condition can be true, false or both (no condition: always true); a condition
    that does not analyse counts as both (the loader has reported it)."""
    if expr is None:
        return frozenset({True})
    try:
        return value_of(expr, scope).truth()
    except ExprError:
        return BOTH
