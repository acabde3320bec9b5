"""With routing teams, every service's alerts match a team route: an alert no team routes falls through to
routing.routes and the default receiver, so a new service would reach whoever those belong to (a warning)."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from ..routing import Route

ID = "routing-team-unmatched"


def _describe(route: Route) -> str:
    return f"{route.team}: " + " ".join(f"{label}={'|'.join(values)}" for label, values in route.conditions)


def check(project: Project) -> Iterator[Finding]:
    routing = project.routing
    if routing is None or not routing.teams:
        return
    teams = routing.team_routes
    for service in project.services:
        missed = [
            (name, labels) for name, labels in service.alert_labels() if not any(r.matches(labels) for r in teams)
        ]
        if not missed:
            continue
        names = list(dict.fromkeys(name for name, _labels in missed))
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        yield service.documents[0].finding(
            ("service",),
            f"service {service.name}: alerts {shown} match no team route ({'; '.join(map(_describe, teams))}), so "
            f"they go to {', '.join(routing.receivers_for(missed[0][1]))}; add the service to a team's match (such "
            f"as service: {service.name})",
            ID,
            level="warning",
        )
