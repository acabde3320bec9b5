"""Prometheus recording and alerting rules for one service: model → plain data.

Only the base window (5m, or one probe interval) reads raw series. Every longer window is
sum_over_time over the recorded base rates, errors over total, so ratios are traffic-weighted and a
zero-traffic interval adds 0/0 to nothing (no NaN is ever stored in a series that gets summed).
"""

from decimal import Decimal
from functools import lru_cache
from typing import assert_never

from .. import burnrate, naming
from ..calendar_periods import parse_offset
from ..durations import format_duration, format_number
from ..model import (
    SLO,
    Alert,
    ExprCondition,
    FreshnessSLI,
    LatencySLI,
    ProbePriority,
    ProbeSLI,
    QuantileCondition,
    RatioSLI,
    Service,
    SLOAlert,
    ZeroToleranceCondition,
)
from ..promql import PROMETHEUS, PromQL
from . import annotations, time_promql
from .annotations import Values

SLI_INTERVAL = 60  # the events guard turns summed per-second rates into counts with this step
PERIOD_INTERVAL = 300  # 30d windows move by 1/8640 per 5m; evaluating them every minute buys nothing
ALERT_INTERVAL = 60
# Mimir's default -ruler.max-rules-per-rule-group. An SLO's groups stay below it (base rates, one ratio per
# window, its alerts); symptom alerts are split into groups of this size.
MAX_RULES_PER_GROUP = 20
# A subset's rate never exceeds its superset's when both are scraped together; the slack keeps counters of two
# metrics scraped at different instants from claiming an uncomputable SLI during a real 100 % outage.
SUBSET_SLACK = Decimal("1.01")

Rule = dict[str, object]


def render_rules(
    service: Service, ql: PromQL = PROMETHEUS, max_rules_per_group: int = MAX_RULES_PER_GROUP
) -> dict[str, object]:
    """One group pair per SLO, so a slow or failing SLO delays no other SLO's alerts, then the symptom alerts in
    groups of at most `max_rules_per_group` (a Mimir tenant's limit; an SLO's groups are never split, as their
    rules read each other)."""
    groups = []
    for slo in service.slos:
        groups.append(_group(slo_group_name(service, slo), SLI_INTERVAL, sli_rules(slo, service, ql)))
        groups.append(_group(slo_group_name(service, slo, "period"), PERIOD_INTERVAL, period_rules(slo, ql)))
    alerts = [symptom_alert(alert, service, ql) for alert in service.alerts]
    for start in range(0, len(alerts), max_rules_per_group):
        suffix = f":{start // max_rules_per_group + 1}" if start else ""
        groups.append(
            _group(f"slogen:{service.name}:alerts{suffix}", ALERT_INTERVAL, alerts[start : start + max_rules_per_group])
        )
    return {"groups": groups}


def slo_group_name(service: Service, slo: SLO, part: str = "") -> str:
    """The rule group of an SLO's SLI and window rules, or of its `period` rules."""
    return f"slogen:{service.name}:{slo.name}" + (f":{part}" if part else "")


def _group(name: str, interval: int, rules: list[Rule]) -> dict[str, object]:
    return {"name": name, "interval": format_duration(interval), "rules": rules}


def base_expressions(slo: SLO, ql: PromQL = PROMETHEUS) -> tuple[str, str]:
    """(errors per second, total per second) over the base window, aggregated to the SLO's labels.

    Where errors are total minus good, they read the raw total again rather than the total this group
    recorded a moment earlier: rulers that write results by remote write (vmalert, and any ruler whose
    writes are not visible to its next query at once) would read the previous evaluation's total, and on
    falling traffic count the difference as errors (issue 12: a page from nothing at 99.9 %). The recorded
    total only stands in, times zero, for a good or errors counter that does not exist yet, where a stale
    value cannot change the result.
    """
    by, window = slo.group_by, slo.base_window
    recorded_total = ql.sum(ql.series(naming.total_rate(window), slo.identity), by)
    sli = slo.sli
    if slo.timeslices is not None:
        return timeslice_terms(slo, ql)
    if isinstance(sli, RatioSLI | LatencySLI):
        return event_terms(slo, window, f"0 * {recorded_total}", ql)
    if isinstance(sli, ProbeSLI):
        # Probe runs are sparse; count samples over one interval so no lookback gap hides them, and divide
        # by the window so the base series is a per-second rate like every other SLI kind.
        selector = sli.success.selector.render()
        runs = ql.sum(ql.over_time("count", selector, window), by)
        successes = ql.sum(ql.over_time("sum", selector, window), by)
        return f"({runs} - {successes}) / {window}", f"{runs} / {window}"
    if isinstance(sli, FreshnessSLI):
        # One event per second of evaluation time, bad while stale: every window's ratio is its stale share of
        # time, and the budget counts stale minutes.
        _overdue, stale, measured = freshness_terms(slo, ql)
        return stale, f"0 * ({measured}) + 1"
    assert_never(sli)


