"""A synthetic story shaped like the campaign (chapters of branching scenes that rejoin,
conditional and locked choices, weighted outcomes, dated events, ~60 decisions a game) for
benchmarking the play-tester before, and independently of, the real campaign."""

from __future__ import annotations

import random
import sys
from pathlib import Path

MANIFEST = """\
campaign: {id: synth, title: Synthetic, start: c0_s0, start_date: 1924-01-21}
stats:
""" + "".join(f"  - {{id: s{i}, label: Stat {i}, initial: 50}}\n" for i in range(17)) + """\
relations:
""" + "".join(f"  - {{id: r{i}, name: Country {i}, initial: 0}}\n" for i in range(10)) + """\
flags:
""" + "".join(f"  - {{id: f{i}, description: Flag {i}.}}\n" for i in range(40))

TEXT = "      You stand in the Kremlin in {year}; standing {s0}. " + "Words of the scene. " * 30


def generate(root: Path, chapters: int = 9, per_chapter: int = 9, events: int = 40) -> Path:
    rng = random.Random(1)
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.yaml").write_text(MANIFEST)
    for c in range(chapters):
        lines = ["nodes:"]
        year = 1924 + c * 2
        for s in range(per_chapter):
            nid = f"c{c}_s{s}"
            nxt = [f"c{c}_s{min(per_chapter - 1, s + k)}" for k in (1, 2)]
            if s == per_chapter - 1:
                nxt = [f"c{c + 1}_s0" if c + 1 < chapters else "end_a"] * 2
            lines += [f"  - id: {nid}", f"    title: Scene {c}.{s}", f"    date: {year}-{1 + s // 2:02d}",
                      "    text: |", TEXT,
                      "      {if f" + str(rng.randrange(40)) + "}A conditional passage.{end}", "    choices:"]
            for k in range(3):
                stat, flag = rng.randrange(17), rng.randrange(40)
                lines += [f"      - id: ch{k}", f"        label: Choice {k} (Stat {stat} ▲)",
                          f"        effects: [s{stat} += {rng.randint(-8, 8)}, f{flag} = true, r{rng.randrange(10)} += 3]"]
                if k == 2:
                    lines += [f"        if: s{stat} > 40 and not f{rng.randrange(40)}", "        locked: Needs Stat above 40."]
                if k == 1:
                    lines += [f"        goto: {nxt[0]}", "        outcomes:",
                              f"          - {{weight: s{stat}, effects: [s{rng.randrange(17)} += 5], result: Good.}}",
                              f"          - {{weight: 100 - s{stat}, effects: [s{rng.randrange(17)} -= 5], result: Bad.}}"]
                else:
                    lines.append(f"        goto: {nxt[k % 2]}")
        if c == chapters - 1:
            lines += ["endings:"] + [f"  - {{id: end_{x}, title: End {x}, text: Done.}}" for x in "a"]
        (root / f"ch{c}.yaml").write_text("\n".join(lines) + "\n")
    ev = ["nodes:"]
    for e in range(events):
        year = 1924 + rng.randrange(chapters * 2)
        ev += [f"  - id: ev{e}", f"    title: Event {e}", "    event:", f"      after: {year}-06",
               f"      if: f{rng.randrange(40)} and s{rng.randrange(17)} > {rng.randrange(30, 70)}",
               "    text: Because of what you did, this happens.", "    choices:",
               f"      - {{id: ok, label: Accept, effects: [s{rng.randrange(17)} -= 3]}}"]
    (root / "events.yaml").write_text("\n".join(ev) + "\n")
    return root


if __name__ == "__main__":
    print(generate(Path(sys.argv[1])))
