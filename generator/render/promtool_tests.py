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

from .. import burnrate
from ..burnrate import PAGE, TICKET, BurnWindow
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
from ..selector import Matcher
from ..synth import SynthesisError, counter_values, group_value, series_labels, series_text
from . import JSON, annotations
from .annotations import Values

STEP = 60  # evaluation_interval of every generated test
TRAFFIC_PER_MINUTE = Decimal(1000)

Counts = list[tuple[int, Decimal]]  # (minutes, counter increase per minute), as synth.counter_values reads them


def render_tests(service: Service, rule_file: str) -> JSON:
    tests: list[JSON] = []
    for slo in service.slos:
        if sparse_probe(slo):
            continue  # a file of its own: render_sparse_probe_tests
        tests.extend(probe_tests(slo, service) if isinstance(slo.sli, ProbeSLI) else slo_tests(slo, service))
    for alert in service.alerts:
        tests.extend(symptom_tests(alert, service))
    return {"rule_files": [rule_file], "evaluation_interval": format_duration(STEP), "tests": tests}


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


def _fired_labels(slo: SLO, alert: SLOAlert) -> dict[str, str]:
    """An alert's labels as promtool sees them: the rule's plus those the expression's series carry."""
    return {**slo.series_labels, **_group_labels(slo), **dict(alert.labels)}


def _exp_alerts(slo: SLO, service: Service, alerts: list[SLOAlert], values: Values) -> list[JSON]:
    return [
        {
            "exp_labels": _fired_labels(slo, alert),
            "exp_annotations": annotations.slo_alert(slo, alert, service.dashboard_url, values),
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
    seconds = burnrate.detection_seconds(window, slo.period, slo.error_budget, Decimal(1))
    assert seconds is not None, "burn_windows keeps only pairs whose threshold is below 100 % errors"
    return _minutes(float(seconds) + slo.base_window / 2 + 2 * STEP)


def slow_burn(slo: SLO) -> Decimal | None:
    """A burn rate that crosses some ticket threshold and no page threshold, or None if there is none."""
    factors = {s: [w.factor(slo.period) for w in slo.burn_windows if w.severity == s] for s in (PAGE, TICKET)}
    if not factors[TICKET]:
        return None
    low = min(factors[TICKET])
    high = min(factors[PAGE] + [1 / slo.error_budget])
    if low >= high:
        return None
    if low < 2 < high:
        return Decimal(2)
    return Decimal(format(float((low + high) / 2), ".3g"))


def slo_tests(slo: SLO, service: Service) -> list[JSON]:
    rate, budget = _rate_for(slo), slo.error_budget
    mine = slo.identity
    firing_pages = _alerts_selector(alertstate="firing", severity=PAGE, **mine)
    healthy = budget / 10
    tests = []
    burns = _burn_alerts(slo)
    alertname = burns[0].name if burns else ""
    pages = [alert for alert in burns if alert.severity == PAGE]

    # A page resolves once its short window is clean and has stayed clean for the flap hold (burnrate.flap_hold),
    # plus the base rate's ramp-down and two evaluations.
    resolve = max([w.short + burnrate.flap_hold(w.short) for w in (_window(a) for a in pages)], default=0)
    resolve_minutes = _minutes(resolve + slo.base_window + 2 * STEP)
    outage = [Phase(12, Decimal(1)), Phase(resolve_minutes + 1, healthy)]
    checks = [_quiet(firing_pages, 12 + resolve_minutes)]
    # A real outage burns; it must not claim the SLI cannot be computed, not even as pending.
    checks += [_quiet(_alerts_selector(alertname=a.name, **mine), m) for a in _uncomputable(slo) for m in (1, 6, 12)]
    alert_checks = (
        [
            {
                "eval_time": _at(10),
                "alertname": alertname,
                "exp_alerts": _exp_alerts(slo, service, burns, Values(1 / float(budget), _group_labels(slo))),
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
                    _quiet(_alerts_selector(**mine), 60),
                    {
                        "expr": _alerts_selector(
                            alertstate="firing",
                            alertname=alertname,
                            **mine,
                            long_window=format_duration(_window(fastest).long),
                        ),
                        "eval_time": _at(60 + bound),
                        "exp_samples": [_alerts_sample(alertname, _fired_labels(slo, fastest))],
                    },
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
                        "exp_alerts": _exp_alerts(slo, service, firing, Values(float(burn), _group_labels(slo))),
                    }
                ],
                "promql_expr_test": [_quiet(firing_pages, m) for m in (5, 10, 20, 30)],
            }
        )
    tests.extend(uncomputable_tests(slo, service, alert, rate) for alert in _uncomputable(slo))
    return tests


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
    fired = {**slo.series_labels, **group, **dict(alert.labels)}
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
                        "exp_labels": fired,
                        "exp_annotations": annotations.slo_alert(
                            slo, alert, service.dashboard_url, Values(value, group)
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
            tests = probe_tests(slo, service, tick)
            documents.append(
                (slo, {"rule_files": [rule_file], "evaluation_interval": format_duration(tick), "tests": tests})
            )
    return documents


def probe_tests(slo: SLO, service: Service, tick: int = STEP) -> list[JSON]:
    """The strike alert's test; `tick` is the evaluation interval of the file it goes in (probe_tick). Checks sit one
    tick before or after a run, never on it: there Prometheus 2's closed ranges would also hold the run before."""
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    interval, strikes = sli.interval, sli.strikes
    labels = series_labels((sli.success.selector,), fixed=_group_labels(slo))
    mine = slo.identity
    [strike] = [alert for alert in slo.alerts if alert.kind == "strike"]
    alertname = strike.name
    lone_failure, streak = LONE_FAILURE, STREAK
    runs = ["1"] * (streak + strikes + 3)
    if strikes > 1:
        runs[lone_failure] = "0"
    for run in range(streak, streak + strikes):
        runs[run] = "0"
    fired = (streak + strikes - 1) * interval  # seconds from here on

    def at(seconds: int) -> str:
        return format_duration(seconds) if seconds else "0s"

    def quiet(selector: str, seconds: int) -> JSON:
        return {"expr": selector, "eval_time": at(seconds), "exp_samples": []}

    strike_labels = {**labels, **dict(strike.labels)}
    strikes_firing = _alerts_selector(alertstate="firing", alertname=alertname, **mine)
    checks = [
        quiet(_alerts_selector(**mine), interval * (lone_failure - 1)),
        quiet(strikes_firing, fired - tick),
        {
            "expr": strikes_firing,
            "eval_time": at(fired + tick),
            "exp_samples": [_alerts_sample(alertname, strike_labels)],
        },
        quiet(strikes_firing, (streak + strikes) * interval + tick),
    ]
    if strikes > 1:
        checks.append(quiet(strikes_firing, lone_failure * interval + tick))
    return [
        {
            "name": f"{slo.name}: quiet while probes pass; {strikes} consecutive failed runs page"
            + ("; a lone failure does not" if strikes > 1 else ""),
            "interval": format_duration(interval),
            "input_series": [{"series": series_text(sli.success.selector.metric, labels), "values": " ".join(runs)}],
            "alert_rule_test": [
                {
                    "eval_time": at(fired + tick),
                    "alertname": alertname,
                    "exp_alerts": [
                        {
                            "exp_labels": strike_labels,
                            "exp_annotations": annotations.slo_alert(
                                slo, strike, service.dashboard_url, Values(0.0, labels)
                            ),
                        }
                    ],
                }
            ],
            "promql_expr_test": checks,
        }
    ]


# --- symptom alerts ----------------------------------------------------------------------------------


def _symptom_checks(alert: Alert, service: Service, holds_from: int, labels: dict[str, str] | None) -> list[JSON]:
    """Not firing one step before the condition has held for `for`; firing exactly then."""
    fires = holds_from + _minutes(alert.for_)
    selector = _alerts_selector(alertstate="firing", alertname=alert.name, service=alert.service)
    checks = [_quiet(selector, fires - 1)] if fires >= 1 else []
    if labels is None:
        checks.append(
            {
                "expr": f"clamp_max(count({selector}), 1)",
                "eval_time": _at(fires),
                "exp_samples": [{"labels": "{}", "value": 1}],
            }
        )
    else:
        full = {**labels, **alert.rule_labels}
        checks.append({"expr": selector, "eval_time": _at(fires), "exp_samples": [_alerts_sample(alert.name, full)]})
    return checks


def symptom_tests(alert: Alert, service: Service) -> list[JSON]:
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
                "promql_expr_test": _symptom_checks(alert, service, holds, None),
            }
        ]
    if isinstance(condition, QuantileCondition):
        return [_quantile_test(alert, service, condition, name)]
    if isinstance(condition, ZeroToleranceCondition):
        return _zero_tolerance_tests(alert, service, condition, name)
    assert_never(condition)


