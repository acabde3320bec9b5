"""Prometheus recording and alerting rules for one service: model → plain data.

Only the base window (5m, or one probe interval) reads raw series. Every longer window is
sum_over_time over the recorded base rates, errors over total, so ratios are traffic-weighted and a
zero-traffic interval adds 0/0 to nothing (no NaN is ever stored in a series that gets summed).
"""

import re
from decimal import Decimal

from .. import naming
from ..burnrate import BurnWindow
from ..durations import format_duration, format_number
from ..model import (SLO, Alert, ExprCondition, LatencySLI, ProbeSLI, QuantileCondition, RatioSLI, Service,
                     ZeroToleranceCondition)
from ..selector import Matcher
from . import annotations
from .annotations import Values

SLI_INTERVAL = 60  # the events guard turns summed per-second rates into counts with this step
PERIOD_INTERVAL = 300  # 30d windows move by 1/8640 per 5m; evaluating them every minute buys nothing
ALERT_INTERVAL = 60


def render_rules(service: Service) -> dict:
    groups = []
    if service.slos:
        groups.append(_group(f"slogen:{service.name}:sli", SLI_INTERVAL,
                             [rule for slo in service.slos for rule in sli_rules(slo, service)]))
        groups.append(_group(f"slogen:{service.name}:period", PERIOD_INTERVAL,
                             [rule for slo in service.slos for rule in period_rules(slo, service)]))
    if service.alerts:
        groups.append(_group(f"slogen:{service.name}:alerts", ALERT_INTERVAL,
                             [symptom_alert(alert, service) for alert in service.alerts]))
    return {"groups": groups}


def _group(name: str, interval: int, rules: list[dict]) -> dict:
    return {"name": name, "interval": format_duration(interval), "rules": rules}


def slo_labels(slo: SLO, service: Service) -> dict[str, str]:
    return dict(sorted({**dict(service.labels), **dict(slo.labels), "service": slo.service, "slo": slo.name}.items()))


def slo_identity(slo: SLO) -> dict[str, str]:
    """Derived series inherit every label; these two also tell promtool's duplicate-rule lint the SLOs apart."""
    return {"service": slo.service, "slo": slo.name}


def slo_selector(slo: SLO) -> str:
    return f'{{service="{slo.service}", slo="{slo.name}"}}'


def _by(names: tuple[str, ...]) -> str:
    return f"sum by ({', '.join(names)}) " if names else "sum"


def le_matcher(threshold: Decimal) -> Matcher:
    """Match the bucket whether the exporter writes le="1" or le="1.0" (Prometheus 3 normalises to the latter)."""
    text = format_number(threshold)
    spellings = {text, text + ".0" if "." not in text else text}
    return Matcher("le", "=~", "|".join(re.escape(s) for s in sorted(spellings)))


def base_expressions(slo: SLO) -> tuple[str, str]:
    """(errors per second, total per second) over the base window, aggregated to the SLO's labels.

    Where errors need the total too, they read the total this group recorded a moment earlier in the same
    evaluation (rules in a group run in order) instead of reading the raw series a second time: the raw
    reads are most of what slogen's rules cost Prometheus.
    """
    by, window = _by(slo.group_by), format_duration(slo.base_window)
    recorded_total = f"{by}({naming.total_rate(slo)}{slo_selector(slo)})"
    sli = slo.sli
    if isinstance(sli, RatioSLI):
        total = f"{by}(rate({sli.total.selector.render()}[{window}]))"
        # A counter that has never been incremented may not exist yet: count it as zero, not as missing.
        zero = f"0 * {recorded_total}"
        if sli.errors is not None:
            return f"{by}(rate({sli.errors.selector.render()}[{window}])) or {zero}", total
        good = f"({by}(rate({sli.good.selector.render()}[{window}])) or {zero})"
        return f"clamp_min({recorded_total} - {good}, 0)", total
    if isinstance(sli, LatencySLI):
        histogram = sli.histogram.selector
        total = f"{by}(rate({histogram.render('_count')}[{window}]))"
        good = f"{by}(rate({histogram.render('_bucket', (le_matcher(sli.threshold),))}[{window}]))"
        return f"clamp_min({recorded_total} - {good}, 0)", total
    assert isinstance(sli, ProbeSLI)
    # Probe runs are sparse; count samples over one interval so no lookback gap hides them, and divide
    # by the window so the base series is a per-second rate like every other SLI kind.
    selector, seconds = sli.success.selector.render(), slo.base_window
    runs = f"{by}(count_over_time({selector}[{window}]))"
    successes = f"{by}(sum_over_time({selector}[{window}]))"
    return f"({runs} - {successes}) / {seconds}", f"{runs} / {seconds}"


