"""The published JSON Schema agrees with the loader: every valid story file validates, as an
editor's YAML 1.2 language server reads it, and typical mistakes are flagged."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from kremlin_tui.paths import default_story_dir
from kremlin_tui.schema import story_schema

ROOT = Path(__file__).resolve().parent.parent


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as editors do: no timestamps, and only true/false are booleans."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def story_files() -> list[Path]:
    dirs = [default_story_dir(), ROOT / "tests" / "fixtures" / "mini", ROOT / "examples" / "mod-example"]
    return [p for d in dirs for p in sorted(Path(d).rglob("*.yaml"))]


@pytest.mark.parametrize("path", story_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_story_files_validate_against_the_schema(path: Path) -> None:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)  # a SafeLoader subclass
    jsonschema.validate(data or {}, story_schema())


@pytest.mark.parametrize(
    "document",
    [
        {"nodes": [{"id": "a", "title": "A", "text": "t", "choises": []}]},
        {"nodes": [{"id": "a b", "title": "A", "text": "t"}]},
        {"stats": [{"id": "x", "label": "X", "initial": "high"}]},
        {"codex": [{"id": "x", "title": "X", "category": "animal", "text": "t"}]},
        {"campaign": {"id": "x", "title": "T"}},
    ],
)
def test_the_schema_flags_typical_mistakes(document: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, story_schema())


def test_schema_validate_accepts_the_shipped_story_with_unquoted_dates(capsys: pytest.CaptureFixture[str]) -> None:
    from kremlin_tui.cli import main

    files = [str(p) for p in story_files()]
    assert main(["schema", "--validate", *files]) == 0
    assert capsys.readouterr().out.strip().endswith(f"0 error(s) in {len(files)} file(s)")


def test_schema_validate_reports_positions_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kremlin_tui.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes:\n  - id: a\n    title: A\n    text: t\n    date: 1924-01-02\n    tags: [war]\n"
                   "stats:\n  - {id: x, label: X, initial: high}\n", encoding="utf-8")
    assert main(["schema", "--validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:8:32: error: stats/0/initial: 'high' is not of type 'number' [schema]" in out
    assert out.strip().endswith("1 error(s) in 1 file(s)")  # the unquoted date is text, as the game reads it
    assert main(["schema", "--validate", str(tmp_path / "missing.yaml")]) == 2
