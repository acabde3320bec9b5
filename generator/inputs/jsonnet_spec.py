"""Jsonnet specs, evaluated with imports confined to the specs directory."""

import json
import re
from collections.abc import Callable
from pathlib import Path

from ..document import Document, LoadError, Position, SpecPath, display_name

SUFFIXES: tuple[str, ...] = (".jsonnet",)


_JSONNET_POSITION = re.compile(r"(?P<file>[^\s:]+\.(?:jsonnet|libsonnet)):(?P<line>\d+):(?P<col>\d+)")


def load(path: Path, display: str, root: Path, text: str) -> Document:
    import _jsonnet  # imported here: YAML-only users never pay for the native extension

    real_root = root.resolve()

    def confined_import(base: str, rel: str) -> tuple[str, bytes]:
        target = Path(base, rel).resolve()
        if not target.is_relative_to(real_root):
            raise RuntimeError(f"import {rel!r} reaches outside the specs directory {root}; keep libraries inside it")
        return str(target), target.read_bytes()

    try:
        output = _jsonnet.evaluate_file(str(path), import_callback=confined_import)
    except RuntimeError as err:
        message = str(err).strip()
        match = _JSONNET_POSITION.search(message)
        line, column = (int(match["line"]), int(match["col"])) if match else (1, 1)
        where = display_name(Path(match["file"])) if match else display
        first = message.splitlines()[0]
        # An error inside an imported library is reported at the library's line, naming the spec that imported it.
        suffix = f" (while evaluating {display})" if where != display else ""
        raise LoadError(f"Jsonnet error: {first}{suffix}", line, column, file=where) from None
    data = json.loads(output)
    return Document(display, data, {(): (1, 1)}, locate_key=_key_locator(text))


def _key_locator(text: str) -> Callable[[SpecPath], Position | None]:
    """Jsonnet output carries no positions; point at the first place the source names the key."""
    lines = text.splitlines()

    def locate(path: SpecPath) -> Position | None:
        pattern = re.compile(r"""(?<![\w-])["']?""" + re.escape(str(path[-1])) + r"""["']?\s*:""")
        for number, line in enumerate(lines, 1):
            match = pattern.search(line)
            if match:
                return number, match.start() + 1
        return None

    return locate
