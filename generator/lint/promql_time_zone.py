"""Calendar periods and budget exclusions are computed with PromQL's time functions, which read UTC only: a time zone
must be UTC or a fixed offset (+05:30). A zone with daylight saving time has two offsets a year, which no fixed
offset follows; the finding says which offsets it has and what to write. A quarter off the whole hour would need a
30-minute subquery step (4416 steps a quarter), more than promtool's 10000-sample limit lets its tests evaluate."""

from collections.abc import Iterator

from ..calendar_periods import parse_offset, zone_advice
from ..findings import Finding
from ..model import Project

ID = "promql-time-zone"


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, tuple[str | int, ...]]] = set()
    for slo in project.slos():
        calendar = slo.calendar
        if calendar is None or (calendar.source.document.file, calendar.source.path) in seen:
            continue  # the service's period and a percentiles SLO's variants share one source
        seen.add((calendar.source.document.file, calendar.source.path))
        if calendar.offset is None:
            yield calendar.source.finding(
                ("timezone",),
                f"time zone {calendar.timezone!r} cannot start a calendar {calendar.unit} in PromQL, whose time "
                f"functions read UTC only: {zone_advice(calendar.timezone)}",
                ID,
            )
        elif calendar.unit == "quarter" and calendar.offset % 3600:
            yield calendar.source.finding(
                ("timezone",),
                f"a calendar quarter at {calendar.timezone} needs a 30-minute subquery step, more steps than "
                "promtool can test; use UTC or a whole-hour offset",
                ID,
            )
    for service in project.services:
        for window in service.exclusions:
            if parse_offset(window.location) is None:
                yield window.source.finding(
                    ("location",),
                    f"budget exclusion {window.name!r}: location {window.location!r} cannot be followed in PromQL, "
                    f"whose time functions read UTC only: {zone_advice(window.location)}",
                    ID,
                )
