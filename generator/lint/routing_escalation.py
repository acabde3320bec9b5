"""An escalation goes to receivers the route does not notify already.

The escalation routes carry the route's matchers, so they share its Alertmanager group key; with the same receiver
too they would share its notification-log entry, and the escalation would find everything already sent.
"""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "routing-escalation"


def check(project: Project) -> Iterator[Finding]:
    routing = project.routing
    if routing is None:
        return
    for route in routing.routes:
        for index, name in enumerate(route.escalation.receivers if route.escalation else ()):
            if name in route.receivers:
                yield route.source.finding(
                    ("escalate", "receivers", index),
                    f"receiver {name!r} already gets this route's alerts from the start, so escalating to it adds "
                    "nothing; escalate to a receiver the route does not notify yet",
                    ID,
                )
