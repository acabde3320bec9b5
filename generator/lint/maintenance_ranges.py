"""Maintenance window ranges run forwards and stay within Alertmanager's bounds, as Alertmanager requires: it refuses
to start on `monday:sunday` (its weeks start on Sunday), `7:1` days, `december:january`, day 32, `-1:5`, an unknown
time zone or an end time before the start."""

import zoneinfo
from collections.abc import Callable, Iterator

from ..calendar_periods import MONTHS, WEEKDAYS, clock_minutes, month_number, weekday_number
from ..findings import Finding
from ..model import Project
from ..routing import MaintenanceWindow

ID = "maintenance-range"


def check(project: Project) -> Iterator[Finding]:
    """Routing's maintenance windows, and the services' budget exclusions (the same schedule syntax; their locations
    are promql-time-zone's to judge, as PromQL, not Alertmanager, reads them)."""
    for window in project.routing.maintenance_windows if project.routing else ():
        yield from _ranges(window)
        if not _known_location(window.location):
            yield window.source.finding(
                ("location",),
                f"unknown time zone {window.location!r}; Alertmanager refuses it. Give an IANA name such as "
                "Europe/Paris or America/New_York (case matters), or UTC",
                ID,
            )
    for service in project.services:
        for window in service.exclusions:
            yield from _ranges(window)


def _ranges(window: MaintenanceWindow) -> Iterator[Finding]:
    for field, values, order in (
        ("weekdays", window.weekdays, weekday_number),
        ("months", window.months, month_number),
        ("days_of_month", window.days_of_month, int),
    ):
        for index, text in enumerate(values):
            start, _, end = text.partition(":")
            problem = _out_of_range(field, start, end)
            if problem:
                yield window.source.finding((field, index), problem, ID)
            elif end and _backwards(order, start, end):
                yield window.source.finding(
                    (field, index), f"range {text!r} runs backwards; Alertmanager refuses it. {_advice(field)}", ID
                )
    for index, (start, end) in enumerate(window.times):
        if clock_minutes(end) <= clock_minutes(start):
            yield window.source.finding(
                ("times", index),
                f"end {end} is not after start {start}; Alertmanager "
                "refuses it. Split a window that crosses midnight into two times",
                ID,
            )


def _out_of_range(field: str, start: str, end: str) -> str | None:
    """Alertmanager's bounds (timeinterval): days 1 to 31, or -31 to -1 counting from the month's end, and a range that
    starts from the end also ends there; months 1 to 12 (0.25 takes 0 or 13 but never matches them)."""
    if field == "days_of_month":
        for day in (start, end) if end else (start,):
            if not 1 <= abs(int(day)) <= 31:
                return (
                    f"day {day} is out of range; Alertmanager refuses it. "
                    "Days run 1 to 31, or -31 to -1 from the month's end"
                )
        if end and int(start) < 0 < int(end):
            return (
                f"range {start}:{end} starts from the month's end but ends from its start; Alertmanager refuses it. "
                "Write both ends from the end (-7:-1) or from the start"
            )
    names = {"weekdays": WEEKDAYS, "months": MONTHS}.get(field, ())
    for name in (start, end) if end else (start,):
        if names and not name.isdigit() and name.lower() not in names:
            return f"{name!r} is not a {field[:-1]}; Alertmanager refuses it. Write one of {', '.join(names)}"
    if field == "months":
        for month in (start, end) if end else (start,):
            if month.isdigit() and not 1 <= int(month) <= 12:
                return (
                    f"month {month} does not exist, so the window never applies; "
                    "months run 1 to 12, or january to december"
                )
    return None


def _known_location(name: str) -> bool:
    """Whether Go's time.LoadLocation, which Alertmanager calls, finds the zone: an IANA name in the system's
    zoneinfo, as Python's zoneinfo finds it, or Go's own Local."""
    if name in ("", "Local"):  # Go reads "" as UTC
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _backwards(order: Callable[[str], int], start: str, end: str) -> bool:
    try:
        first, last = order(start), order(end)
    except ValueError:
        return False  # the schema and Alertmanager report unknown names; this rule judges order only
    return (first >= 0) == (last >= 0) and first > last


def _advice(field: str) -> str:
    if field == "weekdays":
        return "Weeks start on sunday: write sunday:saturday for every day, or two ranges such as monday:friday"
    return "Write the range from its first to its last value, or split it in two"
