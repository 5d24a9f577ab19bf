"""Issue 19: fixed vocabularies are StrEnums with one home (model.NodeKind, model.EffectOp,
spec.Polarity, state.ChangeKind; the load screen's rows: tui.screens.saves.RowKind; the story map's arrows:
graph.EdgeKind; the language server's completions: lsp.index.CompletionKind; an expression's
value: expr_base.ValueKind; a problem's severity: diagnostics.Severity; a date's precision:
dates.Precision), and code compares with their members, not with the words written out again:
a misspelt `scene.kind == "endign"` is silently never true, a misspelt `NodeKind.ENDIGN` fails
at once. (The saves' words: tests/test_saves_vocabulary.py.)

In Python 3.11 looking an enum member up costs ~0.5 µs (a literal ~0.07 µs), so hot code binds
the members it needs to module names once (present.py's `_UP`, `_NEUTRAL`)."""

from __future__ import annotations

import ast
from pathlib import Path

from kremlin_tui.calendar import CALENDAR
from kremlin_tui.dates import Precision
from kremlin_tui.diagnostics import Severity
from kremlin_tui.expr_base import ValueKind
from kremlin_tui.graph import EdgeKind
from kremlin_tui.lsp.index import CompletionKind
from kremlin_tui.model import EffectOp, NodeKind
from kremlin_tui.spec import Polarity
from kremlin_tui.state import ChangeKind
from kremlin_tui.tui.screens.saves import RowKind

SRC = Path(__file__).resolve().parent.parent / "src" / "kremlin_tui"
# what a name or attribute called so holds -> the words of its vocabulary
VOCABULARIES = {"kind": {str(k) for k in (*NodeKind, *RowKind, *EdgeKind, *CompletionKind, *ChangeKind)}, "op": {str(o) for o in EffectOp},
                "polarity": {str(p) for p in Polarity}, "severity": {str(s) for s in Severity},
                "precision": {str(p) for p in Precision}}
# An expression's value kind (`value.kind == "num"`) as an attribute only: the tokenizer's own
# `kind == "num"` compares token kinds, a vocabulary of the parser's hot loop (expr_syntax.py).
ATTRIBUTE_VOCABULARIES = {"kind": {str(k) for k in ValueKind}}

# Comparisons still written out, each to go when its module compares with the enum (the test
# fails on an entry that is no longer found, so the list only shrinks). Empty since session 16:
# engine_plan._step and state._is_plain_flag were the last. builder/choices.py compares the text of
# an effect before it becomes an EffectOp, which the scan does not count.
NOT_YET: set[str] = set()


def _spelled_out(path: Path, root: Path = SRC) -> set[str]:
    """`x.kind == "ending"`, `op in ("+=", "-=")`, `polarity != "up"`: a vocabulary's word
    compared with a name or attribute that holds that vocabulary."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        held = {s.attr if isinstance(s, ast.Attribute) else s.id for s in sides if isinstance(s, ast.Attribute | ast.Name)}
        attributes = {s.attr for s in sides if isinstance(s, ast.Attribute)}
        words = [s for s in sides if isinstance(s, ast.Constant)]
        words += [e for s in sides if isinstance(s, ast.Tuple | ast.List | ast.Set) for e in s.elts if isinstance(e, ast.Constant)]
        for name in held & VOCABULARIES.keys():
            found |= {f"{path.relative_to(root).as_posix()}: {name} == {w.value!r}" for w in words if w.value in VOCABULARIES[name]}
        for name in attributes & ATTRIBUTE_VOCABULARIES.keys():
            found |= {f"{path.relative_to(root).as_posix()}: .{name} == {w.value!r}" for w in words
                      if w.value in ATTRIBUTE_VOCABULARIES[name]}
    return found


def _calendar_names_written_out(path: Path, root: Path = SRC) -> set[str]:
    """`vars["year"]`, `vars.get("decisions")`, `name == "day"`, `{"month": ...}`: a name of the
    calendar (calendar.CALENDAR) used as a variable's name instead of calendar.YEAR and the rest."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Subscript):
            keys = [node.slice]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "pop", "setdefault"):
            keys = node.args[:1]
        elif isinstance(node, ast.Compare):
            keys = [node.left, *node.comparators]
        elif isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None]
        else:
            continue
        found |= {f"{path.relative_to(root).as_posix()}:{k.lineno}: {k.value!r}" for k in keys
                  if isinstance(k, ast.Constant) and k.value in CALENDAR}
    return found


# JSON field names that happen to be spelled like a calendar name (a save's summary, explore's report)
NOT_CALENDAR_NAMES = {"saves/document.py", "saves/formats.py", "explore.py", "explore_report.py"}


def test_the_calendars_names_have_one_home() -> None:
    """calendar.py names the variables every story has; the engine, the loader, Why? and the
    saves use its constants, so a rename (or a misspelling) cannot split them."""
    written = set().union(*(_calendar_names_written_out(p) for p in SRC.rglob("*.py")
                            if p.relative_to(SRC).as_posix() not in NOT_CALENDAR_NAMES | {"calendar.py"}))
    assert written == set()


def test_the_calendar_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('def f(vars, name):\n    vars["year"] = 1\n    return vars.get("decisions"), name == "day", '
                      '{"month": 1}, vars["x"], name == "years"\n', encoding="utf-8")
    assert _calendar_names_written_out(sample, tmp_path) == {"sample.py:2: 'year'", "sample.py:3: 'decisions'",
                                                              "sample.py:3: 'day'", "sample.py:3: 'month'"}


def test_no_module_writes_out_a_word_of_the_storys_vocabularies() -> None:
    spelled = set().union(*(_spelled_out(p) for p in SRC.rglob("*.py")))
    assert spelled - NOT_YET == set(), "compare with the enum member (model.NodeKind, model.EffectOp, spec.Polarity)"
    assert NOT_YET - spelled == set(), "no longer written out: remove from NOT_YET"


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """A scan that found nothing would hold nothing."""
    sample = tmp_path / "sample.py"
    sample.write_text('def f(scene, effect, polarity, value, kind):\n    return scene.kind == "ending" or effect.op in ("+=", "x") '
                      'or polarity != "up" or scene.kind == "hidden" or value.kind != "num" or kind == "str"\n', encoding="utf-8")
    assert _spelled_out(sample, tmp_path) == {"sample.py: kind == 'ending'", "sample.py: op == '+='", "sample.py: polarity == 'up'",
                                              "sample.py: .kind == 'num'", "sample.py: kind == 'hidden'"}  # a ChangeKind word
