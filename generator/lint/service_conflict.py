"""A service split across files declares its service-wide settings once, or identically."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "service-conflict"
_SERVICE_WIDE = ("description", "labels", "period", "alerting")


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        first = service.documents[0]
        for document in service.documents[1:]:
            for key in _SERVICE_WIDE:
                if key in document.data and key in first.data and document.data[key] != first.data[key]:
                    yield document.finding(
                        (key,),
                        f"service {service.name!r} sets {key} differently in {first.file}; set it in one file only",
                        ID,
                    )
