"""A burn-rate pair below 1× alerts on a burn that cannot exhaust the error budget within the period: refuse it."""

import math
from collections.abc import Iterator
from decimal import ROUND_CEILING, Decimal

from .. import burnrate
from ..durations import format_duration, format_number
from ..findings import Finding
from ..model import Project

ID = "burn-factor-below-one"


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        written = slo.alerting.windows_source
        if written is None:
            continue  # the default windows keep the Workbook's factors, 14.4× down to 1× (burnrate.default_windows)
        for index, window in enumerate(slo.alerting.windows):
            if window.short >= window.long or burnrate.degenerate(window, slo.base_window):
                continue  # window-order and burn-window-degenerate report these
            pair = burnrate.raised(window, slo.base_window)
            factor = pair.factor(slo.period)
            if factor >= 1:
                continue
            long = format_duration(pair.long)
            lasts = format_duration(max(60, round(pair.long / pair.budget / 60) * 60))
            yield written.finding(
                ("windows", index),
                f"the {pair.severity} pair {long}/{format_duration(pair.short)} burns "
                f"{format_number(pair.budget * 100)} % of the {slo.period_text} error budget within {long}: a "
                f"{format_number(factor)}× burn, which would spend the budget in {lasts}, so the pair alerts on a "
                "burn that cannot exhaust the budget within the period; raise budget to at least "
                f"{_least_budget(pair.long, slo.period)} (1×) or shorten long to at most "
                f"{_longest(pair.budget, slo.period)}",
                ID,
            )


def _least_budget(long: int, period: int) -> str:
    """The budget percent at which a `long` window burns at 1×, rounded up to 3 significant digits."""
    percent = Decimal(long) * 100 / period
    step = Decimal(1).scaleb(percent.adjusted() - 2)
    return format_number((percent / step).to_integral_value(ROUND_CEILING) * step)


def _longest(budget: Decimal, period: int) -> str:
    """The longest window in which `budget` of the period's budget burns at 1× or faster, in whole minutes."""
    return format_duration(max(60, math.floor(budget * period / 60) * 60))