def event_terms(slo: SLO, window: int, zero: str | None, ql: PromQL = PROMETHEUS) -> tuple[str, str]:
    """(bad events per second, events per second) of a ratio or latency SLI over `window`, from the raw series.
    `zero` stands in for a good or errors counter that does not exist yet (times zero, so a stale value cannot
    change the result); None: zero times the raw total."""
    by, sli = slo.group_by, slo.sli
    if isinstance(sli, RatioSLI):
        total = ql.sum(ql.rate(ql.selector(sli.total.selector), window), by)
        # A counter that has never been incremented may not exist yet: count it as zero, not as missing.
        zero = zero or f"0 * {total}"
        if sli.errors is not None:
            return f"{ql.sum(ql.rate(ql.selector(sli.errors.selector), window), by)} or {zero}", total
        assert sli.good is not None, "the schema requires errors or good"
        good = f"({ql.sum(ql.rate(ql.selector(sli.good.selector), window), by)} or {zero})"
        return ql.clamp_min(f"{total} - {good}", 0), total
    assert isinstance(sli, LatencySLI), "time slices and event terms judge ratio and latency SLIs only"
    histogram = sli.histogram.selector
    total = ql.sum(ql.rate(histogram.render("_count"), window), by)
    good = ql.sum(ql.rate(ql.bucket(histogram, sli.threshold), window), by)
    return ql.clamp_min(f"{total} - {good}", 0), total


def timeslice_terms(slo: SLO, ql: PromQL = PROMETHEUS) -> tuple[str, str]:
    """(bad, judged) per group at each evaluation: 1 while the last completed slice was bad, else 0; and 1 for each
    group that slice judged. Each evaluation is one event, as a freshness SLI's are, so every window's ratio is
    the share of bad slice time in it and the budget counts bad slices.

    A subquery `[s:s]` steps at multiples of s since the epoch, so it holds the one slice boundary of the last s:
    slices line up with the clock (whole minutes, hours, months), each is judged once, at its end, over its own
    samples, and read by every evaluation until the next boundary. A slice without traffic is 0/0, which `> bool`
    judges good: no request failed in it, and a month's slice count stays the clock's (43200 minutes). A group
    with fewer than two samples in the slice (a scrape gap, a series not yet born) is not judged, so not counted.
    """
    timeslices = slo.timeslices
    assert timeslices is not None
    errors, total = event_terms(slo, timeslices.slice, None, ql)
    step = f"[{timeslices.slice_text}:{timeslices.slice_text}]"
    bad = f"({errors}) / ({total}) > bool {format_number(timeslices.error_ratio_above)}"
    return f"last_over_time(({bad}){step})", f"last_over_time((0 * ({total}) + 1){step})"


