"""Find spec files and load each with the format that owns its suffix (generator/inputs/)."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from . import inputs
from .document import Document, LoadError
from .inputs import importers

# A real spec is a few KiB (Bookiji's largest is 28 KiB). PyYAML reads about 0.2 MiB/s, and the fuzzer's 1 MB
# spec took 6 s to generate (over 10 s on a busy machine), where a 50 MB file took minutes and gigabytes before
# any node limit applied: 512 KiB keeps the worst case to a few seconds and every real spec far below it.
MAX_SPEC_BYTES = 512 * 2**10


def discover(paths: list[Path]) -> list[Path]:
    """Spec files under the given files and directories, sorted. `.libsonnet` files are libraries, not specs."""
    found: set[Path] = set()
    for path in paths:
        found.update(_spec_files(path) if path.is_dir() else [path])
    return sorted(found)


def has_specs(directory: Path) -> bool:
    """Whether discover([directory]) finds any spec file: it stops at the first, where discover lists them all."""
    return next(_spec_files(directory), None) is not None


def _spec_files(directory: Path) -> Iterator[Path]:
    spec_suffixes = inputs.suffixes()
    return (
        p
        for p in directory.rglob("*")
        if p.suffix in spec_suffixes
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


def load(path: Path, display: str, root: Path) -> Document:
    """Load one spec. Raises LoadError with a position for anything that is not a safe, well-formed spec."""
    if not path.resolve().is_relative_to(root.resolve()):
        # The same confinement as Jsonnet imports: `ln -s /etc/passwd specs/x.yaml` must not print the file.
        raise LoadError(f"{display} is a link to a file outside the specs directory; slogen reads only files inside it")
    text = read_text(path, MAX_SPEC_BYTES)
    loader = inputs.loader_for(path) or inputs.yaml_spec.load  # a file named on the command line: read as YAML
    try:
        document = loader(path, display, root, text)
    except LoadError:
        # Other tools' files often hold several documents (`---`), which a slogen spec may not: name the tool.
        if loader is inputs.yaml_spec.load:
            for data in _documents(display, text):
                _refuse_foreign(data, display)
        raise
    _refuse_foreign(document.data, display)
    return document


def _documents(display: str, text: str) -> list[object]:
    try:
        return [document.data for document in inputs.yaml_spec.load_all(display, text)]
    except LoadError:
        return []


def _refuse_foreign(data: object, display: str) -> None:
    """A Sloth, OpenSLO or Pyrra file is refused with the command that converts it."""
    foreign = importers.recognise(data)
    if foreign is not None:
        raise LoadError(
            f"this is {foreign.DESCRIPTION}, not a slogen spec; convert it with `slogen import {foreign.FORMAT} "
            f"{display}` (see docs/migrating-from-{foreign.FORMAT}.md)"
        )


def read_text(path: Path, limit: int, what: str = "spec file") -> str:
    """The file's UTF-8 text, refused above `limit` bytes. Raises LoadError."""
    try:
        with path.open("rb") as file:
            raw = read_bounded(file, limit)
        if len(raw) > limit:
            size = max(path.stat().st_size, len(raw)) / 2**10
            raise LoadError(
                f"{what} is {size:.0f} KiB, above the {limit // 2**10} KiB limit slogen reads; "
                "split it into several files"
            )
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise LoadError(f"cannot read the file: {err}") from None


def read_bounded(file: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes of `file`, and a byte more when it holds more. A regular file's size bounds the first
    read, so a spec of a few KiB does not cost a buffer of `limit` bytes; one that grew since its size was taken,
    and one whose size says nothing (a device), are read on to the limit."""
    status = os.fstat(file.fileno())
    first = min(status.st_size, limit) + 1 if stat.S_ISREG(status.st_mode) else limit + 1
    raw = file.read(first)
    if len(raw) == first <= limit:
        raw += file.read(limit + 1 - first)
    return raw
