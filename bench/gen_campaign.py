"""A synthetic story shaped like the campaign (chapters of branching scenes that rejoin,
conditional and locked choices, weighted outcomes, dated events, ~60 decisions a game) for
benchmarking the play-tester before, and independently of, the real campaign.

`scale` makes it N times the size the way a longer campaign would be: N times the chapters
(each two years later; the calendar reaches 1924 + 18N), each with its own flags, and N times
the events, each with a window of about a year (as the campaign's events have: 79 of its 81
close), a condition on a chapter flag and a shared stat, a few on `decisions` and `visited()`,
and one scheduled event per chapter. A game plays every chapter, so at scale N a game is about
N times longer; benchmarks compare the cost per decision.

Run: python bench/gen_campaign.py DIR [SCALE]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

STATS, RELATIONS, SHARED_FLAGS, CHAPTER_FLAGS = 17, 10, 40, 6
TEXT = "      You stand in the Kremlin in {year}; standing {s0}. " + "Words of the scene. " * 30


def manifest(chapters: int) -> str:
    flags = [f"f{i}" for i in range(SHARED_FLAGS)]
    flags += [f"c{c}_f{i}" for c in range(chapters) for i in range(CHAPTER_FLAGS)]
    return (
        "campaign: {id: synth, title: Synthetic, start: c0_s0, start_date: 1924-01-21}\nstats:\n"
        + "".join(f"  - {{id: s{i}, label: Stat {i}, initial: 50}}\n" for i in range(STATS))
        + "relations:\n" + "".join(f"  - {{id: r{i}, name: Country {i}, initial: 0}}\n" for i in range(RELATIONS))
        + "flags:\n" + "".join(f"  - {{id: {flag}, description: A flag.}}\n" for flag in flags)
    )


def _choice(rng: random.Random, c: int, s: int, k: int, nxt: list[str]) -> list[str]:
    stat, flag = rng.randrange(STATS), rng.randrange(SHARED_FLAGS)
    letter = f", schedule c{c}_letter in 5 months" if k == 0 and c % 3 == 0 else ""
    lines = [f"      - id: ch{k}", f"        label: Choice {k} (Stat {stat} ▲)",
             f"        effects: [s{stat} += {rng.randint(-8, 8)}, f{flag} = true, c{c}_f{(s * 3 + k) % CHAPTER_FLAGS} = true,"
             f" r{rng.randrange(RELATIONS)} += 3{letter}]"]
    if k == 2:
        lines += [f"        if: s{stat} > 40 and not f{rng.randrange(SHARED_FLAGS)}", "        locked: Needs Stat above 40."]
    if k == 1:
        lines += [f"        goto: {nxt[0]}", "        outcomes:",
                  f"          - {{weight: s{stat}, effects: [s{rng.randrange(STATS)} += 5], result: Good.}}",
                  f"          - {{weight: 100 - s{stat}, effects: [s{rng.randrange(STATS)} -= 5], result: Bad.}}"]
    else:
        lines.append(f"        goto: {nxt[k % 2]}")
    return lines


def _chapter(rng: random.Random, c: int, chapters: int, per_chapter: int) -> list[str]:
    lines = ["nodes:"]
    year = 1924 + c * 2
    for s in range(per_chapter):
        nxt = [f"c{c}_s{min(per_chapter - 1, s + k)}" for k in (1, 2)]
        if s == per_chapter - 1:
            nxt = [f"c{c + 1}_s0" if c + 1 < chapters else "end_a"] * 2
        lines += [f"  - id: c{c}_s{s}", f"    title: Scene {c}.{s}", f"    date: {year}-{1 + s // 2:02d}",
                  "    text: |", TEXT, "      {if f" + str(rng.randrange(SHARED_FLAGS)) + "}A conditional passage.{end}",
                  "    choices:"]
        for k in range(3):
            lines += _choice(rng, c, s, k, nxt)
    if c % 3 == 0:
        lines += [f"  - id: c{c}_letter", "    title: A Letter", "    event: {scheduled: true}",
                  "    text: A letter you asked for.", "    choices:", "      - {id: ok, label: Read it}"]
    return lines


def _events(rng: random.Random, chapters: int, count: int) -> list[str]:
    lines = ["nodes:"]
    for e in range(count):
        c = rng.randrange(chapters)
        year = 1924 + c * 2 + rng.randrange(2)
        condition = f"c{c}_f{rng.randrange(CHAPTER_FLAGS)} and s{rng.randrange(STATS)} > {rng.randrange(30, 70)}"
        if e % 5 == 0:
            condition += f" and decisions < {c * 11 + 20}"
        elif e % 7 == 0:
            condition = f"visited(c{c}_s{rng.randrange(4)}) > 0 and " + condition
        lines += [f"  - id: ev{e}", f"    title: Event {e}", "    event:", f"      after: {year}-06",
                  f"      before: {year + 1}-05", f"      if: {condition}",
                  "    text: Because of what you did, this happens.", "    choices:",
                  f"      - {{id: ok, label: Accept, effects: [s{rng.randrange(STATS)} -= 3]}}"]
    return lines


def generate(root: Path, chapters: int = 9, per_chapter: int = 9, events: int = 40, scale: int = 1) -> Path:
    rng = random.Random(1)
    chapters, events = chapters * scale, events * scale
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.yaml").write_text(manifest(chapters))
    for c in range(chapters):
        lines = _chapter(rng, c, chapters, per_chapter)
        if c == chapters - 1:
            lines += ["endings:", "  - {id: end_a, title: End a, text: Done.}"]
        (root / f"ch{c}.yaml").write_text("\n".join(lines) + "\n")
    (root / "events.yaml").write_text("\n".join(_events(rng, chapters, events)) + "\n")
    return root


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]), scale=int(sys.argv[2]) if len(sys.argv) > 2 else 1))
