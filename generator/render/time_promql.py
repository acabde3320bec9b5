"""PromQL time predicates: which calendar period a step falls in, and whether a budget exclusion covers it.

Built from PromQL's time functions over `vector(time())`, which read UTC; a fixed offset is added to the timestamp
first. Every predicate returns a label-less vector (present: true), so rules combine it with `and on()` and
`unless on()`.
"""

from collections.abc import Callable

from ..calendar_periods import MONDAY_AFTER_EPOCH, Calendar, clock_minutes, month_number, weekday_number
from ..durations import format_duration
from ..routing import MaintenanceWindow


def _clock(shift: int) -> str:
    """`vector(time())` moved by `shift` seconds (an offset east of UTC, minus how far back the step looks)."""
    if shift == 0:
        return "vector(time())"
    return f"vector(time() {'+' if shift > 0 else '-'} {abs(shift)})"


def period_index(calendar: Calendar, back: int = 0) -> str:
    """A number that is the same for every instant of one calendar period and differs between periods, for the
    instant `back` seconds before the evaluation time."""
    offset = calendar.offset
    assert offset is not None, "lint (promql-time-zone) refuses zones without a fixed offset"
    if calendar.unit == "week":
        return f"floor({_clock(offset - back - MONDAY_AFTER_EPOCH)} / 604800)"
    clock = _clock(offset - back)
    if calendar.unit == "month":
        return f"year({clock}) * 12 + month({clock})"
    return f"year({clock}) * 4 + floor((month({clock}) - 1) / 3)"


def chunks(calendar: Calendar) -> tuple[int, ...]:
    """The steps of a calendar period's subqueries, coarsest first: days and hours when the period starts at a UTC
    midnight, hours alone (or 30m, 15m) when the zone's offset is not whole days (or hours), so that every period
    boundary falls on a step of the coarsest (lint refuses a quarter off the hour: 4416 steps of 30m, more than
    promtool's limit of 10000 samples per query)."""
    offset = calendar.offset
    assert offset is not None
    if offset % 86400 == 0:
        return (86400, 3600)
    return (next(c for c in (3600, 1800, 900) if offset % c == 0),)


def calendar_sum(series: str, calendar: Calendar, sample_every: int) -> str:
    """The sum of a recorded base rate's samples since the start of the current calendar period, without state.

    Whole days: a subquery steps through the period a day at a time (31 steps for a month), sums the raw samples of
    each day and keeps the days whose start lies in the period of the evaluation time. `@ end()` pins that period's
    index to the evaluation time whichever step reads it (a step-invariant expression, evaluated once). Then the
    hours of the current day, and the samples of the current hour, the same way: each level keeps the steps after
    the start of the current step of the level above. Every sample is summed once, as `sum_over_time(series[period])`
    would, reading as many samples; the parts are added by their labels. Fewer steps than one level of hours (744 a
    month) matter in promtool, which evaluates every group at every step of every test."""
    sizes = chunks(calendar)
    coarsest = sizes[0]
    now = f"scalar(max_over_time(({period_index(calendar)})[1m:1m] @ end()))"
    parts = [_steps(series, coarsest, calendar.longest, f"{period_index(calendar, coarsest)} == {now}")]
    for bigger, smaller in zip(sizes, (*sizes[1:], sample_every), strict=True):
        current = f"scalar(max_over_time(floor({_clock(0)} / {bigger})[1m:1m] @ end()))"
        inside = f"floor({_clock(-smaller)} / {bigger}) == {current}"
        steps = _steps(series, smaller, bigger, inside, sample_every)
        parts.append(f'label_replace({steps}, "slogen_part", "{format_duration(smaller)}", "", "")')
    return "sum without (slogen_part) (\n  " + "\n  or\n  ".join(parts) + "\n)"


def _open_range(seconds: int) -> str:
    """A range one millisecond short of `seconds`, so a chunk is (step − seconds, step] on Prometheus 2 as on 3:
    Prometheus 2's ranges are closed and would count a sample that lands exactly on a step in two chunks (as every
    sample of promtool and of a backfill on the minute does)."""
    return f"{format_duration(seconds - 1)}999ms"


def _steps(series: str, size: int, span: int, keep: str, sample_every: int = 0) -> str:
    """The sum over `span` of the series' chunks of `size` (each the samples of (step − size, step]) that `keep`;
    at the recording interval a chunk is the one sample a step reads."""
    chunk = series if size == sample_every else f"sum_over_time({series}[{_open_range(size)}])"
    return f"sum_over_time(({chunk} and on() ({keep}))[{format_duration(span)}:{format_duration(size)}])"


def excluded(windows: tuple[MaintenanceWindow, ...], offsets: tuple[int, ...], base: int) -> str:
    """True while a base rate (the events of the `base` seconds before the evaluation) holds events from inside an
    exclusion: from just after its start until just before one base window after its end. The base rate recorded
    at the start itself holds only events from before it, so it counts.

    Built as the window's predicate for the instant 1s, …, base − 1s back: their union covers that span without a
    gap when each step back is no longer than the shortest excluded time range."""
    shortest = min(
        60 * (clock_minutes(end) - clock_minutes(start)) for window in windows for start, end in window.times
    )
    backs = (*range(1, base - 1, max(shortest, 1)), base - 1)
    terms = [
        _window_predicate(window, offset, back)
        for window, offset in zip(windows, offsets, strict=True)
        for back in backs
    ]
    return " or ".join(f"({term})" for term in terms)


def _window_predicate(window: MaintenanceWindow, offset: int, back: int) -> str:
    clock = _clock(offset - back)
    parts = [
        _any(f"day_of_week({clock})", window.weekdays, weekday_number),
        _any(f"month({clock})", window.months, month_number),
        _days(clock, window.days_of_month),
        _times(clock, window.times),
    ]
    return " and on() ".join(f"({p})" for p in parts if p)


def _any(expr: str, ranges: tuple[str, ...], order: Callable[[str], int]) -> str:
    """`expr` within any of `ranges` (`a` or `a:b`, both ends included, as Alertmanager reads them)."""
    terms = []
    for text in ranges:
        start, _, end = text.partition(":")
        terms.append(f"{expr} >= {order(start)} <= {order(end or start)}")
    return " or ".join(terms)


def _times(clock: str, times: tuple[tuple[str, str], ...]) -> str:
    """Minutes of the day, the end excluded, as Alertmanager reads `times`."""
    minute = f"(hour({clock}) * 60 + minute({clock}))"
    return " or ".join(f"{minute} >= {clock_minutes(start)} < {clock_minutes(end)}" for start, end in times)


def _days(clock: str, ranges: tuple[str, ...]) -> str:
    """Days of the month; negative days count from the month's end (-1 is its last day), as in Alertmanager."""
    terms = []
    for text in ranges:
        start, _, end = text.partition(":")
        low, high = int(start), int(end or start)
        day = f"day_of_month({clock})" if low > 0 else f"(day_of_month({clock}) - days_in_month({clock}) - 1)"
        terms.append(f"{day} >= {low} <= {high}")
    return " or ".join(terms)
