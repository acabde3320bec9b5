"""At most one spec holds the project-wide routing section."""

from ..model import Project

ID = "routing-single"


def check(project: Project):
    first, *others = project.routing_documents or (None,)
    for document in others:
        yield document.finding(("routing",), f"routing is already set in {first.file}; a project has one routing "
                               "section, so move this one there", ID)
