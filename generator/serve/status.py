"""Live status of every SLO and every group_by group, from the recorded series alone, in a fixed number of queries.

One instant query per recorded series name across all SLOs (QUERIES: the info series, the period's error ratio,
the budget remaining, every window's error ratio in one regex on the name, the firing ALERTS): the page costs
the same five queries for one SLO or ten thousand. Burn rates and the time to exhaustion are arithmetic on those
values and the model's error budget and period, as the dashboards compute them (render/slo_queries.py).
A value Prometheus does not have is None with the reason, never 0.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import naming
from ..durations import format_duration
from ..promql import PROMETHEUS as ql
from .catalog import Entry
from .prometheus import Labels, Prometheus, PrometheusError, Sample

RATIO_WINDOWS = f'{{__name__=~"{naming.ERROR_RATIO_PREFIX}.+"}}'
FIRING = 'ALERTS{alertstate="firing", slo!=""}'
QUERIES = {
    "info": naming.INFO,
    "period_ratio": naming.PERIOD_RATIO,
    "remaining": naming.BUDGET_REMAINING,
    "ratios": RATIO_WINDOWS,
    "alerts": FIRING,
}
# Worst first: a firing page, a firing ticket, a spent budget, no data, a burn above 1×, then the healthy.
STATES = ("page", "ticket", "exhausted", "missing", "burning", "ok")
STATE_WORDS = {
    "page": "PAGE firing",
    "ticket": "ticket firing",
    "exhausted": "budget spent",
    "missing": "no data",
    "burning": "burning > 1×",
    "ok": "ok",
}


@dataclass(frozen=True)
class Firing:
    name: str
    severity: str
    pair: str  # long/short of a burn alert (its long_window and short_window labels); "" for other alerts
    labels: tuple[tuple[str, str], ...]


@dataclass
class GroupStatus:
    """One SLO's status in one group_by group (the whole SLO when it has no group_by)."""

    entry: Entry
    group: tuple[tuple[str, str], ...]
    sli: float | None = None
    remaining: float | None = None
    burns: dict[int, float] = field(default_factory=dict)  # window seconds → burn rate
    alerts: list[Firing] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what Prometheus lacks, in words

    @property
    def burn_now(self) -> float | None:
        """The 1h burn (model.SLO.current_window), or the period's where 1h is not recorded."""
        window = self.entry.current_window
        if window is not None:
            return self.burns.get(window)
        return None if self.sli is None else (1 - self.sli) / self.entry.error_budget

    @property
    def burn_window(self) -> str:
        slo = self.entry.slo
        return format_duration(slo.current_window) if slo.current_window else slo.period_text

    @property
    def exhaustion(self) -> float | None:
        """Seconds until the budget is spent at the current burn: remaining × period / burn (slo_queries.exhaustion);
        None when nothing burns or a value is missing."""
        burn, remaining = self.burn_now, self.remaining
        if burn is None or remaining is None or not burn > 0 or math.isnan(remaining):
            return None
        return max(remaining, 0.0) * self.entry.slo.period / burn

    @property
    def state(self) -> str:
        severities = {a.severity for a in self.alerts}
        if "page" in severities:
            return "page"
        if "ticket" in severities:
            return "ticket"
        if self.remaining is not None and self.remaining < 0:
            return "exhausted"
        if self.missing:
            return "missing"
        burn = self.burn_now
        return "burning" if burn is not None and burn > 1 else "ok"

    @property
    def sort_key(self) -> tuple[int, float, float, str, str]:
        remaining = self.remaining if self.remaining is not None and not math.isnan(self.remaining) else math.inf
        burn = self.burn_now
        burn = burn if burn is not None and not math.isnan(burn) else 0.0
        slo = self.entry.slo
        return STATES.index(self.state), remaining, -burn, slo.service, slo.name


@dataclass
class Status:
    rows: list[GroupStatus]
    error: str | None  # Prometheus could not answer: every row is missing, with this message
    queries: int


