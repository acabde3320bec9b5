"""A paging zero-tolerance alert without `open` resolves when its hold runs out, whether or not the harm was undone."""

from collections.abc import Iterator

from ..burnrate import PAGE
from ..durations import format_duration
from ..findings import Finding
from ..model import Project, ZeroToleranceCondition

ID = "zero-tolerance-self-resolving"


def check(project: Project) -> Iterator[Finding]:
    for alert in project.alerts():
        condition = alert.condition
        if isinstance(condition, ZeroToleranceCondition) and condition.self_resolving and alert.severity == PAGE:
            yield alert.source.finding(
                ("zero_tolerance",),
                f"alert {alert.name} has no open gauge, so its page resolves {format_duration(condition.hold)} after "
                "the last increase whether or not the harm was undone; give zero_tolerance.open, a gauge of the "
                "cases not yet undone (such as double charges not yet refunded), and it stays firing until they are",
                ID,
                level="warning",
            )
