"""One SLO's page: its status per group and four charts, from the recorded series of that SLO alone.

The selectors name the SLO by the model's identity labels (SLO.identity), which the app looked up in the catalog;
the request only chose which SLO and which of the fixed RANGES. Five instant queries (status.read, narrowed) and
four range queries, whatever the SLO.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from .. import naming
from ..durations import format_duration, format_number
from ..model import SLO
from ..promql import PROMETHEUS as ql
from . import charts, status
from .catalog import Entry
from .prometheus import Labels, Prometheus, PrometheusError, Series

RANGES = {"1h": 3600, "6h": 6 * 3600, "1d": 86400, "7d": 7 * 86400, "30d": 30 * 86400}
DEFAULT_RANGE = "1d"
POINTS = 240  # per line: Prometheus refuses more than 11,000, and a 760-pixel chart shows no more
COLOURS = 8  # serve.css has c0 … c7
BURN_DOWN_FLOOR = -1.0  # the burn-down chart's axis ends at -100 % (the budget spent twice)


@dataclass
class Detail:
    status: status.Status
    charts: dict[str, Markup] = field(default_factory=dict)
    error: str | None = None
    queries: int = 0
    period_span: str = ""


def period_bounds(slo: SLO, now: float) -> tuple[float, float]:
    """The period the budget counts: the last `period` for a rolling SLO; the current week, month or quarter (in
    its time zone's fixed offset) for a calendar one, from its start to its end."""
    return (now - slo.period, now) if slo.calendar is None else slo.calendar.bounds(now)


def read(prometheus: Prometheus, entry: Entry, range_name: str, now: float) -> Detail:
    slo = entry.slo
    identity = slo.identity
    found = status.read(prometheus, [entry], identity)
    detail = Detail(found, error=found.error, queries=found.queries, period_span=slo.period_span)
    if found.error:
        return detail
    seconds = RANGES[range_name]
    try:
        detail.charts["burn_down"] = _burn_down(prometheus, slo, now)
        detail.charts["sli"] = _sli(prometheus, slo, now - seconds, now)
        detail.charts["burns"] = _burns(prometheus, entry, now - seconds, now)
        detail.charts["timeline"] = _timeline(prometheus, slo, now - seconds, now)
    except PrometheusError as err:
        detail.error = str(err)
    detail.queries += len(detail.charts) + (1 if detail.error else 0)
    return detail


def _step(start: float, end: float) -> float:
    return max(1.0, math.ceil((end - start) / POINTS))


def _group_name(slo: SLO, labels: Labels) -> str:
    return ", ".join(f"{k}={labels.get(k, '')}" for k in slo.group_by) or slo.name


def _lines(slo: SLO, series: Sequence[Series], value: charts.Format | None = None) -> list[charts.Line]:
    ordered = sorted(series, key=lambda s: _group_name(slo, s[0]))
    return [
        charts.Line(_group_name(slo, labels), points, f"c{index % COLOURS}")
        for index, (labels, points) in enumerate(ordered)
    ]


def _burn_down(prometheus: Prometheus, slo: SLO, now: float) -> Markup:
    """Budget remaining over the period, and the ideal: the budget spent evenly, all of it by the period's end."""
    start, end = period_bounds(slo, now)
    series = prometheus.query_range(ql.series(naming.BUDGET_REMAINING, slo.identity), start, now, _step(start, now))
    ideal = charts.Line("ideal: spent evenly over the period", ((start, 1.0), (end, 0.0)), "ideal", dashed=True)
    # An overspent budget goes far below 0 (-9900 % at 100 % errors); the axis stops at -100 %, where the line then
    # runs along the bottom, and the table above gives the number.
    lowest = min((v for _labels, points in series for _t, v in points if math.isfinite(v)), default=0.0)
    return charts.line_chart(
        f"Error budget remaining, {slo.period_span}",
        [*_lines(slo, series), ideal],
        (start, end),
        [charts.Rule(0.0, "budget spent", "danger")],
        y_range=(max(min(lowest, -0.1), BURN_DOWN_FLOOR), 1.05),
    )


def _sli(prometheus: Prometheus, slo: SLO, start: float, end: float) -> Markup:
    window = min(slo.ratio_windows)
    expr = f"1 - {ql.series(naming.error_ratio(window), slo.identity)}"
    series = prometheus.query_range(expr, start, end, _step(start, end))
    objective = charts.Rule(float(slo.objective), f"objective {format_number(slo.objective_percent)} %", "objective")
    lowest = min((v for _labels, points in series for _t, v in points if math.isfinite(v)), default=1.0)
    floor = max(0.0, min(lowest, 2 * float(slo.objective) - 1))  # the objective mid-way up at least
    return charts.line_chart(
        f"SLI over {format_duration(window)} windows against the objective",
        _lines(slo, series),
        (start, end),
        [objective],
        y_range=(floor, 1.0),
    )


def _burns(prometheus: Prometheus, entry: Entry, start: float, end: float) -> Markup:
    """The burn rate of each window the alert pairs read (the worst group), with each pair's threshold."""
    slo = entry.slo
    windows = sorted({w for pair in slo.burn_windows for w in (pair.long, pair.short)}) or [
        slo.current_window or min(slo.ratio_windows)
    ]
    names = "|".join(naming.error_ratio(w) for w in windows)
    selector = ql.matchers(("__name__", "=~", names), *((k, "=", v) for k, v in slo.identity.items()))
    prefix = naming.ERROR_RATIO_PREFIX
    labelled = f'label_replace({selector}, "window", "$1", "__name__", "{prefix}(.+)")'
    series = prometheus.query_range(ql.aggregate("max", labelled, ("window",)), start, end, _step(start, end))
    budget = float(slo.error_budget)
    order = {format_duration(w): i for i, w in enumerate(windows)}
    ordered = sorted(series, key=lambda s: order.get(s[0].get("window", ""), len(order)))
    lines = [
        charts.Line(f"{labels.get('window', '?')} burn rate", [(t, v / budget) for t, v in points], f"c{i % COLOURS}")
        for i, (labels, points) in enumerate(ordered)
    ]
    rules = [
        charts.Rule(float(p.factor), f"{p.severity} {p.numbers.pair} {p.numbers.burn}", p.severity) for p in entry.pairs
    ]
    return charts.line_chart(
        "Burn rate per window (worst group), log scale", lines, (start, end), rules, charts.times, log=True
    )


def _timeline(prometheus: Prometheus, slo: SLO, start: float, end: float) -> Markup:
    selector = ql.matchers(("alertstate", "=", "firing"), *((k, "=", v) for k, v in slo.identity.items()))
    step = _step(start, end)
    series = prometheus.query_range(f"ALERTS{selector}", start, end, step)
    bands = []
    for labels, points in sorted(series, key=lambda s: _band_label(slo, s[0])):
        severity = labels.get("severity", "")
        bands.append(charts.Band(_band_label(slo, labels), severity, _intervals([t for t, _v in points], step)))
    return charts.timeline("Alerts firing", bands, (start, end))


def _band_label(slo: SLO, labels: Labels) -> str:
    """`BudgetBurn page 1h/5m eu-west`: the alert's name without the SLO's, its severity, pair and group."""
    kind = labels.get("alertname", "").removeprefix(naming.camel(slo.name))
    pair = f" {labels['long_window']}/{labels['short_window']}" if "long_window" in labels else ""
    group = " ".join(labels.get(k, "") for k in slo.group_by)
    return f"{kind} {labels.get('severity', '')}{pair} {group}".strip()


def _intervals(moments: list[float], step: float) -> list[tuple[float, float]]:
    """Runs of consecutive steps, each as (first, last + step)."""
    runs: list[tuple[float, float]] = []
    for moment in moments:
        if runs and moment - runs[-1][1] <= step * 1.5:
            runs[-1] = (runs[-1][0], moment + step)
        else:
            runs.append((moment, moment + step))
    return runs
