"""Multi-window, multi-burn-rate maths (Google SRE Workbook, ch. 5). Pure functions, no rendering."""

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

PAGE, TICKET = "page", "ticket"
BASE_WINDOW = 300  # 5m: the only window that reads raw series
WORKBOOK_PERIOD = 30 * 86400  # the period the Workbook's table is written for
# Every `period` here is in seconds. A calendar period (month, week, quarter) has no fixed length, so the model passes
# its nominal one (calendar_periods.NOMINAL: 30d, 7d, 90d): factors and detection times are those of that length,
# while its budget is the share of its own events whatever its real length (docs/rules.md, "Calendar periods").


@dataclass(frozen=True)
class BurnWindow:
    """A long/short window pair that alerts once `budget` (a fraction) of the period's budget burns in `long`."""

    severity: str
    long: int
    short: int
    budget: Decimal

    def factor(self, period: int) -> Decimal:
        """Burn rate that consumes `budget` of the error budget within `long`: budget × period / long,
        to 6 significant digits so a custom 28d pair writes 0.933333, not a 28-digit fraction."""
        return _factor(str(self.budget), period, self.long)


# Every rule, test, page and annotation of a pair asks again. Keyed by the budget's text, which Decimal reads back
# exactly: equal budgets spelled differently (0.02, 0.020) give factors spelled differently (14.40, 14.400).
@lru_cache(maxsize=1024)
def _factor(budget: str, period: int, long: int) -> Decimal:
    return Decimal(format(Decimal(budget) * period / long, ".6g"))


# SRE Workbook table 5-8: 2 % of the budget in 1 h and 5 % in 6 h page; 10 % in 1 d and in 3 d ticket.
# These are the 30-day pairs; `default_windows` scales them to other periods.
WORKBOOK_WINDOWS = (
    BurnWindow(PAGE, 3600, 300, Decimal("0.02")),
    BurnWindow(PAGE, 6 * 3600, 1800, Decimal("0.05")),
    BurnWindow(TICKET, 86400, 2 * 3600, Decimal("0.1")),
    BurnWindow(TICKET, 3 * 86400, 6 * 3600, Decimal("0.1")),
)
# Windows recorded for every SLO so dashboards can show the same set whatever the alert table says.
STANDARD_WINDOWS = (300, 1800, 3600, 2 * 3600, 6 * 3600, 86400, 3 * 86400)

# Scaled windows are rounded to the coarsest of these steps that moves them by at most CLEAN_TOLERANCE, so a
# 28d period keeps the Workbook's 1h/5m … 3d/6h and a 7d period gets 15m rather than 14m.
CLEAN_STEPS = (86400, 12 * 3600, 6 * 3600, 3 * 3600, 2 * 3600, 3600, 1800, 900, 600, 300, 60)
CLEAN_TOLERANCE = Fraction(1, 10)


def clean_duration(seconds: Fraction) -> int:
    """`seconds` rounded (half up) to the coarsest clean step that moves it by at most 10 %; to whole minutes,
    at least one, when no step does (only windows under 10 minutes, which the base window replaces anyway)."""
    for step in CLEAN_STEPS:
        rounded = math.floor(seconds / step + Fraction(1, 2)) * step
        if rounded and abs(rounded - seconds) <= seconds * CLEAN_TOLERANCE:
            return rounded
    return max(60, math.floor(seconds / 60 + Fraction(1, 2)) * 60)


def budget_for(factor: Decimal, long: int, period: int) -> Decimal:
    """The share of the period's budget that a `factor`× burn consumes within `long`, to 12 significant digits
    (so `factor` reads back exactly from BurnWindow.factor)."""
    return Decimal(format(factor * long / period, ".12g"))


@lru_cache(maxsize=64)  # a fleet has a few periods and thousands of SLOs; the result is immutable
def default_windows(period: int) -> tuple[BurnWindow, ...]:
    """The Workbook's pairs for `period`: both windows scaled by period / 30d and rounded to clean durations.

    Each pair keeps the burn factor it has over 30 days (14.4, 6, 3, 1), so it fires on the same burn whatever
    the period, and never below 1×; the share of the budget it stands for follows from the rounded long window
    (2 % for 1h over 30d, 2.14286 % for 15m over 7d). Windows below the base window are raised by the model.
    """
    scale = Fraction(period, WORKBOOK_PERIOD)
    scaled = []
    for window in WORKBOOK_WINDOWS:
        long, short = clean_duration(window.long * scale), clean_duration(window.short * scale)
        factor = window.factor(WORKBOOK_PERIOD)
        scaled.append(BurnWindow(window.severity, long, short, budget_for(factor, long, period)))
    return tuple(scaled)


def raised(window: BurnWindow, base_window: int) -> BurnWindow:
    """The pair as the rules compute it: no window is shorter than the base window. The budget stays, so a
    raised long window lowers the factor."""
    return BurnWindow(window.severity, max(window.long, base_window), max(window.short, base_window), window.budget)


def degenerate(window: BurnWindow, base_window: int) -> bool:
    """True when the short window, raised to the base window, is no shorter than the long one: the pair would
    test one window twice (`ratio1d > 3 and ratio1d > 3`) and confirm nothing."""
    pair = raised(window, base_window)
    return pair.short >= pair.long


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


MAX_FLAP_HOLD = 600  # 10m


def flap_hold(short: int) -> int:
    """How long a burn alert holds its short window's highest value (docs/rules.md, "Flapping"): one short
    window, at most 10 minutes."""
    return min(short, MAX_FLAP_HOLD)


def firing_bound(
    window: BurnWindow, period: int, error_budget: Decimal, error_ratio: Decimal, base_window: int, evaluation: int
) -> float | None:
    """Seconds from the start of an outage with `error_ratio` until the pair fires, at most: the detection time,
    half a base window for the base rates to ramp up, and two evaluations. None when it never fires. The generated
    promtool tests assert this bound; `slogen explain` prints it."""
    seconds = detection_seconds(window, period, error_budget, error_ratio)
    return None if seconds is None else float(seconds) + base_window / 2 + 2 * evaluation


def reset_bound(window: BurnWindow, base_window: int, evaluation: int) -> int:
    """Seconds from the end of an outage until the pair resolves, at most: its short window clears, the flap hold
    passes, the base rates ramp down, and two evaluations."""
    return window.short + flap_hold(window.short) + base_window + 2 * evaluation


def slices_to_fire(
    window: BurnWindow, period: int, error_budget: Decimal, slice_: int, evaluation: int, closed: bool = True
) -> int | None:
    """How many bad time slices in a row make a pair fire, or None when a long window's worth cannot.

    A time-slice SLO records one verdict per evaluation, each the last completed slice's, so k bad slices are
    k × slice / evaluation bad evaluations in a row; the pair fires once they are above its threshold ratio in both
    windows. A window of w holds w / evaluation evaluations, one more where the range is closed at its start
    (Prometheus 2): `closed` counts that one, so the answer holds on both (the generated tests use it); without it,
    the fewest that can fire."""
    threshold = threshold_ratio(window, period, error_budget)
    per_slice = Fraction(slice_, evaluation)

    def share(bad: Fraction, span: int) -> Fraction:
        held = Fraction(span, evaluation) + (1 if closed else 0)
        return min(bad, Fraction(span, evaluation)) / held

    for k in range(1, window.long // slice_ + 1):
        bad = k * per_slice
        if share(bad, window.long) > threshold and share(bad, window.short) > threshold:
            return k
    return None
