"""Symptom alert names are unique within a service and do not collide with generated SLO alerts."""

from ..model import Project
from ..naming import slo_alert_names

ID = "duplicate-alert-name"


def check(project: Project):
    for service in project.services:
        taken = {name: f"SLO {slo.name}" for slo in service.slos for name in slo_alert_names(slo)}
        for alert in service.alerts:
            if alert.name in taken:
                yield alert.source.finding(("name",), f"alert name {alert.name!r} is already used by {taken[alert.name]}; "
                                           "rename the alert", ID)
            taken[alert.name] = "another alert of this service"
