"""Prometheus durations and latencies: parsing to exact values and canonical formatting."""

from decimal import Decimal

import pytest

from generator.durations import format_duration, format_number, parse_duration, parse_latency


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("30s", 30),
        ("5m", 300),
        ("1h", 3600),
        ("28d", 28 * 86400),
        ("2w", 14 * 86400),
        ("1y", 365 * 86400),
    ],
)
def test_parse_duration_single_units(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("1h30m", 5400),
        ("1d2h3m4s", 86400 + 2 * 3600 + 3 * 60 + 4),
        ("1m30s", 90),
        ("1s500ms500ms", 2),
    ],
)
def test_parse_duration_compound(text, seconds):
    assert parse_duration(text) == seconds


def test_parse_duration_milliseconds_that_make_whole_seconds():
    assert parse_duration("1000ms") == 1
    assert parse_duration("90000ms") == 90


@pytest.mark.parametrize("text", ["500ms", "1500ms", "1s1ms"])
def test_parse_duration_refuses_sub_second_remainders(text):
    with pytest.raises(ValueError, match="whole number of seconds"):
        parse_duration(text)


def test_parse_duration_zero_is_refused_by_default():
    with pytest.raises(ValueError, match="is zero; use a positive duration"):
        parse_duration("0s")


def test_parse_duration_zero_allowed_when_asked():
    assert parse_duration("0s", allow_zero=True) == 0
    assert parse_duration("0m0s", allow_zero=True) == 0


@pytest.mark.parametrize("text", ["", "5", "30days", "5M", "1.5h", "-5m", "1h 30m", " 5m", "5m ", "m", "1H"])
def test_parse_duration_refuses_bad_text_with_an_example(text):
    with pytest.raises(ValueError, match="is not a Prometheus duration such as 30s, 5m, 1h or 28d"):
        parse_duration(text)


@pytest.mark.parametrize(
    "seconds, text",
    [
        (1, "1s"),
        (59, "59s"),
        (60, "1m"),
        (61, "1m1s"),
        (300, "5m"),
        (3600, "1h"),
        (5400, "1h30m"),
        (86400, "1d"),
        (7 * 86400, "7d"),  # weeks are spelled in days, as SLO periods are
        (30 * 86400, "30d"),
        (86400 + 3600 + 60 + 1, "1d1h1m1s"),
    ],
)
def test_format_duration_canonical(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("text", ["30d", "1h30m", "5m", "1d1h1m1s", "45s"])
def test_format_duration_round_trips_canonical_text(text):
    assert format_duration(parse_duration(text)) == text


def test_format_duration_normalises_non_canonical_input():
    assert format_duration(parse_duration("90m")) == "1h30m"
    assert format_duration(parse_duration("2w")) == "14d"


@pytest.mark.parametrize("seconds", [0, -1])
def test_format_duration_refuses_non_positive(seconds):
    with pytest.raises(ValueError, match="positive"):
        format_duration(seconds)


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("250ms", Decimal("0.25")),
        ("1.2s", Decimal("1.2")),
        ("1s", Decimal("1")),
        ("0.5s", Decimal("0.5")),
        ("1.25ms", Decimal("0.00125")),
        ("0ms", Decimal("0")),
    ],
)
def test_parse_latency_exact_seconds(text, seconds):
    assert parse_latency(text) == seconds
    assert isinstance(parse_latency(text), Decimal)


def test_parse_latency_is_exact_not_float():
    # 0.1 + 0.2 style float drift would break bucket comparisons.
    assert parse_latency("100ms") + parse_latency("200ms") == parse_latency("300ms")


def test_parse_latency_equal_spellings_compare_equal():
    assert parse_latency("1000ms") == parse_latency("1s") == parse_latency("1.0s")


@pytest.mark.parametrize("text", ["250", "250 ms", ".5s", "1e3ms", "5m", "1h", "", "-1s", "250MS"])
def test_parse_latency_refuses_bad_text_with_an_example(text):
    with pytest.raises(ValueError, match=r"is not a latency such as 250ms or 1\.2s"):
        parse_latency(text)


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("0.001"), "0.001"),
        (Decimal("14.40"), "14.4"),
        (2592000, "2592000"),
        (Decimal("2.592E+6"), "2592000"),
        (Decimal("1E+2"), "100"),
        (Decimal("0"), "0"),
        (Decimal("0.00"), "0"),
        (0.1, "0.1"),
        (0.25, "0.25"),
        (3.0, "3"),
        (1e-7, "0.0000001"),
    ],
)
def test_format_number_shortest_plain_decimal(value, text):
    assert format_number(value) == text


def test_format_number_never_uses_exponent_notation():
    for value in (Decimal("1E+9"), Decimal("1E-9"), 1e-12, 1e15):
        assert "e" not in format_number(value).lower()
