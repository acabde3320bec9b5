"""SLI and alert selectors are valid PromQL series selectors, reported at the spec's line."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "promql-selector"


def check(project: Project) -> Iterator[Finding]:
    for field in project.selector_fields():
        if field.error is not None:
            yield field.source.finding(
                (), f"invalid selector {field.text!r}: {field.error} (at character {field.error.offset + 1})", ID
            )
