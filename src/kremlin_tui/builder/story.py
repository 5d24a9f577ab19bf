"""The passes of building a story: read every file, collect declarations (so a scene may name
a flag declared in a later file), then build the model, checking each name, expression and
target. Whole-story analysis (reachability, dead ends, conditions that never hold) is the
checker's job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from kremlin_tui.analysed import remembered
from kremlin_tui.builder.choices import ChoiceBuilder, Known
from kremlin_tui.builder.codex import build_codex, codex_words
from kremlin_tui.builder.declarations import Declarations
from kremlin_tui.builder.exprs import Expressions
from kremlin_tui.builder.manifest import build_campaign, build_chapters
from kremlin_tui.builder.reader import Reader, is_true
from kremlin_tui.builder.scenes import SceneBuilder, check_targets, declare_choices, declare_nodes
from kremlin_tui.builder.state import build_state, story_variables
from kremlin_tui.diagnostics import Collector
from kremlin_tui.expr import Scope
from kremlin_tui.model import Story
from kremlin_tui.storyfiles import SourceFile
from kremlin_tui.storymap import build_map
from kremlin_tui.yamlsource import YScalar, parse_yaml_bytes


def build_story(out: Collector, files: list[SourceFile], dirs: list[str], key: str | Callable[[], str]) -> Story | None:
    """The story the files describe, or None when anything is wrong (`out` says what). `key`:
    the files' content hash, or how to work it out if it is ever read (model.Story)."""
    read = Reader(out)
    raw = Declarations()
    broken_files = False  # a file that did not parse: its ids are missing, so skip cross-checks
    for source in files:
        tree = parse_yaml_bytes(source.data, source.path, out)
        if tree is None:
            broken_files = True
            continue
        read.texts[source.path] = source.data  # (decoded if a position inside a scalar is asked for)
        raw.collect(read, tree, source.path)
    if broken_files and not raw.campaign:
        return None
    campaign = build_campaign(read, raw, files[0].path if files else None)
    chapters = build_chapters(read, raw)
    state = build_state(read, raw)
    if campaign is not None:  # the map reads the relations: built after them (storymap.py)
        campaign = replace(campaign, map=build_map(read, raw.campaign[0].values.get("map"), state.relations))
    node_ids, event_ids = declare_nodes(read, raw)
    choice_keys = declare_choices(read, raw)
    scope = remembered(Scope(story_variables(state.stats, state.relations, state.flags), node_ids, choice_keys, set(state.relations)))
    codex_ids, mention_index = codex_words(read, raw)
    exprs = Expressions(read, scope, mention_index)
    codex = build_codex(read, exprs, raw)
    visible_stats = {str(d.values["id"].text) for d in raw.stats  # type: ignore[union-attr]
                     if isinstance(d.values.get("id"), YScalar) and not is_true(d.values.get("hidden"))}
    known = Known(state.flags, frozenset(node_ids), frozenset(event_ids), frozenset(codex_ids),
                  frozenset(visible_stats) | frozenset(state.relations))
    scenes = SceneBuilder(read, exprs, ChoiceBuilder(read, exprs, known), chapters)
    nodes = scenes.nodes(raw)
    scenes.apply_extends(raw, nodes)
    if not broken_files:  # else the targets may be defined in the file that could not be read
        check_targets(read, nodes, campaign, node_ids)
    if campaign is None or out.errors:
        return None
    events = sorted(
        (n for n in nodes.values() if n.event is not None),
        key=lambda n: (-n.event.priority, n.event.after or campaign.start_date, n.id),  # type: ignore[union-attr]
    )
    return Story(
        campaign=campaign,
        chapters=tuple(chapters.values()),
        stats=state.stats,
        relations=state.relations,
        flags=state.flags,
        nodes=nodes,
        codex=codex,
        events=tuple(n.id for n in events),
        content_hash=key,  # type: ignore[arg-type]  # (model._ContentHash takes either)
        sources=tuple(dirs),
        files=tuple(f.path for f in files),
        triggers={n.id: n.event for n in events if n.event is not None},
    )
