"""The saves' fixed words live in one place (saves/vocabulary.py) and are what files, listings and
`saves check --format json` show."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from kremlin_tui.saves import CheckStatus, LoadMode, SlotKind, SlotStatus, slot_kind
from kremlin_tui.saves.slots import QUICKSAVE_SLOT

SRC = Path(__file__).resolve().parent.parent / "src" / "kremlin_tui"
WORDS = {str(member) for vocabulary in (SlotKind, SlotStatus, LoadMode, CheckStatus) for member in vocabulary}


def test_the_words_are_the_strings_written_and_shared_where_they_mean_the_same() -> None:
    assert json.dumps([SlotKind.AUTO, CheckStatus.REPLAY_LOSSY]) == '["auto", "replay-lossy"]'
    assert CheckStatus.REPLAY == LoadMode.REPLAY and CheckStatus.DAMAGED == SlotStatus.DAMAGED
    assert {s for s in CheckStatus if s.problem} == {CheckStatus.REPLAY_LOSSY, CheckStatus.DAMAGED, CheckStatus.INCOMPATIBLE}
    assert (slot_kind("autosave-3"), slot_kind(QUICKSAVE_SLOT), slot_kind("mine")) == (SlotKind.AUTO, SlotKind.QUICK,
                                                                                       SlotKind.MANUAL)


def _compared_literals(path: Path) -> list[tuple[int, str]]:
    """String literals the code compares with, returns, or keys a mapping by."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            candidates = [node.left, *node.comparators]
            candidates += [item for c in node.comparators if isinstance(c, ast.Tuple | ast.List | ast.Set) for item in c.elts]
        elif isinstance(node, ast.Return):
            candidates = [node.value] if node.value is not None else []
        elif isinstance(node, ast.Dict):
            candidates = [key for key in node.keys if key is not None]
        else:
            continue
        found += [(c.lineno, c.value) for c in candidates if isinstance(c, ast.Constant) and c.value in WORDS]
    return found


def test_no_module_of_the_saves_or_using_them_writes_out_a_word_of_the_vocabulary_again() -> None:
    users = [path for path in SRC.rglob("*.py") if path.parent.name == "saves" or "kremlin_tui.saves" in path.read_text("utf-8")]
    assert len(users) > 15
    spelled = {f"{path.relative_to(SRC)}:{line}: {word!r}" for path in users
               if path.name != "vocabulary.py" for line, word in _compared_literals(path)}
    assert spelled == set()
