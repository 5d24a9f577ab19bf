"""`check`: whole-story analysis and the command's output formats and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from kremlin_tui.checker import check_story


def messages(path: str) -> tuple[list[str], list[str]]:
    report = check_story([path])
    return [d.message for d in report.errors], [d.message for d in report.warnings]


def test_the_mini_story_is_clean(mini: str) -> None:
    report = check_story([mini])
    assert report.errors == [] and report.warnings == []
    assert report.stats["scenes"] == 4 and report.stats["events"] == 2 and report.stats["endings"] == 2


def test_unreachable_dead_ends_never_true_and_orphan_endings(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            date: 1925
            text: "{if flag_a}never shown{end}"
            choices:
              - {id: go, label: Go, if: party > 20, goto: b}
              - {id: never, label: Never, if: flag_a, goto: end}
          - id: b
            title: B
            date: 1924
            text: b
            choices:
              - {id: go, label: Go, goto: end}
              - {id: late, label: Late, goto: early_end}
          - id: lonely
            title: Lonely
            text: nobody comes here
            choices:
              - {id: go, label: Go, goto: end}
          - id: ev
            title: Never scheduled
            event: {scheduled: true}
            text: e
            choices:
              - {id: ok, label: OK}
        endings:
          - {id: end, title: End, text: done}
          - {id: early_end, title: Early End, date: 1923, text: an ending dated before the scene that reaches it}
          - {id: orphan, title: Orphan, text: nobody}
        codex:
          - {id: nobody, title: Nobody Mentioned, category: person, text: x}
    """)
    errors, warnings = messages(path)
    assert any("condition of 'a.never' can never hold" in e and "no effect ever changes flag 'flag_a'" in e for e in errors)
    assert any("{if flag_a} can never hold" in e for e in errors)
    assert any("dead end: every choice in 'a'" in e for e in errors)
    assert any("scene 'lonely' is unreachable" in e for e in errors)
    assert any("event 'ev' can never be due: nothing reachable schedules it" in e for e in errors)
    assert any("ending 'orphan': nothing leads here" in e for e in errors)
    assert any("back to 'b' (1924)" in w for w in warnings)
    assert not any("early_end" in w for w in warnings)  # an ending reached after its date keeps the game's date
    assert any("codex entry 'nobody' is never unlocked" in w for w in warnings)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kremlin_tui", *args], capture_output=True, text=True, timeout=60)


def test_check_exit_codes_and_json(mini: str, make_story) -> None:  # type: ignore[no-untyped-def]
    clean = run_cli("check", mini)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.strip().endswith("words")
    broken = make_story("nodes:\n  - id: a\n    title: A\n    text: a\n    choices:\n      - {id: go, label: Go, goto: nowhere}\n")
    result = run_cli("check", broken, "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"errors", "warnings", "stats"}
    first = data["errors"][0]
    assert set(first) == {"path", "line", "col", "code", "message"}
    assert first["path"].endswith("scenes.yaml") and first["line"] == 6 and first["code"] == "unknown-node"
    text = run_cli("check", broken)
    assert text.returncode == 1
    assert "scenes.yaml:6:35: error: goto: unknown scene 'nowhere'" in text.stdout
    assert "Traceback" not in text.stdout + text.stderr
    assert run_cli("check", "--format", "xml").returncode == 2


# -- errors that put the root cause first ---------------------------------------------------------


def test_a_broken_scene_is_reported_once_not_as_unknown_gotos_elsewhere(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: "Open {if flag_a}never closed"
            choices:
              - {id: go, label: Go, goto: b}
          - id: b
            title: B
            text: b
            choices:
              - {id: back, label: Back, goto: a}
              - {id: on, label: On, goto: end}
        endings:
          - {id: end, title: End, text: The end.}
        """)
    report = check_story([path])
    assert [d.code for d in report.errors] == ["template"]  # no "unknown scene 'a'" echoes


def test_root_causes_come_first_and_typos_get_hints(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: t
            choices:
              - {id: go, label: Go, goto: nowhere}
              - {id: x, label: X, if: party >> 5, goto: end}
              - id: y
                label: Y
                effects: [party = max(party, 40), flag_a = true]
                goto: end
        endings:
          - {id: end, title: End, text: The end.}
        """)
    report = check_story([path])
    codes = [d.code for d in report.errors]
    assert codes == ["syntax", "split-effect", "unknown-node"]  # the causes first, then the rest
    syntax, split, _ = (d.message for d in report.errors)
    assert syntax.endswith("found '>' (did you mean '>'?)")
    assert "quote the effect: \"party = max(party, 40)\"" in split


def test_codex_match_words_that_unlock_more_than_meant(tmp_path, make_story) -> None:  # type: ignore[no-untyped-def]
    base = make_story("""\
        nodes:
          - id: a
            title: A
            text: Zinoviev speaks for the Left
              Opposition.
            choices:
              - {id: go, label: Go, goto: end}
        endings:
          - {id: end, title: End, text: The end.}
        codex:
          - {id: zin, title: Grigory Zinoviev, category: person, match: [Zinoviev], text: t}
          - {id: zin2, title: Zinoviev again, category: person, match: [Zinoviev], text: t}
        """)
    mod = tmp_path / "mod"
    mod.mkdir()
    (mod / "codex.yaml").write_text(
        "codex:\n  - {id: left, title: The Left, category: party, match: [Left Opposition], text: t}\n", encoding="utf-8")
    report = check_story([base, str(mod)])
    warnings = [d.message for d in report.warnings if d.code == "codex-match"]
    assert any("match 'Zinoviev' is also a match of 'zin'" in w for w in warnings)
    assert any("codex 'left': match 'Left Opposition' also occurs in 1 scene(s)" in w for w in warnings)


def test_a_multi_word_match_unlocks_across_a_line_break(make_story) -> None:  # type: ignore[no-untyped-def]
    from kremlin_tui.engine import Game
    from kremlin_tui.loader import load_story

    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: |
              Zinoviev speaks for the Left
              Opposition.
            choices:
              - {id: go, label: Go, goto: end}
        endings:
          - {id: end, title: End, text: The Left is not an opposition.}
        codex:
          - {id: left, title: The Left, category: party, match: [Left Opposition], text: t}
        """)
    assert Game.new(load_story([path], cache=False)).state.codex == ["left"]


def test_a_line_that_would_render_as_a_list_by_accident_is_a_warning(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story("""\
        nodes:
          - id: a
            title: A
            text: |
              The Party has had no peace at the top since
              1923. The country gets the slow road.

              A list meant as one:
              1. first
              2. second

              - a list of dashes
              - is fine too
            choices:
              - id: go
                label: Go
                result: |
                  You say it twice
                  - and mean it.
                goto: end
        endings:
          - {id: end, title: End, text: The end.}
        """)
    report = check_story([path])
    found = [(d.pos.line, d.message) for d in report.warnings if d.code == "accidental-list"]
    assert [line for line, _ in found] == [6, 19]
    assert "a line starts with '1923. '" in found[0][1] and "'a'" in found[0][1]
