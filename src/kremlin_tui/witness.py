"""`kremlin-tui explore --to NODE`: find a shortest sequence of choices that reaches a node.

Breadth-first search over game states for a given seed (random outcomes follow the seed, so a
path found for seed S replays exactly with `play --plain --seed S`). States that differ only in
the decision count are merged. The search stops at a budget of states; then the next seed is
tried, and after the last one the answer is "not found within the budget".
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from kremlin_tui.engine import Game, GameState
from kremlin_tui.model import Story


@dataclass(frozen=True)
class Witness:
    seed: int
    numbers: tuple[int, ...]  # what to type in plain mode, one per line
    steps: tuple[str, ...]  # "scene.choice" for each decision

    def script(self) -> str:
        return "".join(f"{n}\n" for n in self.numbers)


def _key(state: GameState) -> tuple[object, ...]:
    variables = tuple(sorted((k, v) for k, v in state.vars.items() if k != "decisions"))
    return (state.node, state.resume, variables, frozenset(state.fired), frozenset(state.chosen),
            tuple(sorted(state.scheduled.items())), state.rng)


def find_path(story: Story, target: str, seeds: range, budget: int = 200_000) -> Witness | None:
    if target not in story.nodes:
        raise KeyError(target)
    for seed in seeds:
        found = _search(story, target, seed, budget)
        if found is not None:
            return found
    return None


def _search(story: Story, target: str, seed: int, budget: int) -> Witness | None:
    start = Game.new(story, seed)
    if start.state.node == target:
        return Witness(seed, (), ())
    queue: deque[tuple[GameState, tuple[int, ...], tuple[str, ...]]] = deque([(start.state, (), ())])
    seen = {_key(start.state)}
    explored = 0
    while queue and explored < budget:
        state, numbers, steps = queue.popleft()
        game = Game(story, state)
        if game.ended:
            continue
        for view in game.choices(render=False):
            if not view.available:
                continue
            explored += 1
            child = Game(story, state.copy(history=False))
            child.choose(view.id, render=False)
            path_numbers = (*numbers, view.number)
            path_steps = (*steps, f"{state.node}.{view.id}")
            if target in child.state.visits:
                return Witness(seed, path_numbers, path_steps)
            key = _key(child.state)
            if key not in seen:
                seen.add(key)
                queue.append((child.state, path_numbers, path_steps))
    return None
