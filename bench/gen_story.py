"""Generate a large valid story (about 1 MB of YAML by default) for the benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path

MANIFEST = """\
campaign: {id: bench, title: Bench, start: n0_0, start_date: 1924-01-01}
stats:
  - {id: party, label: Party, initial: 50}
  - {id: grain, label: Grain, initial: 50}
  - {id: army, label: Army, initial: 30}
relations:
  - {id: britain, name: Britain, initial: 0}
flags:
  - {id: went_back, description: A flag.}
  - {id: outcome, description: An enum., values: [none, won, lost]}
"""

PARAGRAPH = ("You walk through the Kremlin corridors in the snow of {year}; the Politburo waits, "
             "and your standing in the Party is {party}. Zinoviev smiles and says nothing at all.")


def generate(root: Path, target_bytes: int = 1_000_000, files: int = 10) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.yaml").write_text(MANIFEST)
    per_file = target_bytes // files
    for f in range(files):
        lines = ["nodes:"]
        i = 0
        while sum(len(x) + 1 for x in lines) < per_file:
            nid = f"n{f}_{i}"
            nxt = f"n{f}_{i + 1}"
            lines += [
                f"  - id: {nid}", f"    title: Scene {f}.{i}", f"    date: {1924 + f}-{1 + i % 12:02d}",
                "    place: Moscow", "    text: |",
                *("      " + PARAGRAPH for _ in range(4)),
                "      {if went_back}You came back for the funeral.{else}You stayed away.{end}",
                "    choices:",
                "      - id: a", "        label: Press on (Party ▲)", "        effects: [party += 3, grain -= 2]",
                f"        goto: {nxt}",
                "      - id: b", "        label: Vote", "        if: party > 20 and not went_back",
                "        locked: You need Party standing above 20.",
                f"        goto: {nxt}",
                "        outcomes:",
                "          - {weight: party, effects: [outcome = 'won'], result: You win.}",
                "          - {weight: 100 - party, effects: [outcome = 'lost'], result: You lose.}",
            ]
            i += 1
        last = f"n{f}_{i}"
        following = f"n{f + 1}_0" if f + 1 < files else "the_end"
        lines += [f"  - id: {last}", "    title: Bridge", "    text: A bridge.", "    choices:",
                  f"      - {{id: go, label: Go on, goto: {following}}}"]
        if f + 1 == files:
            lines += ["endings:", "  - {id: the_end, title: The End, text: Finished.}"]
        (root / f"part{f:02d}.yaml").write_text("\n".join(lines) + "\n")
    return root


if __name__ == "__main__":
    print(generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000))
