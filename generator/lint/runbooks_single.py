"""At most one spec holds the project-wide runbooks section."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from . import single_section

ID = "runbooks-single"


def check(project: Project) -> Iterator[Finding]:
    return single_section.check(project.runbooks_documents, "runbooks", ID)
