"""Maintenance window ranges run forwards, as Alertmanager requires: it refuses to start on
`monday:sunday` (its weeks start on Sunday), `7:1` days, `december:january` or an end time before the start."""

from collections.abc import Callable, Iterator

from ..findings import Finding
from ..model import Project

ID = "maintenance-range"
_WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_MONTHS = (
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


def check(project: Project) -> Iterator[Finding]:
    if project.routing is None:
        return
    for window in project.routing.maintenance_windows:
        for field, values, order in (
            ("weekdays", window.weekdays, _weekday),
            ("months", window.months, _month),
            ("days_of_month", window.days_of_month, int),
        ):
            for index, text in enumerate(values):
                start, _, end = text.partition(":")
                if end and _backwards(order, start, end):
                    yield window.source.finding(
                        (field, index), f"range {text!r} runs backwards; Alertmanager refuses it. {_advice(field)}", ID
                    )
        for index, (start, end) in enumerate(window.times):
            if _minutes(end) <= _minutes(start):
                yield window.source.finding(
                    ("times", index),
                    f"end {end} is not after start {start}; Alertmanager "
                    "refuses it. Split a window that crosses midnight into two times",
                    ID,
                )


def _backwards(order: Callable[[str], int], start: str, end: str) -> bool:
    try:
        first, last = order(start), order(end)
    except ValueError:
        return False  # the schema and Alertmanager report unknown names; this rule judges order only
    return (first >= 0) == (last >= 0) and first > last


def _weekday(name: str) -> int:
    return _WEEKDAYS.index(name)


def _month(name: str) -> int:
    return int(name) if name.isdigit() else _MONTHS.index(name) + 1


def _minutes(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _advice(field: str) -> str:
    if field == "weekdays":
        return "Weeks start on sunday: write sunday:saturday for every day, or two ranges such as monday:friday"
    return "Write the range from its first to its last value, or split it in two"
