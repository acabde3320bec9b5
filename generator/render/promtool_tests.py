"""promtool unit tests for one service: model → plain data.

Per SLO: healthy traffic is quiet; an outage pages within the bound the burn-rate maths predicts;
a steady burn between the ticket and page thresholds tickets and never pages; pages resolve after
recovery. Exact annotations are asserted where every window holds one constant ratio (so the alert
value is known); timing is asserted on the ALERTS series, whose labels must match exactly.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import assert_never

from .. import burnrate, naming, promtemplate
from ..burnrate import PAGE, TICKET, BurnWindow
from ..durations import format_duration, format_number
from ..model import (
    SLO,
    Alert,
    ExprCondition,
    FreshnessSLI,
    LatencySLI,
    ProbeSLI,
    QuantileCondition,
    RatioSLI,
    Service,
    SLOAlert,
    ZeroToleranceCondition,
)
from ..promql import PROMETHEUS
from ..selector import Matcher, Selector
from ..synth import SynthesisError, counter_values, group_value, label_values, series_labels, series_text
from . import JSON, annotations
from .annotations import Values

STEP = 60  # evaluation_interval of every generated test
TRAFFIC_PER_MINUTE = Decimal(1000)

Counts = list[tuple[int, Decimal]]  # (minutes, counter increase per minute), as synth.counter_values reads them


def render_tests(service: Service, rule_file: str) -> JSON:
    tests: list[JSON] = []
    for slo in service.slos:
        # Else files of their own; a time-slice SLO's: render/timeslice_tests.py.
        if not sparse_probe(slo) and not isinstance(slo.sli, FreshnessSLI) and slo.timeslices is None:
            tests.extend(probe_tests(slo, service) if isinstance(slo.sli, ProbeSLI) else slo_tests(slo, service))
        tests.extend(absent_tests(slo, service))
    for alert in service.alerts:
        if not sparse_alert_test(alert):  # a file of its own: render_sparse_alert_tests
            tests.extend(symptom_tests(alert, service))
    return {
        "rule_files": [rule_file],
        "evaluation_interval": format_duration(STEP),
        "tests": list(map(_checkable, tests)),
    }


def sparse_alert_test(alert: Alert) -> bool:
    """Whether an alert's test is evaluated less often than every STEP: an expr alert's whose samples are sparser
    (hourly, for a weekly signal) or a zero-tolerance alert's (zero_tolerance_tick). Such a test spans hours or
    days: evaluated every minute it would take minutes of promtool time, so it runs in a file of its own."""
    return alert_tick(alert) > STEP


def alert_tick(alert: Alert) -> int:
    """The evaluation interval of an alert's generated test: an expr alert's sample interval, if sparser than
    STEP; a zero-tolerance alert's zero_tolerance_tick."""
    condition = alert.condition
    if isinstance(condition, ExprCondition) and alert.test is not None:
        return max(STEP, alert.test.interval)
    if isinstance(condition, ZeroToleranceCondition):
        return zero_tolerance_tick(condition)
    return STEP


def render_sparse_alert_tests(service: Service, rule_file: str) -> list[tuple[Alert, JSON]]:
    """One test document per alert whose test is sparse (sparse_alert_test), evaluated at its alert_tick."""
    return [
        (
            alert,
            {
                "rule_files": [rule_file],
                "evaluation_interval": format_duration(alert_tick(alert)),
                "tests": symptom_tests(alert, service, tick=alert_tick(alert)),
            },
        )
        for alert in service.alerts
        if sparse_alert_test(alert)
    ]


def _minutes(seconds: float) -> int:
    return math.ceil(seconds / 60)


def _at(minutes: int) -> str:
    return format_duration(minutes * 60) if minutes else "0s"


def _alerts_selector(**labels: str) -> str:
    inner = ", ".join(Matcher(k, "=", v).render() for k, v in labels.items())
    return f"ALERTS{{{inner}}}"


def _alerts_sample(alertname: str, labels: dict[str, str]) -> JSON:
    full = {**labels, "alertname": alertname, "alertstate": "firing"}
    return {"labels": series_text("ALERTS", full), "value": 1}


def fired_labels(series: dict[str, str], rule_labels: dict[str, str], value: float | None) -> dict[str, str | None]:
    """An alert's labels: those of the series its expression returns (which `$labels` reads) and the rule's, each a
    template Prometheus expands with the series' labels and `value`; None where that cannot be predicted."""
    return {**series, **{name: promtemplate.expand(text, series, value) for name, text in rule_labels.items()}}


def _firing(alertname: str, expected: list[dict[str, str | None]], eval_time: str, **scope: str) -> JSON:
    """A check that exactly the `expected` alerts fire: their ALERTS series; where a label's text cannot be
    predicted, how many fire with the labels that can (still failing when they do not fire)."""
    selector = dict(alertstate="firing", alertname=alertname, **scope)
    complete = [{name: text for name, text in labels.items() if text is not None} for labels in expected]
    if complete == expected:
        samples = sorted((_alerts_sample(alertname, labels) for labels in complete), key=lambda s: s["labels"])
        return {"expr": _alerts_selector(**selector), "eval_time": eval_time, "exp_samples": samples}
    shared = dict(sorted(set.intersection(*(set(labels.items()) for labels in complete))))
    return {
        "expr": f"count({_alerts_selector(**{**shared, **selector})})",
        "eval_time": eval_time,
        "exp_samples": [{"labels": "{}", "value": len(expected)}],
    }


def _checkable(test: JSON) -> JSON:
    """promtool compares the labels and annotations of alert_rule_test exactly: an entry whose alerts carry a text
    that cannot be predicted (None, see annotations.Values.template) becomes a check on their ALERTS series. Quiet
    entries (no exp_alerts) stay as they are."""
    kept, checks = [], []
    for entry in test.get("alert_rule_test", []):
        alerts = entry["exp_alerts"]
        if any(None in [*a["exp_labels"].values(), *a["exp_annotations"].values()] for a in alerts):
            checks.append(_firing(entry["alertname"], [a["exp_labels"] for a in alerts], entry["eval_time"]))
        else:
            kept.append(entry)
    if not checks:
        return test
    return {**test, "alert_rule_test": kept, "promql_expr_test": [*test.get("promql_expr_test", []), *checks]}


