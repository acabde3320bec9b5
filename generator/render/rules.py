"""Prometheus recording and alerting rules for one service: model → plain data.

Only the base window (5m, or one probe interval) reads raw series. Every longer window is
sum_over_time over the recorded base rates, errors over total, so ratios are traffic-weighted and a
zero-traffic interval adds 0/0 to nothing (no NaN is ever stored in a series that gets summed).
"""

from typing import assert_never

from .. import naming
from ..durations import format_duration, format_number
from ..model import (
    SLO,
    Alert,
    ExprCondition,
    LatencySLI,
    ProbeSLI,
    QuantileCondition,
    RatioSLI,
    Service,
    SLOAlert,
    ZeroToleranceCondition,
)
from ..promql import PROMETHEUS, PromQL
from . import annotations
from .annotations import Values

SLI_INTERVAL = 60  # the events guard turns summed per-second rates into counts with this step
PERIOD_INTERVAL = 300  # 30d windows move by 1/8640 per 5m; evaluating them every minute buys nothing
ALERT_INTERVAL = 60

Rule = dict[str, object]


def render_rules(service: Service, ql: PromQL = PROMETHEUS) -> dict[str, object]:
    groups = []
    if service.slos:
        groups.append(
            _group(
                f"slogen:{service.name}:sli",
                SLI_INTERVAL,
                [rule for slo in service.slos for rule in sli_rules(slo, service, ql)],
            )
        )
        groups.append(
            _group(
                f"slogen:{service.name}:period",
                PERIOD_INTERVAL,
                [rule for slo in service.slos for rule in period_rules(slo, ql)],
            )
        )
    if service.alerts:
        groups.append(
            _group(
                f"slogen:{service.name}:alerts",
                ALERT_INTERVAL,
                [symptom_alert(alert, service, ql) for alert in service.alerts],
            )
        )
    return {"groups": groups}


def _group(name: str, interval: int, rules: list[Rule]) -> dict[str, object]:
    return {"name": name, "interval": format_duration(interval), "rules": rules}


def base_expressions(slo: SLO, ql: PromQL = PROMETHEUS) -> tuple[str, str]:
    """(errors per second, total per second) over the base window, aggregated to the SLO's labels.

    Where errors need the total too, they read the total this group recorded a moment earlier in the same
    evaluation (rules in a group run in order) instead of reading the raw series a second time: the raw
    reads are most of what slogen's rules cost Prometheus.
    """
    by, window = slo.group_by, slo.base_window
    recorded_total = ql.sum(ql.series(naming.total_rate(window), slo.identity), by)
    sli = slo.sli
    if isinstance(sli, RatioSLI):
        total = ql.sum(ql.rate(sli.total.selector.render(), window), by)
        # A counter that has never been incremented may not exist yet: count it as zero, not as missing.
        zero = f"0 * {recorded_total}"
        if sli.errors is not None:
            return f"{ql.sum(ql.rate(sli.errors.selector.render(), window), by)} or {zero}", total
        assert sli.good is not None, "the schema requires errors or good"
        good = f"({ql.sum(ql.rate(sli.good.selector.render(), window), by)} or {zero})"
        return ql.clamp_min(f"{recorded_total} - {good}", 0), total
    if isinstance(sli, LatencySLI):
        histogram = sli.histogram.selector
        total = ql.sum(ql.rate(histogram.render("_count"), window), by)
        good = ql.sum(ql.rate(ql.bucket(histogram, sli.threshold), window), by)
        return ql.clamp_min(f"{recorded_total} - {good}", 0), total
    if isinstance(sli, ProbeSLI):
        # Probe runs are sparse; count samples over one interval so no lookback gap hides them, and divide
        # by the window so the base series is a per-second rate like every other SLI kind.
        selector = sli.success.selector.render()
        runs = ql.sum(ql.over_time("count", selector, window), by)
        successes = ql.sum(ql.over_time("sum", selector, window), by)
        return f"({runs} - {successes}) / {window}", f"{runs} / {window}"
    assert_never(sli)


def _record(name: str, expr: str, labels: dict[str, str] | None = None) -> Rule:
    rule: Rule = {"record": name, "expr": expr}
    if labels:
        rule["labels"] = labels
    return rule


def _base_series(slo: SLO, ql: PromQL) -> tuple[str, str]:
    return (
        ql.series(naming.errors_rate(slo.base_window), slo.identity),
        ql.series(naming.total_rate(slo.base_window), slo.identity),
    )


def _summed_ratio(slo: SLO, window: int, ql: PromQL) -> str:
    """Errors over events within `window`, summed from the recorded base rates."""
    errors, total = _base_series(slo, ql)
    return f"{ql.over_time('sum', errors, window)} / {ql.over_time('sum', total, window)}"


def _window_ratio(slo: SLO, window: int, ql: PromQL) -> str:
    if window == slo.base_window:
        return " / ".join(_base_series(slo, ql))
    return _summed_ratio(slo, window, ql)


