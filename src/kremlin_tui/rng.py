"""A tiny seeded generator whose whole state is one integer, so it fits in a save file and
gives the same draws on every platform and Python version (SplitMix64)."""

from __future__ import annotations

MASK = (1 << 64) - 1


def next_state(state: int) -> tuple[int, int]:
    """Advance the state; return (new state, 64-bit output)."""
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def seed_state(seed: int) -> int:
    return (seed * 0x2545F4914F6CDD1D + 0x1234567) & MASK


def uniform(state: int) -> tuple[int, float]:
    """A float in [0, 1)."""
    state, out = next_state(state)
    return state, (out >> 11) / float(1 << 53)