def _slo_alerts_selector(slo: SLO) -> str:
    """Every alert of the SLO; with alerting.absent.expect, but its absence ticket: these tests feed one group, so
    the other expected groups are silent and rightly ticket (absent_tests checks that ticket)."""
    alerts = _alerts_selector(**slo.identity)
    if not slo.alerting.absent_expect:
        return alerts
    return alerts[:-1] + ", " + Matcher("alertname", "!=", naming.absent_alert(slo.name)).render() + "}"


def _quiet(selector: str, minutes: int) -> JSON:
    return {"expr": selector, "eval_time": _at(minutes), "exp_samples": []}


def _group_labels(slo: SLO) -> dict[str, str]:
    selectors = tuple(f.selector for f in slo.sli.selectors)
    return {name: group_value(name, selectors) for name in slo.group_by}


# --- traffic for ratio and latency SLIs -------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    minutes: int
    error_ratio: Decimal


def traffic(slo: SLO, service: Service, phases: list[Phase], rate: Decimal) -> list[JSON]:
    """Input series whose SLI error ratio follows `phases`, at `rate` events per minute."""
    group = _group_labels(slo)
    sli = slo.sli
    bad = [(p.minutes, rate * p.error_ratio) for p in phases]
    good = [(p.minutes, rate * (1 - p.error_ratio)) for p in phases]
    every = [(p.minutes, rate) for p in phases]
    if isinstance(sli, RatioSLI):
        return _ratio_series(sli, group, bad, good, every)
    assert isinstance(sli, LatencySLI), "probe SLIs have tests of their own"
    return _histogram_series(sli, service, group, good, every)


def _ratio_series(sli: RatioSLI, group: dict[str, str], bad: Counts, good: Counts, every: Counts) -> list[JSON]:
    total = sli.total.selector
    if sli.errors is not None:
        errors = sli.errors.selector
        if errors.metric == total.metric:
            bad_labels = series_labels((errors, total), fixed=group)
            good_labels = series_labels((total,), (errors,), fixed=group)
            return [_series(total.metric, bad_labels, bad), _series(total.metric, good_labels, good)]
        return [
            _series(errors.metric, series_labels((errors,), fixed=group), bad),
            _series(total.metric, series_labels((total,), fixed=group), every),
        ]
    assert sli.good is not None, "the schema requires errors or good"
    good_selector = sli.good.selector
    if good_selector.metric == total.metric:
        good_labels = series_labels((good_selector, total), fixed=group)
        bad_labels = series_labels((total,), (good_selector,), fixed=group)
        return [_series(total.metric, bad_labels, bad), _series(total.metric, good_labels, good)]
    return [
        _series(good_selector.metric, series_labels((good_selector,), fixed=group), good),
        _series(total.metric, series_labels((total,), fixed=group), every),
    ]


def _series(metric: str, labels: dict[str, str], phases: Counts) -> JSON:
    return {"series": series_text(metric, labels), "values": counter_values(phases)}


def histogram_boundaries(service: Service, metric: str) -> list[Decimal]:
    """Every threshold any SLO or alert of the service reads from this histogram."""
    found = set()
    for slo in service.slos:
        if isinstance(slo.sli, LatencySLI) and slo.sli.histogram.selector.metric == metric:
            found.add(slo.sli.threshold)
    for alert in service.alerts:
        if isinstance(alert.condition, QuantileCondition) and alert.condition.histogram.selector.metric == metric:
            found.update((alert.condition.above, alert.condition.above * 2))
    return sorted(found)


def _histogram_series(
    sli: LatencySLI, service: Service, group: dict[str, str], good: Counts, every: Counts
) -> list[JSON]:
    # Good requests land under the smallest boundary and bad ones above the largest, so every SLO on
    # this histogram sees the same phases.
    histogram = sli.histogram.selector
    labels = series_labels((histogram,), fixed=group)
    series = [
        _series(histogram.metric + "_bucket", {**labels, "le": format_number(b)}, good)
        for b in histogram_boundaries(service, histogram.metric)
    ]
    series.append(_series(histogram.metric + "_bucket", {**labels, "le": "+Inf"}, every))
    series.append(_series(histogram.metric + "_count", labels, every))
    return series


# --- SLO tests ---------------------------------------------------------------------------------------


def _expression_labels(slo: SLO) -> dict[str, str]:
    """The labels of the series a burn or uncomputable alert's expression returns: its SLO's and its group's."""
    return {**slo.series_labels, **_group_labels(slo)}


def _exp_alerts(slo: SLO, service: Service, alerts: list[SLOAlert], value: float) -> list[JSON]:
    series = _expression_labels(slo)
    return [
        {
            "exp_labels": fired_labels(series, dict(alert.labels), value),
            "exp_annotations": annotations.slo_alert(slo, alert, service.dashboard_url, Values(value, series)),
        }
        for alert in alerts
    ]


def _burn_alerts(slo: SLO) -> list[SLOAlert]:
    return [alert for alert in slo.alerts if alert.kind == "burn"]


def _window(alert: SLOAlert) -> BurnWindow:
    assert alert.window is not None, "burn alerts carry their window"
    return alert.window


def _factor(slo: SLO, alert: SLOAlert) -> Decimal:
    return _window(alert).factor(slo.period)


def _rate_for(slo: SLO) -> Decimal:
    """Enough traffic that the minimum-events guard is met within five minutes of data."""
    needed = Decimal(slo.alerting.min_events or 0) / 5
    return max(TRAFFIC_PER_MINUTE, needed.to_integral_value(rounding="ROUND_CEILING"))


def detection_minutes(slo: SLO, window: BurnWindow) -> int:
    """Promised time to page at 100 % errors: the Workbook detection time, plus half a base window for the
    5m rates to ramp up, plus two evaluations."""
    seconds = burnrate.firing_bound(window, slo.period, slo.error_budget, Decimal(1), slo.base_window, STEP)
    assert seconds is not None, "burn_windows keeps only pairs whose threshold is below 100 % errors"
    return _minutes(seconds)


