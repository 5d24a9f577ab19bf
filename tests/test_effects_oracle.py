"""Effects built again from their text's first writing (builder/choices.py: `effects`) are the
effects built the long way each time: same operation, target, value, delay, date and positions of
the effect and of its value, and the same problems reported at the same places, for the shipped
story, the mini fixture, the story with the mod example, and generated lists of effects written
plain, quoted, single-quoted or as blocks, in block and flow lists, repeated and broken."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import MANIFEST, MINI

from kremlin_tui.builder import choices as choice_builder
from kremlin_tui.loader import load_story_with_diagnostics
from kremlin_tui.model import Story

ROOT = Path(__file__).resolve().parent.parent


class _Forgetful(dict):  # type: ignore[type-arg]
    """A `made` memo that keeps nothing: every effect is built the long way."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def _effects(story: Story | None) -> list[tuple[Any, ...]]:
    if story is None:
        return []
    found = []
    for node in story.nodes.values():
        for choice in node.choices:
            for effect in [*choice.effects, *(e for o in choice.outcomes for e in o.effects)]:
                value = effect.value
                found.append((node.id, choice.id, type(effect.op), effect.op, effect.target, effect.pos, effect.delay,
                              effect.on, None if value is None else (value.source, value.ast, value.pos)))
    return found


def _previews(story: Story | None) -> list[tuple[Any, ...]]:
    """Each choice's preview, and what it is summed the plain way from the choice's effects: the
    constant amounts added to or taken from visible stats and relations, per name, zeros left out."""
    if story is None:
        return []
    shown = {s.id for s in story.stats.values() if not s.hidden} | set(story.relations)
    found = []
    for node in story.nodes.values():
        for choice in node.choices:
            totals: dict[str, float] = {}
            for effect in () if choice.hide_effects else choice.effects:
                amount = None if effect.value is None else effect.value.constant()
                if effect.target in shown and str(effect.op) in ("+=", "-=") and type(amount) in (int, float):
                    totals[effect.target] = totals.get(effect.target, 0) + (amount if str(effect.op) == "+=" else -amount)
            found.append((choice.preview, tuple((k, v) for k, v in totals.items() if v)))
    return found


def _both(paths: list[str]) -> tuple[Any, Any]:
    """(diagnostics, effects) loaded as the loader does, and with every effect built the long way."""
    story, found = load_story_with_diagnostics(paths, cache=False)
    quick = [(d.pos, d.code, d.message, d.severity) for d in found], _effects(story)
    previews = _previews(story)
    assert [made for made, _plain in previews] == [plain for _made, plain in previews]
    init = choice_builder.ChoiceBuilder.__init__

    def forgetful_init(self: choice_builder.ChoiceBuilder, *args: Any) -> None:
        init(self, *args)
        self.made = _Forgetful()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(choice_builder.ChoiceBuilder, "__init__", forgetful_init)
        story, found = load_story_with_diagnostics(paths, cache=False)
    return quick, ([(d.pos, d.code, d.message, d.severity) for d in found], _effects(story))


@pytest.mark.parametrize("paths", [[ROOT / "story"], [MINI], [ROOT / "story", ROOT / "examples" / "mod-example"]],
                         ids=["story", "mini", "story+mod"])
def test_the_shipped_stories_effects_are_built_alike(paths: list[Path]) -> None:
    quick, slow = _both([str(p) for p in paths])
    assert quick == slow
    assert len(quick[1]) >= 10
    story = load_story_with_diagnostics([str(p) for p in paths], cache=False)[0]
    assert sum(1 for made, _plain in _previews(story) if made) >= (2 if paths == [MINI] else 300)  # previews to compare


_TEXTS = [
    "party += 2", "party -= 2", "party = 3", "party += 2 * 3", "party -= party / 2", "flag_a = true", "flag_a = 3",
    "flag_a += 1", "mood = 'calm'", "mood = 'stormy'", "partyy += 2", "party += ", "party += (1", "party = 'x'",
    "party = max(party", "40)", "party = max(party, 40)", "britain -= 5", "year = 3", "party == 3", "  party += 2",
    "party+=2", "schedule later in 3 months", "schedule later in 1 day", "schedule later in 99999 years",
    "schedule a in 2 days", "schedule nowhere in 2 days", "schedule later on 1925-01-01", "schedule later on 1925-13-01",
    "schedule later", "unlock lenin", "unlock nobody", "bogus", "hidden_x = hidden_x + 1", "party += if(flag_a, 1, 2)",
]
_STYLES = st.sampled_from(["plain", "double", "single", "block"])


