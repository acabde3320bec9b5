"""Burn-rate maths (generator/burnrate.py): the default windows for any period, their factors, and the checks the
model and lint rules build on."""

from decimal import Decimal
from fractions import Fraction

import pytest

from generator import burnrate
from generator.burnrate import PAGE, TICKET, BurnWindow
from generator.durations import format_duration, parse_duration


def table(period: str) -> list[tuple[str, str, str, str]]:
    seconds = parse_duration(period)
    return [
        (w.severity, format_duration(w.long), format_duration(w.short), f"{w.factor(seconds).normalize():f}")
        for w in burnrate.default_windows(seconds)
    ]


def test_30d_defaults_are_the_workbook_table_exactly():
    assert burnrate.default_windows(parse_duration("30d")) == burnrate.WORKBOOK_WINDOWS
    assert [w.budget for w in burnrate.default_windows(parse_duration("30d"))] == [
        Decimal("0.02"),
        Decimal("0.05"),
        Decimal("0.1"),
        Decimal("0.1"),
    ]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (
            "7d",
            [
                ("page", "15m", "1m", "14.4"),
                ("page", "1h30m", "7m", "6"),
                ("ticket", "6h", "30m", "3"),
                ("ticket", "18h", "1h30m", "1"),
            ],
        ),
        (
            "28d",
            [
                ("page", "1h", "5m", "14.4"),
                ("page", "6h", "30m", "6"),
                ("ticket", "1d", "2h", "3"),
                ("ticket", "3d", "6h", "1"),
            ],
        ),
        (
            "30d",
            [
                ("page", "1h", "5m", "14.4"),
                ("page", "6h", "30m", "6"),
                ("ticket", "1d", "2h", "3"),
                ("ticket", "3d", "6h", "1"),
            ],
        ),
        (
            "90d",
            [
                ("page", "3h", "15m", "14.4"),
                ("page", "18h", "1h30m", "6"),
                ("ticket", "3d", "6h", "3"),
                ("ticket", "9d", "18h", "1"),
            ],
        ),
    ],
)
def test_default_windows_scale_with_the_period_and_keep_the_workbook_factors(period, expected):
    assert table(period) == expected


@pytest.mark.parametrize("period", ["1h", "1d", "2d", "3d", "7d", "14d", "28d", "30d", "31d", "90d", "365d"])
def test_default_factors_are_14_4_6_3_1_for_any_period(period):
    seconds = parse_duration(period)
    windows = burnrate.default_windows(seconds)
    assert [w.factor(seconds) for w in windows] == [Decimal("14.4"), 6, 3, 1]
    assert [w.severity for w in windows] == [PAGE, PAGE, TICKET, TICKET]
    assert all(w.long <= seconds for w in windows)


@pytest.mark.parametrize("period", ["7d", "14d", "28d", "31d", "90d", "365d"])
def test_rounding_moves_each_window_by_at_most_10_percent(period):
    seconds = parse_duration(period)
    scale = Fraction(seconds, burnrate.WORKBOOK_PERIOD)
    for workbook, scaled in zip(burnrate.WORKBOOK_WINDOWS, burnrate.default_windows(seconds), strict=True):
        assert abs(scaled.long - workbook.long * scale) <= workbook.long * scale / 10
        # The budget share moves with the rounded long window, by as much.
        assert abs(scaled.budget / workbook.budget - 1) <= Decimal("0.1")


@pytest.mark.parametrize(
    ("seconds", "clean"),
    [
        (Fraction(56 * 60), "1h"),  # 7 % off: the coarsest step within 10 %
        (Fraction(84 * 60), "1h30m"),
        (Fraction(1008 * 60), "18h"),
        (Fraction(7 * 60), "7m"),  # no step within 10 % but whole minutes
        (Fraction(70), "1m"),  # below a minute: at least one minute (the base window raises it)
        (Fraction(3 * 86400), "3d"),
        (Fraction(36.5 * 86400), "37d"),
    ],
)
def test_clean_duration(seconds, clean):
    assert format_duration(burnrate.clean_duration(seconds)) == clean


def test_budget_for_reads_back_the_factor_exactly():
    week = parse_duration("7d")
    window = BurnWindow(PAGE, 900, 300, burnrate.budget_for(Decimal("14.4"), 900, week))
    assert window.budget == Decimal("0.0214285714286")
    assert window.factor(week) == Decimal("14.4")


def test_raised_keeps_the_budget_so_a_raised_long_window_lowers_the_factor():
    window = BurnWindow(TICKET, 3600, 300, Decimal("0.02"))
    pair = burnrate.raised(window, 7200)
    assert (pair.long, pair.short, pair.budget) == (7200, 7200, Decimal("0.02"))
    assert pair.factor(parse_duration("30d")) == Decimal("7.2")


def test_degenerate_when_the_raised_short_window_reaches_the_long_one():
    daily = parse_duration("1d")
    assert burnrate.degenerate(BurnWindow(TICKET, daily, 7200, Decimal("0.1")), daily)
    assert not burnrate.degenerate(BurnWindow(TICKET, 3 * daily, 6 * 3600, Decimal("0.1")), daily)
    assert not burnrate.degenerate(BurnWindow(PAGE, 3600, 300, Decimal("0.02")), burnrate.BASE_WINDOW)
    # A 2d period scales the 1h/5m page pair to 4m/1m: both read as the 5m base window.
    assert burnrate.degenerate(burnrate.default_windows(parse_duration("2d"))[0], burnrate.BASE_WINDOW)


def test_threshold_ratio_and_detection_time_at_99_9():
    period, budget = parse_duration("7d"), Decimal("0.001")
    fast = burnrate.default_windows(period)[0]
    assert burnrate.threshold_ratio(fast, period, budget) == Decimal("0.0144")
    # At 100 % errors the 15m window crosses 1.44 % after 1.44 % of 15 minutes.
    assert burnrate.detection_seconds(fast, period, budget, Decimal(1)) == Decimal("12.96")
    assert burnrate.detection_seconds(fast, period, budget, Decimal("0.0144")) is None


def test_no_default_pair_is_below_1x_for_any_whole_day_period():
    for days in range(1, 400):
        period = days * 86400
        assert all(w.factor(period) >= 1 for w in burnrate.default_windows(period)), days
