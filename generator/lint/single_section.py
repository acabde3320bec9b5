"""What the rules for the project-wide targets and runbooks sections share: one spec holds each."""

from collections.abc import Iterator

from ..document import Document
from ..findings import Finding


def check(documents: tuple[Document, ...], key: str, rule: str) -> Iterator[Finding]:
    """A finding at every section after the first, which is the project's (the specs sort by path)."""
    for document in documents[1:]:
        yield document.finding(
            (key,),
            f"{key} are already set in {documents[0].file}; a project has one {key} section, so move this one there",
            rule,
        )
