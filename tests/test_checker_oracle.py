"""`check` reports what it reported before its passes shared one walk of the story (issue 19).

The oracle is the analysis as it was (tests/checker_reference.py, a copy): on the shipped
story, the fixtures, a mod on the story, and copies of the story with many seeded edits (bad
gotos, conditions that never hold, divisions by zero, codex words, braces, list-like lines,
callbacks, hints in labels), the diagnostics must be the same, in the same order, and so
must the figures of the summary.
"""

from __future__ import annotations

import functools
import math
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import checker_reference as reference
from kremlin_tui.checker import Collector, _list_like_texts, analyse, load_story_with_diagnostics, refined_scope
from kremlin_tui.checker_index import StoryIndex, text_name
from kremlin_tui.paths import default_story_dir
from kremlin_tui.story_stats import story_stats
from kremlin_tui.structure import _expressions

ROOT = Path(__file__).resolve().parent.parent
STORY = default_story_dir()


PROSE = re.compile(r"^      [A-Z][^:\"'{}#\[\]]*$")  # a line of a `|` text
LABEL = re.compile(r"^\s+label: [^\"'{}#\[\],]*$")
CONDITION = re.compile(r"if: (?![\"'])")


@functools.cache
def _names() -> tuple[list[str], list[str], list[str], list[str]]:
    """The story's scenes, its flags that several choices set (a "Because" on one is a false
    callback), its events that wait to be scheduled, and its codex entries."""
    story, _found = load_story_with_diagnostics([str(STORY)], cache=False)
    assert story is not None
    scenes = sorted(n.id for n in story.nodes.values() if n.kind == "scene" and not n.is_ending)
    setters = reference._setters(story)
    shared = sorted(flag for flag, values in setters.items() if len(values.get("True", ())) > 1)
    scheduled = sorted(n.id for n in story.nodes.values() if n.event is not None and n.event.scheduled)
    assert scenes and shared and scheduled
    return scenes, shared, scheduled, sorted(story.codex)


def _edits(rng: random.Random) -> list[tuple[re.Pattern[str], Callable[[str], str]]]:
    """(the lines it applies to, the change): each makes something a pass reports, or moves it."""
    scenes, shared, scheduled, codex = _names()
    return [
        (CONDITION, lambda line: CONDITION.sub("if: party > 500 and ", line, count=1)),  # never true
        (CONDITION, lambda line: CONDITION.sub(f"if: {rng.choice(shared)} and ", line, count=1)),
        (re.compile(r"\+= "), lambda line: line.replace("+= ", "+= 10 / (2 - 2) + ", 1)),  # division by zero
        (re.compile(r"-= "), lambda line: line.replace("-= ", "-= party % 0 + ", 1)),
        (re.compile(r"goto: \w"), lambda line: re.sub(r"goto: \w+", f"goto: {rng.choice(scenes)}", line, count=1)),
        (PROSE, lambda line: line + " {if party > 500}unseen{end}"),
        (PROSE, lambda line: line + " {if party / 0 > 1}x{end} {party % 0}"),
        (PROSE, lambda line: line + f" {{if {rng.choice(shared)}}}*Because* you chose so, it is.{{end}}"),
        (PROSE, lambda line: line + f" {{if {rng.choice(shared)}}}{{party}} Since then.{{elif not {rng.choice(shared)}}}"
                                    "Thanks to you.{end}"),
        (PROSE, lambda line: line + " Lenin and the Red  Army, the Politburo's war, Kollontai."),
        (PROSE, lambda line: line + "\n" + line[:6] + rng.choice(["1925. The year", "- a dash", "2) two", "* star"])),
        (re.compile(r"^    codex: \["), lambda line: "    codex: []"),  # the texts' mentions must unlock them
        (re.compile(r"match: \["), lambda line: line.replace("match: [", "match: [Kremlin, ", 1)),  # shared words
        (LABEL, lambda line: line.replace("label: ", 'label: "1925. ', 1) + '"'),  # a list from the first line
        (LABEL, lambda line: line + " {if party > 500}never{end}"),
        (re.compile(r"effects: \["), lambda line: line.replace("effects: [", f"effects: [unlock {rng.choice(codex)}, ", 1)),
        (re.compile(r"weight: \d"), lambda line: line.replace("weight: ", "weight: 10 / (2 - 2) + ", 1)),
        (re.compile(r"effects: \["), lambda line: line.replace("effects: [", f"effects: [schedule {rng.choice(scheduled)} in 3 days, ", 1)),
        (LABEL, lambda line: line + rng.choice([" (Party ▲)", " (Army ▼, a gamble)", " (a gamble)", " (Party ▲, Army ▼)",
                                                 " (Trotsky ▲)", " (risk)", " (Party ▲▼)"])),
    ]


def _mutated(seed: int, edits: int, dest: Path) -> str:
    rng = random.Random(seed)
    shutil.copytree(STORY, dest)
    files = sorted(dest.rglob("*.yaml"))
    kinds = _edits(rng)
    for _ in range(edits):
        pattern, change = rng.choice(kinds)
        path = rng.choice(files)
        lines = path.read_text(encoding="utf-8").split("\n")
        candidates = [i for i, line in enumerate(lines) if pattern.search(line)]
        if candidates:
            i = rng.choice(candidates)
            lines[i] = change(lines[i])
            path.write_text("\n".join(lines), encoding="utf-8")
    return str(dest)


