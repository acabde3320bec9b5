"""No spec holds a webhook URL, token or credential-bearing URL: secrets come from files (`url_file`)."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from ..secrets import find_secrets

ID = "inline-secret"


def check(project: Project) -> Iterator[Finding]:
    documents = {id(d): d for s in project.services for d in s.documents}
    documents.update({id(d): d for d in project.routing_documents})
    for document in documents.values():
        for path, _ in find_secrets(document.data):
            yield document.finding(
                path,
                "looks like a secret (webhook URL, token or password in a URL); specs and "
                "generated files are committed, so keep it out: put the URL in a file on the "
                "Alertmanager host and reference it with a receiver's url_file",
                ID,
            )
