"""SLO names are unique within a service, across all of its files and percentile expansions."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "duplicate-slo-name"


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        seen: dict[str, str] = {}
        for slo in service.slos:
            if slo.name in seen:
                variant = slo.source.path != slo.spec.path  # a percentile expansion: point at its key
                yield slo.source.finding(
                    () if variant else ("name",),
                    f"SLO {slo.name!r} of service {service.name!r} "
                    f"is already declared at {seen[slo.name]}; rename one of them",
                    ID,
                )
            else:
                line, column = slo.source.document.where(slo.source.path)
                seen[slo.name] = f"{slo.source.document.file}:{line}:{column}"
