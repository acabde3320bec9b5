"""Once a project lists its priorities' response times (`runbooks.priorities`), every priority its alerts fire
with needs them: a runbook page that cannot say how fast to respond leaves the on-call engineer guessing."""

from collections.abc import Iterator

from ..findings import WARNING, Finding
from ..model import Project

ID = "runbook-priorities"


def check(project: Project) -> Iterator[Finding]:
    runbooks = project.runbooks
    if runbooks is None or not runbooks.priorities:
        return
    used: dict[str, str] = {}  # priority → the first alert that fires with it
    for service in project.services:
        for slo in service.slos:
            for slo_alert in slo.alerts:
                used.setdefault(dict(slo_alert.labels)["priority"], f"{service.name}/{slo_alert.name}")
        for symptom in service.alerts:
            used.setdefault(symptom.priority, f"{service.name}/{symptom.name}")
    for priority, name in sorted(used.items()):
        if runbooks.times(priority) is None:
            yield runbooks.source.finding(
                ("priorities",),
                f"no response times for {priority}, which {name} fires with; add runbooks.priorities.{priority}",
                ID,
                WARNING,
            )
