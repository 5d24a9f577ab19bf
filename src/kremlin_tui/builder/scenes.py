"""Scenes, events and endings: their ids (declared before anything is built), the nodes
themselves, the choices that `extend` adds to them, and the check that every `goto` lands."""

from __future__ import annotations

from dataclasses import replace

from kremlin_tui.analysed import scope_digest
from kremlin_tui.builder.choices import ChoiceBuilder
from kremlin_tui.builder.declarations import Declarations, DeclaredNode
from kremlin_tui.builder.exprs import Expressions
from kremlin_tui.builder.reader import Reader, one_of
from kremlin_tui.diagnostics import Pos, shown
from kremlin_tui.expr import unknown_name
from kremlin_tui.memo import digest, memo
from kremlin_tui.memo import enabled as memo_enabled
from kremlin_tui.model import Campaign, Chapter, Choice, EventTrigger, Node
from kremlin_tui.spec import TAGS
from kremlin_tui.yamlsource import YMap, YNode, YScalar


def declare_nodes(read: Reader, raw: Declarations) -> tuple[set[str], set[str]]:
    """Every declared scene id, and which of them are events (reporting duplicates)."""
    seen: dict[str, Pos] = {}
    events: set[str] = set()
    for declared in raw.nodes:
        values = declared.values
        node_id = read.ident(values.get("id"), "id")
        if node_id is None:
            continue
        if node_id in seen:
            read.error(values["id"].pos, "duplicate-id", f"'{node_id}' is already defined at {seen[node_id]}")
            continue
        seen[node_id] = declared.pos
        if "event" in values:
            events.add(node_id)
    return set(seen), events


def declare_choices(read: Reader, raw: Declarations) -> set[str]:
    """Every `scene.choice` key, for `chose(...)` in expressions."""
    keys: set[str] = set()
    owners = [(d, "id") for d in raw.nodes] + [(d, "node") for d in raw.extend]
    for declared, key in owners:
        node_id = read.text(declared.values.get(key), key)
        for item in read.items(declared.values.get("choices"), "choices"):
            if isinstance(item, YMap) and isinstance(item.items.get("id"), YScalar):
                keys.add(f"{node_id}.{item.items['id'].text}")  # type: ignore[union-attr]
    return keys


# The language server's memo of built scenes (SceneBuilder._remembered). Each entry keeps its
# scene's YAML subtree alive, so it holds about the story's scenes twice over, not every edit
# of a long session (nodes() raises the bound for a larger story).
_NODES = memo(1_500)