def slow_burn(slo: SLO) -> Decimal | None:
    """A burn rate that crosses some ticket threshold and no page threshold, or None if there is none. It is
    never a threshold itself: a steady burn exactly at a pair's factor fires or not by floating-point rounding
    (Pyrra's 2× ticket pair, with 2× the obvious steady burn)."""
    factors = {s: [w.factor(slo.period) for w in slo.burn_windows if w.severity == s] for s in (PAGE, TICKET)}
    if not factors[TICKET]:
        return None
    low = min(factors[TICKET])
    high = min(factors[PAGE] + [1 / slo.error_budget])
    if low >= high:
        return None
    if low < 2 < high and 2 not in factors[TICKET]:
        return Decimal(2)
    above = min([f for f in factors[TICKET] if f > low] + [high])
    burn = Decimal(format(float((low + above) / 2), ".3g"))
    return burn if low < burn < above else None


def slo_tests(slo: SLO, service: Service) -> list[JSON]:
    rate, budget = _rate_for(slo), slo.error_budget
    mine = slo.identity
    firing_pages = _alerts_selector(alertstate="firing", severity=PAGE, **mine)
    healthy = budget / 10
    tests = []
    burns = _burn_alerts(slo)
    alertname = burns[0].name if burns else ""
    pages = [alert for alert in burns if alert.severity == PAGE]

    # Pages resolve within burnrate.reset_bound; without pages, the test still waits out the base rate's ramp-down.
    resolve = max([burnrate.reset_bound(_window(a), slo.base_window, STEP) for a in pages], default=0)
    resolve_minutes = _minutes(resolve or slo.base_window + 2 * STEP)
    outage = [Phase(12, Decimal(1)), Phase(resolve_minutes + 1, healthy)]
    checks = [_quiet(firing_pages, 12 + resolve_minutes)]
    # A real outage burns; it must not claim the SLI cannot be computed, not even as pending.
    checks += [_quiet(_alerts_selector(alertname=a.name, **mine), m) for a in _uncomputable(slo) for m in (1, 6, 12)]
    alert_checks = (
        [
            {
                "eval_time": _at(10),
                "alertname": alertname,
                "exp_alerts": _exp_alerts(slo, service, burns, 1 / float(budget)),
            }
        ]
        if burns
        else []
    )
    tests.append(
        {
            "name": f"{slo.name}: a total outage fires every burn alert; pages resolve within "
            f"{resolve_minutes}m of recovery",
            "interval": "1m",
            "input_series": traffic(slo, service, outage, rate),
            "alert_rule_test": alert_checks,
            "promql_expr_test": checks,
        }
    )

    if pages:
        fastest = min(pages, key=lambda alert: detection_minutes(slo, _window(alert)))
        bound = detection_minutes(slo, _window(fastest))
        phases = [Phase(60, healthy), Phase(bound, Decimal(1))]
        tests.append(
            {
                "name": f"{slo.name}: quiet when healthy; a total outage pages within {bound}m",
                "interval": "1m",
                "input_series": traffic(slo, service, phases, rate),
                "promql_expr_test": [
                    _quiet(_slo_alerts_selector(slo), 60),
                    _firing(
                        alertname,
                        [fired_labels(_expression_labels(slo), dict(fastest.labels), None)],
                        _at(60 + bound),
                        **mine,
                        long_window=format_duration(_window(fastest).long),
                    ),
                ],
            }
        )

    burn = slow_burn(slo)
    if burn is not None:
        firing = [alert for alert in burns if _factor(slo, alert) < burn]
        tests.append(
            {
                "name": f"{slo.name}: a steady {format_number(burn)}× burn tickets and never pages",
                "interval": "1m",
                "input_series": traffic(slo, service, [Phase(31, burn * budget)], rate),
                "alert_rule_test": [
                    {
                        "eval_time": _at(30),
                        "alertname": alertname,
                        "exp_alerts": _exp_alerts(slo, service, firing, float(burn)),
                    }
                ],
                "promql_expr_test": [_quiet(firing_pages, m) for m in (5, 10, 20, 30)],
            }
        )
    tests.extend(uncomputable_tests(slo, service, alert, rate) for alert in _uncomputable(slo))
    return tests


# --- the per-group absence ticket ----------------------------------------------------------------------

ABSENT_LEAD = 10  # minutes every group reports before the first one goes quiet


def absent_labels(selector: Selector) -> dict[str, str]:
    """The labels absent_over_time() gives its result: each label with exactly one matcher, an equality (Prometheus
    createLabelsForAbsentFunction drops a label that any other matcher names)."""
    named = [m.label for m in selector.matchers]
    return {m.label: m.value for m in selector.matchers if m.op == "=" and named.count(m.label) == 1}


def absent_tests(slo: SLO, service: Service) -> list[JSON]:
    """With alerting.absent.expect: every expected group reports and the ticket is quiet; the first group goes
    quiet and, once it has sent nothing for `absent`, the ticket fires for that group alone. Checked a minute
    either side of that instant: Prometheus 2 reads the range's start as inside, Prometheus 3 as outside."""
    watched = slo.presence_selectors()
    alert = next((a for a in slo.alerts if a.kind == "absent"), None)
    if alert is None or not slo.alerting.absent_expect:
        return []
    absent, suffix = _minutes(slo.alerting.absent or 0), slo.sli.presence_parts[1]
    last = ABSENT_LEAD + absent  # the quiet group's last sample, after a full window of every group reporting
    series = [
        _input_series_named(selector.metric + suffix, selector, group, f"1x{last if i == 0 else last + absent + 2}")
        for i, (group, selector) in enumerate(watched)
    ]
    silent = absent_labels(watched[0][1])
    values = Values(1, silent)
    fired = {
        "exp_labels": fired_labels(silent, dict(alert.labels), 1),
        "exp_annotations": annotations.slo_alert(slo, alert, service.dashboard_url, values),
    }
    where = ", ".join(f"{k}={v}" for k, v in watched[0][0].items())
    return [
        {
            "name": f"{slo.name}: every expected group reports, then {where} goes quiet and tickets alone after "
            f"{format_duration(slo.alerting.absent or 0)}",
            "interval": "1m",
            "input_series": series,
            "alert_rule_test": [
                {"eval_time": _at(last), "alertname": alert.name, "exp_alerts": []},
                {"eval_time": _at(last + absent - 1), "alertname": alert.name, "exp_alerts": []},
                {"eval_time": _at(last + absent + 1), "alertname": alert.name, "exp_alerts": [fired]},
            ],
        }
    ]