def _item(text: str, style: str, indent: str) -> str:
    if style == "double":
        return f'{indent}- "{text}"'
    if style == "single":
        return f"{indent}- '{text.replace(chr(39), chr(39) * 2)}'"
    if style == "block" and text.strip():
        return f"{indent}- |\n{indent}  {text}"
    return f"{indent}- {text}" if text.strip() and not text.startswith(" ") else f'{indent}- "{text}"'


def _scenes(block: list[tuple[str, str]], flow: list[str], outcome: list[tuple[str, str]]) -> str:
    listed = "\n".join(_item(text, style, "          ") for text, style in block) or "          - party += 1"
    outcomes = "\n".join(_item(text, style, "              ") for text, style in outcome) or "              - party += 1"
    return f"""\
nodes:
  - id: a
    title: A
    text: A.
    choices:
      - id: one
        label: One
        effects:
{listed}
        goto: end
      - {{id: two, label: Two, effects: [{", ".join(flow)}], goto: end}}
      - id: three
        label: Three
        outcomes:
          - goto: end
            effects:
{outcomes}
  - id: later
    title: Later
    text: later
    event: {{scheduled: true}}
    choices:
      - {{id: ok, label: OK}}
endings:
  - {{id: end, title: End, text: done}}
codex:
  - {{id: lenin, title: Lenin, category: person, match: [Lenin], text: The founder.}}
"""


@pytest.fixture(scope="module")
def story_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Iterator[Path]]:
    def dirs() -> Iterator[Path]:
        n = 0
        while True:
            n += 1
            yield tmp_path_factory.mktemp(f"effects{n}")

    yield dirs()


def _write(root: Path, block: list[tuple[str, str]], flow: list[str], outcome: list[tuple[str, str]]) -> None:
    (root / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "scenes.yaml").write_text(_scenes(block, flow, outcome), encoding="utf-8")


_VALID = ["party += 2", "party -= 2", "party = 3", "party += 2 * 3", "party -= party / 2", "flag_a = true",
          "mood = 'calm'", "party = max(party, 40)", "britain -= 5", "  party += 2", "party+=2", "schedule later in 3 months",
          "schedule later in 1 day", "schedule later on 1925-01-01", "unlock lenin", "hidden_x = hidden_x + 1",
          "party += if(flag_a, 1, 2)"]


@pytest.mark.parametrize("style", ["plain", "double", "single", "block"])
@pytest.mark.parametrize("texts", [_TEXTS, _VALID], ids=["some-wrong", "all-right"])
def test_every_effect_written_again_in_every_style_is_built_alike(tmp_path: Path, texts: list[str], style: str) -> None:
    """Each text first in `style`, then again in every style, in both lists and an outcome's."""
    styles = ["plain", "double", "single", "block"]
    again = [(text, style) for text in texts] + [(text, other) for text in texts for other in styles]
    flow = [t for t in texts if not t.startswith(" ") and "'" not in t and ("," not in t or texts is _TEXTS)]
    _write(tmp_path, again, flow * 2, again[::-1])
    quick, slow = _both([str(tmp_path)])
    assert quick == slow
    if texts is _TEXTS:
        assert len(quick[0]) > 50  # problems reported, many times over
    else:
        assert quick[0] == [] and len(quick[1]) > 150  # effects built, many times over
        assert {effect[4] for effect in quick[1]} == {"party", "flag_a", "mood", "later", "lenin", "britain", "hidden_x"}


_WRITTEN = st.lists(st.tuples(st.sampled_from(_TEXTS), _STYLES), max_size=8)
_FLOW = st.lists(st.sampled_from([t for t in _TEXTS if not t.startswith(" ") and "'" not in t]), max_size=5)


@settings(max_examples=150, deadline=None)
@given(block=_WRITTEN, flow=_FLOW, outcome=_WRITTEN)
def test_generated_effects_are_built_alike(story_dirs: Iterator[Path], block: list[tuple[str, str]], flow: list[str],
                                           outcome: list[tuple[str, str]]) -> None:
    root = next(story_dirs)
    _write(root, block, flow, outcome)
    quick, slow = _both([str(root)])
    assert quick == slow