def freshness_terms(slo: SLO, ql: PromQL = PROMETHEUS) -> tuple[str, str, str]:
    """(overdue, stale, measured) per group_by group: `overdue` returns a series exactly when the last success is
    more than `every` ago (the age in seconds for the gauge, 0 for the counter); `stale` is 1 then and 0 otherwise;
    `measured` returns a series for each group that can be judged.

    Each reads `every` back, so a selector that stops reporting stays judged (and turns stale) for `every` after its
    last sample; after that the SLI has no data (alerting.absent tickets then).
    The gauge: age = time() - the last success; stale when age > every, so at exactly `every` it is still fresh.
    The counter: stale when increase() over `every` saw no success, but only for a group that existed `every` ago:
    a series born within `every` is fresh (a counter born at 1 is a success increase() cannot see; one born at 0 is
    a consumer that just started). The success is known to within one scrape, so this turns stale `every` after the
    last sample that did not count it yet.
    """
    sli = slo.sli
    assert isinstance(sli, FreshnessSLI)
    every = format_number(Decimal(sli.every))
    if sli.last_success is not None:
        age = freshness_age(slo, ql)
        return f"{age} > {every}", f"{age} > bool {every}", age
    assert sli.successes is not None, "the schema requires last_success or successes"
    counter, by = ql.selector(sli.successes.selector), slo.group_by
    successes = ql.sum(ql.increase(counter, sli.every), by)
    born = ql.aggregate("count", ql.over_time("last", counter, burnrate.BASE_WINDOW, offset=sli.every), by)
    overdue = f"{successes} == 0\n{ql.on('and', by)}\n{born}"
    return overdue, f"({successes} == bool 0 {ql.on('and', by)} {born})\nor\n0 * {successes}", successes


def freshness_age(slo: SLO, ql: PromQL = PROMETHEUS) -> str:
    """Seconds since the last success of a last_success gauge, per group (the newest of the group's series)."""
    sli = slo.sli
    assert isinstance(sli, FreshnessSLI) and sli.last_success is not None
    last = ql.over_time("last", ql.selector(sli.last_success.selector), sli.every)
    return f"time() - {ql.aggregate('max', last, slo.group_by)}"


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


def _unless_excluded(slo: SLO, expr: str) -> str:
    """A base rate with the minutes of the SLO's budget exclusions taken out. Applied here, so every window's
    ratio, the period's and the burn alerts agree that those minutes never happened."""
    if not slo.exclusions:
        return expr
    offsets = tuple(parse_offset(w.location) for w in slo.exclusions)
    assert None not in offsets, "lint (promql-time-zone) refuses exclusion locations without a fixed offset"
    excluded = time_promql.excluded(slo.exclusions, tuple(o for o in offsets if o is not None), slo.base_window)
    return f"({expr})\nunless on()\n({excluded})"


def _period_ratio(slo: SLO, ql: PromQL) -> str:
    """Errors over events within the period: rolling, or since the start of the current calendar period."""
    if slo.calendar is None:
        return _summed_ratio(slo, slo.period, ql)
    errors, total = (time_promql.calendar_sum(s, slo.calendar, SLI_INTERVAL) for s in _base_series(slo, ql))
    return f"{errors}\n/\n{total}"


def _summed_ratio(slo: SLO, window: int, ql: PromQL) -> str:
    """Errors over events within `window`, summed from the recorded base rates."""
    errors, total = _base_series(slo, ql)
    return f"{ql.over_time('sum', errors, window)} / {ql.over_time('sum', total, window)}"


def _window_ratio(slo: SLO, window: int, ql: PromQL) -> str:
    if window == slo.base_window:
        return " / ".join(_base_series(slo, ql))
    return _summed_ratio(slo, window, ql)


def sli_rules(slo: SLO, service: Service, ql: PromQL = PROMETHEUS) -> list[Rule]:
    """Base rates, every window's error ratio, then the alerts that read them, in order."""
    errors, total = (_unless_excluded(slo, expr) for expr in base_expressions(slo, ql))
    rules = [
        _record(naming.total_rate(slo.base_window), total, slo.series_labels),
        _record(naming.errors_rate(slo.base_window), errors, slo.series_labels),
    ]
    if isinstance(slo.sli, FreshnessSLI):
        # What the dashboards show against `every`: the age, or for a counter (which tells no age) its successes.
        name = naming.FRESHNESS_AGE if slo.sli.last_success is not None else naming.FRESHNESS_SUCCESSES
        rules.append(_record(name, freshness_terms(slo, ql)[2], slo.series_labels))
    rules.extend(
        _record(naming.error_ratio(window), _window_ratio(slo, window, ql), slo.identity)
        for window in slo.ratio_windows
    )
    rules.extend(slo_alert_rule(slo, alert, service, ql) for alert in slo.alerts)
    return rules


def guarded_windows(slo: SLO) -> tuple[int, ...]:
    """The long windows whose event counts the min_events guard reads."""
    if not slo.alerting.min_events:
        return ()
    return tuple(sorted({window.long for window in slo.burn_windows}))


