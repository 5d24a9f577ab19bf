"""The expression tree: one frozen dataclass per kind of node.

A parsed expression is immutable and shared (the parser memoises by source), so each node is a
frozen, slotted dataclass: readers match on the class (`case Var(name):`) instead of on the
first item of an anonymous tuple, and a new kind of node is one class here, found by the type
checker wherever a `match` forgets it. Trees may come from a hostile story, so `walk`, `reads`
and `ast_depth` never recurse.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

from kremlin_tui.records import dataclass


@dataclass(frozen=True, slots=True)
class Const:
    """A literal: a number, a quoted text, true or false."""

    value: bool | int | float | str

    def children(self) -> tuple[Ast, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Var:
    """A variable read by name: a stat, relation, flag, or the calendar."""

    name: str
    offset: int

    def children(self) -> tuple[Ast, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Ref:
    """A name handed to a built-in that takes one (`visited(scene)`, `chose(scene.choice)`,
    `attitude(country)`): not a value of its own."""

    name: str
    offset: int

    def children(self) -> tuple[Ast, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Not:
    """`not x`: true where its operand is false."""

    operand: Ast

    def children(self) -> tuple[Ast, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Neg:
    """A minus sign before a value (`-25` is Neg(Const(25)))."""

    operand: Ast

    def children(self) -> tuple[Ast, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class And:
    """`a and b and ...`: true where every item is."""

    items: tuple[Ast, ...]  # two or more

    def children(self) -> tuple[Ast, ...]:
        return self.items


@dataclass(frozen=True, slots=True)
class Or:
    """`a or b or ...`: true where any item is."""

    items: tuple[Ast, ...]  # two or more

    def children(self) -> tuple[Ast, ...]:
        return self.items


@dataclass(frozen=True, slots=True)
class Arith:
    """A binary arithmetic operation: `left op right`."""

    op: str  # + - * / %
    left: Ast
    right: Ast

    def children(self) -> tuple[Ast, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class Cmp:
    """A comparison, possibly chained: `a < b <= c` has ops ("<", "<=") and three operands."""

    ops: tuple[str, ...]
    operands: tuple[Ast, ...]  # one more than ops

    def children(self) -> tuple[Ast, ...]:
        return self.operands


@dataclass(frozen=True, slots=True)
class Call:
    """A built-in function's call (see `expr_builtins.BUILTINS`); `offset` is its name's."""

    name: str
    args: tuple[Ast, ...]
    offset: int

    def children(self) -> tuple[Ast, ...]:
        return self.args


Ast: TypeAlias = Const | Var | Ref | Not | Neg | And | Or | Arith | Cmp | Call
NODE_CLASSES: tuple[type, ...] = (Const, Var, Ref, Not, Neg, And, Or, Arith, Cmp, Call)


def walk(ast: Ast) -> Iterator[Ast]:
    """Every node of a tree, the root first, children in source order."""
    stack = [ast]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children()))


def reads(ast: Ast) -> Iterator[tuple[str, str]]:
    """What an expression reads, in order: `(name, "var")` for each variable, and `(name,
    function)` for the name a built-in takes (`visited(x)`, `chose(a.b)`, `attitude(c)`)."""
    for node in walk(ast):
        if type(node) is Var:
            yield node.name, "var"
        elif type(node) is Call:
            for arg in node.args:
                if type(arg) is Ref:
                    yield arg.name, node.name


def ast_depth(ast: Ast) -> int:
    """How deeply a tree nests (a lone node is 1)."""
    deepest = 0
    stack: list[tuple[Ast, int]] = [(ast, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
        depth += 1
        for child in node.children():
            stack.append((child, depth))
    return deepest


def node_offset(ast: Ast) -> int:
    """Where a node starts in its source, as near as the tree records it: its own offset, else
    its first child's (constants record none: 0)."""
    node = ast
    while True:
        if type(node) in (Var, Ref, Call):
            return node.offset  # type: ignore[union-attr]
        children = node.children()
        if not children:
            return 0
        node = children[0]
