"""A finding is one problem with a position: what every stage reports instead of raising."""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from .secrets import redact

ERROR = "error"
WARNING = "warning"


def format_path(path: tuple[str | int, ...]) -> str:
    """('slos', 0, 'objective') → 'slos[0].objective'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _printable(text: str) -> str:
    """A finding is one line: control characters a spec smuggled into a key or value (NUL, ESC, a line or paragraph
    separator) are written as escapes, so they cannot break the line or drive the terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    column: int
    path: str
    message: str
    rule: str
    level: str = ERROR

    def __post_init__(self) -> None:
        # Findings quote spec values; one pasted webhook URL must not reach a terminal, a CI log or a
        # JSON report, whichever stage or rule quoted it.
        object.__setattr__(self, "message", _printable(redact(self.message)))
        object.__setattr__(self, "path", _printable(redact(self.path)))

    def text(self) -> str:
        prefix = "warning: " if self.level == WARNING else ""
        return f"{self.file}:{self.line}:{self.column}: {self.path}: {prefix}{self.message}"

    def as_json(self) -> str:
        return json.dumps(
            {
                "file": self.file,
                "line": self.line,
                "column": self.column,
                "path": self.path,
                "level": self.level,
                "rule": self.rule,
                "message": self.message,
            },
            sort_keys=True,
        )


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.level == ERROR for f in findings)
