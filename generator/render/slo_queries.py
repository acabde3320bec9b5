"""The PromQL dashboards read, derived from the model and the recorded series of render/rules.py.

The SLO tables (service dashboard, fleet overview) and the SLO detail dashboard name no SLO: they read the
constants the period rules record per SLO (objective, budget, period, info), so their size does not grow with the
fleet. Dashboards never read raw series except for latency percentiles and a time-slice SLO's error ratio per
slice.
"""

from collections.abc import Callable
from decimal import Decimal

from .. import naming
from ..durations import format_duration, format_number
from ..model import CURRENT_WINDOW, SLO, TimeSlices
from ..promql import PROMETHEUS, PromQL
from . import rules

ql: PromQL = PROMETHEUS  # dashboards query whatever the data source speaks; Prometheus's spelling is the common one
BY_SLO = ("service", "slo")
RUNBOOK = "runbook_url"  # a label of naming.INFO (render/rules.period_rules)
Select = Callable[[str], str]  # a recorded series' name → a selector of the SLOs' series of that name


def _series(slo: SLO, name: str) -> str:
    return ql.series(name, slo.identity)


def group_legend(slo: SLO, text: str) -> str:
    """`{{region}} text` for grouped SLOs, so every group's line is named."""
    prefix = " ".join(f"{{{{{label}}}}}" for label in slo.group_by)
    return f"{prefix} {text}".strip() if prefix else text


def burn_now(groups: Select, slo: Select) -> str:
    """The burn rate shown as "now", per group: the 1h error ratio over the error budget, or the period's burn rate
    for an SLO with no 1h ratio recorded (a period of 1h or less; a probe run less often than hourly). `groups`
    selects the series of a name per group, `slo` the SLO's constants."""
    ratio = groups(naming.error_ratio(CURRENT_WINDOW))
    period = f"{groups(naming.PERIOD_BURN)} unless on (service, slo) {ratio}"
    return f"{ratio} / on (service, slo) group_left () {slo(naming.ERROR_BUDGET)}\nor\n({period})"


def exhaustion(groups: Select, slo: Select) -> str:
    """Seconds until each group's remaining budget is gone at its current burn rate: remaining × period / burn."""
    remaining = ql.clamp_min(groups(naming.BUDGET_REMAINING), 0)
    period = slo(naming.PERIOD_SECONDS)
    return f"{remaining} * on (service, slo) group_left () {period} / (({burn_now(groups, slo)}) > 0)"


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


# --- the SLO tables (service dashboard, fleet overview) --------------------------------------------------------
# Each column is one instant query over the series the period rules record per SLO, so its size is the same for one
# SLO or ten thousand; `scope` narrows it to one service. Aggregated to (service, slo) and joined with the info
# series' runbook and service dashboard uid, every column carries the same labels: the table merges them into one
# row per SLO, and its links read the labels.

Scope = tuple[tuple[str, str, str], ...]  # (label, operator, value): what every query of a table adds
FLEET: Scope = ()
TABLE_LABELS = (RUNBOOK, naming.INFO_DASHBOARD)


def service_scope(service: str) -> Scope:
    return (("service", "=", service),)


def _in(scope: Scope) -> Select:
    """A name's series within `scope`: the tables select a group's series and an SLO's constants alike."""
    return lambda name: name + ql.matchers(*scope) if scope else name


def _alerts(scope: Scope, *matchers: tuple[str, str, str]) -> str:
    return "ALERTS" + ql.matchers(("alertstate", "=", "firing"), *matchers, *scope)


def table_columns(scope: Scope) -> tuple[tuple[str, str], ...]:
    """(column, instant query) of the SLO table: objective, SLI, budget remaining, burn now, time to exhaustion and
    alerts firing (0 when none), each the worst group's."""
    select = _in(scope)
    objective = ql.aggregate("max", select(naming.OBJECTIVE), BY_SLO)
    firing = ql.aggregate("count", _alerts(scope, ("slo", "!=", "")), BY_SLO)
    columns = (
        ("Objective", objective),
        ("SLI (period)", f"1 - {ql.aggregate('max', select(naming.PERIOD_RATIO), BY_SLO)}"),
        ("Budget remaining", ql.aggregate("min", select(naming.BUDGET_REMAINING), BY_SLO)),
        ("Burn rate (1h)", ql.aggregate("max", burn_now(select, select), BY_SLO)),
        ("Budget exhausted in", ql.aggregate("min", exhaustion(select, select), BY_SLO)),
        ("Alerts firing", f"{firing} or 0 * {objective}"),
    )
    join = f"* on (service, slo) group_left ({', '.join(TABLE_LABELS)})\n{select(naming.INFO)}"
    return tuple((name, f"({expr})\n{join}") for name, expr in columns)


def _count_slos(expr: str) -> str:
    return ql.or_zero(ql.aggregate("count", ql.aggregate("count", expr, BY_SLO)))


def slos_out_of_budget(scope: Scope) -> str:
    """How many SLOs have a group whose budget for the period is spent."""
    return _count_slos(f"{_in(scope)(naming.BUDGET_REMAINING)} < 0")


def slos_burning(scope: Scope) -> str:
    """How many SLOs have a group burning its budget faster than it lasts the period."""
    select = _in(scope)
    return _count_slos(f"({burn_now(select, select)}) > 1")


def alerts_firing(scope: Scope, severity: str) -> str:
    """Alerts of `severity` firing now, SLO and symptom alerts, of the services that record an SLO."""
    alerts = _alerts(scope, ("severity", "=", severity))
    return ql.or_zero(ql.aggregate("count", f"{alerts} and on (service) {_in(scope)(naming.INFO)}"))


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
DETAIL_RUNBOOK = RUNBOOK
DETAIL_DASHBOARD = naming.INFO_DASHBOARD
DETAIL_QUANTILES = ("0.5", "0.9", "0.99")
DETAIL_BURN_WINDOW = format_duration(CURRENT_WINDOW)  # "burning now": the Workbook's fastest page window
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
    return burn_now(detail_groups, detail_slo)


def detail_headline() -> dict[str, str]:
    """The one value each headline stat shows: the worst of the chosen groups."""
    return {
        "objective": ql.aggregate("max", detail_slo(naming.OBJECTIVE)),
        "sli": f"1 - {ql.aggregate('max', detail_groups(naming.PERIOD_RATIO))}",
        "remaining": ql.aggregate("min", detail_groups(naming.BUDGET_REMAINING)),
        "burn": ql.aggregate("max", detail_burn_now()),
        "exhaustion": ql.aggregate("min", exhaustion(detail_groups, detail_slo)),
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
