"""`check` warns where a label's hand-written hint is untrue, and about one-cause callbacks."""

from __future__ import annotations

from pathlib import Path

from kremlin_tui.checker import check_story

STORY = str(Path(__file__).resolve().parents[1] / "story")

HINTS = """
    flags:
      - {id: saved, description: He was saved.}
    nodes:
      - id: a
        title: A
        date: 1925
        text: Choose.
        choices:
          - {id: true_hint, label: Rise (Party ▲), effects: [party += 5], goto: b}
          - {id: wrong_way, label: Fall (Party ▲), effects: [party -= 5], goto: b}
          - {id: untouched, label: Nothing (Britain ▼), effects: [party += 1], goto: b}
          - {id: never_rises, label: Even (Party ▲), effects: ["party += if(saved, 0, -3)"], goto: b}
          - id: some_outcomes
            label: A vote (Party ▲)
            goto: b
            outcomes:
              - {weight: party, effects: [party += 5]}
              - {weight: 100 - party, effects: [party -= 5]}
          - id: declared
            label: A vote (Party ▲, a gamble)
            goto: b
            outcomes:
              - {weight: party, effects: [party += 5]}
              - {weight: 100 - party, effects: [party -= 5]}
          - id: quiet_gamble
            label: A toss (Britain ▲)
            effects: [britain += 5]
            goto: b
            outcomes:
              - {weight: 1, effects: [saved = true]}
              - {weight: 1}
          - id: no_hint_gamble
            label: A toss with no hint
            goto: b
            outcomes:
              - {weight: 1, effects: [saved = true]}
              - {weight: 1}
          - {id: false_gamble, label: Sure thing (a gamble), effects: [party += 1], goto: b}
          - {id: situation, label: Maybe (Party ▲), effects: ["party += if(saved, 3, 0)"], goto: b}
          - {id: unknown_name, label: Cough (your health ▼), goto: b}
          - {id: hidden_and_relation, label: Hide (Hidden ▲), effects: [hidden_x += 2], goto: b}
      - id: b
        title: B
        date: 1926
        text: "{if saved}Because you tossed a coin, he lives.{end}"
        choices:
          - {id: on, label: On, goto: end}
    endings:
      - {id: end, title: End, text: done}
"""


def _warnings(path: str, code: str) -> list[str]:
    return [d.message for d in check_story([path]).warnings if d.code == code]


def test_hints_that_contradict_the_effects_are_warned_about(make_story) -> None:  # type: ignore[no-untyped-def]
    path = make_story(HINTS)
    warned = _warnings(path, "label-hint")
    assert sorted(warned) == sorted([
        "the label of 'a.wrong_way' says (Party ▲), but the choice makes it fall",
        "the label of 'a.untouched' says (Britain ▼), but the choice never changes it",
        "the label of 'a.never_rises' says (Party ▲), but the choice never makes it rise",
        "the label of 'a.some_outcomes' says (Party ▲), but it does not rise in every outcome "
        "(say it is a gamble, or drop the hint)",
        "the label of 'a.false_gamble' says it is a gamble, but it has one possible result",
        "the label of 'a.situation' says (Party ▲), but it does not always rise (the change depends on the situation)",
    ])
    assert _warnings(path, "gamble-hint") == [
        "the label of 'a.quiet_gamble' lists consequences as if certain, but its outcomes have different results: "
        "add 'a gamble' to the hint, or drop the hint (the game shows the odds)"]


def test_a_flag_set_by_several_choices_under_a_because_text_is_a_false_callback(make_story) -> None:  # type: ignore[no-untyped-def]
    body = HINTS.replace("{id: false_gamble, label: Sure thing (a gamble), effects: [party += 1], goto: b}",
                         "{id: other_cause, label: Pray, effects: [saved = true], goto: b}")
    path = make_story(body)
    [warning] = [d for d in check_story([path]).warnings if d.code == "false-callback"]
    assert warning.pos.line == 46  # the {if saved} of scene b
    assert warning.message == (
        "in 'b': \"Because you tossed a coin, he …\" gives one cause, but 3 choices set saved: a.no_hint_gamble, "
        "a.other_cause, a.quiet_gamble (see `explore --audit`)")
    # one choice setting it (in any of its outcomes) is one cause: no warning
    single = HINTS.replace("- {weight: 1, effects: [saved = true]}\n              - {weight: 1}\n          - id: no_hint_gamble",
                           "- {weight: 1}\n              - {weight: 1}\n          - id: no_hint_gamble")
    assert _warnings(make_story(single, name="single"), "false-callback") == []


