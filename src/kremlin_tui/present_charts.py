"""What the charts show, headless: each visible stat after every decision, on its stat's fixed
scale, with a time axis and a caption that says what the columns are. Split from `present` (the
one presentation module both front ends use) by concern; the TUI's charts screen renders it."""

from __future__ import annotations

from dataclasses import dataclass

from kremlin_tui.engine import Game
from kremlin_tui.present import number, plural

BLOCKS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Series:
    label: str
    low: float
    high: float
    values: tuple[float, ...]  # at the start, then after every decision


def stat_series(game: Game) -> list[Series]:
    """Each visible stat's value at the start and after every decision, rebuilt from history."""
    stats = [s for s in game.story.stats.values() if not s.hidden]
    values = {s.id: float(s.initial) for s in stats}
    series: dict[str, list[float]] = {name: [value] for name, value in values.items()}
    for step in game.state.history:
        for change in step.changes:
            if change.name in values:
                values[change.name] = float(change.new)
        for name, value in values.items():
            series[name].append(value)
    return [Series(s.label, s.min, s.max, tuple(series[s.id])) for s in stats]


def timeline(game: Game) -> tuple[str, ...]:
    """The date of each point of a series: the start, then each decision's date."""
    start = game.story.campaign.start_date.iso()
    return (start, *(step.date for step in game.state.history))


def resample(values: tuple[float, ...], width: int) -> list[int]:
    """Which point each of `width` columns shows (the last column is the latest value)."""
    count = len(values)
    if count <= width:
        return list(range(count))
    return [round(i * (count - 1) / (width - 1)) for i in range(width)] if width > 1 else [count - 1]


def spark(values: tuple[float, ...], low: float, high: float, picks: list[int]) -> str:
    """A one-line chart on a fixed scale (low..high), so equal heights mean equal values."""
    span = (high - low) or 1
    out = []
    for index in picks:
        level = round((min(high, max(low, values[index])) - low) / span * (len(BLOCKS) - 1))
        out.append(BLOCKS[max(1, level)])  # never blank: a zero still shows as the floor
    return "".join(out)


def chart_caption(series: list[Series], picks: list[int]) -> str:
    """What the columns and the heights mean, truthfully: the first column is the start (before
    any decision), so 12 decisions draw 13 columns; a long game is drawn in fewer columns than
    it has decisions (`resample`), and the caption says so."""
    decisions = len(series[0].values) - 1 if series else 0
    if decisions == 0:
        columns = "One column: the start (no decision yet)"
    elif len(picks) == decisions + 1:
        columns = f"The first column is the start, then one column per decision ({plural(decisions, 'decision')})"
    else:
        columns = f"The first column is the start, the last is now: {plural(decisions, 'decision')} in {len(picks)} columns"
    low, high = (series[0].low, series[0].high) if series else (0, 0)
    if all(s.low == low and s.high == high for s in series):
        scale = f"every bar on one scale, {number(low)} (▁) to {number(high)} (█)"
    else:
        scale = "each bar on its stat's scale"
    return f"{columns}; {scale}."


def time_axis(dates: tuple[str, ...], picks: list[int], room: int) -> str:
    """A year under the column where each year first appears, where there is room for it
    (`room`: the columns available, which may be more than the chart's)."""
    axis = [" "] * max(room, len(picks))
    last_year = ""
    free = 0
    for column, index in enumerate(picks):
        year = dates[index][:4]
        if year != last_year and column >= free and column + len(year) <= len(axis):
            axis[column : column + len(year)] = list(year)
            free = column + len(year) + 1
        last_year = year
    return "".join(axis).rstrip()