def _window_events(slo: SLO, window: int, ql: PromQL) -> str:
    """Events within `window`, the smaller of two counts of the recorded per-second rate:

    - the mean rate times the window, right whatever the interval the rate is recorded at, but too high
      while the window is not yet full (a new SLO, after a gap);
    - the summed rate times the sli group's interval, right while the window fills, but too high when a
      ruler evaluates faster than the interval the rule file asks for.

    The smaller is right whenever either holds, and otherwise errs towards fewer events: a guard that
    holds back a page, never one that lets it through on too little traffic."""
    _errors, total = _base_series(slo, ql)
    by_mean = f"{ql.over_time('avg', total, window)} * {window}"
    by_sum = f"{ql.over_time('sum', total, window)} * {SLI_INTERVAL}"
    return f"({by_mean} <= {by_sum})\nor\n{by_sum}"


def period_rules(slo: SLO, ql: PromQL = PROMETHEUS) -> list[Rule]:
    budget, labels, identity = format_number(slo.error_budget), slo.series_labels, slo.identity
    period_ratio = ql.series(naming.PERIOD_RATIO, identity)
    info = {
        **labels,
        naming.INFO_DASHBOARD: naming.dashboard_uid(slo.service),
        "description": slo.description,
        "objective": format_number(slo.objective_percent),
        "period": slo.period_name,
        "sli": slo.sli.kind,
    }
    if slo.alerting.runbook:
        info["runbook_url"] = slo.alerting.runbook
    if isinstance(slo.sli, LatencySLI):
        # The one SLO detail dashboard draws percentiles of whichever SLO it shows from these two labels.
        info["sli_histogram"] = slo.sli.histogram.selector.render("_bucket")
        info["sli_threshold"] = format_number(slo.sli.threshold)
    return [
        _record(naming.PERIOD_RATIO, _period_ratio(slo, ql), identity),
        _record(naming.PERIOD_BURN, f"{period_ratio} / {budget}", identity),
        _record(naming.BUDGET_REMAINING, f"1 - {period_ratio} / {budget}", identity),
        _record(naming.OBJECTIVE, ql.vector(slo.objective), labels),
        _record(naming.ERROR_BUDGET, ql.vector(slo.error_budget), labels),
        _record(naming.PERIOD_SECONDS, ql.vector(slo.period), labels),
        _record(naming.INFO, ql.vector(1), dict(sorted(info.items()))),
        *burn_thresholds(slo, ql),
        # The guard changes slowly; counting it here, every 5m, saves re-reading each long window every minute.
        *(_record(naming.window_events(w), _window_events(slo, w, ql), identity) for w in guarded_windows(slo)),
    ]


def burn_thresholds(slo: SLO, ql: PromQL = PROMETHEUS) -> list[Rule]:
    """One constant per burn-rate alert: its burn factor, labelled like the alert's window pair."""
    return [
        _record(
            naming.BURN_THRESHOLD,
            ql.vector(window.factor(slo.period)),
            {
                **slo.identity,
                "severity": window.severity,
                "long_window": format_duration(window.long),
                "short_window": format_duration(window.short),
            },
        )
        for window in slo.burn_windows
    ]


def slo_alert_rule(slo: SLO, alert: SLOAlert, service: Service, ql: PromQL = PROMETHEUS) -> Rule:
    expr, texts = _slo_alert_texts(slo, alert, service.dashboard_url, ql)
    rule: Rule = {"alert": alert.name, "expr": expr}
    if alert.for_:
        rule["for"] = format_duration(alert.for_)
    rule.update({"labels": dict(alert.labels), "annotations": dict(texts)})
    return rule


# The docs pages and the deploy targets' rule files hold the rules the plain rule file holds: each alert's
# expression and texts are made once, and every caller gets dicts of its own.
@lru_cache(maxsize=1024)
def _slo_alert_texts(
    slo: SLO, alert: SLOAlert, dashboard_url: str | None, ql: PromQL
) -> tuple[str, tuple[tuple[str, str | None], ...]]:
    found = annotations.slo_alert(slo, alert, dashboard_url, Values())
    return slo_alert_expr(slo, alert, ql), tuple(found.items())