class SceneBuilder:
    def __init__(self, read: Reader, exprs: Expressions, choices: ChoiceBuilder, chapters: dict[str, Chapter]) -> None:
        self.read = read
        self.exprs = exprs
        self.choices = choices
        self.chapters = chapters

    def nodes(self, raw: Declarations) -> dict[str, Node]:
        nodes: dict[str, Node] = {}
        context = self._context() if memo_enabled() else ""
        _NODES.size = max(_NODES.size, 3 * len(raw.nodes))
        for declared in raw.nodes:
            node = self._remembered(declared, context) if context else self.node(declared)
            if node is not None and node.id not in nodes:
                nodes[node.id] = node
        return nodes

    def _remembered(self, declared: DeclaredNode, context: str) -> Node | None:
        """`node(declared)`, or what it gave and reported before for the same YAML objects in
        the same context (the language server: an unchanged file's tree is remembered whole,
        so only the scenes of the file being edited are built again)."""
        out = self.read.out
        key = (tuple(declared.values.items()), declared.pos, declared.path, declared.chapter, declared.ending,
               context, bool(out.errors))  # a choice's checks look at whether anything failed before
        known = _NODES.get(key)
        if known is None:
            before = len(out.items)
            node = self.node(declared)
            known = (node, out.items[before:])
            _NODES.put(key, known)
        else:
            out.items.extend(known[1])
        return known[0]

    def _context(self) -> str:
        """Everything building a scene reads besides its own YAML: the story's names (flags with
        their values, scenes, events, codex entries, chapters, what a preview shows), the
        expressions' scope and the codex words."""
        known = self.choices.known
        text = repr((sorted(map(repr, known.flags.values())), sorted(known.node_ids), sorted(known.event_ids),
                     sorted(known.codex_ids), sorted(known.previewed), sorted(self.chapters),
                     scope_digest(self.exprs.scope), self.exprs.mention_index.key))
        return digest(text)

    def node(self, declared: DeclaredNode) -> Node | None:
        read, values, pos, ending = self.read, declared.values, declared.pos, declared.ending
        node_id = read.ident(values.get("id"), "id")
        title = read.text(values.get("title"), "title")
        text = self.exprs.template(values.get("text"), "text")
        chapter = read.ident(values.get("chapter"), "chapter") or declared.chapter
        if chapter and self.chapters and chapter not in self.chapters:
            where = values["chapter"].pos if "chapter" in values else pos
            read.error(where, "unknown-chapter", f"unknown chapter '{chapter}'")
        codex_refs = read.strings(values["codex"], "codex") if "codex" in values else ()  # (most scenes have none)
        for ref, item in zip(codex_refs, read.items(values.get("codex"), "codex"), strict=False):
            if ref not in self.choices.known.codex_ids:
                read.error(item.pos, "unknown-codex", f"unknown codex entry '{shown(ref)}'")
        tags = self._tags(values["tags"]) if "tags" in values else ()
        event = self.event(values["event"]) if "event" in values else None
        choices = () if ending else self._choices(values, pos, node_id, event is not None)
        divergence = self.exprs.template(values.get("divergence"), "divergence") if ending else None
        if node_id is None or title is None or text is None:
            return None
        date = read.date(values.get("date"), "date")
        place = read.text(values.get("place"), "place") or ""
        return Node(node_id, title, text, date, place, chapter, tags, codex_refs, choices, event, ending, divergence, pos,
                    read.boolean(values.get("repeatable"), "repeatable"))

    def _tags(self, node: YNode | None) -> tuple[str, ...]:
        """Content tags: the player reads them as warnings. Tags of a story's own are allowed
        (docs/story-format.md), but `check` names each that is not in `spec.TAGS`: a typo."""
        tags = self.read.strings(node, "tags")
        for tag, item in zip(tags, self.read.items(node, "tags"), strict=False):
            if tag not in TAGS:
                self.read.warning(item.pos, "unknown-tag", f"content tag '{shown(tag)}' is not one of {one_of(TAGS)} "
                                  "(a tag of the story's own is shown as written)")
        return tags

    def _choices(self, values: dict[str, YNode], pos: Pos, node_id: str | None, in_event: bool) -> tuple[Choice, ...]:
        items = self.read.items(values.get("choices"), "choices")
        if not items:
            self.read.error(pos, "no-choices", f"scene '{node_id}' has no choices (a scene that ends the game belongs in 'endings')")
        return self._unique(items, node_id or "", in_event, set(),
                            lambda choice: f"choice '{choice.id}' appears twice in '{node_id}'")

    def _unique(self, items: list[YNode], node_id: str, in_event: bool, seen: set[str], twice) -> tuple[Choice, ...]:  # type: ignore[no-untyped-def]
        """The choices built from `items`, each id once (`seen` holds the ids already there)."""
        built: list[Choice] = []
        for item in items:
            choice = self.choices.choice(item, node_id, in_event)
            if choice is None:
                continue
            if choice.id in seen:
                self.read.error(choice.pos, "duplicate-id", twice(choice))
                continue
            seen.add(choice.id)
            built.append(choice)
        return tuple(built)

    def event(self, node: YNode) -> EventTrigger | None:
        read = self.read
        values = read.fields(node, "event")
        if values is None:
            return None
        priority = read.number(values.get("priority"), "priority", 0)
        trigger = EventTrigger(
            after=read.date(values.get("after"), "after"),
            before=read.date(values.get("before"), "before"),
            condition=self.exprs.expr(values.get("if"), "event condition"),
            priority=int(priority or 0),
            scheduled=read.boolean(values.get("scheduled"), "scheduled"),
            pos=node.pos,
        )
        if trigger.after is not None and trigger.before is not None and trigger.last_day < trigger.after.day:
            read.error(values["before"].pos, "never-open",
                       f"the event's window never opens: 'before: {trigger.before.iso()}' is earlier than "
                       f"'after: {trigger.after.iso()}'")
        return trigger

    def apply_extends(self, raw: Declarations, nodes: dict[str, Node]) -> None:
        """Add the choices of `extend:` sections to the scenes they name."""
        read = self.read
        for declared in raw.extend:
            values = declared.values
            target = read.ident(values.get("node"), "node")
            if target is None:
                continue
            node = nodes.get(target)
            if node is None:
                read.error(values["node"].pos, "unknown-node", f"extend: unknown scene '{target}'")
                continue
            if node.is_ending:
                read.error(values["node"].pos, "extend-ending", f"extend: '{target}' is an ending; endings have no choices")
                continue
            added = self._unique(read.items(values.get("choices"), "choices"), target, node.event is not None,
                                 {c.id for c in node.choices},
                                 lambda choice: f"extend: '{target}' already has a choice '{choice.id}'")  # noqa: B023
            # a mod whose side scene returns to the scene it extends makes that scene a hub
            repeatable = node.repeatable or read.boolean(values.get("repeatable"), "repeatable")
            nodes[target] = replace(node, choices=node.choices + added, repeatable=repeatable)


def check_targets(read: Reader, nodes: dict[str, Node], campaign: Campaign | None, declared_ids: set[str]) -> None:
    """Every `goto` names a scene or ending (not an event), and the campaign starts at a scene."""
    if campaign is not None:
        start = nodes.get(campaign.start)
        if start is None and campaign.start in declared_ids:
            pass  # declared, but it could not be built: its own error says why
        elif start is None:
            read.error(campaign.pos, "unknown-node", f"start: unknown scene '{campaign.start}'")
        elif start.is_ending or start.event is not None:
            read.error(campaign.pos, "bad-start", f"start: '{campaign.start}' must be an ordinary scene")
    get = nodes.get
    for node in nodes.values():
        for choice in node.choices:
            goto = choice.goto  # (most lead to an ordinary scene: one lookup, nothing to report)
            if goto is not None and ((dest := get(goto)) is None or dest.event is not None):
                _check_target(read, nodes, goto, choice.goto_pos or choice.pos, declared_ids)
            for outcome in choice.outcomes:
                goto = outcome.goto
                if goto is not None and ((dest := get(goto)) is None or dest.event is not None):
                    _check_target(read, nodes, goto, outcome.goto_pos or outcome.pos, declared_ids)


def _check_target(read: Reader, nodes: dict[str, Node], target: str, where: Pos, declared_ids: set[str]) -> None:
    """A `goto` that names no scene or ending that was built, or names an event."""
    dest = nodes.get(target)
    if dest is None and target in declared_ids:
        return  # declared, but it could not be built: its own error says why
    if dest is None:
        read.error(where, "unknown-node", f"goto: {unknown_name(target, nodes).replace('name', 'scene', 1)}")
    elif dest.event is not None:
        read.error(where, "goto-event", f"goto: '{target}' is an event; events fire by themselves")
