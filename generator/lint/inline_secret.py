"""No spec holds a webhook URL, token or credential-bearing URL: secrets come from files (`url_file`)."""

from collections.abc import Iterable, Iterator

from ..document import Document
from ..findings import Finding
from ..model import Project
from ..secrets import find_secrets

ID = "inline-secret"


def check(project: Project) -> Iterator[Finding]:
    documents = {id(d): d for s in project.services for d in s.documents}
    documents.update({id(d): d for d in project.routing_documents})
    yield from check_documents(documents.values())


def check_documents(documents: Iterable[Document]) -> Iterator[Finding]:
    """Also run on documents that fail the schema, which never reach the model: a URL pasted into
    url_file fails the schema's pattern and is the very case this rule exists for."""
    for document in documents:
        for path, _ in find_secrets(document.data):
            yield document.finding(
                path,
                "looks like a secret (webhook URL, token or password in a URL); specs and "
                "generated files are committed, so keep it out: put the URL in a file on the "
                "Alertmanager host and reference it with a receiver's url_file",
                ID,
            )
