"""Other tools' files → Documents with positions. Their files may hold several documents (`---`), which
slogen's own spec loader refuses, so import reads them with yaml_spec.load_all."""

from pathlib import Path

from ..document import Document, LoadError, display_name
from ..findings import Finding
from ..inputs import yaml_spec


def load(paths: list[Path]) -> tuple[list[Document], list[Finding]]:
    documents: list[Document] = []
    problems: list[Finding] = []
    for path in paths:
        display = display_name(path)
        try:
            documents += yaml_spec.load_all(display, path.read_text(encoding="utf-8"))
        except LoadError as err:
            problems.append(Finding(err.file or display, err.line, err.column, "(document)", str(err), "load"))
        except (OSError, UnicodeDecodeError) as err:
            problems.append(Finding(display, 1, 1, "(document)", f"cannot read the file: {err}", "load"))
    return documents, problems
