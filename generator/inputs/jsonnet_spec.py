"""Jsonnet specs, evaluated in a child process with imports confined to the specs directory and with
limits on memory and time: the Jsonnet library has neither, and `std.range(0, 1e8)` took 8 GiB."""

import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ..document import Document, LoadError, Position, SpecPath, display_name
from . import jsonnet_child
from .limits import check_shape, too_deep

SUFFIXES: tuple[str, ...] = (".jsonnet",)
# Bookiji's specs evaluate in under half a second and 30 MiB; these stop a runaway comprehension
# long before it takes the machine (or the CI runner) with it, and a single spec within the fuzzer's
# 10 s hang bound. The run's own limits (budget.py) count the child too, so many files each under
# these still stop at one run's 30 s and 1 GiB.
MEMORY_LIMIT_BYTES = 2**30
TIMEOUT_SECONDS = 5
MAX_OUTPUT_BYTES = 16 * 2**20  # the JSON a spec evaluates to; real specs give tens of KiB
_CHILD = Path(jsonnet_child.__file__)

_JSONNET_POSITION = re.compile(r"(?P<file>[^\s:]+\.(?:jsonnet|libsonnet)):(?P<line>\d+):(?P<col>\d+)")


def load(path: Path, display: str, root: Path, text: str) -> Document:
    output = _evaluate(path, display, root)
    try:
        data = json.loads(output)
    except RecursionError:  # deeper than Python's JSON parser goes: Jsonnet's own stack stops near that
        raise too_deep((1, 1)) from None
    check_shape(data)
    return Document(display, data, {(): (1, 1)}, locate_key=_key_locator(text))


def _evaluate(path: Path, display: str, root: Path) -> str:
    """The JSON text the spec evaluates to, from a child process with the limits above (-I: the child
    reads no environment variables and imports nothing from the working directory)."""
    command = [sys.executable, "-I", str(_CHILD), str(path), str(root), str(MEMORY_LIMIT_BYTES), str(MAX_OUTPUT_BYTES)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise LoadError(
            f"Jsonnet evaluation of {display} took longer than {TIMEOUT_SECONDS} s; look for a comprehension "
            "or recursion that runs away"
        ) from None
    message = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == 0:
        return done.stdout.decode("utf-8")
    if done.returncode == jsonnet_child.JSONNET_ERROR:
        raise _jsonnet_error(message, display)
    if done.returncode == jsonnet_child.OUTPUT_TOO_LARGE:
        raise LoadError(
            f"Jsonnet output of {display} is {int(message) / 2**20:.1f} MiB, above the "
            f"{MAX_OUTPUT_BYTES // 2**20} MiB limit; a spec evaluates to tens of KiB"
        )
    if done.returncode in (jsonnet_child.OUT_OF_MEMORY, -signal.SIGABRT) or "memory allocation" in message:
        raise LoadError(
            f"Jsonnet evaluation of {display} stopped at the {_size(MEMORY_LIMIT_BYTES)} memory limit; look for a "
            "comprehension or std.range that builds far more values than a spec holds"
        )
    last = message.splitlines()[-1] if message else "no message"
    raise LoadError(f"Jsonnet evaluation of {display} failed (exit status {done.returncode}): {last}")


def _size(size: int) -> str:
    return f"{size / 2**30:g} GiB" if size >= 2**30 else f"{size / 2**20:g} MiB"


def _jsonnet_error(message: str, display: str) -> LoadError:
    match = _JSONNET_POSITION.search(message)
    line, column = (int(match["line"]), int(match["col"])) if match else (1, 1)
    where = display_name(Path(match["file"])) if match else display
    first = message.splitlines()[0] if message else "no message"
    # An error inside an imported library is reported at the library's line, naming the spec that imported it.
    suffix = f" (while evaluating {display})" if where != display else ""
    return LoadError(f"Jsonnet error: {first}{suffix}", line, column, file=where)


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
