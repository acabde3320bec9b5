"""The PromQL dashboards read, derived from the model and the recorded series of render/rules.py.

The SLO tables (service overview, fleet overview) name their SLOs; the SLO detail dashboard names none, only its
variables, and shows the worst of the chosen groups. Dashboards never read raw series except for latency
percentiles and a time-slice SLO's error ratio per slice.
"""

from collections.abc import Callable
from decimal import Decimal

from .. import naming
from ..durations import format_duration, format_number
from ..model import SLO, TimeSlices
from ..promql import PROMETHEUS, PromQL
from . import rules

ql: PromQL = PROMETHEUS  # dashboards query whatever the data source speaks; Prometheus's spelling is the common one
BY_SLO = ("service", "slo")


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


def _exhaustion(slo: SLO, remaining: str, burn: str) -> str:
    """Seconds until the remaining budget is gone at the current burn rate: remaining × period / burn."""
    return f"{ql.clamp_min(remaining, 0)} * {slo.period} / ({burn} > 0)"


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
    """One column of the fleet table over `slos`, each row labelled with its service dashboard's uid and, from the
    info series, its runbook_url: every column carries the same labels, so the table merges them into one row."""
    groups: dict[tuple[str, str], list[SLO]] = {}
    for slo in slos:
        groups.setdefault((slo.service, column(slo, ())), []).append(slo)
    branches = []
    for (service, _shape), members in groups.items():
        matchers = _branch_matchers(service, [slo.name for slo in members])
        info = naming.INFO + ql.matchers(*matchers)
        expr = f"({column(members[0], matchers)})\n* on (service, slo) group_left (runbook_url)\n{info}"
        branches.append(ql.label_replace(expr, "dashboard", uids[service]))
    return "\nor\n".join(branches)


def fleet_count(slos: list[SLO], value: Callable[[SLO, str], str], condition: str) -> str:
    """How many SLOs (any group) have `value(slo, select)` meeting `condition`, e.g. budget remaining `< 0`."""
    groups: dict[tuple[str, str], list[SLO]] = {}
    for slo in slos:
        groups.setdefault((slo.service, value(slo, "")), []).append(slo)
    parts = []
    for (service, _shape), members in groups.items():
        names = [member.name for member in members]
        parts.append(f"{value(members[0], ql.matchers(*_branch_matchers(service, names)))} {condition}")
    return ql.or_zero(ql.aggregate("count", ql.aggregate("count", " or ".join(parts), BY_SLO)))


# --- the SLO detail dashboard -----------------------------------------------------------------------
# One dashboard for every SLO: its queries name no SLO, only the dashboard's variables, so its size does not grow
# with the fleet. Objective, budget, period and burn thresholds come from the constant series the period rules
# record per SLO. `group` is a whole label matcher (`region="eu"`), or while "All" is chosen one that every
# series of the SLO meets, so it goes into a selector as it is (`:raw`: Grafana would escape its quotes).

DETAIL_SERVICE = "service"
DETAIL_SLO = "slo"
DETAIL_GROUP = "group"
DETAIL_ALL_GROUPS = 'slo!=""'
DETAIL_HISTOGRAM = "sli_histogram"  # labels of naming.INFO (render/rules.period_rules), read by variables
DETAIL_THRESHOLD = "sli_threshold"
DETAIL_RUNBOOK = "runbook_url"
DETAIL_QUANTILES = ("0.5", "0.9", "0.99")
DETAIL_BURN_WINDOW = "1h"  # "burning now": the Workbook's fastest page window (model.CURRENT_WINDOW)
_SLO_MATCHERS = f'service="${DETAIL_SERVICE}", slo="${DETAIL_SLO}"'
_GROUP_MATCHER = f"${{{DETAIL_GROUP}:raw}}"


def detail_slo(name: str) -> str:
    """The chosen SLO's series of `name` (a per-SLO constant: objective, budget, period, thresholds)."""
    return f"{name}{{{_SLO_MATCHERS}}}"


def detail_groups(name: str) -> str:
    """The chosen SLO's series of `name`, of the chosen group (every group under "All")."""
    return f"{name}{{{_SLO_MATCHERS}, {_GROUP_MATCHER}}}"


def _detail_named(pattern: str) -> str:
    """Series whose name matches `pattern`: the recorded windows and base rates differ between SLOs."""
    return f'{{__name__=~"{pattern}", {_SLO_MATCHERS}, {_GROUP_MATCHER}}}'


def detail_info_query() -> str:
    return naming.INFO


def detail_slo_query() -> str:
    return f'{naming.INFO}{{service="${DETAIL_SERVICE}"}}'


def detail_group_query() -> str:
    """One line per group of the chosen SLO, `{region="eu"}`; the variable's regex keeps what is inside the braces."""
    return f"query_result(count without (service, slo) ({detail_slo(naming.BUDGET_REMAINING)}))"


