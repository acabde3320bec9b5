"""At most one spec holds the project-wide targets section."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "targets-single"


def check(project: Project) -> Iterator[Finding]:
    documents = project.deploy.documents
    for document in documents[1:]:
        yield document.finding(
            ("targets",),
            f"targets are already set in {documents[0].file}; a project has one targets section, so move this one "
            "there",
            ID,
        )
