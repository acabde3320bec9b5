"""Multi-window, multi-burn-rate maths (Google SRE Workbook, ch. 5). Pure functions, no rendering."""

from dataclasses import dataclass
from decimal import Decimal

PAGE, TICKET = "page", "ticket"
BASE_WINDOW = 300  # 5m: the only window that reads raw series


@dataclass(frozen=True)
class BurnWindow:
    """A long/short window pair that alerts once `budget` (a fraction) of the period's budget burns in `long`."""

    severity: str
    long: int
    short: int
    budget: Decimal

    def factor(self, period: int) -> Decimal:
        """Burn rate that consumes `budget` of the error budget within `long`: budget × period / long,
        to 6 significant digits so a 28d period writes 0.933333, not a 28-digit fraction."""
        return Decimal(format(self.budget * period / self.long, ".6g"))


# SRE Workbook table 5-8: 2 % of the budget in 1 h and 5 % in 6 h page; 10 % in 1 d and in 3 d ticket.
WORKBOOK_WINDOWS = (
    BurnWindow(PAGE, 3600, 300, Decimal("0.02")),
    BurnWindow(PAGE, 6 * 3600, 1800, Decimal("0.05")),
    BurnWindow(TICKET, 86400, 2 * 3600, Decimal("0.1")),
    BurnWindow(TICKET, 3 * 86400, 6 * 3600, Decimal("0.1")),
)
# Windows recorded for every SLO so dashboards can show the same set whatever the alert table says.
STANDARD_WINDOWS = (300, 1800, 3600, 2 * 3600, 6 * 3600, 86400, 3 * 86400)


def threshold_ratio(window: BurnWindow, period: int, error_budget: Decimal) -> Decimal:
    """The error ratio above which the pair fires; ≥ 1 means it can never fire."""
    return window.factor(period) * error_budget


def detection_seconds(window: BurnWindow, period: int, error_budget: Decimal, error_ratio: Decimal) -> Decimal | None:
    """Seconds from the start of an outage with `error_ratio` until the long window crosses its threshold.

    None when the outage never crosses it. This ignores the 5m rate lag and evaluation interval, which
    add at most a few minutes; docs/rules.md gives both.
    """
    needed = threshold_ratio(window, period, error_budget)
    if error_ratio <= needed:
        return None
    return needed * window.long / error_ratio
