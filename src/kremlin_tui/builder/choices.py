"""Choices, their weighted outcomes and their effects (`party += 5`, `schedule EVENT in 3
months`, `unlock ENTRY`), checked against the names the story declares."""

from __future__ import annotations

import re

from kremlin_tui.builder.exprs import Expressions
from kremlin_tui.builder.reader import Reader
from kremlin_tui.dates import GameDate
from kremlin_tui.diagnostics import shown
from kremlin_tui.expr import CALENDAR, Const, Expr, unknown_name
from kremlin_tui.model import Choice, Effect, EffectOp, FlagDef, Outcome
from kremlin_tui.records import dataclass
from kremlin_tui.yamlsource import YNode, YScalar

MAX_DELAY = 9999  # `schedule EVENT in N days|months|years`: N has at most four digits
_ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\+=|-=|=)(?!=)\s*(.*?)\s*$")
_SCHEDULE_IN = re.compile(r"^\s*schedule\s+([A-Za-z_]\w*)\s+in\s+(\d+)\s+(days?|months?|years?)\s*$")
_SCHEDULE_ON = re.compile(r"^\s*schedule\s+([A-Za-z_]\w*)\s+on\s+(\S+)\s*$")
_UNLOCK = re.compile(r"^\s*unlock\s+([A-Za-z_]\w*)\s*$")
_OPS = {op.value: op for op in EffectOp}  # "+=" -> EffectOp.ADD without the enum's lookup machinery
_ADD, _SUBTRACT, _SET, _SCHEDULE, _UNLOCK_OP = EffectOp.ADD, EffectOp.SUBTRACT, EffectOp.SET, EffectOp.SCHEDULE, EffectOp.UNLOCK
# (looked up once: a 3.11 enum member lookup costs ~0.5 us)


@dataclass(frozen=True)
class Known:
    """The names a choice may refer to, learnt from every file's declarations."""

    flags: dict[str, FlagDef]
    node_ids: frozenset[str]  # scenes, events and endings that were declared (even if not built)
    event_ids: frozenset[str]
    codex_ids: frozenset[str]
    previewed: frozenset[str]  # visible stats and relations: a choice shows what it does to them


