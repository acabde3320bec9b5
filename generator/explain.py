"""`slogen explain`: what each SLO's alerts will do, in numbers, from the burn-rate maths alone.

For every pair the model generates: the error ratio it fires at, how long an outage of 100 %, 10 % and 2 %
errors takes to fire it, how much of the period's budget is gone by then, and how soon it resets once the
errors stop. The timing bounds are the ones the generated promtool tests assert (render/promtool_tests.py):
the Workbook detection time plus half a base window of rate ramp-up and two evaluations; a reset within one
short window, the flap hold, a base window and two evaluations.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from . import burnrate
from .burnrate import BurnWindow
from .durations import format_duration, format_number
from .model import (
    SLO,
    TIMESLICE_EVALUATION,
    FreshnessSLI,
    LatencySLI,
    ProbeSLI,
    Project,
    RatioSLI,
    SLOAlert,
    TimeSlices,
)

EVALUATION = 60  # the rule groups' evaluation interval, as in the generated tests
ERROR_RATIOS = (Decimal(1), Decimal("0.1"), Decimal("0.02"))


class UnknownTarget(ValueError):
    """The SERVICE[/SLO] asked for is not in the specs."""


def explain(project: Project, target: str | None = None) -> list[str]:
    """Lines of text for every SLO of the project, or of `target`: SERVICE or SERVICE/SLO."""
    slos = [slo for slo in project.slos() if _selected(slo, target)]
    if target and not slos:
        known = ", ".join(sorted({s.service for s in project.slos()}))
        raise UnknownTarget(f"no SLO matches {target!r}; services: {known}")
    lines: list[str] = []
    for slo in slos:
        if lines:
            lines.append("")
        lines.extend(explain_slo(slo))
    return lines


def _selected(slo: SLO, target: str | None) -> bool:
    if not target:
        return True
    service, _, name = target.partition("/")
    return slo.service == service and (not name or slo.name == name)


def explain_slo(slo: SLO) -> list[str]:
    lines = [
        f"{slo.service}/{slo.name}: {format_number(slo.objective_percent)} % good over {slo.period_name} "
        f"({_sli_words(slo)}); {budget_text(slo)}",
    ]
    if slo.calendar:
        lines.append(
            f"  the budget counts {slo.period_span} and is whole again at its start; burn rates, times and "
            f"minutes below use a nominal {slo.period_text}"
        )
    if slo.alerting.min_events:
        lines.append(f"  no burn alert until the long window holds {slo.alerting.min_events} events (min_events)")
    if slo.timeslices:
        lines.extend(_timeslice_lines(slo, slo.timeslices))
    pairs = slo.burn_windows
    if pairs:
        lines.append(
            "  severity  long/short  burn   fires at   at 100 %         at 10 %          at 2 %           resets within"
        )
        lines.extend(_pair_line(slo, pair) for pair in pairs)
    else:
        lines.append("  no burn-rate pairs")
    for window in slo.alerting.windows:
        pair = burnrate.raised(window, slo.base_window)
        reason = slo.skip_reason(pair)
        if reason:
            lines.append(f"  skipped {window.severity} {_pair_name(window)}: {reason}")
    lines.extend(_other_alerts(slo))
    return lines


@dataclass(frozen=True)
class PairNumbers:
    """What one burn pair does, as `slogen explain` prints it and the runbook pages show it."""

    pair: str  # long/short, such as 1h/5m
    burn: str  # such as 14.4×
    fires_at: str  # the error ratio it fires at, such as 1.44 %
    outcomes: tuple[str, ...]  # time to fire (budget spent by then) at each of ERROR_RATIOS, or "never"
    resets: str  # the reset bound once the errors stop


def pair_numbers(slo: SLO, pair: BurnWindow) -> PairNumbers:
    return _pair_numbers(pair, slo.period, slo.error_budget, slo.base_window)


# A fleet's SLOs share a few periods and objectives, and the catalog page and each alert page show the same pairs.
# Keyed by values: equal budgets spelled differently (0.001, 0.0010) give the same texts, as every number here is
# rounded and normalised.
@lru_cache(maxsize=1024)
def _pair_numbers(pair: BurnWindow, period: int, error_budget: Decimal, base_window: int) -> PairNumbers:
    threshold = burnrate.threshold_ratio(pair, period, error_budget)
    reset = burnrate.reset_bound(pair, base_window, EVALUATION)
    return PairNumbers(
        _pair_name(pair),
        format_number(pair.factor(period)) + "×",
        _percent(threshold),
        tuple(_detection(pair, period, error_budget, base_window, ratio) for ratio in ERROR_RATIOS),
        format_duration(_ceil_minute(reset)),
    )


def _pair_line(slo: SLO, pair: BurnWindow) -> str:
    numbers = pair_numbers(slo, pair)
    outcomes = "".join(f"{outcome:<17}" for outcome in numbers.outcomes)
    return (
        f"  {pair.severity:<8}  {numbers.pair:<10}  {numbers.burn:<5}  {numbers.fires_at:<9}  {outcomes}"
        f"{numbers.resets}"
    )


def _detection(pair: BurnWindow, period: int, error_budget: Decimal, base_window: int, error_ratio: Decimal) -> str:
    """Time to fire at this error ratio, and the share of the period's budget spent by then."""
    elapsed = burnrate.firing_bound(pair, period, error_budget, error_ratio, base_window, EVALUATION)
    if elapsed is None:
        return "never"
    spent = float(error_ratio) * elapsed / (float(error_budget) * period)
    return f"{format_duration(_ceil_minute(elapsed))} ({_percent(Decimal(str(spent)))})"