def sli_rules(slo: SLO, service: Service, ql: PromQL = PROMETHEUS) -> list[Rule]:
    """Base rates, every window's error ratio and burn rate, then the alerts that read them, in order."""
    budget = format_number(slo.error_budget)
    errors, total = base_expressions(slo, ql)
    # total first: the errors expression reads it (base_expressions)
    rules = [
        _record(naming.total_rate(slo.base_window), total, slo.series_labels),
        _record(naming.errors_rate(slo.base_window), errors, slo.series_labels),
    ]
    rules.extend(
        _record(naming.error_ratio(window), _window_ratio(slo, window, ql), slo.identity)
        for window in slo.ratio_windows
    )
    rules.extend(
        _record(
            naming.burn_rate(window), f"{ql.series(naming.error_ratio(window), slo.identity)} / {budget}", slo.identity
        )
        for window in slo.ratio_windows
    )
    rules.extend(slo_alert_rule(slo, alert, service, ql) for alert in slo.alerts)
    return rules


def period_rules(slo: SLO, ql: PromQL = PROMETHEUS) -> list[Rule]:
    budget, labels, identity = format_number(slo.error_budget), slo.series_labels, slo.identity
    period_ratio = ql.series(naming.PERIOD_RATIO, identity)
    info = {
        **labels,
        "description": slo.description,
        "objective": format_number(slo.objective_percent),
        "period": slo.period_text,
        "sli": slo.sli.kind,
    }
    if slo.alerting.runbook:
        info["runbook_url"] = slo.alerting.runbook
    return [
        _record(naming.PERIOD_RATIO, _summed_ratio(slo, slo.period, ql), identity),
        _record(naming.PERIOD_BURN, f"{period_ratio} / {budget}", identity),
        _record(naming.BUDGET_REMAINING, f"1 - {period_ratio} / {budget}", identity),
        _record(naming.OBJECTIVE, ql.vector(slo.objective), labels),
        _record(naming.ERROR_BUDGET, ql.vector(slo.error_budget), labels),
        _record(naming.PERIOD_SECONDS, ql.vector(slo.period), labels),
        _record(naming.INFO, ql.vector(1), dict(sorted(info.items()))),
    ]


def slo_alert_rule(slo: SLO, alert: SLOAlert, service: Service, ql: PromQL = PROMETHEUS) -> Rule:
    return {
        "alert": alert.name,
        "expr": slo_alert_expr(slo, alert, ql),
        "labels": dict(alert.labels),
        "annotations": annotations.slo_alert(slo, alert, service.dashboard_url, Values()),
    }


def slo_alert_expr(slo: SLO, alert: SLOAlert, ql: PromQL = PROMETHEUS) -> str:
    if alert.kind == "burn":
        return _burn_expr(slo, alert, ql)
    if alert.kind == "strike":
        return _strike_expr(slo, ql)
    if alert.kind == "absent":
        assert slo.alerting.absent is not None
        return ql.over_time("absent", slo.sli.presence, slo.alerting.absent)
    assert_never(alert.kind)


def _burn_expr(slo: SLO, alert: SLOAlert, ql: PromQL) -> str:
    window = alert.window
    assert window is not None, "burn alerts carry their window"
    factor = format_number(window.factor(slo.period))
    expr = (
        f"{ql.series(naming.burn_rate(window.long), slo.identity)} > {factor}\n"
        f"and\n{ql.series(naming.burn_rate(window.short), slo.identity)} > {factor}"
    )
    if slo.alerting.min_events:
        _errors, total = _base_series(slo, ql)
        events = f"{ql.over_time('sum', total, window.long)} * {SLI_INTERVAL}"
        expr += f"\nand\n{events} >= {slo.alerting.min_events}"
    return expr


def _strike_expr(slo: SLO, ql: PromQL) -> str:
    """Fires when each of the last `strikes` runs of a probe failed.

    The window is strikes × interval: it holds exactly the last `strikes` runs (Prometheus 3 ranges are
    left-open; Prometheus 2 adds the run before only when a sample lands exactly on the boundary).
    """
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    selector = sli.success.selector.render()
    return (
        f"{ql.over_time('max', selector, slo.strike_window)} == 0\n"
        f"and\n{ql.over_time('count', selector, slo.strike_window)} >= {sli.strikes}"
    )


def symptom_expr(alert: Alert, ql: PromQL = PROMETHEUS) -> str:
    condition = alert.condition
    if isinstance(condition, ExprCondition):
        return condition.expr
    if isinstance(condition, QuantileCondition):
        buckets = ql.rate(condition.histogram.selector.render("_bucket"), condition.window)
        quantile = ql.histogram_quantile(format_number(condition.q), buckets, condition.group_by)
        return f"{quantile} > {format_number(condition.above)}"
    if isinstance(condition, ZeroToleranceCondition):
        counter, window, by = condition.counter.selector.render(), condition.window, condition.group_by
        # increase() cannot see a series' first sample, so a counter born at 1 is caught by its appearance.
        return (
            f"{ql.sum(ql.increase(counter, window), by)} > 0\n"
            f"or\n{ql.sum(f'{counter} unless {ql.offset(counter, window)}', by)} > 0"
        )
    assert_never(condition)


def symptom_alert(alert: Alert, service: Service, ql: PromQL = PROMETHEUS) -> Rule:
    rule: Rule = {"alert": alert.name, "expr": symptom_expr(alert, ql)}
    if alert.for_:
        rule["for"] = format_duration(alert.for_)
    rule.update({"labels": alert.rule_labels, "annotations": annotations.symptom(alert, service.dashboard_url)})
    return rule