def read(prometheus: Prometheus, entries: Iterable[Entry], narrow: Labels | None = None) -> Status:
    """Every group of `entries`, worst first. `narrow` (an SLO's identity, from the model) narrows each query to one
    SLO for its detail page; the status page sends the queries as they are."""
    entries = list(entries)
    answers: dict[str, list[Sample]] = {}
    try:
        for key, expr in QUERIES.items():
            answers[key] = prometheus.query(_narrowed(expr, narrow))
    except PrometheusError as err:
        rows = [GroupStatus(e, (), missing=[str(err)]) for e in entries]
        return Status(sorted(rows, key=lambda r: r.sort_key), str(err), len(answers) + 1)
    indexed = {key: _by_slo(samples) for key, samples in answers.items()}
    rows = [row for entry in entries for row in _groups(entry, indexed)]
    return Status(sorted(rows, key=lambda r: r.sort_key), None, len(QUERIES))


def _narrowed(expr: str, narrow: Labels | None) -> str:
    if not narrow:
        return expr
    extra = ql.labels(narrow)[1:-1]
    return f"{expr[:-1]}, {extra}}}" if expr.endswith("}") else f"{expr}{{{extra}}}"


def _by_slo(samples: list[Sample]) -> dict[tuple[str, str], list[Sample]]:
    found: dict[tuple[str, str], list[Sample]] = {}
    for labels, value in samples:
        found.setdefault((labels.get("service", ""), labels.get("slo", "")), []).append((labels, value))
    return found


def _groups(entry: Entry, indexed: dict[str, dict[tuple[str, str], list[Sample]]]) -> list[GroupStatus]:
    slo = entry.slo
    mine = {key: by_slo.get(entry.key, []) for key, by_slo in indexed.items()}
    if not mine["info"]:
        message = f"rules not loaded: Prometheus has no {naming.INFO} series for this SLO"
        return [GroupStatus(entry, (), missing=[message])]
    windows, budget = entry.ratio_names, entry.error_budget
    groups: dict[tuple[tuple[str, str], ...], GroupStatus] = {}
    group_by = slo.group_by

    def group(labels: Labels) -> GroupStatus:
        key = tuple((label, labels.get(label, "")) for label in group_by) if group_by else ()
        found = groups.get(key)
        if found is None:
            found = groups[key] = GroupStatus(entry, key)
        return found

    for labels, value in mine["period_ratio"]:
        group(labels).sli = None if math.isnan(value) else 1 - value
    for labels, value in mine["remaining"]:
        group(labels).remaining = None if math.isnan(value) else value
    for labels, value in mine["ratios"]:
        window = windows.get(labels.get("__name__", ""))
        if window is not None and not math.isnan(value):
            group(labels).burns[window] = value / budget
    if not groups:
        groups[()] = GroupStatus(entry, ())
    for labels, _value in mine["alerts"]:
        firing = _firing(labels)
        for row in groups.values():
            if all(labels.get(k, v) == v for k, v in row.group):
                row.alerts.append(firing)
    for row in groups.values():
        row.missing.extend(_missing(row))
    return list(groups.values())


def _firing(labels: Labels) -> Firing:
    pair = f"{labels['long_window']}/{labels['short_window']}" if "long_window" in labels else ""
    shown = tuple(sorted((k, v) for k, v in labels.items() if k not in ("__name__", "alertstate")))
    return Firing(labels.get("alertname", ""), labels.get("severity", ""), pair, shown)


def _missing(row: GroupStatus) -> list[str]:
    """What the rules are loaded for but Prometheus has no value of: no events yet, or a window not yet filled."""
    missing = []
    if row.sli is None:
        missing.append(f"no {naming.PERIOD_RATIO}: no events in the period yet, or the period rules have not run")
    if row.remaining is None:
        missing.append(f"no {naming.BUDGET_REMAINING}")
    slo = row.entry.slo
    if slo.current_window is not None and slo.current_window not in row.burns:
        missing.append(f"no {naming.error_ratio(slo.current_window)}: no events in the last {row.burn_window}")
    return missing
