"""Once a project lists its priorities' response times (`runbooks.priorities`), every priority its alerts fire
with needs them: a runbook page that cannot say how fast to respond leaves the on-call engineer guessing."""

from collections.abc import Iterator

from ..findings import WARNING, Finding
from ..fleet import Fleet, Part
from ..model import Project, Service
from ..targets.base import RenderOptions

ID = "runbook-priorities"
NAME = ID


def service_part(service: Service, sections: Project, options: RenderOptions | None) -> Part:
    """Each priority the service's alerts fire with, and the first alert that does, in rule order (when there are
    response times to check them against)."""
    used: dict[str, str] = {}
    if sections.runbooks is None or not sections.runbooks.priorities:
        return used
    for slo in service.slos:
        for slo_alert in slo.alerts:
            used.setdefault(dict(slo_alert.labels)["priority"], f"{service.name}/{slo_alert.name}")
    for symptom in service.alerts:
        used.setdefault(symptom.priority, f"{service.name}/{symptom.name}")
    return used


def check(project: Project) -> Iterator[Finding]:
    return _findings(project, [service_part(service, project, None) for service in project.services])


def check_fleet(whole: Fleet) -> Iterator[Finding]:
    return _findings(whole.sections, [part for _service, part in whole.parts(NAME)])


def _findings(sections: Project, parts: list[dict[str, str]]) -> Iterator[Finding]:
    runbooks = sections.runbooks
    if runbooks is None or not runbooks.priorities:
        return
    used: dict[str, str] = {}  # priority → the first alert that fires with it
    for part in parts:
        for priority, name in part.items():
            used.setdefault(priority, name)
    for priority, name in sorted(used.items()):
        if runbooks.times(priority) is None:
            yield runbooks.source.finding(
                ("priorities",),
                f"no response times for {priority}, which {name} fires with; add runbooks.priorities.{priority}",
                ID,
                WARNING,
            )