# --- the uncomputable-SLI ticket -----------------------------------------------------------------------


def _uncomputable(slo: SLO) -> list[SLOAlert]:
    return [alert for alert in slo.alerts if alert.kind == "uncomputable"]


def _ended(metric: str, labels: dict[str, str], phases: Counts) -> JSON:
    """A counter for `phases`, then gone: a staleness marker, as when an exporter stops exposing it."""
    series = _series(metric, labels, phases)
    return {**series, "values": f"{series['values']} stale"}


def uncomputable_tests(slo: SLO, service: Service, alert: SLOAlert, rate: Decimal) -> JSON:
    """Healthy and computable for a while, then broken the way the alert describes: it stays quiet (not even
    pending) while the SLI can be computed, is not firing before its `for` has passed, and fires after."""
    before = 20
    after = _minutes(slo.base_window) + _minutes(alert.for_) + 2
    series, what, value, group = _uncomputable_series(slo, service, before, after, rate)
    mine = slo.identity
    any_state = _alerts_selector(alertname=alert.name, **mine)
    firing = _alerts_selector(alertstate="firing", alertname=alert.name, **mine)
    expression = {**slo.series_labels, **group}
    return {
        "name": f"{slo.name}: quiet while its SLI can be computed; {what} tickets within {after}m",
        "interval": "1m",
        "input_series": series,
        "alert_rule_test": [
            {
                "eval_time": _at(before + after),
                "alertname": alert.name,
                "exp_alerts": [
                    {
                        "exp_labels": fired_labels(expression, dict(alert.labels), value),
                        "exp_annotations": annotations.slo_alert(
                            slo, alert, service.dashboard_url, Values(value, expression)
                        ),
                    }
                ],
            }
        ],
        "promql_expr_test": [
            *(_quiet(any_state, m) for m in (1, 5, 10, before)),
            _quiet(firing, before + _minutes(alert.for_)),
        ],
    }


def _uncomputable_series(
    slo: SLO, service: Service, before: int, after: int, rate: Decimal
) -> tuple[list[JSON], str, float, dict[str, str]]:
    """(input series, what breaks, the alert's value, the group labels it fires with) for an SLI computable
    for `before` minutes that cannot be computed for `after` more."""
    group, sli, healthy = _group_labels(slo), slo.sli, slo.error_budget / 10
    minutes = before + after
    per_second = float(rate) / STEP
    if isinstance(sli, LatencySLI):
        # A deploy drops the threshold bucket; the other buckets and _count go on.
        histogram, le = sli.histogram.selector, format_number(sli.threshold)
        bucket = {**series_labels((histogram,), fixed=group), "le": le}
        dropped = _ended(histogram.metric + "_bucket", bucket, [(before, rate * (1 - healthy))])
        series = [
            dropped if s["series"] == dropped["series"] else s
            for s in traffic(slo, service, [Phase(minutes, healthy)], rate)
        ]
        return series, f"losing the bucket le={le}", per_second, group
    assert isinstance(sli, RatioSLI), "probes cannot be uncomputable"
    total = sli.total.selector
    if sli.good is not None:
        # The good selector stops matching (a renamed label): from then on every event lands outside it.
        good = sli.good.selector
        matched = (good, total) if good.metric == total.metric else (good,)
        good_series = _ended(good.metric, series_labels(matched, fixed=group), [(before, rate * (1 - healthy))])
        if good.metric == total.metric:
            rest = [(before, rate * healthy), (after, rate)]
            other = _series(total.metric, series_labels((total,), (good,), fixed=group), rest)
        else:
            other = _series(total.metric, series_labels((total,), fixed=group), [(minutes, rate)])
        return [other, good_series], "a good selector that matches nothing", per_second, group
    assert sli.errors is not None, "the schema requires errors or good"
    errors = sli.errors.selector
    if errors.metric != total.metric:
        # Twice as many errors as events: the error counter counts what total does not.
        series = traffic(slo, service, [Phase(before, healthy), Phase(after, Decimal(2))], rate)
        return series, "errors above total", 2.0, group
    # Errors the total selector does not count, twice as many as it counts, from a series of their own.
    try:
        stray = series_labels((errors,), (total,), fixed=group)
    except SynthesisError:
        stray = series_labels((errors,), (total,))  # only a group total lacks: errors divide by no total
    stray_group = {name: stray[name] for name in slo.group_by if stray.get(name)}
    series = traffic(slo, service, [Phase(before, healthy), Phase(after, Decimal(0))], rate)
    series.append(
        {"series": series_text(errors.metric, stray), "values": f"_x{before} " + counter_values([(after, 2 * rate)])}
    )
    value = 2.0 if stray_group == group else math.inf
    return series, "errors that total does not count", value, stray_group


# A probe's strike test spans STREAK + strikes + 1 runs. Evaluated every minute like the other tests, a daily
# probe's would take ten days of one-minute steps: every step evaluates every rule of the service (minutes of
# CPU), and the period rule reads more samples per query than promtool's unit-test engine allows (10,000, under
# seven days of minutes). A probe whose test is longer than DENSE_PROBE_TEST therefore gets a test file of its
# own, evaluated SPARSE_TICKS times per probe interval: a dozen steps per run, whatever the interval.
DENSE_PROBE_TEST = 86400
SPARSE_TICKS = 12
LONE_FAILURE, STREAK = 4, 8  # runs: passes, a lone failure (strikes > 1), passes, the streak, passes


