"""`kremlin-tui explore --to NODE`: find a short sequence of choices that reaches a node.

Random outcomes follow the game's seed, so a path found for seed S replays exactly with
`play --plain --seed S`. Two phases per seed:

1. Breadth-first search over game states (states that differ only in the decision count are
   merged), up to a budget of states. A path found here is a shortest one.
2. If the budget runs out first, the target lies deeper than breadth-first search can go (a
   scene in 1938 is sixty decisions from the start), so random games are played on the same
   seed and the shortest path among those that reach the target is returned, marked as not
   proven shortest.

Memory stays proportional to the budget: the seen set keeps hashes, paths are parent links.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

from kremlin_tui.calendar import DECISIONS
from kremlin_tui.engine import Game, GameState
from kremlin_tui.model import Story

STATES_PER_PLAYOUT = 25  # the budget buys this many states of search, or one random game


@dataclass(frozen=True)
class Witness:
    seed: int
    numbers: tuple[int, ...]  # what to type in plain mode, one per line
    steps: tuple[str, ...]  # "scene.choice" for each decision
    shortest: bool = True  # False when found by random play rather than exhaustive search

    def script(self) -> str:
        return "".join(f"{n}\n" for n in self.numbers)


def _key(state: GameState) -> int:
    variables = tuple(sorted((k, v) for k, v in state.vars.items() if k != DECISIONS))
    return hash((state.node, state.resume, variables, frozenset(state.fired), frozenset(state.chosen),
                 tuple(sorted(state.scheduled.items())), state.rng))


def find_path(story: Story, target: str, seeds: range, budget: int = 50_000) -> Witness | None:
    if target not in story.nodes:
        raise KeyError(target)
    deep = False  # once breadth-first search runs out of budget, later seeds go straight to random play
    for seed in seeds:
        if not deep:
            found, exhausted = _breadth_first(story, target, seed, budget)
            if found is not None:
                return found
            if exhausted:
                continue  # every state of this seed was seen: the target needs other random outcomes
            deep = True
        found = _random_play(story, target, seed, max(100, budget // STATES_PER_PLAYOUT))
        if found is not None:
            return found
    return None


def _breadth_first(story: Story, target: str, seed: int, budget: int) -> tuple[Witness | None, bool]:
    """(a shortest witness or None, whether the whole reachable space was searched)."""
    start = Game.new(story, seed)
    if start.state.node == target:
        return Witness(seed, (), ()), True
    # path of queue entry i: links[i] = (parent index, choice number, "scene.choice")
    links: list[tuple[int, int, str]] = []
    queue: deque[tuple[GameState, int]] = deque([(start.state, -1)])
    seen = {_key(start.state)}
    explored = 0
    while queue:
        if explored >= budget:
            return None, False
        state, index = queue.popleft()
        game = Game(story, state)
        if game.ended:
            continue
        for view in game.choices(render=False):
            if not view.available:
                continue
            explored += 1
            child = Game(story, state.copy(history=False))
            child.choose(view.id, render=False)
            links.append((index, view.number, f"{state.node}.{view.id}"))
            if target in child.state.visits:
                return _witness(seed, links, len(links) - 1), True
            key = _key(child.state)
            if key not in seen:
                seen.add(key)
                queue.append((child.state, len(links) - 1))
    return None, True


def _witness(seed: int, links: list[tuple[int, int, str]], last: int) -> Witness:
    numbers: list[int] = []
    steps: list[str] = []
    while last >= 0:
        last, number, step = links[last]
        numbers.append(number)
        steps.append(step)
    return Witness(seed, tuple(reversed(numbers)), tuple(reversed(steps)))


def _random_play(story: Story, target: str, seed: int, games: int) -> Witness | None:
    best: tuple[tuple[int, ...], tuple[str, ...]] | None = None
    for game_number in range(games):
        picker = random.Random(seed * 1_000_003 + game_number)
        game = Game.new(story, seed)
        numbers: list[int] = []
        steps: list[str] = []
        while not game.ended and (best is None or len(numbers) < len(best[0])):
            views = [view for view in game.choices(render=False) if view.available]
            if not views:
                break
            view = picker.choice(views)
            numbers.append(view.number)
            steps.append(f"{game.state.node}.{view.id}")
            game.choose(view.id, render=False)
            if target in game.state.visits:
                best = (tuple(numbers), tuple(steps))
                break
    return Witness(seed, best[0], best[1], shortest=False) if best else None
