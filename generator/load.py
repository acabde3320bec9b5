"""Find spec files and load each with the format that owns its suffix (generator/inputs/)."""

from pathlib import Path

from . import inputs
from .document import Document, LoadError


def discover(paths: list[Path]) -> list[Path]:
    """Spec files under the given files and directories, sorted. `.libsonnet` files are libraries, not specs."""
    found: set[Path] = set()
    spec_suffixes = inputs.suffixes()
    for path in paths:
        if path.is_dir():
            found.update(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix in spec_suffixes
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.add(path)
    return sorted(found)


def load(path: Path, display: str, root: Path) -> Document:
    """Load one spec. Raises LoadError with a position for anything that is not a safe, well-formed spec."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise LoadError(f"cannot read the file: {err}") from None
    loader = inputs.loader_for(path) or inputs.yaml_spec.load  # a file named on the command line: read as YAML
    return loader(path, display, root, text)
