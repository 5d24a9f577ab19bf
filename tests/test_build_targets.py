"""Where every `goto` of a choice and of its outcomes leads, and the codex entries and tags a
scene names: each problem reported once, at the key the writer must fix, in the file's order
(builder/scenes.py: check_targets looks a target up once and reports only the bad ones)."""

from __future__ import annotations

from pathlib import Path

from kremlin_tui.loader import load_story_with_diagnostics

SCENES = """\
nodes:
  - id: a
    title: A
    text: A.
    codex: [lenin, nobody, lenin]
    tags: [violence, made_up]
    choices:
      - {id: to_event, label: One, goto: later}
      - {id: to_nowhere, label: Two, goto: nowhere_at_all}
      - id: three
        label: Three
        outcomes:
          - {weight: 1, goto: later}
          - weight: 2
            goto: b
          - {weight: 3,
             goto: nowhere}
      - id: four
        label: Four
        goto: b
        outcomes:
          - {weight: 1}
          - {weight: 1, goto: later}
      - {id: to_broken, label: Five, goto: broken}
  - id: b
    title: B
    text: B.
    choices:
      - {id: back, label: Back, goto: a}
  - id: broken
    title: Broken
    choices:
      - {id: x, label: X, goto: a}
  - id: later
    title: Later
    text: later
    event: {scheduled: true}
    choices:
      - {id: ok, label: OK}
endings:
  - {id: end, title: End, text: done}
codex:
  - {id: lenin, title: Lenin, category: person, match: [Lenin], text: The founder.}
"""


def test_bad_targets_codex_entries_and_tags_are_reported_at_their_keys(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(SCENES)
    lines = Path(path, "scenes.yaml").read_text().split("\n")
    story, found = load_story_with_diagnostics([path], cache=False)
    assert story is None
    got = [(d.pos.line, d.pos.col, d.code, d.message) for d in found]
    assert got == [
        (30, 5, "missing-key", "a node needs 'text'"),
        (5, 20, "unknown-codex", "unknown codex entry 'nobody'"),
        (6, 22, "unknown-tag", "content tag 'made_up' is not one of famine, violence, repression, antisemitism, war or death "
                               "(a tag of the story's own is shown as written)"),
        (8, 42, "goto-event", "goto: 'later' is an event; events fire by themselves"),
        (9, 44, "unknown-node", "goto: unknown scene 'nowhere_at_all'"),
        (13, 31, "goto-event", "goto: 'later' is an event; events fire by themselves"),
        (17, 20, "unknown-node", "goto: unknown scene 'nowhere'"),
        (23, 31, "goto-event", "goto: 'later' is an event; events fire by themselves"),
    ]  # ('broken' is declared but could not be built: a goto to it is not reported again)
    assert lines[16][19:] == "nowhere}" and lines[7][41:] == "later}"  # the target's own place