def detail_burn_now() -> str:
    """The 1h error ratio over the budget per group, or the period's burn rate where no 1h ratio is recorded (a
    period of 1h or less)."""
    ratio = detail_groups(naming.error_ratio(3600))
    budget = detail_slo(naming.ERROR_BUDGET)
    return f"{ratio} / on (service, slo) group_left () {budget}\nor\n{detail_groups(naming.PERIOD_BURN)}"


def detail_exhaustion() -> str:
    remaining = ql.clamp_min(detail_groups(naming.BUDGET_REMAINING), 0)
    period = detail_slo(naming.PERIOD_SECONDS)
    return ql.aggregate("min", f"{remaining} * on (service, slo) group_left () {period} / (({detail_burn_now()}) > 0)")


def detail_headline() -> dict[str, str]:
    """The one value each headline stat shows: the worst of the chosen groups."""
    return {
        "objective": ql.aggregate("max", detail_slo(naming.OBJECTIVE)),
        "sli": f"1 - {ql.aggregate('max', detail_groups(naming.PERIOD_RATIO))}",
        "remaining": ql.aggregate("min", detail_groups(naming.BUDGET_REMAINING)),
        "burn": ql.aggregate("max", detail_burn_now()),
        "exhaustion": detail_exhaustion(),
    }


def detail_firing(severity: str) -> str:
    alerts = f'ALERTS{{alertstate="firing", {_SLO_MATCHERS}, {_GROUP_MATCHER}, severity="{severity}"}}'
    return ql.or_zero(ql.aggregate("count", alerts))


def detail_alert_states() -> str:
    alerts = f'ALERTS{{alertstate="firing", {_SLO_MATCHERS}, {_GROUP_MATCHER}}}'
    return ql.aggregate("max", alerts, ("alertname", "severity"))


def detail_window_sli(window: int) -> str:
    return f"1 - {ql.aggregate('max', detail_groups(naming.error_ratio(window)))}"


def detail_period_sli() -> str:
    return f"1 - {ql.aggregate('max', detail_groups(naming.PERIOD_RATIO))}"


def detail_window_burns() -> str:
    """Every recorded window's burn rate (the worst group), labelled `window`: 5m, 1h, 3d…"""
    prefix = naming.ERROR_RATIO_PREFIX
    windows = f'label_replace({_detail_named(prefix + ".+")}, "window", "$1", "__name__", "{prefix}(.+)")'
    budget = ql.aggregate("max", detail_slo(naming.ERROR_BUDGET))
    return f"{ql.aggregate('max', windows, ('window',))} / on () group_left () {budget}"


def detail_burn_thresholds() -> str:
    return ql.aggregate("max", detail_slo(naming.BURN_THRESHOLD), ("severity", "long_window", "short_window"))


def detail_events() -> tuple[str, str]:
    """(bad events per second, events per second) over the SLO's base window, all chosen groups."""
    return ql.sum(_detail_named(naming.ERRORS_RATE_PREFIX + ".+")), ql.sum(
        _detail_named(naming.TOTAL_RATE_PREFIX + ".+")
    )


def detail_breakdown() -> tuple[tuple[str, str], ...]:
    """(column, instant query) per group: SLI, budget remaining, burn now; every label a column."""
    # `without ()` keeps every label but drops the metric name, which would otherwise keep the rows from merging.
    return (
        ("SLI", f"1 - {detail_groups(naming.PERIOD_RATIO)}"),
        ("Budget remaining", f"min without () ({detail_groups(naming.BUDGET_REMAINING)})"),
        (f"Burn rate ({DETAIL_BURN_WINDOW})", f"max without () ({detail_burn_now()})"),
    )


def detail_freshness() -> tuple[str, str]:
    """(seconds since the last success, successes within `every`): a freshness SLI records one of them."""
    return (
        ql.aggregate("max", detail_groups(naming.FRESHNESS_AGE)),
        ql.aggregate("min", detail_groups(naming.FRESHNESS_SUCCESSES)),
    )


def detail_latency_quantile(quantile: str) -> str:
    """A percentile of a latency or value SLI's histogram, every group together: its selector is the info
    series' `sli_histogram` label, which the dashboard's hidden variable of that name reads."""
    buckets = ql.rate(f"${{{DETAIL_HISTOGRAM}:raw}}", "$__rate_interval")
    return ql.histogram_quantile(quantile, buckets, ())


def detail_objective_quantile() -> str:
    """The SLO's own percentile (its objective: a p95 SLO's 0.95)."""
    return detail_latency_quantile(f"scalar({ql.aggregate('max', detail_slo(naming.OBJECTIVE))})")