def test_a_callback_in_a_later_sentence_of_a_passage_is_read_too(make_story) -> None:  # type: ignore[no-untyped-def]
    """The sentence that names the cause need not open the passage: "The dam is finished.
    Because you brought Cooper's firm, …" is as much a promise (the 1932 Dnieprostroi event had
    one, on a flag three choices set, and `check` read only its first words)."""
    body = HINTS.replace("{id: false_gamble, label: Sure thing (a gamble), effects: [party += 1], goto: b}",
                         "{id: other_cause, label: Pray, effects: [saved = true], goto: b}")
    later = body.replace('text: "{if saved}Because you tossed a coin, he lives.{end}"',
                         'text: "{if saved}He lives. \\"Because you tossed a coin,\\" he says, \\"I am here.\\"{end}"')
    assert later != body
    [warning] = [d for d in check_story([make_story(later, name="later")]).warnings if d.code == "false-callback"]
    assert warning.message.startswith("in 'b': \"Because you tossed a coin,\" he …\" gives one cause, but 3 choices set saved")
    # "since" of time names no cause, at the start or later
    for text in ("Since October he lives.", "He lives. Since 1925 he has lived."):
        timed = body.replace("Because you tossed a coin, he lives.", text)
        assert _warnings(make_story(timed, name=f"timed{len(text)}"), "false-callback") == []


def test_the_shipped_labels_tell_the_truth() -> None:
    """Every hand-written hint in the campaign's labels agrees with the choice's effects (the
    labels were cleaned: wrong hints removed, gambles declared)."""
    warnings = [str(d) for d in check_story([STORY]).warnings if d.code in ("label-hint", "gamble-hint")]
    assert warnings == []


ROUTED = """
    flags:
      - {id: course, description: Where the war led., values: [none, east, west]}
    nodes:
      - id: a
        title: A
        date: 1925
        text: Choose.
        choices:
          - {id: east, label: East, effects: [course = 'east'], goto: b}
          - {id: west, label: West, effects: [course = 'west'], goto: b}
      - id: b
        title: B
        date: 1926
        text: The congress.
        choices:
          - id: routed
            label: "Close the congress (Party ▲, a gamble)"
            effects: [party += 4]
            outcomes:
              - {weight: "if(course == 'east', 1, 0)", goto: end_east}
              - {weight: "if(course == 'west' or course == 'none', 1, 0)", goto: end_west}
          - id: chance
            label: "Toss for it (Party ▲)"
            effects: [party += 4]
            outcomes:
              - {weight: "if(course == 'east', 1, 0)", goto: end_east}
              - {weight: "if(course == 'east' or course == 'none', 1, 0)", goto: end_west}
    endings:
      - {id: end_east, title: East, text: done}
      - {id: end_west, title: West, text: done}
"""


def test_outcomes_that_only_route_by_the_state_are_not_a_gamble(make_story) -> None:  # type: ignore[no-untyped-def]
    """The congress of 1946 sends each game to the epilogue its war made: one outcome per value of
    `aftermath_course`, the same effects. The preview showed those choices as certain, their labels
    said "a gamble", and `check` agreed with the labels. Outcomes whose conditions can hold together
    (`chance`: east is in both) still make a gamble."""
    path = make_story(ROUTED)
    assert _warnings(path, "label-hint") == [
        "the label of 'b.routed' says it is a gamble, but it has one possible result"]
    assert _warnings(path, "gamble-hint") == [
        "the label of 'b.chance' lists consequences as if certain, but its outcomes have different results: "
        "add 'a gamble' to the hint, or drop the hint (the game shows the odds)"]


