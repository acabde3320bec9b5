"""An SLO's `exclude` names budget exclusions its service defines: a misspelt name would silently count the
maintenance against the budget."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "exclusion-names"


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        names = ", ".join(sorted({w.name for w in service.exclusions})) or "none"
        reported: set[tuple[str, tuple[str | int, ...]]] = set()
        for slo in service.slos:
            key = (slo.spec.document.file, slo.spec.path)
            if not slo.unknown_exclusions or key in reported:
                continue  # a percentiles SLO's variants share one `exclude`
            reported.add(key)
            for index, name in slo.unknown_exclusions:
                yield slo.spec.finding(
                    ("exclude", index),
                    f"exclusion {name!r} is not one of service {service.name}'s exclusions ({names}); "
                    "name one of them, or add it under the service's `exclusions`",
                    ID,
                )
