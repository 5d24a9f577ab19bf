"""Expressions and templates as the builder reads them: parsed, analysed against the story's
names, and every problem reported at the character where it is."""

from __future__ import annotations

from kremlin_tui.analysed import problem_of
from kremlin_tui.builder.reader import Reader, describe
from kremlin_tui.expr import Expr, ExprError, Scope, parse
from kremlin_tui.memo import enabled as memo_enabled
from kremlin_tui.memo import memo
from kremlin_tui.mentions import MentionIndex
from kremlin_tui.template import Template, TemplateError, parse_template, plain_template
from kremlin_tui.yamlsource import YNode, YScalar

# The language server's memo (memo.py): a text's template, by the scalar it was read from and
# the codex words it was scanned for. An unchanged file's tree is remembered whole (yamlsource),
# so the same scalar object means the same text at the same place in the same file.
_TEMPLATES = memo(15_000)  # the shipped story has ~2,300 texts; an edit of a chapter adds a few hundred


def _code(exc: ExprError) -> str:
    return "syntax" if exc.code == "expr" else exc.code


class Expressions:
    """Reads expressions and `{…}` texts once the story's names (`scope`) are known."""

    def __init__(self, read: Reader, scope: Scope, mention_index: MentionIndex) -> None:
        self.read = read
        self.scope = scope
        self.mention_index = mention_index  # the codex match words
        # the codex scan runs when a text's mentions are first asked for (template.py): texts
        # get the index's `find` alone, so a story does not keep the builder alive
        self.codex_of = mention_index.find if mention_index else None

    def expr(self, node: YNode | None, what: str) -> Expr | None:
        if node is None:
            return None
        if not isinstance(node, YScalar):
            self.read.error(node.pos, "type", f"{what} must be an expression, found {describe(node)}")
            return None
        return self.expr_from(node.text, node, what)

    def expr_from(self, source: str, scalar: YScalar, what: str, offset: int = 0) -> Expr | None:
        try:
            ast = parse(source)
        except ExprError as exc:
            self.read.error(self.read.scalar_pos(scalar, offset + exc.offset), _code(exc), f"{what}: {exc.message}")
            return None
        expr = Expr(source, ast, self.read.place(scalar, offset))
        self.check(expr, scalar, what, offset)
        return expr

    def check(self, expr: Expr, scalar: YScalar, what: str, offset: int) -> None:
        """Analyse an expression against the story's names (each distinct source once: analysed.py)."""
        problem = problem_of(expr, self.scope)
        if problem is not None:
            self.read.error(self.read.scalar_pos(scalar, offset + problem.offset), problem.code, f"{what}: {problem.message}")

    def template(self, node: YNode | None, what: str) -> Template | None:
        if node is None:
            return None
        if not isinstance(node, YScalar):
            self.read.error(node.pos, "type", f"{what} must be text, found {describe(node)}")
            return None
        text = node.text
        if "{" not in text and "}" not in text and not memo_enabled():  # most texts: nothing to parse or check
            return plain_template(text, self.codex_of)
        key = (node, self.mention_index.key) if memo_enabled() else None
        template = _TEMPLATES.get(key) if key is not None else None
        if template is None:
            try:
                template = parse_template(node.text, lambda o: self.read.place(node, o), self.codex_of)
            except TemplateError as exc:
                template = (exc.offset, "template", exc.message)
            except ExprError as exc:
                template = (exc.offset, _code(exc), exc.message)
            if key is not None:
                _TEMPLATES.put(key, template)
        if isinstance(template, tuple):
            offset, code, message = template
            self.read.error(self.read.scalar_pos(node, offset), code, f"{what}: {message}")
            return None
        for expr, offset in template.exprs:
            self.check(expr, node, what, offset)
        return template
