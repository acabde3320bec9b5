"""Line charts and an alert timeline as inline SVG, drawn on the server.

Why not a JavaScript chart library: none is on PyPI with its dist files (uPlot is not), nothing may be fetched at
run time, and SVG drawn here works with JavaScript off and under a Content-Security-Policy without scripts. Colours
come from classes that serve.css styles, so no inline style is needed either. Pure functions: data → markup.
"""

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 760, 220
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 12, 28  # room for the axes' labels
TICKS = 5
BAND_LABEL = 190  # the timeline's row labels: `BudgetBurn ticket 1d/2h eu-west`
MAX_MARKED = 120  # a point gets its own dot up to this many points per line; beyond, only the line shows
LOG_FLOOR = 0.01  # burn rates on a log scale: 0 and anything below reads as 0.01×

Point = tuple[float, float]  # (unix seconds, value)


@dataclass(frozen=True)
class Line:
    name: str
    points: Sequence[Point]
    css: str  # a class in serve.css: its colour
    dashed: bool = False


@dataclass(frozen=True)
class Rule:
    """A horizontal line: an objective, a burn threshold."""

    value: float
    label: str
    css: str


@dataclass(frozen=True)
class Band:
    """One row of the alert timeline: the intervals an alert was firing."""

    label: str
    css: str
    intervals: Sequence[tuple[float, float]]


Format = Callable[[float], str]


def percent(value: float) -> str:
    return f"{value * 100:.4g} %"


def times(value: float) -> str:
    return f"{value:.3g}×"


def line_chart(
    title: str,
    lines: Sequence[Line],
    x_range: tuple[float, float],
    rules: Sequence[Rule] = (),
    y_format: Format = percent,
    y_range: tuple[float, float] | None = None,
    log: bool = False,
) -> Markup:
    scale = _log if log else _linear
    values = [scale(v) for line in lines for _t, v in line.points if math.isfinite(v)]
    values += [scale(rule.value) for rule in rules]
    low, high = (scale(y_range[0]), scale(y_range[1])) if y_range else _padded(values)
    x = _axis(x_range[0], x_range[1], LEFT, WIDTH - RIGHT)
    y = _axis(low, high, HEIGHT - BOTTOM, TOP)
    parts = [_frame(title), *_y_ticks(low, high, y, y_format, log), *_x_ticks(x_range, x)]
    for rule in rules:
        level = y(scale(rule.value))
        parts.append(
            f'<line class="rule {rule.css}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level:.1f}" y2="{level:.1f}"/>'
            f'<text class="rule-label {rule.css}" x="{WIDTH - RIGHT - 4}" y="{level - 3:.1f}" text-anchor="end">'
            f"{escape(rule.label)}</text>"
        )
    for line in lines:
        parts.append(_line(line, x, y, scale))
    parts.append("</svg>")
    return Markup("".join(parts))


def timeline(title: str, bands: Sequence[Band], x_range: tuple[float, float]) -> Markup:
    """One row per alert (and pair), a bar where it was firing."""
    row = 22
    height = TOP + BOTTOM + row * max(len(bands), 1)
    x = _axis(x_range[0], x_range[1], LEFT + BAND_LABEL, WIDTH - RIGHT)
    parts = [_frame(title, height, LEFT + BAND_LABEL), *_x_ticks(x_range, x, height)]
    if not bands:
        parts.append(f'<text class="empty" x="{WIDTH / 2}" y="{TOP + row / 2 + 4}" text-anchor="middle">')
        parts.append("no alert fired in this range</text>")
    for index, band in enumerate(bands):
        top = TOP + index * row
        parts.append(f'<text class="band-label" x="4" y="{top + 15}">{escape(band.label)}</text>')
        parts.append(f'<g class="band {band.css}" data-points="{len(band.intervals)}">')
        for start, end in band.intervals:
            left, right = x(start), max(x(end), x(start) + 2)
            parts.append(f'<rect x="{left:.1f}" y="{top + 3}" width="{right - left:.1f}" height="{row - 6}"/>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _frame(title: str, height: int = HEIGHT, left: int = LEFT) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<rect class="plot" x="{left}" y="{TOP}" width="{WIDTH - left - RIGHT}" height="{height - TOP - BOTTOM}"/>'
    )


def _line(line: Line, x: Callable[[float], float], y: Callable[[float], float], scale: Callable[[float], float]) -> str:
    finite = [(t, v) for t, v in line.points if math.isfinite(v)]
    step = min((b[0] - a[0] for a, b in itertools.pairwise(finite) if b[0] > a[0]), default=0.0)
    path: list[str] = []
    previous: float | None = None
    for t, v in finite:
        # A gap of more than two steps is data Prometheus does not have: the line breaks there.
        move = previous is None or (step and t - previous > 2.5 * step)
        path.append(f"{'M' if move else 'L'}{x(t):.1f},{y(scale(v)):.1f}")
        previous = t
    dashed = " dashed" if line.dashed else ""
    marks = ""
    if len(finite) <= MAX_MARKED:
        marks = "".join(f'<circle cx="{x(t):.1f}" cy="{y(scale(v)):.1f}" r="2"/>' for t, v in finite)
    return (
        f'<g class="series {line.css}{dashed}" data-points="{len(finite)}"><title>{escape(line.name)}</title>'
        f'<path d="{" ".join(path)}"/>{marks}</g>'
    )


def _linear(value: float) -> float:
    return value


def _log(value: float) -> float:
    return math.log10(max(value, LOG_FLOOR)) if math.isfinite(value) else value


def _padded(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if high - low < 1e-9:
        return low - 0.5, high + 0.5
    margin = (high - low) * 0.08
    return low - margin, high + margin


def _axis(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    span = (high - low) or 1.0

    def place(value: float) -> float:
        return start + (min(max(value, low), high) - low) / span * (end - start)

    return place


def _y_ticks(low: float, high: float, y: Callable[[float], float], fmt: Format, log: bool) -> list[str]:
    ticks = []
    for i in range(TICKS):
        value = low + (high - low) * i / (TICKS - 1)
        level = y(value)
        shown = fmt(10**value if log else value)
        ticks.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level:.1f}" y2="{level:.1f}"/>'
            f'<text class="tick" x="{LEFT - 4}" y="{level + 4:.1f}" text-anchor="end">{escape(shown)}</text>'
        )
    return ticks


def _x_ticks(x_range: tuple[float, float], x: Callable[[float], float], height: int = HEIGHT) -> list[str]:
    start, end = x_range
    pattern = "%H:%M" if end - start <= 2 * 86400 else "%b %d"
    ticks = []
    for i in range(TICKS):
        moment = start + (end - start) * i / (TICKS - 1)
        anchor = "start" if i == 0 else "end" if i == TICKS - 1 else "middle"
        label = datetime.fromtimestamp(moment, UTC).strftime(pattern)
        ticks.append(f'<text class="tick" x="{x(moment):.1f}" y="{height - 8}" text-anchor="{anchor}">{label}</text>')
    return ticks
