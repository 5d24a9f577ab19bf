"""The front ends know no campaign: who the player is, the countries, the years and the names
come from the story's manifest, so another story or a mod shows its own (issue 16).

The test gathers the shipped campaign's proper names (its premise, title line, countries,
stats, codex entries) and looks for them in every string the UI code can show: the string
constants of tui/, plain mode, the presentation layer and the browser page. Docstrings and
comments may quote the campaign as an example; what reaches a player may not."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kremlin_tui.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "kremlin_tui"
STORY = str(ROOT / "story")
UI_CODE = [*sorted((SRC / "tui").rglob("*.py")), *sorted(SRC.glob("plain*.py")), *sorted(SRC.glob("plain/*.py")),
           SRC / "present.py", *sorted((SRC / "web").rglob("*.py"))]
UI_PAGES = sorted((SRC / "web" / "templates").glob("*.html"))
PRODUCT = {"Kremlin", "TUI"}  # the program's own name, which the shipped campaign shares


def campaign_names() -> set[str]:
    """Capitalised words and years of the campaign's own text: Trotsky, Lenin, Moscow, 1924, Britain…"""
    story = load_story([STORY])
    campaign = story.campaign
    texts = [campaign.premise, campaign.tagline, *(r.name for r in story.relations.values()),
             *(entry.title for entry in story.codex.values())]
    words = {w for text in texts for w in re.findall(r"\b[A-Z][a-z]{3,}\b|\b1[89]\d\d\b", text)}
    words.add(str(campaign.start_date.day.year))
    # words any English sentence may start with, in the premise's own text
    ordinary = {"January", "Each", "Some", "This", "Many", "Scenes", "What", "When", "Your", "Under", "With", "Find", "Turn",
                "Win", "Party", "Army", "Union", "Plan", "Congress", "Committee", "Treaty", "Front", "Terror", "Pact", "Famine",
                "War", "Left", "Right", "Opposition", "Trial", "Trials", "Policy", "Economic", "General", "Central", "Bureau"}
    return words - ordinary - PRODUCT


def shown_strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_campaign_names_are_found_at_all() -> None:
    names = campaign_names()
    assert {"Trotsky", "Lenin", "Moscow", "1924", "Britain"} <= names


def test_no_campaign_name_is_written_into_the_front_ends() -> None:
    names = campaign_names()
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    found = [f"{path.relative_to(ROOT)}:{line}: {match.group(1)} in {text[:60]!r}"
             for path in UI_CODE for line, text in shown_strings(path) for match in [pattern.search(text)] if match]
    found += [f"{page.relative_to(ROOT)}:{number}: {match.group(1)}"
              for page in UI_PAGES for number, text in enumerate(page.read_text().splitlines(), 1)
              for match in [pattern.search(text)] if match]
    assert not found, "\n".join(found)
