"""Find spec files and load each with the format that owns its suffix (generator/inputs/)."""

from pathlib import Path

from . import inputs
from .document import Document, LoadError

# A real spec is a few KiB (Bookiji's largest is 28 KiB). PyYAML reads about 0.2 MiB/s, and the fuzzer's 1 MB
# spec took 6 s to generate (over 10 s on a busy machine), where a 50 MB file took minutes and gigabytes before
# any node limit applied: 512 KiB keeps the worst case to a few seconds and every real spec far below it.
MAX_SPEC_BYTES = 512 * 2**10


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
    if not path.resolve().is_relative_to(root.resolve()):
        # The same confinement as Jsonnet imports: `ln -s /etc/passwd specs/x.yaml` must not print the file.
        raise LoadError(f"{display} is a link to a file outside the specs directory; slogen reads only files inside it")
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_SPEC_BYTES + 1)  # bounded even where the size on disk says nothing (a device)
        if len(raw) > MAX_SPEC_BYTES:
            size = max(path.stat().st_size, len(raw)) / 2**10
            raise LoadError(
                f"spec file is {size:.0f} KiB, above the {MAX_SPEC_BYTES // 2**10} KiB limit slogen reads; "
                "split it into several files"
            )
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise LoadError(f"cannot read the file: {err}") from None
    loader = inputs.loader_for(path) or inputs.yaml_spec.load  # a file named on the command line: read as YAML
    return loader(path, display, root, text)
