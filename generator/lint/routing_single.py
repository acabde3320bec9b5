"""At most one spec holds the project-wide routing section."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "routing-single"


def check(project: Project) -> Iterator[Finding]:
    documents = project.routing_documents
    for document in documents[1:]:
        yield document.finding(
            ("routing",),
            f"routing is already set in {documents[0].file}; a project has one routing section, so move this one there",
            ID,
        )
