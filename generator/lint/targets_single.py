"""At most one spec holds the project-wide targets section."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from . import single_section

ID = "targets-single"


def check(project: Project) -> Iterator[Finding]:
    return single_section.check(project.deploy.documents, "targets", ID)
