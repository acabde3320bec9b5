"""The PromQL dashboards read, derived from the model and the recorded series of render/rules.py.

Headline values of a `group_by` SLO show the worst group (lowest budget, fastest burn); the breakdown
panels show every group. Dashboards never read raw series except for latency percentiles and a time-slice SLO's
error ratio per slice.
"""

from collections.abc import Callable
from decimal import Decimal

from .. import naming
from ..durations import format_duration, format_number
from ..model import SLO, FreshnessSLI, LatencySLI, ProbeSLI, TimeSlices
from ..promql import PROMETHEUS, PromQL
from . import rules

ql: PromQL = PROMETHEUS  # dashboards query whatever the data source speaks; Prometheus's spelling is the common one
BY_SLO = ("service", "slo")


def _worst(slo: SLO, aggregation: str, expr: str) -> str:
    return ql.aggregate(aggregation, expr) if slo.group_by else expr


def _series(slo: SLO, name: str) -> str:
    return ql.series(name, slo.identity)


def group_legend(slo: SLO, text: str) -> str:
    """`{{region}} text` for grouped SLOs, so every group's line is named."""
    prefix = " ".join(f"{{{{{label}}}}}" for label in slo.group_by)
    return f"{prefix} {text}".strip() if prefix else text


def burn(slo: SLO, select: str) -> str:
    """The burn rate shown as "current": the 1h error ratio over the error budget, or the period's burn rate
    when 1h is not recorded. `select` is the selector body that picks the SLO's series."""
    window = slo.current_window
    if window is None:
        return naming.PERIOD_BURN + select
    return window_burn_of(slo, window, select)


def window_burn_of(slo: SLO, window: int, select: str) -> str:
    return f"{naming.error_ratio(window)}{select} / {format_number(slo.error_budget)}"


def budget_remaining_of(slo: SLO, select: str) -> str:
    return naming.BUDGET_REMAINING + select


def current_window_text(slo: SLO) -> str:
    window = slo.current_window
    return format_duration(window) if window else slo.period_text


def objective(slo: SLO) -> str:
    return _series(slo, naming.OBJECTIVE)


def period_sli(slo: SLO) -> str:
    return f"1 - {_worst(slo, 'max', _series(slo, naming.PERIOD_RATIO))}"


def budget_remaining(slo: SLO) -> str:
    return _worst(slo, "min", _series(slo, naming.BUDGET_REMAINING))


def current_burn(slo: SLO) -> str:
    return _worst(slo, "max", burn(slo, ql.labels(slo.identity)))


def _exhaustion(slo: SLO, remaining: str, burn: str) -> str:
    """Seconds until the remaining budget is gone at the current burn rate: remaining × period / burn."""
    return f"{ql.clamp_min(remaining, 0)} * {slo.period} / ({burn} > 0)"


def exhaustion(slo: SLO) -> str:
    """No result while nothing burns (Grafana shows the panel's noValue)."""
    expr = _exhaustion(slo, _series(slo, naming.BUDGET_REMAINING), burn(slo, ql.labels(slo.identity)))
    return _worst(slo, "min", expr)


def _alert_names(slo: SLO) -> str:
    """The SLO's alert names as a regex alternation (burn, absence, strike: the order dashboards always had; then
    uncomputable, then a freshness SLO's overdue alert)."""
    order = {"burn": 0, "absent": 1, "strike": 2, "uncomputable": 3, "overdue": 4}
    return "|".join(dict.fromkeys(alert.name for alert in sorted(slo.alerts, key=lambda a: order[a.kind])))


def _firing(slo: SLO, *extra: tuple[str, str, str]) -> str:
    return "ALERTS" + ql.matchers(
        ("alertname", "=~", _alert_names(slo)),
        ("alertstate", "=", "firing"),
        ("service", "=", slo.service),
        ("slo", "=", slo.name),
        *extra,
    )


def alerts_firing(slo: SLO, severity: str) -> str:
    return ql.or_zero(ql.aggregate("count", _firing(slo, ("severity", "=", severity))))


def alert_states(slo: SLO) -> str:
    return ql.aggregate("max", _firing(slo), ("alertname", "severity", *slo.group_by))


def window_sli(slo: SLO, window: int) -> str:
    return f"1 - {_series(slo, naming.error_ratio(window))}"


def window_burn(slo: SLO, window: int) -> str:
    return window_burn_of(slo, window, ql.labels(slo.identity))


def period_sli_series(slo: SLO) -> str:
    return f"1 - {_series(slo, naming.PERIOD_RATIO)}"


def remaining_series(slo: SLO) -> str:
    return _series(slo, naming.BUDGET_REMAINING)


def events(slo: SLO) -> tuple[str, str]:
    """(bad events per second, all events per second) over the base window."""
    return _series(slo, naming.errors_rate(slo.base_window)), _series(slo, naming.total_rate(slo.base_window))


def event_unit(slo: SLO) -> str:
    return "short" if isinstance(slo.sli, ProbeSLI | FreshnessSLI) else "reqps"


def freshness(slo: SLO) -> tuple[str, str]:
    """(query, unit) of what a freshness SLO is judged on: the age in seconds, or a counter's successes within
    `every`."""
    sli = slo.sli
    assert isinstance(sli, FreshnessSLI)
    if sli.last_success is not None:
        return _series(slo, naming.FRESHNESS_AGE), "s"
    return _series(slo, naming.FRESHNESS_SUCCESSES), "short"


def slice_error_ratio(slo: SLO, timeslices: TimeSlices) -> str:
    """The SLI's error ratio over the last slice, as the rules judge each slice at its end."""
    errors, total = rules.event_terms(slo, timeslices.slice, None, ql)
    return f"({errors}) / ({total})"


