"""Other tools' SLO formats, by the FORMAT `slogen import FORMAT` names: the second half of the input registry.

generator/inputs/FORMATS are the formats slogen generates from; these are the formats it converts into them.
Each is one module plus one line in IMPORTERS. The loader asks `recognise` about every spec it reads, so a Sloth,
OpenSLO or Pyrra file handed to `slogen generate` is named as such, with the import command that converts it.
"""

from typing import Any, Protocol

from ...document import Document
from . import openslo, pyrra, sloth
from .base import Imported, ImportOptions

__all__ = ["IMPORTERS", "ImportOptions", "Imported", "Importer", "recognise"]


class Importer(Protocol):
    """Met by the modules themselves, as inputs.Format is."""

    FORMAT: str
    DESCRIPTION: str  # what a file of this format is, in a sentence: "a Sloth SLO spec"

    def recognises(self, data: Any) -> bool: ...

    def convert(self, documents: list[Document], options: ImportOptions = ...) -> Imported: ...


IMPORTERS: dict[str, Importer] = {module.FORMAT: module for module in (openslo, pyrra, sloth)}


def recognise(data: Any) -> Importer | None:
    """The importer whose format this loaded document is, or None."""
    return next((importer for importer in IMPORTERS.values() if importer.recognises(data)), None)
