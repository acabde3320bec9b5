"""Other tools' files → Documents with positions. Their files may hold several documents (`---`), which
slogen's own spec loader refuses, so import reads them with yaml_spec.load_all."""

from pathlib import Path

from ...document import Document, LoadError, display_name
from ...findings import Finding
from ...load import read_text
from .. import yaml_spec

# Above slogen's own 512 KiB per spec (load.MAX_SPEC_BYTES): one Sloth or Pyrra file may hold a whole fleet's
# SLOs (Sloth's largest example is 6 KiB; a thousand SLOs, 1-2 MiB). At PyYAML's ~0.2 MiB/s, 4 MiB parses in
# about 20 s, inside the run's 30 s limit (budget.py); a bigger fleet is split over several files.
MAX_IMPORT_BYTES = 4 * 2**20


def load(paths: list[Path]) -> tuple[list[Document], list[Finding]]:
    documents: list[Document] = []
    problems: list[Finding] = []
    for path in paths:
        display = display_name(path)
        try:
            documents += yaml_spec.load_all(display, read_text(path, MAX_IMPORT_BYTES, "the file"))
        except LoadError as err:
            problems.append(Finding(err.file or display, err.line, err.column, "(document)", str(err), "load"))
    return documents, problems