def bad_slices(slo: SLO, timeslices: TimeSlices, window: int) -> str:
    """Slices judged bad within `window`: every evaluation reads the last verdict, so each slice is read
    slice / evaluation times."""
    bad = f"sum_over_time({_series(slo, naming.errors_rate(slo.base_window))}[{format_duration(window)}])"
    readings = Decimal(timeslices.slice) / slo.base_window
    return bad if readings == 1 else f"{bad} / {format_number(readings)}"


def latency_quantiles(slo: SLO) -> tuple[str, ...]:
    """p50, p90, p99 and the SLO's own percentile (a time-slice quantile's, else the objective's), as quantiles of
    the SLI's histogram."""
    assert isinstance(slo.sli, LatencySLI)
    own = slo.timeslices.quantile if slo.timeslices and slo.timeslices.quantile else slo.objective
    wanted = sorted({"0.5", "0.9", "0.99", format_number(own)}, key=float)
    return tuple(wanted)


def latency_quantile(slo: SLO, quantile: str) -> str:
    assert isinstance(slo.sli, LatencySLI)
    buckets = ql.rate(slo.sli.histogram.selector.render("_bucket"), "$__rate_interval")
    return ql.histogram_quantile(quantile, buckets, slo.group_by)


def breakdown(slo: SLO) -> tuple[tuple[str, str], ...]:
    """(column, instant query) per group of a `group_by` SLO: SLI, budget remaining, current burn."""
    by = slo.group_by
    return (
        ("SLI", f"1 - {ql.aggregate('max', _series(slo, naming.PERIOD_RATIO), by)}"),
        ("Budget remaining", ql.aggregate("min", _series(slo, naming.BUDGET_REMAINING), by)),
        (f"Burn rate ({current_window_text(slo)})", ql.aggregate("max", burn(slo, ql.labels(slo.identity)), by)),
    )


# --- fleet overview ---------------------------------------------------------------------------------
# Each column is one instant query over every SLO: one `or` branch per (service, shape) with the SLO names
# as a regex, aggregated to (service, slo) so the columns merge into one row per SLO. label_replace adds
# the service dashboard's uid as a label, which the table's data link reads.

Matchers = tuple[tuple[str, str, str], ...]  # (label, operator, value)
FleetColumn = Callable[[SLO, Matchers], str]  # (an SLO of the branch, the branch's matchers) → query


def _fleet_objective(slo: SLO, matchers: Matchers) -> str:
    return ql.aggregate("max", naming.OBJECTIVE + ql.matchers(*matchers), BY_SLO)


def _fleet_sli(slo: SLO, matchers: Matchers) -> str:
    return f"1 - {ql.aggregate('max', naming.PERIOD_RATIO + ql.matchers(*matchers), BY_SLO)}"


def _fleet_remaining(slo: SLO, matchers: Matchers) -> str:
    return ql.aggregate("min", naming.BUDGET_REMAINING + ql.matchers(*matchers), BY_SLO)


def _fleet_burn(slo: SLO, matchers: Matchers) -> str:
    return ql.aggregate("max", burn(slo, ql.matchers(*matchers)), BY_SLO)


def _fleet_exhaustion(slo: SLO, matchers: Matchers) -> str:
    select = ql.matchers(*matchers)
    return ql.aggregate("min", _exhaustion(slo, naming.BUDGET_REMAINING + select, burn(slo, select)), BY_SLO)


def _fleet_alerts(slo: SLO, matchers: Matchers) -> str:
    firing = ql.aggregate("count", "ALERTS" + ql.matchers(("alertstate", "=", "firing"), *matchers), BY_SLO)
    return f"{firing} or 0 * {_fleet_objective(slo, matchers)}"


FLEET_COLUMNS: tuple[tuple[str, FleetColumn], ...] = (
    ("Objective", _fleet_objective),
    ("SLI (period)", _fleet_sli),
    ("Budget remaining", _fleet_remaining),
    ("Burn rate (1h)", _fleet_burn),
    ("Budget exhausted in", _fleet_exhaustion),
    ("Alerts firing", _fleet_alerts),
)


def _branch_matchers(service: str, names: list[str]) -> Matchers:
    return ("service", "=", service), ("slo", "=~", "|".join(names))


def fleet_query(column: FleetColumn, slos: list[SLO], uids: dict[str, str]) -> str:
    """One column of the fleet table over `slos`, each row labelled with its service dashboard's uid."""
    groups: dict[tuple[str, str], list[SLO]] = {}
    for slo in slos:
        groups.setdefault((slo.service, column(slo, ())), []).append(slo)
    branches = []
    for (service, _shape), members in groups.items():
        expr = column(members[0], _branch_matchers(service, [slo.name for slo in members]))
        branches.append(ql.label_replace(expr, "dashboard", uids[service]))
    return "\nor\n".join(branches)


def fleet_count(slos: list[SLO], value: Callable[[SLO, str], str], condition: str) -> str:
    """How many SLOs (any group) have `value(slo, select)` meeting `condition`, e.g. budget remaining `< 0`."""
    groups: dict[tuple[str, str], list[str]] = {}
    for slo in slos:
        groups.setdefault((slo.service, value(slo, "")), []).append(slo.name)
    parts = []
    for (service, _shape), names in groups.items():
        member = next(slo for slo in slos if slo.service == service and slo.name == names[0])
        parts.append(f"{value(member, ql.matchers(*_branch_matchers(service, names)))} {condition}")
    return ql.or_zero(ql.aggregate("count", ql.aggregate("count", " or ".join(parts), BY_SLO)))
