"""The project as the files and lint rules that span services see it: the project's sections (routing, targets,
runbooks) and a summary of each service in plain data, instead of every service's model.

Each target or rule that spans services says what it reads of one service in a `service_part(service, sections,
options)` of its own (the Alertmanager route tests' cases, the docs index's alert count...), and assembles its
files or findings from those parts. A part depends on nothing but the service, the sections and the options, so
the incremental cache keeps each service's summary, and a run after a one-spec change builds the model of that
spec's service alone (pipeline.generate_tree). Each part is kept as its JSON text and read back only by what
reads it, and a summary's digest (of its fields and those texts) tells a run whether the files spanning services
can be what the last run wrote: after an objective changes, no part does.
"""

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from .document import SpecPath
from .findings import Finding, format_path
from .model import Project, Service

if TYPE_CHECKING:  # the targets' package imports this module
    from .targets.base import RenderOptions

Part = Any  # plain data: what json.dumps writes and json.loads gives back (lists, not tuples)
PartText = str  # a part as json.dumps writes it


@dataclass(frozen=True)
class ServiceSummary:
    name: str
    description: str
    spec_files: tuple[str, ...]
    slos: int
    where: tuple[str, int, int]  # the file, line and column of its first spec's top: findings about the service
    parts: dict[str, PartText] = field(default_factory=dict)  # by the name of the target or rule that reads it

    def digest(self) -> str:
        """SHA-256 of everything the files and findings spanning services read of this service."""
        return hashlib.sha256(json.dumps(entry(self), ensure_ascii=False).encode("utf-8")).hexdigest()

    def finding(self, path: SpecPath, message: str, rule: str) -> Finding:
        """A finding about the whole service, at the top of its first spec (as that document's finding would be
        for a path the spec does not hold)."""
        file, line, column = self.where
        return Finding(file, line, column, format_path(path), message, rule)


@dataclass(frozen=True)
class Fleet:
    sections: Project  # the project without its services
    services: tuple[ServiceSummary, ...]

    def parts(self, name: str) -> list[tuple[ServiceSummary, Part]]:
        """Each service's part for the target or rule `name`, in the services' order."""
        return [(service, json.loads(service.parts[name])) for service in self.services]

    @property
    def spec_files(self) -> tuple[str, ...]:
        return tuple(file for service in self.services for file in service.spec_files)


class PartMaker(Protocol):
    """A target or lint rule module that reads something of each service in the files or findings it makes from
    the whole fleet; NAME keys its parts."""

    NAME: str

    def service_part(self, service: Service, sections: Project, options: "RenderOptions") -> Part: ...


def summarise(
    service: Service, sections: Project, options: "RenderOptions", makers: tuple[PartMaker, ...]
) -> ServiceSummary:
    """The service's summary, its parts as JSON text, which Fleet.parts reads back: a tuple is a list either way,
    and a run that renders a service assembles the same files as one that reads its summary from the cache."""
    parts = {maker.NAME: json.dumps(maker.service_part(service, sections, options)) for maker in makers}
    first = service.documents[0]
    return ServiceSummary(
        service.name,
        service.description,
        service.spec_files,
        len(service.slos),
        (first.file, *first.where(())),
        parts,
    )


def of(project: Project, options: "RenderOptions", makers: tuple[PartMaker, ...]) -> Fleet:
    """The fleet of a project whose every service's model is built."""
    sections = replace(project, services=())
    return Fleet(sections, tuple(summarise(s, sections, options, makers) for s in project.services))


def entry(summary: ServiceSummary) -> list[Any]:
    """A summary as the cache keeps it (JSON)."""
    return [
        summary.name,
        summary.description,
        list(summary.spec_files),
        summary.slos,
        list(summary.where),
        summary.parts,
    ]


def from_entry(value: Any) -> ServiceSummary | None:
    """The summary an entry holds, or None when it is not shaped as entry() writes it."""
    try:
        name, description, spec_files, slos, (file, line, column), parts = value
        if not all(isinstance(text, str) for text in parts.values()):
            return None
        return ServiceSummary(name, description, tuple(spec_files), slos, (file, line, column), dict(parts))
    except (AttributeError, TypeError, ValueError):
        return None