class ChoiceBuilder:
    def __init__(self, read: Reader, exprs: Expressions, known: Known) -> None:
        self.read = read
        self.exprs = exprs
        self.known = known
        # effect text -> what its first writing gave, and where its value starts: see effect()
        self.made: dict[str, tuple[str, str, Expr | None, int, tuple[int, str] | None, GameDate | None]] = {}

    def choice(self, item: YNode, node_id: str, in_event: bool) -> Choice | None:
        read = self.read
        values = read.fields(item, "choice")
        if values is None:
            return None
        get = values.get
        cid = read.ident(get("id"), "choice id")
        label_node = get("label")
        label = self.exprs.template(label_node, "label")
        if isinstance(label_node, YScalar) and "\n" in label_node.text and "\n" in label_node.text.strip():
            read.error(label_node.pos, "label", "a choice label is one line")
        condition = self.exprs.expr(get("if"), "condition")
        locked = read.text(get("locked"), "locked")
        if locked and condition is None and "if" not in values:
            read.warning(values["locked"].pos, "locked-without-if", "'locked' has no effect without 'if'")
        effects = self.effects(get("effects"))
        goto_node = get("goto")
        goto = read.ident(goto_node, "goto")
        outcomes = () if "outcomes" not in values else tuple(
            o for o in (self.outcome(x) for x in read.items(values["outcomes"], "outcomes")) if o)
        self._check_destinations(values, item, cid, goto, outcomes, in_event)
        if cid is None or label is None:
            return None
        boolean = read.boolean
        hide = boolean(get("hide_effects"), "hide_effects")
        once, fallback = boolean(get("once"), "once"), boolean(get("fallback"), "fallback")
        result = self.exprs.template(get("result"), "result")
        return Choice(cid, label, condition, locked, once, fallback, effects, result, goto, outcomes, hide, item.pos,
                      node_id, None if goto_node is None else goto_node.pos, () if hide or not effects else self.preview(effects))

    def _check_destinations(self, values: dict[str, YNode], item: YNode, cid: str | None, goto: str | None,
                            outcomes: tuple[Outcome, ...], in_event: bool) -> None:
        """A choice leads somewhere: its `goto`, or every outcome's (an event's may return)."""
        if "outcomes" in values and not outcomes and not self.read.out.errors:
            self.read.error(values["outcomes"].pos, "outcomes", "'outcomes' is empty")
        if goto is None and not in_event and not outcomes:
            self.read.error(item.pos, "no-goto", f"choice '{cid}' needs 'goto' (or 'outcomes')")
        if outcomes and goto is None and not in_event:
            for outcome in outcomes:
                if outcome.goto is None:
                    self.read.error(outcome.pos, "no-goto", f"an outcome of '{cid}' needs 'goto' (the choice has none)")

    def preview(self, effects: tuple[Effect, ...]) -> tuple[tuple[str, float], ...]:
        """What the choice visibly does to stats and relations, summed per name."""
        totals: dict[str, float] = {}
        previewed = self.known.previewed
        for effect in effects:
            op = effect.op
            if (op != _ADD and op != _SUBTRACT) or effect.target not in previewed or effect.value is None:
                continue
            amount = effect.value.constant()
            if type(amount) is not int and type(amount) is not float:  # (a bool is no amount)
                continue
            totals[effect.target] = totals.get(effect.target, 0) + (amount if op == _ADD else -amount)
        return tuple([(k, v) for k, v in totals.items() if v])

    def outcome(self, item: YNode) -> Outcome | None:
        values = self.read.fields(item, "outcome")
        if values is None:
            return None
        weight_node = values.get("weight")
        weight = self.exprs.expr(weight_node, "weight") if weight_node is not None else Expr("1", Const(1), item.pos)
        if weight is None:
            return None
        effects = self.effects(values.get("effects"))
        result = self.exprs.template(values.get("result"), "result")
        goto_node = values.get("goto")
        return Outcome(weight, effects, result, self.read.ident(goto_node, "goto"), item.pos,
                       None if goto_node is None else goto_node.pos)

    def effects(self, node: YNode | None) -> tuple[Effect, ...]:
        """A list's effects. A story repeats its effects (`party -= 2` 66 times): everything but
        the positions follows from the text and the story's names, which do not change while
        building, so a text that built without a problem is built again, here in the loop (a
        story has thousands), from what its first writing gave (`made`: see `effect`)."""
        if node is None:
            return ()
        built: list[Effect] = []
        items = self.read.items(node, "effects")
        made, place, read = self.made, self.read.place, self.read
        skip = False
        for index, item in enumerate(items):
            if skip:
                skip = False
                continue
            if not isinstance(item, YScalar):
                read.error(item.pos, "type", "an effect is one line, e.g. 'party += 5'")
                continue
            text = item.text
            if "(" in text and (split := _split_by_comma(item, items[index + 1] if index + 1 < len(items) else None)):
                read.error(item.pos, "split-effect",
                           f"the comma in '{split}' ends the effect in an unquoted list [...]; quote the effect: \"{split}\"")
                skip = True
                continue
            again = made.get(text)
            if again is None:
                effect = self.effect(item)
                if effect is not None:
                    built.append(effect)
                continue
            op, target, value, offset, delay, on = again
            if value is not None:
                value = Expr(value.source, value.ast, place(item, offset))
            pos = item.pos if not item.quote and not item.block else read.scalar_pos(item, 0)
            built.append(Effect(op, target, value, pos, delay, on))
        return tuple(built)

    def effect(self, item: YScalar) -> Effect | None:
        """An effect's first writing, remembered when it built without a problem: then its
        operation, target, value (placed anew each time), the offset of the value in the text,
        and the delay or date (`effects` builds the text's later writings from these)."""
        out = self.read.out
        reported = len(out.items)
        effect, offset = self._effect(item)
        if effect is not None and len(out.items) == reported:
            self.made[item.text] = (effect.op, effect.target, effect.value, offset, effect.delay, effect.on)
        return effect

    def _effect(self, item: YScalar) -> tuple[Effect | None, int]:
        """The effect an item states, and the offset of its value's expression (if it has one)."""
        source = item.text
        if match := _ASSIGN.match(source):
            return self._assign(item, match), match.start(3)
        if match := _SCHEDULE_IN.match(source):
            return self._schedule_in(item, match), 0
        if match := _SCHEDULE_ON.match(source):
            return self._schedule_on(item, match), 0
        if match := _UNLOCK.match(source):
            target = match.group(1)
            if target not in self.known.codex_ids:
                self.read.error(self.read.scalar_pos(item, match.start(1)), "unknown-codex", f"effect: unknown codex entry '{target}'")
                return None, 0
            return Effect(_UNLOCK_OP, target, None, self.read.scalar_pos(item, 0)), 0
        if source.strip().startswith("schedule"):
            message = "write 'schedule EVENT in N months' (or days, years) or 'schedule EVENT on YYYY-MM-DD'"
        else:
            message = "an effect is 'name += expr', 'name -= expr', 'name = expr', 'schedule ...' or 'unlock ...'"
        self.read.error(item.pos, "bad-effect", f"effect '{shown(source.strip())}': {message}")
        return None, 0

    def _assign(self, item: YScalar, match: re.Match[str]) -> Effect | None:
        read, source = self.read, item.text
        target, op, rhs = match.groups()
        variables = self.exprs.scope.variables
        info = variables.get(target)
        if info is None or target in CALENDAR:
            message = unknown_name(target, variables) if info is None else f"'{target}' cannot be changed"
            read.error(read.scalar_pos(item, match.start(1)), "unknown-name", f"effect: {message}")
            return None
        if not rhs:
            read.error(read.scalar_pos(item, len(source)), "syntax", f"effect: nothing after '{op}'")
            return None
        value = self.exprs.expr_from(rhs, item, "effect", match.start(3))
        if value is None:
            return None
        flag = self.known.flags.get(target)
        if flag is not None:
            if op != _SET:
                read.error(read.scalar_pos(item, match.start(1)), "type", f"effect: '{target}' is a flag; write '{target} = ...'")
                return None
            self._check_flag_value(flag, value, item, match.start(3))
        elif (const := value.constant()) is not None and isinstance(const, str | bool):
            read.error(read.scalar_pos(item, match.start(3)), "type", f"effect: '{target}' is a number")
            return None
        return Effect(_OPS[op], target, value, read.scalar_pos(item, 0))

    def _schedule_in(self, item: YScalar, match: re.Match[str]) -> Effect | None:
        target, amount, unit = match.groups()
        if not self._check_event_ref(target, item, match.start(1)):
            return None
        if len(amount) > 4:
            self.read.error(self.read.scalar_pos(item, match.start(2)), "number",
                            f"effect: a delay of {shown(amount, 20)} {unit} is too long (at most {MAX_DELAY} {unit})")
            return None
        return Effect(_SCHEDULE, target, None, self.read.scalar_pos(item, 0), delay=(int(amount), unit))

    def _schedule_on(self, item: YScalar, match: re.Match[str]) -> Effect | None:
        target, when = match.groups()
        if not self._check_event_ref(target, item, match.start(1)):
            return None
        try:
            on = GameDate.parse(when)
        except ValueError as exc:
            self.read.error(self.read.scalar_pos(item, match.start(2)), "bad-date", f"effect: {exc}")
            return None
        return Effect(_SCHEDULE, target, None, self.read.scalar_pos(item, 0), on=on)

    def _check_flag_value(self, flag: FlagDef, value: Expr, item: YScalar, offset: int) -> None:
        const = value.constant()
        if flag.values is None:
            if const is not None and not isinstance(const, bool):
                self.read.error(self.read.scalar_pos(item, offset), "type",
                                f"effect: '{flag.id}' is true or false, not {shown(repr(const))}")
        elif const is not None and const not in flag.values:
            self.read.error(self.read.scalar_pos(item, offset), "enum",
                            f"effect: '{flag.id}' is one of {shown(', '.join(flag.values), 200)}; not {shown(repr(const))}")

    def _check_event_ref(self, target: str, item: YScalar, offset: int) -> bool:
        if target not in self.known.event_ids:
            kind = "a scene, not an event" if target in self.known.node_ids else "unknown"
            self.read.error(self.read.scalar_pos(item, offset), "unknown-event", f"effect: cannot schedule '{target}': {kind}")
            return False
        return True


def _split_by_comma(item: YScalar, following: YNode | None) -> str | None:
    """`effects: [party = max(party, 40)]` reads as two items, `party = max(party` and `40)`:
    the whole effect as the writer meant it, when an item opens a call the next one closes."""
    if not item.plain or item.text.count("(") <= item.text.count(")"):
        return None
    if not isinstance(following, YScalar) or following.text.count(")") <= following.text.count("("):
        return None
    return f"{item.text}, {following.text}"