def _record(name: str, expr: str, labels: dict[str, str] | None = None) -> dict:
    rule = {"record": name, "expr": expr}
    if labels:
        rule["labels"] = labels
    return rule


def sli_rules(slo: SLO, service: Service) -> list[dict]:
    """Base rates, every window's error ratio and burn rate, then the alerts that read them, in order."""
    select, budget = slo_selector(slo), format_number(slo.error_budget)
    errors, total = base_expressions(slo)
    errors_name, total_name = naming.errors_rate(slo), naming.total_rate(slo)
    identity = slo_identity(slo)
    # total first: the errors expression reads it (base_expressions)
    rules = [_record(total_name, total, slo_labels(slo, service)), _record(errors_name, errors, slo_labels(slo, service))]
    for window in slo.ratio_windows:
        if window == slo.base_window:
            expr = f"{errors_name}{select} / {total_name}{select}"
        else:
            span = format_duration(window)
            expr = f"sum_over_time({errors_name}{select}[{span}]) / sum_over_time({total_name}{select}[{span}])"
        rules.append(_record(naming.error_ratio(window), expr, identity))
    for window in slo.ratio_windows:
        rules.append(_record(naming.burn_rate(window), f"{naming.error_ratio(window)}{select} / {budget}", identity))
    rules.extend(burn_alert(slo, service, window) for window in slo.burn_windows)
    if isinstance(slo.sli, ProbeSLI):
        rules.append(strike_alert(slo, service))
    if slo.alerting.absent:
        rules.append(absent_alert(slo, service))
    return rules


def period_rules(slo: SLO, service: Service) -> list[dict]:
    select, budget, labels = slo_selector(slo), format_number(slo.error_budget), slo_labels(slo, service)
    span, identity = slo.period_text, slo_identity(slo)
    errors_name, total_name = naming.errors_rate(slo), naming.total_rate(slo)
    info = {**labels, "description": slo.description, "objective": format_number(slo.objective_percent),
            "period": span, "sli": slo.sli.kind}
    if slo.alerting.runbook:
        info["runbook_url"] = slo.alerting.runbook
    return [
        _record(naming.PERIOD_RATIO, f"sum_over_time({errors_name}{select}[{span}]) / "
                                     f"sum_over_time({total_name}{select}[{span}])", identity),
        _record(naming.PERIOD_BURN, f"{naming.PERIOD_RATIO}{select} / {budget}", identity),
        _record(naming.BUDGET_REMAINING, f"1 - {naming.PERIOD_RATIO}{select} / {budget}", identity),
        _record(naming.OBJECTIVE, f"vector({format_number(slo.objective)})", labels),
        _record(naming.ERROR_BUDGET, f"vector({budget})", labels),
        _record(naming.PERIOD_SECONDS, f"vector({slo.period})", labels),
        _record(naming.INFO, "vector(1)", dict(sorted(info.items()))),
    ]


def burn_alert_labels(slo: SLO, service: Service, window: BurnWindow) -> dict[str, str]:
    page = window.severity == "page"
    labels = {**dict(service.labels), **dict(slo.alerting.labels), "service": slo.service, "slo": slo.name,
              "severity": window.severity, "priority": slo.alerting.priority if page else "P2",
              "long_window": format_duration(window.long), "short_window": format_duration(window.short),
              "burn_rate": format_number(window.factor(slo.period))}
    return dict(sorted(labels.items()))


def _links(slo: SLO, service: Service) -> dict[str, str]:
    return annotations.links(slo.alerting.runbook, slo.alerting.dashboard or service.dashboard_url)


def burn_alert_annotations(slo: SLO, service: Service, window: BurnWindow, values: Values) -> dict[str, str]:
    found = {**annotations.burn(slo, window, values), **_links(slo, service)}
    found.update(slo.alerting.annotations)
    return dict(sorted(found.items()))


def burn_alert(slo: SLO, service: Service, window: BurnWindow) -> dict:
    select, factor = slo_selector(slo), format_number(window.factor(slo.period))
    expr = (f"{naming.burn_rate(window.long)}{select} > {factor}\n"
            f"and\n{naming.burn_rate(window.short)}{select} > {factor}")
    if slo.alerting.min_events:
        events = f"sum_over_time({naming.total_rate(slo)}{select}[{format_duration(window.long)}]) * {SLI_INTERVAL}"
        expr += f"\nand\n{events} >= {slo.alerting.min_events}"
    return {"alert": naming.burn_alert(slo), "expr": expr, "labels": burn_alert_labels(slo, service, window),
            "annotations": burn_alert_annotations(slo, service, window, Values())}


def strike_window(slo: SLO) -> int:
    assert isinstance(slo.sli, ProbeSLI)
    return slo.sli.interval * slo.sli.strikes