def slo_alert_expr(slo: SLO, alert: SLOAlert, ql: PromQL = PROMETHEUS) -> str:
    if alert.kind == "burn":
        return _burn_expr(slo, alert, ql)
    if alert.kind == "strike":
        return _strike_expr(slo, alert.entry, alert.earlier, ql)
    if alert.kind == "overdue":
        return freshness_terms(slo, ql)[0]
    if alert.kind == "absent":
        assert slo.alerting.absent is not None
        # Per expected group one absent_over_time, which carries the group's labels (model.SLO.presence_selectors).
        suffix = slo.sli.presence_parts[1]
        watched = (ql.over_time("absent", s.render(suffix), slo.alerting.absent) for _g, s in slo.presence_selectors())
        return "\nor\n".join(watched)
    if alert.kind == "uncomputable":
        return _uncomputable_expr(slo, ql)
    assert_never(alert.kind)


def _burn_expr(slo: SLO, alert: SLOAlert, ql: PromQL) -> str:
    window = alert.window
    assert window is not None, "burn alerts carry their window"
    factor, budget = format_number(window.factor(slo.period)), format_number(slo.error_budget)
    long, short = (ql.series(naming.error_ratio(w), slo.identity) for w in (window.long, window.short))
    # The short window only confirms that the burn is still going on. Its highest value over the last
    # flap hold carries the pair through the dips of a burn that hovers at the threshold, so the page
    # fires once instead of resolving and re-firing every few minutes. An expression, not `keep_firing_for`,
    # so every ruler holds alike (vmalert 1.79 has no keep_firing_for).
    held = ql.over_time("max", short, burnrate.flap_hold(window.short))
    # The burn rate is the ratio over the budget; written on the left so that $value is the burn rate.
    expr = f"{long} / {budget} > {factor}\nand\n{held} / {budget} > {factor}"
    if slo.alerting.min_events:
        # The period group records the count every 5m; last_over_time bridges the instant between two samples.
        events = ql.over_time("last", ql.series(naming.window_events(window.long), slo.identity), 2 * PERIOD_INTERVAL)
        expr += f"\nand\n{events} >= {slo.alerting.min_events}"
    return expr


def _strike_expr(slo: SLO, entry: ProbePriority | None, earlier: tuple[ProbePriority, ...], ql: PromQL) -> str:
    """Fires when each of the last `strikes` runs of a probe failed: per series, or for an `in_every` entry per
    group, when every series of the group that reported within the window did (model.SLO.strike_firing).

    The window is strikes × interval: it holds exactly the last `strikes` runs (Prometheus 3 ranges are
    left-open; Prometheus 2 adds the run before only when a sample lands exactly on the boundary).
    First match wins: the series of earlier entries are taken out before anything is compared or counted.
    """
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    selector = _entry_selector(sli, entry)
    window, unclaimed = slo.strike_window, "".join(_claimed_by(slo, e, ql) for e in earlier)
    runs_failed = ql.over_time("max", selector, window)
    runs = ql.over_time("count", selector, window)
    if entry is None or entry.in_every is None:
        return f"{runs_failed} == 0\nand\n{runs} >= {sli.strikes}{unclaimed}"
    group = entry.group(slo.group_by)
    return (
        f"{ql.aggregate('max', runs_failed + unclaimed, group)} == 0\n"
        f"and\n{ql.aggregate('min', runs + unclaimed, group)} >= {sli.strikes}"
    )


def _claimed_by(slo: SLO, entry: ProbePriority, ql: PromQL) -> str:
    """`unless` the series an earlier entry takes: all it matches, or, with `in_every`, those of the groups where it
    fires. Matched on the group's labels only: the alert carries no other."""
    sli = slo.sli
    assert isinstance(sli, ProbeSLI)
    if entry.in_every is None:
        return f"\nunless\n{ql.over_time('count', _entry_selector(sli, entry), slo.strike_window)}"
    fires = _strike_expr(slo, entry, sli.earlier(entry), ql)
    return f"\n{ql.on('unless', entry.group(slo.group_by))} (\n{fires}\n)"


def _entry_selector(sli: ProbeSLI, entry: ProbePriority | None) -> str:
    """The probe's selector narrowed to the series an entry matches."""
    base = sli.success.selector
    return base.render(extra=tuple(m for m in (entry.matchers if entry else ()) if m not in base.matchers))


