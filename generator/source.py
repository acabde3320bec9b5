"""Where a model object was declared, and the error for a schema-valid value the model cannot use.

Both the SLO model and the routing model build on these, so they live apart from either.
"""

from dataclasses import dataclass, field

from .document import Document, SpecPath
from .findings import Finding


@dataclass(frozen=True)
class Source:
    """Where a model object was declared, so lint rules can point at the spec line."""

    document: Document = field(compare=False, repr=False)
    path: SpecPath = ()

    def at(self, *sub: str | int) -> "Source":
        return Source(self.document, self.path + sub)

    def finding(self, sub: SpecPath, message: str, rule: str, level: str = "error") -> Finding:
        return self.document.finding(self.path + sub, message, rule, level)


class SpecError(ValueError):
    """A schema-valid value the model cannot use (such as `period: 0s`), with its position and lint rule."""

    def __init__(self, source: Source, path: SpecPath, message: str, rule: str = "duration"):
        super().__init__(message)
        self.source, self.path, self.rule = source, path, rule

    def finding(self) -> Finding:
        return self.source.finding(self.path, f"{self}", self.rule)
