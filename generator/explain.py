"""`slogen explain`: what each SLO's alerts will do, in numbers, from the burn-rate maths alone.

For every pair the model generates: the error ratio it fires at, how long an outage of 100 %, 10 % and 2 %
errors takes to fire it, how much of the period's budget is gone by then, and how soon it resets once the
errors stop. The timing bounds are the ones the generated promtool tests assert (render/promtool_tests.py):
the Workbook detection time plus half a base window of rate ramp-up and two evaluations; a reset within one
short window, the flap hold, a base window and two evaluations.
"""

import math
from decimal import Decimal

from . import burnrate
from .burnrate import BurnWindow
from .durations import format_duration, format_number
from .model import SLO, LatencySLI, ProbeSLI, Project, RatioSLI

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
    budget_minutes = float(slo.error_budget) * slo.period / 60
    lines = [
        f"{slo.service}/{slo.name}: {format_number(slo.objective_percent)} % good over {slo.period_text} "
        f"({_sli_words(slo)}); error budget {_percent(slo.error_budget)}, "
        f"{_minutes_text(budget_minutes)} of total outage",
    ]
    if slo.alerting.min_events:
        lines.append(f"  no burn alert until the long window holds {slo.alerting.min_events} events (min_events)")
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


def _pair_line(slo: SLO, pair: BurnWindow) -> str:
    threshold = burnrate.threshold_ratio(pair, slo.period, slo.error_budget)
    outcomes = "".join(f"{_detection(slo, pair, ratio):<17}" for ratio in ERROR_RATIOS)
    reset = burnrate.reset_bound(pair, slo.base_window, EVALUATION)
    burn = format_number(pair.factor(slo.period)) + "×"
    return (
        f"  {pair.severity:<8}  {_pair_name(pair):<10}  {burn:<5}  {_percent(threshold):<9}  {outcomes}"
        f"{format_duration(_ceil_minute(reset))}"
    )


def _detection(slo: SLO, pair: BurnWindow, error_ratio: Decimal) -> str:
    """Time to fire at this error ratio, and the share of the period's budget spent by then."""
    elapsed = burnrate.firing_bound(pair, slo.period, slo.error_budget, error_ratio, slo.base_window, EVALUATION)
    if elapsed is None:
        return "never"
    spent = float(error_ratio) * elapsed / (float(slo.error_budget) * slo.period)
    return f"{format_duration(_ceil_minute(elapsed))} ({_percent(Decimal(str(spent)))})"


def _other_alerts(slo: SLO) -> list[str]:
    lines = []
    sli = slo.sli
    for alert in slo.alerts:
        labels = dict(alert.labels)
        where = f"{labels['severity']} {labels['priority']}"
        if alert.kind == "strike" and isinstance(sli, ProbeSLI):
            scope = ", ".join(f"{k}={v}" for k, v in (alert.entry.match if alert.entry else ()))
            every = f" in every {alert.entry.in_every}" if alert.entry and alert.entry.in_every else ""
            first = format_duration((sli.strikes - 1) * sli.interval) if sli.strikes > 1 else "at once"
            lines.append(
                f"  strike {where}: {sli.strikes} failed run(s) in a row{' of ' + scope if scope else ''}{every}; "
                f"fires on the last of them ({first} after the first)"
            )
        elif alert.kind == "absent" and slo.alerting.absent:
            lines.append(f"  absent {where}: no sample of the SLI's series for {format_duration(slo.alerting.absent)}")
        elif alert.kind == "uncomputable":
            lines.append(f"  uncomputable {where}: the total flows but the SLI cannot be computed, for 10m")
    return lines


def _sli_words(slo: SLO) -> str:
    sli = slo.sli
    if isinstance(sli, LatencySLI):
        return f"requests faster than {format_number(sli.threshold)}s"
    if isinstance(sli, ProbeSLI):
        return f"probe runs every {format_duration(sli.interval)}"
    assert isinstance(sli, RatioSLI)
    return "ratio of events"


def _pair_name(pair: BurnWindow) -> str:
    return f"{format_duration(pair.long)}/{format_duration(pair.short)}"


def _percent(ratio: Decimal) -> str:
    return f"{format_number(Decimal(format(ratio * 100, '.3g')))} %"


def _ceil_minute(seconds: float) -> int:
    return math.ceil(seconds / 60) * 60


def _minutes_text(minutes: float) -> str:
    return format_duration(max(60, round(minutes) * 60)) if minutes >= 1 else f"{minutes * 60:.0f}s"
