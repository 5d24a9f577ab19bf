"""What several of `check`'s passes read, gathered in one walk of the story.

Five passes read every effect (the flags' possible values, what is scheduled, what is
unlocked, which choices set a flag, which values divide), four read every text, and two the
conditional passages of the texts that hold expressions. Each walk of a story the size of the
shipped one costs ~0.5-1 ms, a walk per pass a fifth of the analysis; the index walks it once
and keeps, in the story's order, what each pass needs, so every pass reports what it did, in
the same order (tests/test_checker_oracle.py holds the analysis to a copy of the old one).
"""

from __future__ import annotations

from kremlin_tui.expr import Expr
from kremlin_tui.model import Choice, CodexEntry, Effect, EffectOp, Node, Story
from kremlin_tui.template import Cond, Part, Template

# Effect ops, bound once (an enum member's lookup costs ~75 ns in 3.11; a story has thousands of effects)
_SET, _SCHEDULE, _UNLOCK = EffectOp.SET, EffectOp.SCHEDULE, EffectOp.UNLOCK

# Which of its owner's texts a text is (a scene's own, its ending's divergence, a choice's label
# or result, an outcome's result, a codex entry's), in the order a scene lists them.
TEXT, DIVERGENCE, LABEL, RESULT, OUTCOME, CODEX = range(6)
# One text: the template, which it is, the scene or codex entry it belongs to, and for a
# choice's texts the choice's index in its scene.
Entry = tuple[Template, int, "Node | CodexEntry", int]


class StoryIndex:
    """The story's effects and texts, read once for all of `check`'s passes."""

    __slots__ = ("dividing", "flag_values", "passages", "scheduled", "schedules", "setters", "texts", "unlocked")

    def __init__(self, story: Story) -> None:
        # refined_scope: each flag's initial value and every value an effect may give it
        self.flag_values: dict[str, set[object]] = {f.id: {f.initial} for f in story.flags.values()}
        self.schedules: dict[int, list[str]] = {}  # id(choice) -> the events it schedules
        self.scheduled: set[str] = set()  # every event some choice schedules
        self.unlocked: set[str] = set()  # every codex entry some effect unlocks
        self.setters: dict[str, dict[str, set[str]]] = {}  # flag -> value (repr) -> "scene.choice"s that set it
        self.dividing: list[Expr] = []  # every expression whose source may divide (has '/' or '%'), in order
        self.texts: list[Entry] = []
        self.passages: dict[int, list[tuple[Expr, list[Part]]]] = {}  # index in texts -> its conditional passages
        texts = self.texts
        for node in story.nodes.values():
            self._walk_node(story, node)
        texts += [(entry.text, CODEX, entry, -1) for entry in story.codex.values()]
        for at, (template, _which, _owner, _choice) in enumerate(texts):
            if template.exprs:  # (every {if} and {elif} holds one)
                passages = _passages(template.parts)
                if passages:
                    self.passages[at] = passages

    def _walk_node(self, story: Story, node: Node) -> None:
        dividing, add = self.dividing, self.texts.append
        trigger = node.event
        if trigger is not None and trigger.condition is not None:
            source = trigger.condition.source
            if "/" in source or "%" in source:
                dividing.append(trigger.condition)
        add((node.text, TEXT, node, -1))
        if node.divergence is not None:
            add((node.divergence, DIVERGENCE, node, -1))
        for index, choice in enumerate(node.choices):
            add((choice.label, LABEL, node, index))
            if choice.result is not None:
                add((choice.result, RESULT, node, index))
            outcomes = choice.outcomes
            for outcome in outcomes:
                if outcome.result is not None:
                    add((outcome.result, OUTCOME, node, index))
            condition = choice.condition
            if condition is not None and ("/" in condition.source or "%" in condition.source):
                dividing.append(condition)
            effects = choice.effects
            if outcomes:
                effects = effects + tuple(e for outcome in outcomes for e in outcome.effects)
            if effects:
                self._walk_effects(story, effects, node, choice)
            for outcome in outcomes:
                source = outcome.weight.source
                if "/" in source or "%" in source:
                    dividing.append(outcome.weight)

    def _walk_effects(self, story: Story, effects: tuple[Effect, ...], node: Node, choice: Choice) -> None:
        possible = self.flag_values
        for effect in effects:
            value, target, op = effect.value, effect.target, effect.op
            if value is not None:
                if "/" in value.source or "%" in value.source:
                    self.dividing.append(value)
                if target in possible:
                    const = value.constant()
                    if const is not None:
                        possible[target].add(const)
                    else:
                        values = story.flags[target].values
                        possible[target] |= set(values) if values else {True, False}
                    if op == _SET:
                        self.setters.setdefault(target, {}).setdefault(repr(const) if const is not None else "?",
                                                                        set()).add(f"{node.id}.{choice.id}")
            if op == _SCHEDULE:
                self.schedules.setdefault(id(choice), []).append(target)
                self.scheduled.add(target)
            elif op == _UNLOCK:
                self.unlocked.add(target)



def _passages(parts: list[Part]) -> list[tuple[Expr, list[Part]]]:
    """`Template.passages()` as a list, in its order (a list built in one loop, not a generator)."""
    found: list[tuple[Expr, list[Part]]] = []
    stack = list(parts)
    while stack:
        part = stack.pop()
        if type(part) is Cond:
            for expr, body in part.branches:
                if expr is not None:
                    found.append((expr, body))
                stack.extend(body)
    return found


def text_name(entry: Entry) -> str:
    """How a message names a text (as `story_stats.node_templates` does)."""
    _template, which, owner, index = entry
    if which == CODEX:
        return f"codex '{owner.id}'"
    if which == TEXT:
        return f"'{owner.id}'"
    if which == DIVERGENCE:
        return f"'{owner.id}' divergence"
    choice = f"{owner.id}.{owner.choices[index].id}"  # type: ignore[union-attr]
    if which == LABEL:
        return f"'{choice}' label"
    if which == RESULT:
        return f"'{choice}' result"
    return f"an outcome of '{choice}'"