def probe_tick(slo: SLO) -> int:
    """The evaluation interval of the SLO's probe test: one minute when that is shorter than the interval and the
    test is short; otherwise the longest duration that divides the interval at least SPARSE_TICKS times."""
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    interval = sli.interval
    if interval > STEP and (STREAK + sli.strikes) * interval <= DENSE_PROBE_TEST:
        return STEP
    return next((d for d in range(interval // SPARSE_TICKS, 0, -1) if interval % d == 0), 1)


def sparse_probe(slo: SLO) -> bool:
    """Whether this SLO's probe test runs in a file of its own, at its own evaluation interval: a sparse probe,
    or one that runs every minute or more often (a check one minute after a run would land on the next)."""
    return isinstance(slo.sli, ProbeSLI) and probe_tick(slo) != STEP


def render_sparse_probe_tests(service: Service, rule_file: str) -> list[tuple[SLO, JSON]]:
    """One test document per sparse probe SLO (see DENSE_PROBE_TEST), evaluated at its probe_tick."""
    documents = []
    for slo in service.slos:
        if sparse_probe(slo):
            tick = probe_tick(slo)
            tests = list(map(_checkable, probe_tests(slo, service, tick)))
            documents.append(
                (slo, {"rule_files": [rule_file], "evaluation_interval": format_duration(tick), "tests": tests})
            )
    return documents


@dataclass(frozen=True)
class _StrikeScenario:
    """One strike test: probe series, each with whether its runs strike, and whether `alert` fires on them."""

    alert: SLOAlert
    what: str
    series: tuple[tuple[dict[str, str], bool], ...]
    fires: bool


def probe_tests(slo: SLO, service: Service, tick: int = STEP) -> list[JSON]:
    """The strike alerts' tests, per alert: its series strike and it fires with its priority, while a lone failure
    fires nothing; for an `in_every` alert also: only some of its series strike, and the entry after it fires
    instead. `tick` is the evaluation interval of the file they go in (probe_tick)."""
    scenarios = [s for alert in slo.alerts if alert.kind == "strike" for s in _strike_scenarios(slo, alert)]
    return [_strike_test(slo, service, scenario, tick) for scenario in scenarios]


def _strike_scenarios(slo: SLO, alert: SLOAlert) -> list[_StrikeScenario]:
    """Series on which `alert` fires and, for an `in_every` alert, series on which it does not. Left out where no
    series can be written for the alert (a rest that the entries leave no series) or where first match gives it none
    of them (model.SLO.strike_firing decides both, as the rules do)."""
    sli, entry = slo.sli, alert.entry
    assert isinstance(sli, ProbeSLI)
    base = sli.success.selector
    narrowed = Selector(base.metric, base.matchers + (entry.matchers if entry else ()))
    taken = tuple(Selector(base.metric, base.matchers + e.matchers) for e in alert.earlier if e.in_every is None)
    fixed = {**_group_labels(slo), **dict(entry.match if entry else ())}
    try:
        # A check no entry names reads check="check-1", not some generic value that merely misses the entries.
        named = {label: group_value(label, (narrowed,)) for e in alert.earlier for label, _ in e.match}
        labels = series_labels((narrowed,), taken, fixed={**named, **fixed})
    except SynthesisError:
        try:
            labels = series_labels((narrowed,), taken, fixed=fixed)
        except SynthesisError:
            return []
    what = _strike_what(slo, alert)
    if entry is None or entry.in_every is None:
        scenarios = [_StrikeScenario(alert, what, _with_companions(slo, alert, [labels]), True)]
    else:
        values = label_values(entry.in_every, (narrowed,), 2)
        if values:
            labels.setdefault(entry.in_every, values[0])
        other = [{**labels, entry.in_every: v} for v in values if v != labels.get(entry.in_every)]
        some = _with_companions(slo, alert, [labels], other)
        scenarios = [
            _StrikeScenario(alert, what, _with_companions(slo, alert, [labels, *other]), True),
            _StrikeScenario(alert, f"{what}, failing in one {entry.in_every} of two", some, False),
        ]
        scenarios = scenarios if other else scenarios[:1]  # the selector allows one value: it is every value
    return [s for s in scenarios if any(a is alert for a, _labels in slo.strike_firing(s.series)) == s.fires]


def _with_companions(
    slo: SLO, alert: SLOAlert, struck: list[dict[str, str]], passing: list[dict[str, str]] | None = None
) -> tuple[tuple[dict[str, str], bool], ...]:
    """The struck series, the passing ones, and a passing companion per struck series and earlier `in_every` entry
    that could take it: the same labels in another value of the entry's label, so that entry does not fire."""
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    companions = list(passing or [])
    for series in struck:
        for entry in (e for e in alert.earlier if e.in_every and e.matches(series)):
            assert entry.in_every is not None
            used = {s.get(entry.in_every) for s in struck}
            values = label_values(entry.in_every, (sli.success.selector,), len(used) + 1)
            free = [v for v in values if v not in used]
            if free and {**series, entry.in_every: free[0]} not in companions:
                companions.append({**series, entry.in_every: free[0]})
    return (*((s, True) for s in struck), *((s, False) for s in companions))


def _strike_what(slo: SLO, alert: SLOAlert) -> str:
    sli, entry = slo.sli, alert.entry
    assert isinstance(sli, ProbeSLI)
    if not sli.priorities:
        return "quiet while probes pass"
    if entry is None:
        return "a series no priorities entry matches"
    where = ", ".join(f"{label}={value}" for label, value in entry.match)
    return f"{where} in every {entry.in_every}" if entry.in_every else where


def _strike_test(slo: SLO, service: Service, scenario: _StrikeScenario, tick: int) -> JSON:
    """Struck series pass, fail once (strikes > 1), pass, fail `strikes` runs in a row, then pass. Checks sit one tick
    before or after a run, never on it: there Prometheus 2's closed ranges would also hold the run before."""
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    interval, strikes = sli.interval, sli.strikes
    lone_failure, streak = LONE_FAILURE, STREAK
    passed = ["1"] * (streak + strikes + 3)
    runs = list(passed)
    if strikes > 1:
        runs[lone_failure] = "0"
    for run in range(streak, streak + strikes):
        runs[run] = "0"
    fired = (streak + strikes - 1) * interval  # seconds from here on

    def at(seconds: int) -> str:
        return format_duration(seconds) if seconds else "0s"

    def quiet(selector: str, seconds: int) -> JSON:
        return {"expr": selector, "eval_time": at(seconds), "exp_samples": []}

    alertname, mine = scenario.alert.name, slo.identity
    # A strike alert's value is the failed runs' highest result: 0.
    expected = [
        (alert, series, fired_labels(series, dict(alert.labels), 0.0))
        for alert, series in slo.strike_firing(scenario.series)
    ]
    strikes_firing = _alerts_selector(alertstate="firing", alertname=alertname, **mine)
    checks = [
        quiet(_slo_alerts_selector(slo), interval * (lone_failure - 1)),
        quiet(strikes_firing, fired - tick),
        _firing(alertname, [labels for _alert, _series, labels in expected], at(fired + tick), **mine),
        quiet(strikes_firing, (streak + strikes) * interval + tick),
    ]
    if strikes > 1:
        checks.append(quiet(strikes_firing, lone_failure * interval + tick))
    fires = ", ".join(
        dict.fromkeys(
            f"{alert.severity} {dict(alert.labels)['priority']}" if sli.priorities else alert.severity
            for alert, _series, _labels in expected
        )
    )
    return {
        "name": f"{slo.name}: {scenario.what}; {strikes} consecutive failed runs {fires or 'fire nothing'}"
        + ("; a lone failure does not" if strikes > 1 else ""),
        "interval": format_duration(interval),
        "input_series": [
            {"series": series_text(sli.success.selector.metric, labels), "values": " ".join(runs if struck else passed)}
            for labels, struck in scenario.series
        ],
        "alert_rule_test": [
            {
                "eval_time": at(fired + tick),
                "alertname": alertname,
                "exp_alerts": [
                    {
                        "exp_labels": labels,
                        "exp_annotations": annotations.slo_alert(
                            slo, alert, service.dashboard_url, Values(0.0, series)
                        ),
                    }
                    for alert, series, labels in expected
                ],
            }
        ],
        "promql_expr_test": checks,
    }


# --- symptom alerts ----------------------------------------------------------------------------------


def _symptom_checks(
    alert: Alert, service: Service, holds_from: int, labels: dict[str, str] | None, tick: int = 1
) -> list[JSON]:
    """Not firing one evaluation (`tick` minutes) before the condition has held for `for`; firing exactly then.
    The first evaluation that sees the condition starts `for`, and `for` is counted in whole evaluations."""
    fires = (math.ceil(holds_from / tick) + math.ceil(_minutes(alert.for_) / tick)) * tick
    selector = _alerts_selector(alertstate="firing", alertname=alert.name, service=alert.service)
    checks = [_quiet(selector, fires - tick)] if fires >= tick else []
    if labels is None:
        checks.append(
            {
                "expr": f"clamp_max(count({selector}), 1)",
                "eval_time": _at(fires),
                "exp_samples": [{"labels": "{}", "value": 1}],
            }
        )
    else:
        expected = fired_labels(labels, alert.rule_labels, None)
        checks.append(_firing(alert.name, [expected], _at(fires), service=alert.service))
    return checks


def symptom_tests(alert: Alert, service: Service, tick: int = STEP) -> list[JSON]:
    """`tick` is the evaluation interval of the file the tests go in (sparse_alert_test)."""
    condition = alert.condition
    name = f"{alert.name}: fires once its condition has held for {format_duration(alert.for_) if alert.for_ else '0s'}"
    if isinstance(condition, ExprCondition):
        if alert.test is None:
            return []
        series = [{"series": s, "values": v} for s, v in alert.test.series]
        holds = _minutes(alert.test.holds_from)
        return [
            {
                "name": name,
                "interval": format_duration(alert.test.interval),
                "input_series": series,
                "promql_expr_test": _symptom_checks(alert, service, holds, None, _minutes(tick)),
            }
        ]
    if isinstance(condition, QuantileCondition):
        return [_quantile_test(alert, service, condition, name), *_quantile_guard_tests(alert, service, condition)]
    if isinstance(condition, ZeroToleranceCondition):
        return _zero_tolerance_tests(alert, service, condition, tick)
    assert_never(condition)


def _quantile_test(alert: Alert, service: Service, condition: QuantileCondition, name: str) -> JSON:
    histogram = condition.histogram.selector
    group = {g: group_value(g, (histogram,)) for g in condition.group_by}
    labels = series_labels((histogram,), fixed=group)
    fast_minutes, slow_needed = _quantile_crossing(condition)
    slow_minutes = slow_needed + _minutes(alert.for_) + 2
    # With min_events, enough traffic that the window holds twice the guard even while it fills.
    rate = max(TRAFFIC_PER_MINUTE, Decimal(2 * (condition.min_events or 0) * STEP // condition.window))
    every = [(fast_minutes, rate), (slow_minutes, rate)]
    fast = [(fast_minutes, rate), (slow_minutes, Decimal(0))]
    series = [
        _series(histogram.metric + "_bucket", {**labels, "le": format_number(b)}, fast)
        for b in histogram_boundaries(service, histogram.metric)
        if b <= condition.above
    ]
    series += [
        _series(histogram.metric + "_bucket", {**labels, "le": format_number(b)}, every)
        for b in histogram_boundaries(service, histogram.metric)
        if b > condition.above
    ]
    series += [
        _series(histogram.metric + "_bucket", {**labels, "le": "+Inf"}, every),
        _series(histogram.metric + "_count", labels, every),
    ]
    return {
        "name": name,
        "interval": "1m",
        "input_series": series,
        "promql_expr_test": _symptom_checks(alert, service, fast_minutes + slow_needed, group),
    }


def _quantile_guard_tests(alert: Alert, service: Service, condition: QuantileCondition) -> list[JSON]:
    """With min_events: every request slow, the window holding exactly min_events requests fires; min_events - 1
    stays quiet. Two samples per window, each adding half the window's requests: increase() then counts exactly the
    window's requests on Prometheus 2 (closed ranges, no extrapolation) and 3 (left-open ranges, extrapolated by
    exactly 2), in float arithmetic without rounding, so the guard's `>=` is tested at its edge."""
    guard = condition.min_events
    if not guard or condition.window % 2:
        return []
    histogram = condition.histogram.selector
    group = {g: group_value(g, (histogram,)) for g in condition.group_by}
    labels = series_labels((histogram,), fixed=group)
    step = condition.window // 2
    # Evaluated two full windows in, after `for`, and never one evaluation before that on the quiet side either.
    checked = _minutes(2 * condition.window + alert.for_) + 1
    samples = checked * STEP // step + 2

    def series(requests: int) -> list[JSON]:
        per_sample = format_number(Decimal(requests) / 2)
        slow = {"values": f"0+{per_sample}x{samples}"}
        boundaries = histogram_boundaries(service, histogram.metric)
        found = [
            {
                "series": series_text(histogram.metric + "_bucket", {**labels, "le": format_number(b)}),
                "values": f"0x{samples}",
            }
            for b in boundaries
            if b <= condition.above
        ]
        found += [
            {"series": series_text(histogram.metric + "_bucket", {**labels, "le": format_number(b)}), **slow}
            for b in boundaries
            if b > condition.above
        ]
        found.append({"series": series_text(histogram.metric + "_bucket", {**labels, "le": "+Inf"}), **slow})
        found.append({"series": series_text(histogram.metric + "_count", labels), **slow})
        return found

    firing = _alerts_selector(alertstate="firing", alertname=alert.name, service=alert.service)
    expected = fired_labels(group, alert.rule_labels, None)
    window = format_duration(condition.window)
    return [
        {
            "name": f"{alert.name}: every request slow, {guard} in {window} (min_events) fires",
            "interval": format_duration(step),
            "input_series": series(guard),
            "promql_expr_test": [_firing(alert.name, [expected], _at(checked), service=alert.service)],
        },
        {
            "name": f"{alert.name}: every request slow, {guard - 1} in {window} (below min_events) stays quiet",
            "interval": format_duration(step),
            "input_series": series(guard - 1),
            "promql_expr_test": [_quiet(firing, m) for m in (checked - 1, checked)],
        },
    ]


def _quantile_crossing(condition: QuantileCondition) -> tuple[int, int]:
    """(fast minutes, slow minutes) at which all-slow traffic after all-fast traffic first lifts the
    q-quantile of the rate window above the threshold: when more than (1 - q) of the window's
    increments are slow. Picks a fast phase with no exact tie, where float rounding would decide."""
    window_steps, slow_share = condition.window // STEP, 1 - Fraction(str(condition.q))
    for fast in range(15, 60):
        for slow in range(1, window_steps + 1):
            share = Fraction(slow, min(fast + slow, window_steps))
            if share == slow_share:
                break
            if share > slow_share:
                return fast, slow
    raise ValueError(f"no unambiguous crossing for q={condition.q}")


# A zero-tolerance alert without open holds for a day after an increase: evaluated every minute, its test would
# take 1,500 evaluations of every rule of the service (66 s of promtool time for Bookiji's 422 rules). Its tests run
# in a file of their own, evaluated a dozen times per hold (every 2h for a day); with open, twice per window (every
# 5m of 10m: the window holds the alert only until open counts the case).
HOLD_TICKS, WINDOW_TICKS = 12, 2
ZERO_TOLERANCE_ONSET = 2  # evaluations before the counter increases
OPEN_FOR = 12  # evaluations an open case stays open after the alert fired: six windows, an hour for 10m


def zero_tolerance_tick(condition: ZeroToleranceCondition) -> int:
    """The evaluation interval of a zero-tolerance alert's tests (HOLD_TICKS, WINDOW_TICKS)."""
    return _minutes_dividing(condition.hold, WINDOW_TICKS if condition.open else HOLD_TICKS)


def _minutes_dividing(span: int, ticks: int) -> int:
    """The longest whole number of minutes that divides `span` at least `ticks` times; one minute if none does."""
    return 60 * next((m for m in range(span // 60 // ticks, 0, -1) if span % (60 * m) == 0), 1)


def _zero_tolerance_tests(alert: Alert, service: Service, condition: ZeroToleranceCondition, tick: int) -> list[JSON]:
    """Series sampled once per evaluation (`tick`): the counter increases, or a series is born at 1, at evaluation
    ZERO_TOLERANCE_ONSET. Without open the alert stays firing for the hold; with open, while open reads 1 (it counts
    the case one evaluation late), and resolves at the evaluation it reads 0."""
    counter, gauge = condition.counter.selector, condition.open
    group = {g: group_value(g, (counter,)) for g in condition.group_by}
    step, onset = _minutes(tick), ZERO_TOLERANCE_ONSET
    onset_checks = _symptom_checks(alert, service, onset * step, group, step)
    selector = _alerts_selector(alertstate="firing", alertname=alert.name, service=alert.service)
    expected = fired_labels(group, alert.rule_labels, None)

    def at(evaluation: int, firing: bool) -> JSON:
        if firing:
            return _firing(alert.name, [expected], _at(evaluation * step), service=alert.service)
        return {"expr": selector, "eval_time": _at(evaluation * step), "exp_samples": []}

    def test(name: str, checks: list[JSON], counter_values: str, open_values: str = "") -> JSON:
        series = [_input_series(counter, group, counter_values)]
        if gauge is not None:
            series.append(_input_series(gauge.selector, group, open_values))
        return {
            "name": f"{alert.name}: {name}",
            "interval": format_duration(tick),
            "input_series": series,
            "promql_expr_test": [*onset_checks, *checks],
        }

    if gauge is None:
        # Prometheus 2 reads closed ranges, Prometheus 3 left-open ones: no check lands on a range's boundary.
        hold = condition.hold / tick
        increased, born = onset - 1 + hold, onset + hold  # the last increase is from evaluation onset - 1 to onset
        last = math.floor(born) + 1
        held = f"stays firing for {format_duration(condition.hold)}, then resolves"
        return [
            test(
                f"fires on an increase, {held}",
                [at(math.ceil(increased) - 1, True), at(math.floor(increased) + 1, False)],
                f"0x{onset - 1} 1x{last - onset}",
            ),
            test(
                f"a counter born at 1 fires, {held}",
                [at(math.ceil(born) - 1, True), at(last, False)],
                f"_x{onset} 1x{last - onset}",
            ),
        ]
    closed = onset + math.ceil(alert.for_ / tick) + OPEN_FOR  # the last evaluation at which open reads 1
    counted = f"0x{onset} 1x{closed - onset - 1}"  # one evaluation after the increase
    return [
        test(
            f"fires on an increase, stays firing while {gauge.text} > 0, resolves once it is 0",
            [at(closed, True), at(closed + 1, False)],
            f"0x{onset - 1} 1x{closed - onset + 1}",
            counted + " 0",
        ),
        test("a counter born at 1 fires", [], f"_x{onset} 1x{closed - onset}", counted),
    ]


def _input_series(selector: Selector, group: dict[str, str], values: str) -> JSON:
    """One input series of `selector`'s metric that it selects, in the alert's group."""
    return _input_series_named(selector.metric, selector, group, values)


def _input_series_named(metric: str, selector: Selector, group: dict[str, str], values: str) -> JSON:
    """One input series named `metric` (selector's metric, or its `_count`) with labels `selector` selects."""
    return {"series": series_text(metric, series_labels((selector,), fixed=group)), "values": values}


# --- freshness: a gap longer than `every`, evaluated FRESHNESS_TICKS times per `every` -------------------------

FRESHNESS_TICKS = 12  # a gap of `every` spans hours or days: a dozen evaluations per `every`, whatever it is
RECOVERY = 3  # ticks after `every` at which the next success lands


def freshness_tick(slo: SLO) -> int:
    """The longest duration that divides `every` at least FRESHNESS_TICKS times, so `every` falls on a tick."""
    sli = slo.sli
    assert isinstance(sli, FreshnessSLI)
    return next((d for d in range(sli.every // FRESHNESS_TICKS, 0, -1) if sli.every % d == 0), 1)


def render_freshness_tests(service: Service, rule_file: str) -> list[tuple[SLO, JSON]]:
    """One test document per freshness SLO, evaluated at its freshness_tick."""
    documents = []
    for slo in service.slos:
        if isinstance(slo.sli, FreshnessSLI):
            tick = freshness_tick(slo)
            tests = list(map(_checkable, freshness_tests(slo, service, tick)))
            documents.append(
                (slo, {"rule_files": [rule_file], "evaluation_interval": format_duration(tick), "tests": tests})
            )
    return documents


def freshness_tests(slo: SLO, service: Service, tick: int) -> list[JSON]:
    """A success at 0, then none until `every` + RECOVERY ticks: quiet while fresh, the overdue alert fires at the
    first evaluation past `every` (the gauge: quiet at exactly `every`) and resolves when the next success lands;
    the period ratio then counts the stale evaluations, and the gauge's age is recorded.

    The counter's success lands between two samples (0 and one tick): increase() loses it once the sample before it
    leaves the range, which Prometheus 2 reads as closed at its start and Prometheus 3 as open. So the counter's
    boundary is checked a tick either side of `every`, and its stale evaluations are one more or one less."""
    sli = slo.sli
    assert isinstance(sli, FreshnessSLI)
    alert = next(a for a in slo.alerts if a.kind == "overdue")
    group, ticks = _group_labels(slo), sli.every // tick
    recovery = ticks + RECOVERY
    gauge = sli.last_success is not None
    values = f"0x{recovery - 1} {recovery * tick}x2" if gauge else f"0 1x{recovery - 2} 2x2"
    selector = sli.source_field.selector
    series = {"series": series_text(selector.metric, series_labels((selector,), fixed=group)), "values": values}
    quiet_at = ticks if gauge else ticks - 1
    fires_at = ticks + 1
    age = fires_at * tick if gauge else 0
    exp = {
        "exp_labels": fired_labels(group, dict(alert.labels), age),
        "exp_annotations": annotations.slo_alert(slo, alert, service.dashboard_url, Values(age, group)),
    }
    checks = [
        {"alertname": alert.name, "eval_time": _at_seconds(tick * (ticks // 2)), "exp_alerts": []},
        {"alertname": alert.name, "eval_time": _at_seconds(tick * quiet_at), "exp_alerts": []},
        {"alertname": alert.name, "eval_time": _at_seconds(tick * fires_at), "exp_alerts": [exp]},
        {"alertname": alert.name, "eval_time": _at_seconds(tick * recovery), "exp_alerts": []},
    ]
    # The stale share of the evaluations so far, a tick after the recovery: each evaluation is one event
    # (rules.freshness_terms), stale from `every` + 1 tick (the counter's: maybe from `every`) to the recovery.
    # promtool evaluates the groups in no fixed order, so the period ratio may not count that tick's evaluation yet.
    stale = RECOVERY - 1
    low, high = stale / (recovery + 2), (stale if gauge else stale + 1) / (recovery + 1)
    ratio = PROMETHEUS.series(naming.PERIOD_RATIO, slo.identity)
    expr_checks = [
        {
            "expr": f"count({ratio} >= {low!r} <= {high!r})",
            "eval_time": _at_seconds(tick * (recovery + 1)),
            "exp_samples": [{"labels": "{}", "value": 1}],
        }
    ]
    if gauge:
        age_series = series_text(naming.FRESHNESS_AGE, {**group, **slo.series_labels})
        expr_checks.append(
            {
                "expr": PROMETHEUS.series(naming.FRESHNESS_AGE, slo.identity),
                "eval_time": _at_seconds(tick * fires_at),
                "exp_samples": [{"labels": age_series, "value": fires_at * tick}],
            }
        )
    what = "gauge" if gauge else "counter"
    return [
        {
            "name": f"{slo.service}/{slo.name}: no success for longer than {format_duration(sli.every)} ({what})",
            "interval": format_duration(tick),
            "input_series": [series],
            "alert_rule_test": checks,
            "promql_expr_test": expr_checks,
        }
    ]


def _at_seconds(seconds: int) -> str:
    return format_duration(seconds) if seconds else "0s"


def ql_series(name: str, labels: dict[str, str]) -> str:
    """A recorded series selected by its labels (render/period_tests.py reads it too)."""
    return PROMETHEUS.series(name, labels)