def _uncomputable_expr(slo: SLO, ql: PromQL) -> str:
    """Total flows, but no error ratio can be computed from it, per group_by group.

    Latency and errors/total read only the recorded base series. Good/total reads the latest sample of its good
    series, because the errors rule counts a missing good series as zero good events and clamps good above
    total. Where good and total are one metric family it compares their counters as scraped: rates would not do,
    since rate() extrapolates each series to the window's start by its own first value, so while series are
    younger than the window (after every restart) a bucket's rate can exceed its histogram count's by tens of
    percent. Counters of two families may restart apart, so there only a missing good series is caught.
    """
    errors, total = _base_series(slo, ql)
    slack = format_number(SUBSET_SLACK)
    sli = slo.sli
    if isinstance(sli, LatencySLI):
        # The errors rule subtracts the threshold bucket from the total: without the bucket it records nothing.
        return f"{total} > 0\nunless\n{errors}"
    if isinstance(sli, RatioSLI) and sli.good is not None:
        by = slo.group_by
        good = ql.sum(ql.selector(sli.good.selector), by)
        if sli.good_shares_total_family:
            good = f"{good} {ql.on('<=', by)} {ql.sum(ql.selector(sli.total.selector), by)} * {slack}"
        return f"{total} > 0\n{ql.on('unless', by)}\n({good})"
    if isinstance(sli, RatioSLI):
        # The errors rule counts a missing error counter as zero, so only errors above total are wrong; errors in
        # a group where total has no series divide by zero: +Inf.
        return f"{errors} / ({total} or 0 * {errors}) > {slack}"
    raise AssertionError("model.SLO.can_be_uncomputable: a probe's errors and total come from one series")


def symptom_expr(alert: Alert, ql: PromQL = PROMETHEUS) -> str:
    condition = alert.condition
    if isinstance(condition, ExprCondition):
        return condition.expr
    if isinstance(condition, QuantileCondition):
        buckets = ql.rate(condition.histogram.selector.render("_bucket"), condition.window)
        quantile = ql.histogram_quantile(format_number(condition.q), buckets, condition.group_by)
        expr = f"{quantile} > {format_number(condition.above)}"
        if condition.min_events:
            # The quantile of a handful of requests is one slow request: count the window's requests per group.
            count = condition.histogram.selector.render("_count")
            events = ql.sum(ql.increase(count, condition.window), condition.group_by)
            expr += f"\nand\n{events} >= {condition.min_events}"
        return expr
    if isinstance(condition, ZeroToleranceCondition):
        return _zero_tolerance_expr(condition, ql)
    assert_never(condition)


def _zero_tolerance_expr(condition: ZeroToleranceCondition, ql: PromQL) -> str:
    """Any increase of the counter within the hold, or a counter series born above 0 within it; with `open`, also
    while open's last sample reads above 0.

    The hold is an expression over stored samples, not `keep_firing_for` (vmalert 1.79 has none), so every ruler
    holds alike and a ruler restart does not end it. increase() cannot see a series' first sample, so a counter
    born at 1 is caught by its appearance: it had no sample for a while (`unseen`) a hold ago. Not `c unless c
    offset hold`: a scrape gap longer than the 5m lookback would look like a birth one hold later and page again.
    Every instance exports open from the same database, so its instances agree and are not added up: max. Its last
    sample within the hold bridges a restart, when no instance exports it, without delaying the resolution.
    """
    counter, hold, by = condition.counter.selector.render(), condition.hold, condition.group_by
    before = ql.over_time("last", counter, condition.unseen, offset=hold)
    terms = [f"{ql.sum(ql.increase(counter, hold), by)} > 0", f"{ql.sum(f'{counter} unless {before}', by)} > 0"]
    if condition.open is not None:
        # First, so that $value counts the open cases.
        terms.insert(0, f"{ql.aggregate('max', ql.over_time('last', condition.open.selector.render(), hold), by)} > 0")
    return "\nor\n".join(terms)


def symptom_alert(alert: Alert, service: Service, ql: PromQL = PROMETHEUS) -> Rule:
    rule: Rule = {"alert": alert.name, "expr": symptom_expr(alert, ql)}
    if alert.for_:
        rule["for"] = format_duration(alert.for_)
    rule.update({"labels": alert.rule_labels, "annotations": annotations.symptom(alert, service.dashboard_url)})
    return rule
