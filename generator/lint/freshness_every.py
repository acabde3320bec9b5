"""A freshness SLI's `every` must leave it something to judge: shorter than the period, and for a counter long enough
for increase() to see a success."""

from collections.abc import Iterator

from .. import burnrate
from ..durations import format_duration
from ..findings import Finding
from ..model import FreshnessSLI, Project

ID = "freshness-every"


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        sli = slo.sli
        if not isinstance(sli, FreshnessSLI):
            continue
        every = format_duration(sli.every)
        if sli.every >= slo.period:
            yield slo.spec.finding(
                ("sli", "freshness", "every"),
                f"every {every} is not shorter than the period {slo.period_text}: the overdue alert could fire at "
                "most once a period and the budget could not tell a late success from a missing one; lengthen "
                "the period (such as period: 30d for a weekly job) or shorten every",
                ID,
            )
        elif sli.successes is not None and sli.every < burnrate.BASE_WINDOW:
            # increase() needs two scrapes within `every` to see a success: below 5m, one slow scrape would
            # turn a healthy consumer stale, and a counter scraped less often than `every` would never be fresh.
            yield slo.spec.finding(
                ("sli", "freshness", "every"),
                f"every {every} is shorter than {format_duration(burnrate.BASE_WINDOW)}: increase() over it sees "
                "too few scrapes of the successes counter to tell a success; give every of 5m or more, or export "
                "the time of the last success as a gauge and use last_success",
                ID,
            )
