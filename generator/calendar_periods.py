"""Calendar periods and time zones as PromQL can compute them. Pure facts, no rendering.

PromQL's time functions (month(), day_of_week(), hour() …) read UTC only, so a time zone is a fixed offset added to
the timestamp before they read it. A zone with daylight saving time has two offsets a year and cannot be written
so; lint (promql-time-zone) refuses it and says which offset to write instead.
"""

import re
import zoneinfo
from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .routing import MaintenanceWindow
from .source import Source

# Nominal lengths for the burn-rate arithmetic: burn factors, detection times and the budget in minutes use
# these, whatever the current month's real length (28 to 31 days). A calendar month's budget is its share of
# its own events, so only the alert thresholds use the nominal length (docs/rules.md, "Calendar periods").
NOMINAL = {"week": 7 * 86400, "month": 30 * 86400, "quarter": 90 * 86400}
# Subquery ranges that hold the longest period of each unit: a week, 31 days, 92 days (July to September).
LONGEST = {"week": 7 * 86400, "month": 31 * 86400, "quarter": 92 * 86400}
UNITS = tuple(NOMINAL)
MONDAY_AFTER_EPOCH = 4 * 86400  # 1970-01-01 was a Thursday; ISO weeks start on Monday 1970-01-05
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")  # day_of_week() order
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_OFFSET = re.compile(r"^([+-])([01][0-9]|2[0-3]):([0-5][0-9])$")


def parse_offset(zone: str) -> int | None:
    """Seconds east of UTC for `UTC` or a fixed offset such as +05:30; None for anything else."""
    if zone == "UTC":
        return 0
    match = _OFFSET.match(zone)
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    seconds = int(hours) * 3600 + int(minutes) * 60
    return -seconds if sign == "-" else seconds


def zone_advice(zone: str) -> str:
    """What to write instead of a zone PromQL cannot follow: its offsets this year when it is an IANA name."""
    try:
        info = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return "write UTC or a fixed offset such as +05:30 or -03:00"
    year = datetime.now(UTC).year
    seconds = sorted(
        {int(offset.total_seconds()) for d in _instants(info, year) if (offset := d.utcoffset()) is not None}
    )
    offsets = [format_offset(o) for o in seconds]
    if len(offsets) == 1:
        return f"{zone} is {offsets[0]} all year: write {offsets[0]}"
    # Daylight saving time adds to the standard offset, so the lower one is standard time.
    return (
        f"{zone} changes offset for daylight saving time ({' / '.join(offsets)}), which PromQL's UTC time functions "
        f"cannot follow: write one fixed offset (such as its standard time, {offsets[0]}) and accept that the "
        "boundary moves by an hour for part of the year, or write UTC"
    )


def _instants(info: zoneinfo.ZoneInfo, year: int) -> list[datetime]:
    return [datetime(year, month, 15, 12, tzinfo=info) for month in (1, 7)]


def format_offset(seconds: int) -> str:
    if seconds == 0:
        return "UTC"
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


@dataclass(frozen=True)
class Calendar:
    """A calendar-aligned period: the budget counts events since the start of the current week (ISO, from
    Monday), month or quarter in `timezone`."""

    unit: str  # week | month | quarter
    timezone: str
    source: Source  # the `period` mapping

    @property
    def offset(self) -> int | None:
        return parse_offset(self.timezone)

    @property
    def nominal(self) -> int:
        return NOMINAL[self.unit]

    @property
    def longest(self) -> int:
        return LONGEST[self.unit]

    @property
    def name(self) -> str:
        """How people say it: `calendar month (UTC)`."""
        return f"calendar {self.unit} ({self.timezone})"

    def bounds(self, now: float) -> tuple[float, float]:
        """Start and end (Unix seconds) of the week, month or quarter holding `now`, in the zone's fixed offset."""
        offset = self.offset or 0
        local = datetime.fromtimestamp(now + offset, UTC)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.unit == "week":
            start = midnight - timedelta(days=local.weekday())
            end = start + timedelta(days=7)
        else:
            months = 3 if self.unit == "quarter" else 1
            start = midnight.replace(month=(local.month - 1) // months * months + 1, day=1)
            index = start.month - 1 + months
            end = start.replace(year=start.year + index // 12, month=index % 12 + 1)
        return start.timestamp() - offset, end.timestamp() - offset


def weekday_number(name: str) -> int:
    return WEEKDAYS.index(name.lower())


def month_number(name: str) -> int:
    return int(name) if name.isdigit() else MONTHS.index(name.lower()) + 1


def clock_minutes(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def window_covers(window: MaintenanceWindow, offset: int, seconds: int) -> bool:
    """Whether a budget exclusion covers this unix time, as the generated PromQL reads it (render/time_promql.py):
    every given field matches, ranges include both ends, clock times exclude their end."""
    local = datetime.fromtimestamp(seconds + offset, UTC)
    weekday, minute = (local.weekday() + 1) % 7, local.hour * 60 + local.minute
    days_in_month = monthrange(local.year, local.month)[1]
    return (
        _within(weekday, window.weekdays, weekday_number)
        and _within(local.month, window.months, month_number)
        and _within_days(local.day, days_in_month, window.days_of_month)
        and any(clock_minutes(start) <= minute < clock_minutes(end) for start, end in window.times)
    )


def _within(value: int, ranges: tuple[str, ...], order: Callable[[str], int]) -> bool:
    if not ranges:
        return True
    for text in ranges:
        start, _, end = text.partition(":")
        if order(start) <= value <= order(end or start):
            return True
    return False


def _within_days(day: int, days_in_month: int, ranges: tuple[str, ...]) -> bool:
    """Negative days count from the month's end (-1 is its last day)."""
    if not ranges:
        return True
    for text in ranges:
        start, _, end = text.partition(":")
        low, high = int(start), int(end or start)
        value = day if low > 0 else day - days_in_month - 1
        if low <= value <= high:
            return True
    return False