def strike_alert_labels(slo: SLO, service: Service) -> dict[str, str]:
    labels = {**dict(service.labels), **dict(slo.alerting.labels), "service": slo.service, "slo": slo.name,
              "severity": "page", "priority": slo.alerting.priority}
    return dict(sorted(labels.items()))


def strike_alert_annotations(slo: SLO, service: Service, values: Values) -> dict[str, str]:
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    probe = sli.success.selector.label_equalities().get("check", sli.success.selector.metric)
    found = {**annotations.strike(slo, probe, sli.strikes, sli.interval, values),
             **_links(slo, service), **dict(slo.alerting.annotations)}
    return dict(sorted(found.items()))


def strike_alert(slo: SLO, service: Service) -> dict:
    """Fires when each of the last `strikes` runs of a probe failed.

    The window is strikes × interval: it holds exactly the last `strikes` runs (Prometheus 3 ranges are
    left-open; Prometheus 2 adds the run before only when a sample lands exactly on the boundary).
    """
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    selector, span = sli.success.selector.render(), format_duration(strike_window(slo))
    expr = (f"max_over_time({selector}[{span}]) == 0\n"
            f"and\ncount_over_time({selector}[{span}]) >= {sli.strikes}")
    return {"alert": naming.strike_alert(slo), "expr": expr, "labels": strike_alert_labels(slo, service),
            "annotations": strike_alert_annotations(slo, service, Values())}


def absent_selector(slo: SLO) -> str:
    sli = slo.sli
    if isinstance(sli, RatioSLI):
        return sli.total.selector.render()
    if isinstance(sli, LatencySLI):
        return sli.histogram.selector.render("_count")
    return sli.success.selector.render()


def absent_alert_labels(slo: SLO, service: Service) -> dict[str, str]:
    labels = {**dict(service.labels), **dict(slo.alerting.labels), "service": slo.service, "slo": slo.name,
              "severity": "ticket", "priority": "P2"}
    return dict(sorted(labels.items()))


def absent_alert(slo: SLO, service: Service) -> dict:
    duration = slo.alerting.absent
    assert duration is not None
    found = {**annotations.absent(slo, absent_selector(slo), duration), **_links(slo, service)}
    return {"alert": naming.absent_alert(slo),
            "expr": f"absent_over_time({absent_selector(slo)}[{format_duration(duration)}])",
            "labels": absent_alert_labels(slo, service), "annotations": dict(sorted(found.items()))}


def symptom_expr(alert: Alert) -> str:
    condition = alert.condition
    if isinstance(condition, ExprCondition):
        return condition.expr
    if isinstance(condition, QuantileCondition):
        by = ", ".join(("le",) + condition.group_by)
        buckets = condition.histogram.selector.render("_bucket")
        return (f"histogram_quantile({format_number(condition.q)}, sum by ({by}) "
                f"(rate({buckets}[{format_duration(condition.window)}]))) > {format_number(condition.above)}")
    assert isinstance(condition, ZeroToleranceCondition)
    counter, span, by = condition.counter.selector.render(), format_duration(condition.window), _by(condition.group_by)
    # increase() cannot see a series' first sample, so a counter born at 1 is caught by its appearance.
    return (f"{by}(increase({counter}[{span}])) > 0\n"
            f"or\n{by}({counter} unless {counter} offset {span}) > 0")


def symptom_summary(alert: Alert) -> str:
    condition = alert.condition
    if alert.summary:
        return alert.summary
    if isinstance(condition, QuantileCondition):
        return (f"p{format_number(condition.q * 100)} of {condition.histogram.selector.metric} is "
                f"{{{{ $value | humanizeDuration }}}}, above {format_number(condition.above)}s")
    if isinstance(condition, ZeroToleranceCondition):
        return f"{condition.counter.selector.metric} increased: {{{{ $value }}}} new events must never happen"
    return f"{alert.service}: {alert.name}"


def symptom_labels(alert: Alert, service: Service) -> dict[str, str]:
    labels = {**dict(service.labels), **dict(alert.labels), "service": alert.service, "severity": alert.severity,
              "priority": alert.priority}
    return dict(sorted(labels.items()))


def symptom_alert(alert: Alert, service: Service) -> dict:
    found = {"summary": symptom_summary(alert), **annotations.links(alert.runbook, alert.dashboard or service.dashboard_url)}
    if alert.description:
        found["description"] = alert.description
    found.update(alert.annotations)
    rule = {"alert": alert.name, "expr": symptom_expr(alert)}
    if alert.for_:
        rule["for"] = format_duration(alert.for_)
    rule.update({"labels": symptom_labels(alert, service), "annotations": dict(sorted(found.items()))})
    return rule
