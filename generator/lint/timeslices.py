"""A time-slice SLO's slice and threshold must leave it something sensible to count.

Each evaluation of the SLI rule group (every minute) reads the last completed slice, so a slice is a whole number of
minutes; it divides an hour, so slices line up with hours, days and months; and it fits in every short burn window,
which otherwise holds less than one verdict. The budget must hold at least one slice, or the first bad slice breaches
the SLO. min_events counts requests, but a time-slice SLO's events are minutes.
"""

from collections.abc import Iterator

from ..durations import format_duration, format_number
from ..findings import WARNING, Finding
from ..model import SLO, TIMESLICE_EVALUATION, Project

ID = "timeslices"
HOUR = 3600


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        if slo.timeslices is not None:
            yield from _slice(slo)
            yield from _threshold(slo)


def _slice(slo: SLO) -> Iterator[Finding]:
    timeslices = slo.timeslices
    assert timeslices is not None
    source, size = timeslices.source, timeslices.slice
    if size % TIMESLICE_EVALUATION or HOUR % size:
        yield source.finding(
            ("slice",),
            f"slice {timeslices.slice_text} is not a whole number of minutes dividing an hour: each evaluation "
            "(every minute) reads the last completed slice, and slices line up with hours and months; use 1m, 2m, "
            "5m, 10m, 15m, 30m or 1h",
            ID,
        )
        return
    short = min((pair.short for pair in slo.burn_windows), default=None)
    if short is not None and size > short:
        yield source.finding(
            ("slice",),
            f"slice {timeslices.slice_text} is longer than the short burn window {format_duration(short)}, which "
            "then holds less than one slice's verdict; use a slice of at most "
            f"{format_duration(short)} or longer short windows in alerting.windows",
            ID,
        )
    budget = slo.error_budget * slo.period
    if budget < size:
        yield source.finding(
            ("slice",),
            f"objective {format_number(slo.objective_percent)} % over {slo.period_name} allows "
            f"{format_duration(max(int(budget), 1))} of bad slices, less than one {timeslices.slice_text} slice: the "
            "first bad slice breaches the SLO; lower the objective or shorten the slice",
            ID,
        )
    if slo.alerting.min_events:
        yield source.finding(
            (),
            f"alerting.min_events {slo.alerting.min_events} counts requests, but a time-slice SLO's events are "
            "minutes (a slice without traffic is good): drop min_events from this SLO's alerting",
            ID,
        )


def _threshold(slo: SLO) -> Iterator[Finding]:
    timeslices = slo.timeslices
    assert timeslices is not None
    if timeslices.quantile is None and timeslices.error_ratio_above >= 1 / 2:
        shown = format_number(timeslices.error_ratio_above)
        yield timeslices.source.finding(
            ("bad_when", "error_ratio_above"),
            f"error_ratio_above {shown} counts a slice as bad only when at least half its requests fail; it is a "
            f"fraction, so 1 % is 0.01: is {format_number(timeslices.error_ratio_above * 100)} % what you meant?",
            ID,
            WARNING,
        )
