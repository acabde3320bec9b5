"""Spec formats slogen reads. Each module names its file suffixes and turns one file into a Document.

A new input format (an importer) is one module here plus one line in FORMATS.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..document import Document
from . import jsonnet_spec, yaml_spec


class Format(Protocol):
    """Met by the modules themselves: mypy checks each module's functions against these methods."""

    SUFFIXES: tuple[str, ...]

    def load(self, path: Path, display: str, root: Path, text: str) -> Document: ...


FORMATS: tuple[Format, ...] = (yaml_spec, jsonnet_spec)

Loader = Callable[[Path, str, Path, str], Document]


def loader_for(path: Path) -> Loader | None:
    """The loader of the format that owns this file's suffix, or None."""
    for module in FORMATS:
        if path.suffix in module.SUFFIXES:
            return module.load
    return None


def suffixes() -> tuple[str, ...]:
    return tuple(suffix for module in FORMATS for suffix in module.SUFFIXES)
