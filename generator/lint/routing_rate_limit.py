"""Repeats never outpace the group interval: the group interval is the notification rate limit
(the launch document's "max 1 alert per 5 minutes"), and a shorter repeat_interval is silently raised
to it by Alertmanager."""

from collections.abc import Iterator

from ..durations import format_duration
from ..findings import Finding
from ..model import Project

ID = "routing-rate-limit"


def check(project: Project) -> Iterator[Finding]:
    routing = project.routing
    if routing is None:
        return
    limit = routing.group_interval
    if routing.repeat_interval < limit:
        yield routing.source.finding(("repeat_interval",), _message(routing.repeat_interval, limit), ID)
    for route in routing.routes:
        if route.repeat_interval is not None and route.repeat_interval < limit:
            yield route.source.finding(("repeat_interval",), _message(route.repeat_interval, limit), ID)


def _message(repeat: int, limit: int) -> str:
    return (
        f"repeat_interval {format_duration(repeat)} is shorter than group_interval {format_duration(limit)}, "
        f"the rate limit of one notification per group; use {format_duration(limit)} or more"
    )