def _other_alerts(slo: SLO) -> list[str]:
    lines = []
    for alert in slo.alerts:
        words = alert_words(slo, alert)
        if words and alert.kind != "burn":
            labels = dict(alert.labels)
            lines.append(f"  {alert.kind} {labels['severity']} {labels['priority']}: {words}")
    return lines


def alert_words(slo: SLO, alert: SLOAlert) -> str | None:
    """When an SLO's strike, absent or uncomputable alert fires, in words; None for kinds it does not know."""
    sli = slo.sli
    if alert.kind == "strike" and isinstance(sli, ProbeSLI):
        scope = ", ".join(f"{k}={v}" for k, v in (alert.entry.match if alert.entry else ()))
        every = f" in every {alert.entry.in_every}" if alert.entry and alert.entry.in_every else ""
        first = format_duration((sli.strikes - 1) * sli.interval) if sli.strikes > 1 else "at once"
        return (
            f"{sli.strikes} failed run(s) in a row{' of ' + scope if scope else ''}{every}; "
            f"fires on the last of them ({first} after the first)"
        )
    if alert.kind == "absent" and slo.alerting.absent:
        groups = "; ".join(", ".join(f"{k}={v}" for k, v in group.items()) for group in slo.absent_groups)
        per_group = f" from one of the expected groups ({groups})" if groups else ""
        return f"no sample of the SLI's series{per_group} for {format_duration(slo.alerting.absent)}"
    if alert.kind == "uncomputable":
        return "the total flows but the SLI cannot be computed, for 10m"
    if alert.kind == "overdue" and isinstance(sli, FreshnessSLI):
        return f"no success for more than {format_duration(sli.every)}; resolves with the next success"
    return None


def budget_text(slo: SLO) -> str:
    """The error budget as a share and as minutes of total outage over the period."""
    budget_minutes = float(slo.error_budget) * slo.period / 60
    return f"error budget {_percent(slo.error_budget)}, {_minutes_text(budget_minutes)} of total outage"


def _sli_words(slo: SLO) -> str:
    sli = slo.sli
    if isinstance(sli, LatencySLI):
        return sli.good_words
    if isinstance(sli, ProbeSLI):
        return f"probe runs every {format_duration(sli.interval)}"
    if isinstance(sli, FreshnessSLI):
        return f"time fresh: a success at least every {format_duration(sli.every)}"
    assert isinstance(sli, RatioSLI)
    return "ratio of events"


def _timeslice_lines(slo: SLO, timeslices: TimeSlices) -> list[str]:
    """What a good slice is, what the budget holds in slices, and how many bad slices in a row each pair needs."""
    size = timeslices.slice_text
    slices = float(slo.error_budget) * slo.period / timeslices.slice
    lines = [
        f"  counts {size} slices: a slice is bad when {timeslices.bad_words(slo.sli)} (without traffic: good); "
        f"the budget holds {format_number(Decimal(format(slices, '.4g')))} bad slices; the error ratios below are "
        f"shares of bad slice time, and their times grow by up to {size}, the wait for a slice's verdict"
    ]
    for pair in slo.burn_windows:
        k = burnrate.slices_to_fire(pair, slo.period, slo.error_budget, timeslices.slice, TIMESLICE_EVALUATION, False)
        if k is not None:
            plural = "s" if k > 1 else ""
            lines.append(f"  {pair.severity} {_pair_name(pair)} fires after {k} bad {size} slice{plural} in a row")
    return lines


def _pair_name(pair: BurnWindow) -> str:
    return f"{format_duration(pair.long)}/{format_duration(pair.short)}"


def _percent(ratio: Decimal) -> str:
    return f"{format_number(Decimal(format(ratio * 100, '.3g')))} %"


def _ceil_minute(seconds: float) -> int:
    return math.ceil(seconds / 60) * 60


def _minutes_text(minutes: float) -> str:
    return format_duration(max(60, round(minutes) * 60)) if minutes >= 1 else f"{minutes * 60:.0f}s"
