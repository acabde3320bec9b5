"""Symptom alert names are unique within a service and do not collide with generated SLO alerts."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "duplicate-alert-name"


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        taken = {name: f"SLO {slo.name}" for slo in service.slos for name in (a.name for a in slo.alerts)}
        for alert in service.alerts:
            if alert.name in taken:
                yield alert.source.finding(
                    ("name",), f"alert name {alert.name!r} is already used by {taken[alert.name]}; rename the alert", ID
                )
            taken[alert.name] = "another alert of this service"
