"""A loaded spec: its data plus where each value was written, so every finding can name file:line:col."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding, format_path

SpecPath = tuple[str | int, ...]  # keys and list indexes from the document root: ("slos", 0, "objective")
Position = tuple[int, int]  # 1-based line and column
Spec = dict[str, Any]  # a schema-valid mapping from a spec document


@dataclass(frozen=True)
class Document:
    """One spec file's data, plus the line and column (1-based) of every value path."""

    file: str
    data: Any
    positions: dict[SpecPath, Position] = field(default_factory=dict, compare=False, repr=False)
    key_positions: dict[SpecPath, Position] = field(default_factory=dict, compare=False, repr=False)
    locate_key: Callable[[SpecPath], Position | None] | None = field(default=None, compare=False, repr=False)
    origin: str = field(default="", compare=False, repr=False)  # how outputs name the file (write.spec_name)

    @property
    def output_name(self) -> str:
        """The spec's name in the headers and the manifest of the files generated from it: `file` (relative to
        the working directory, as messages name it) unless the run named it independently of that."""
        return self.origin or self.file

    def where(self, path: SpecPath, at_key: bool = False) -> Position:
        """Position of the value at path (or of its key, for problems with the key itself)."""
        if at_key and path in self.key_positions:
            return self.key_positions[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.positions:
                return self.positions[path[:end]]
            if self.locate_key and end and isinstance(path[end - 1], str):
                found = self.locate_key(path[:end])
                if found:
                    return found
        return (1, 1)

    def finding(self, path: SpecPath, message: str, rule: str, level: str = "error", at_key: bool = False) -> Finding:
        line, column = self.where(path, at_key)
        return Finding(self.file, line, column, format_path(path), message, rule, level)


class LoadError(Exception):
    """A file that is not a readable, safe, well-formed spec, with the position of the problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1, file: str | None = None):
        super().__init__(message)
        self.line, self.column, self.file = line, column, file


def display_name(path: Path) -> str:
    """Paths as the user typed them relative to the working directory, so messages and headers are stable."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