DECIDED = """
    flags:
      - {id: saved, description: He was saved.}
      - {id: course, description: Where the war led., values: [none, east, west]}
    nodes:
      - id: a
        title: A
        date: 1925
        text: Choose.
        choices:
          - {id: save, label: Save, effects: [saved = true], goto: b}
          - {id: east, label: East, effects: [course = 'east'], goto: b}
      - id: b
        title: B
        date: 1926
        text: The plenum.
        choices:
          - id: pair
            label: "Resign (Britain ▼, a gamble)"
            effects: [britain -= 3]
            outcomes:
              - {weight: "if(party >= 42 or saved, 1, 0)", effects: [party += 2], goto: end_east}
              - {weight: "if(party >= 42 or saved, 0, 1)", effects: [party -= 2], goto: end_west}
          - id: partition
            label: "Let them praise you (Britain ▼, a gamble)"
            effects: [britain -= 3]
            outcomes:
              - {weight: "if(saved, 1, 0)", goto: end_east}
              - {weight: "if(not saved and (course != 'none' or party >= 40), 1, 0)", goto: end_west}
              - {weight: "if(not saved and course == 'none' and party < 40, 1, 0)", goto: end_east}
          - id: inside
            label: "Revive the soviets (Britain ▼, a gamble)"
            effects: [britain -= 3]
            outcomes:
              - {weight: "party * if(saved, 1, 0)", goto: end_east}
              - {weight: "hidden_x / 2 * if(saved, 1, 0)", goto: end_west}
              - {weight: "party * if(saved, 0, 1)", goto: end_east}
          - id: thresholds
            label: "Count the votes (Britain ▼, a gamble)"
            effects: [britain -= 3]
            outcomes:
              - {weight: "if(party >= 40, 1, 0)", goto: end_east}
              - {weight: "if(party < 42, 1, 0)", goto: end_west}
          - id: situation
            label: "Resign quietly (Party ▲)"
            effects: [britain -= 3]
            outcomes:
              - {weight: "if(party >= 42 or saved, 1, 0)", effects: [party += 2], goto: end_east}
              - {weight: "if(party >= 42 or saved, 0, 1)", effects: [party -= 2], goto: end_west}
    endings:
      - {id: end_east, title: East, text: done}
      - {id: end_west, title: West, text: done}
"""


def test_outcomes_the_state_decides_by_complementary_conditions_are_not_a_gamble(make_story) -> None:  # type: ignore[no-untyped-def]
    """`if(C, 1, 0)` / `if(C, 0, 1)` (troika_war_commissariat.resign), and a partition read
    through `not`, `!=` and `<` (steel_1934.cult): in any state one outcome at most can be drawn,
    so "a gamble" is untrue. A gamble inside one branch of the state (steel_soviets.revive) and
    thresholds that overlap (`party >= 40`, `party < 42`) stay gambles; a hint true in only one
    of the decided outcomes depends on the situation, not on luck."""
    path = make_story(DECIDED)
    assert sorted(_warnings(path, "label-hint")) == [
        "the label of 'b.pair' says it is a gamble, but it has one possible result",
        "the label of 'b.partition' says it is a gamble, but it has one possible result",
        "the label of 'b.situation' says (Party ▲), but it does not always rise (the change depends on the situation)",
    ]
    assert _warnings(path, "gamble-hint") == []


def test_decided_by_state_reads_gates_soundly() -> None:
    """The reading behind the warning, case by case (a real gamble is never called decided)."""
    from types import SimpleNamespace

    from kremlin_tui.decided import decided_by_state
    from kremlin_tui.expr import parse

    def choice(*weights: str) -> SimpleNamespace:
        return SimpleNamespace(outcomes=tuple(SimpleNamespace(weight=SimpleNamespace(ast=parse(w))) for w in weights))

    assert decided_by_state(choice("if(a, 1, 0)", "if(a, 0, 1)"))
    assert decided_by_state(choice("if(x > 3, 5, 0)", "if(x <= 3, 2, 0)", "0"))
    assert decided_by_state(choice("if(v == 'a', 1, 0)", "if(v == 'b' or v == 'c', 1, 0)"))
    assert decided_by_state(choice("if(a, 0, 45 + army / 4)", "if(a and b, 1, 0)", "if(a and not b, 1, 0)"))
    assert not decided_by_state(choice("if(a, 1, 0)"))  # one outcome: nothing to decide
    assert not decided_by_state(choice("if(a, 1, 0)", "if(b, 1, 0)"))
    assert not decided_by_state(choice("if(x > 3, 1, 0)", "if(x > 5, 0, 1)"))
    assert not decided_by_state(choice("if(a, 0, 10)", "if(a, 0, 20)", "if(a, 1, 0)"))
    assert not decided_by_state(choice("if(a, 1, 2)", "if(a, 0, 1)"))
    assert not decided_by_state(choice("max(0, x)", "if(a, 0, 1)"))
    assert not decided_by_state(choice("if(v == 'a', 1, 0)", "if(v != 'b', 1, 0)"))
