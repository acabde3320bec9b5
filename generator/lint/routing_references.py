"""Routing names are unique, and every receiver and maintenance window a route names (escalations included)
is declared."""

from collections.abc import Iterator

from ..document import SpecPath
from ..findings import Finding
from ..model import Project
from ..routing import Route
from ..source import Source

ID = "routing-reference"


def check(project: Project) -> Iterator[Finding]:
    routing = project.routing
    if routing is None:
        return
    yield from _duplicates([(r.name, r.source) for r in routing.receivers], "receiver")
    yield from _duplicates([(w.name, w.source) for w in routing.maintenance_windows], "maintenance window")
    receivers = {r.name for r in routing.receivers}
    windows = {w.name for w in routing.maintenance_windows}
    if routing.default_receiver not in receivers:
        yield routing.source.finding(
            ("default_receiver",),
            f"receiver {routing.default_receiver!r} is not declared; "
            f"declare it under routing.receivers or use one of {_names(receivers)}",
            ID,
        )
    for route in routing.routes:
        for path, name in _named_receivers(route):
            if name not in receivers:
                yield route.source.finding(
                    path,
                    f"receiver {name!r} is not declared; declare it "
                    f"under routing.receivers or use one of {_names(receivers)}",
                    ID,
                )
        for index, name in enumerate(route.mute):
            if name not in windows:
                yield route.source.finding(
                    ("mute", index),
                    f"maintenance window {name!r} is not declared; declare "
                    f"it under routing.maintenance_windows or use one of {_names(windows)}",
                    ID,
                )


def _named_receivers(route: Route) -> Iterator[tuple[SpecPath, str]]:
    yield from ((("receivers", index), name) for index, name in enumerate(route.receivers))
    escalated = route.escalation.receivers if route.escalation else ()
    yield from ((("escalate", "receivers", index), name) for index, name in enumerate(escalated))


def _duplicates(named: list[tuple[str, Source]], what: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for name, source in named:
        if name in seen:
            yield source.finding(("name",), f"{what} {name!r} is declared twice; give each a unique name", ID)
        seen.add(name)


def _names(names: set[str]) -> str:
    return ", ".join(sorted(names)) or "(none declared)"
