"""Prometheus durations and latencies: parsing and canonical formatting."""

import re
from decimal import Decimal
from functools import lru_cache

_UNIT_SECONDS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$")
_PART = re.compile(r"([0-9]+)(ms|s|m|h|d|w|y)")
_LATENCY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(ms|s)$")
# Prometheus and Alertmanager hold a duration as Go's time.Duration, int64 nanoseconds: promtool and amtool refuse
# anything longer than this many milliseconds ("duration out of range"), about 292 years.
MAX_MILLIS = (2**63 - 1) // 1_000_000


def parse_duration(text: str, allow_zero: bool = False) -> int:
    """Whole seconds of a Prometheus duration such as '1h30m'. Sub-second parts are refused."""
    if allow_zero and text == "0":
        return 0
    if not _DURATION.match(text):
        raise ValueError(f"{text!r} is not a Prometheus duration such as 30s, 5m, 1h or 28d")
    millis = 0
    for number, unit in _PART.findall(text):
        millis += int(number) * (1 if unit == "ms" else 1000 * _UNIT_SECONDS[unit])
    if millis > MAX_MILLIS:
        raise ValueError(
            f"{text!r} is longer than Prometheus and Alertmanager can hold (106751d, about 292y); use a shorter one"
        )
    if millis % 1000:
        raise ValueError(f"{text!r} is not a whole number of seconds")
    if millis == 0 and not allow_zero:
        raise ValueError(f"{text!r} is zero; use a positive duration")
    return millis // 1000


@lru_cache(maxsize=4096, typed=True)  # every rule, test and page spells the same few windows, millions of times a run
def format_duration(seconds: int) -> str:
    """Canonical short form: 2592000 → '30d', 5400 → '1h30m'. Weeks are spelled in days, as SLO periods are."""
    if seconds <= 0:
        raise ValueError("durations are positive")
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts)


def parse_latency(text: str) -> Decimal:
    """Seconds of a latency such as '250ms' or '1.2s', exact."""
    match = _LATENCY.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a latency such as 250ms or 1.2s")
    value = Decimal(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value


def format_number(value: Decimal | float | int) -> str:
    """Shortest exact decimal text for PromQL and labels: 0.001, 14.4, 2592000."""
    return _normalised(str(value))


# Keyed by the text, not the value: equal values can spell differently (Decimal("-0") == 0, a float equal to a
# long Decimal), and the text is what the answer depends on.
@lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    return format(Decimal(text).normalize(), "f")