def _quantile_test(alert: Alert, service: Service, condition: QuantileCondition, name: str) -> JSON:
    histogram = condition.histogram.selector
    group = {g: group_value(g, (histogram,)) for g in condition.group_by}
    labels = series_labels((histogram,), fixed=group)
    fast_minutes, slow_needed = _quantile_crossing(condition)
    slow_minutes = slow_needed + _minutes(alert.for_) + 2
    every = [(fast_minutes, TRAFFIC_PER_MINUTE), (slow_minutes, TRAFFIC_PER_MINUTE)]
    fast = [(fast_minutes, TRAFFIC_PER_MINUTE), (slow_minutes, Decimal(0))]
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


def _zero_tolerance_tests(alert: Alert, service: Service, condition: ZeroToleranceCondition, name: str) -> list[JSON]:
    counter = condition.counter.selector
    group = {g: group_value(g, (counter,)) for g in condition.group_by}
    labels = series_labels((counter,), fixed=group)
    after = _minutes(alert.for_) + 10
    series = series_text(counter.metric, labels)
    return [
        {
            "name": name + " (counter increments)",
            "interval": "1m",
            "input_series": [{"series": series, "values": f"0x10 1x{after}"}],
            "promql_expr_test": _symptom_checks(alert, service, 11, group),
        },
        {
            "name": name + " (counter born at 1)",
            "interval": "1m",
            "input_series": [{"series": series, "values": f"_x11 1x{after}"}],
            "promql_expr_test": _symptom_checks(alert, service, 11, group),
        },
    ]