def _same_reports(dirs: list[str]) -> int:
    story, found = load_story_with_diagnostics(dirs, cache=False)
    assert story is not None, [str(d) for d in found if d.severity == "error"][:5]
    new, old = Collector(), Collector()
    analyse(story, new)
    reference.analyse(story, old)
    assert [(d.code, d.severity, str(d)) for d in new.items] == [(d.code, d.severity, str(d)) for d in old.items]
    assert story_stats(story) == reference.story_stats(story)
    # what the walk gathered, against what each pass gathered for itself
    walked = StoryIndex(story)
    assert walked.setters == reference._setters(story)
    assert refined_scope(story, walked).variables == reference.refined_scope(story).variables
    effects = [effect for _node, _choice, effect in reference.all_effects(story)]
    assert walked.scheduled == {e.target for e in effects if e.op == "schedule"}
    assert walked.unlocked == {e.target for e in effects if e.op == "unlock"}
    templates = list(reference._templates(story))
    assert [(text_name(walked.texts[at]), cond) for at, passages in walked.passages.items() for cond, _body in passages] \
        == [(where, cond) for where, template in templates for cond in reference._conditions(template)]
    assert [e for e in _expressions(walked) if "/" in e.source or "%" in e.source] \
        == [e for e in reference._expressions(story, templates) if "/" in e.source or "%" in e.source]
    assert list(_list_like_texts(walked)) == list(reference._list_like_texts(story))
    return len(new.items)


@pytest.mark.parametrize("dirs", [[str(STORY)], [str(ROOT / "tests" / "fixtures" / "mini")],
                                  [str(STORY), str(ROOT / "examples" / "mod-example")]], ids=["story", "mini", "mod"])
def test_the_shipped_stories_are_reported_as_before(dirs: list[str]) -> None:
    _same_reports(dirs)


@pytest.mark.parametrize("seed", range(8))
def test_an_edited_story_is_reported_as_before(seed: int, tmp_path: Path) -> None:
    found = _same_reports([_mutated(seed, 40 + 10 * seed, tmp_path / "story")])
    assert found > 0  # the edits broke something: the passes had something to say


SPANS = st.tuples(st.sampled_from([-math.inf, -2.5, -1, 0, 0.0, 1, 3.5, math.inf]),
                  st.sampled_from([-math.inf, -2.5, -1, 0, 0.0, 1, 3.5, math.inf]))


@settings(max_examples=800, deadline=None)
@given(names=st.lists(st.lists(st.none() | SPANS, min_size=1, max_size=3), min_size=1, max_size=3),
       up=st.booleans(), gamble=st.booleans(), outcomes=st.integers(0, 3), decided=st.booleans())
def test_a_hint_is_judged_as_before_on_any_changes(names: list[list[tuple[float, float] | None]], up: bool, gamble: bool,
                                                  outcomes: int, decided: bool) -> None:
    """`_check_hint`'s verdict from each name's change on each path (None: not touched), any
    mix of rises, falls, zero, unbounded, outcomes the state decides or not: the same as the old code's."""
    from kremlin_tui import label_hints

    ways = [(i,) for i in range(len(names[0]))]
    spans = {f"v{n}": changes + [None] * (len(ways) - len(changes)) for n, changes in enumerate(names)}
    choice = SimpleNamespace(outcomes=(None,) * outcomes, effects=())
    hint = label_hints.Hint("v ▲", frozenset(spans), up)

    def change_span(path: tuple[int, ...], name: str, _scope: object) -> tuple[float, float] | None:
        return spans[name][path[0]] if path[0] < len(spans[name]) else None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(label_hints, "change_span", change_span)
        patch.setattr(reference, "change_span", change_span)
        patch.setattr(reference, "paths", lambda _choice: ways)
        patch.setattr(label_hints, "decided_by_state", lambda _choice: decided)
        patch.setattr(reference, "decided_by_state", lambda _choice: decided)
        assert label_hints._check_hint(hint, choice, None, gamble, ways) == reference._check_hint(hint, choice, None, gamble)


def test_truth_reads_the_remembered_analysis_as_truth_of_works_it_out() -> None:
    """checker.truth takes a condition's truth from the scope's remembered analysis (errors
    included: BOTH): the same as analysed.truth_of, on every condition of the story, in the
    loader's scope and in a fresh one with nothing remembered."""
    from kremlin_tui import analysed, checker
    from kremlin_tui.expr import Expr, Scope, parse

    story, _found = load_story_with_diagnostics([str(STORY)], cache=False)
    assert story is not None
    conditions = [c.condition for n in story.nodes.values() for c in n.choices] + [None]
    conditions += [cond for passages in StoryIndex(story).passages.values() for cond, _body in passages]
    conditions += [Expr("nowhere > 1", parse("nowhere > 1"), None), Expr("party + 'x'", parse("party + 'x'"), None)]
    scope = refined_scope(story)
    fresh = Scope(scope.variables, scope.nodes, scope.choices, scope.relations)
    for where in (scope, fresh):
        assert [checker.truth(c, where) for c in conditions] == [analysed.truth_of(c, where) for c in conditions]
        assert [checker.truth(c, where) for c in conditions] == [analysed.truth_of(c, where) for c in conditions]  # remembered now
