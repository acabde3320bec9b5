"""Load spec files (YAML or Jsonnet) into documents that remember where each value came from."""

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from .findings import Finding, format_path

SPEC_SUFFIXES = (".yaml", ".yml", ".jsonnet")
# Alias expansion is where a "billion laughs" document explodes; a real spec has a few thousand nodes.
MAX_NODES = 100_000
_SCALAR_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null")}


@dataclass(frozen=True)
class Document:
    """One spec file's data, plus the line and column (1-based) of every value path."""

    file: str
    data: Any
    positions: dict = field(default_factory=dict, compare=False, repr=False)
    key_positions: dict = field(default_factory=dict, compare=False, repr=False)
    locate_key: Callable[[tuple], tuple[int, int] | None] | None = field(default=None, compare=False, repr=False)

    def where(self, path: tuple, at_key: bool = False) -> tuple[int, int]:
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

    def finding(self, path: tuple, message: str, rule: str, level: str = "error", at_key: bool = False) -> Finding:
        line, column = self.where(path, at_key)
        return Finding(self.file, line, column, format_path(path), message, rule, level)


class LoadError(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1, file: str | None = None):
        super().__init__(message)
        self.line, self.column, self.file = line, column, file


def discover(paths: list[Path]) -> list[Path]:
    """Spec files under the given files and directories, sorted. `.libsonnet` files are libraries, not specs."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and p.suffix in SPEC_SUFFIXES
                         and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            found.add(path)
    return sorted(found)


def load(path: Path, display: str, root: Path) -> Document:
    """Load one spec. Raises LoadError with a position for anything that is not a safe, well-formed spec."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise LoadError(f"cannot read the file: {err}") from None
    if path.suffix == ".jsonnet":
        return _load_jsonnet(path, display, root, text)
    data, positions, key_positions = _load_yaml(text)
    return Document(display, data, positions, key_positions)


def _load_yaml(text: str) -> tuple[Any, dict, dict]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        builder = _NodeBuilder(loader)
        data = builder.build(node, ()) if node is not None else None
        if data is None:
            raise LoadError("the file is empty; a spec starts with apiVersion: slogen/v1")
        return data, builder.positions, builder.key_positions
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = " ".join(filter(None, [err.context, err.problem]))
        raise LoadError(f"YAML syntax error: {problem}", mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as err:
        raise LoadError(f"YAML error: {err}") from None
    finally:
        loader.dispose()


class _NodeBuilder:
    """Builds plain data from a YAML node graph with safe_load semantics, recording positions."""

    def __init__(self, loader: yaml.SafeLoader):
        self.loader = loader
        self.positions: dict = {}
        self.key_positions: dict = {}
        self.visited = 0

    def build(self, node: yaml.Node, path: tuple) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise LoadError(f"the document expands to more than {MAX_NODES} values (alias bomb?); "
                            "write it out without nested aliases", node.start_mark.line + 1, node.start_mark.column + 1)
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, "tag:yaml.org,2002:seq")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            raise LoadError(f"{node.value!r} reads as a date; quote it if you mean text",
                            node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _SCALAR_TAGS:
            raise LoadError(f"YAML tag {node.tag} is not allowed; specs hold plain data only",
                            node.start_mark.line + 1, node.start_mark.column + 1)
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        self._check_tag(node, "tag:yaml.org,2002:map")
        own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys as safe_load does
        merged, written = node.value[:len(node.value) - own], node.value[len(node.value) - own:]
        result: dict = {}
        # Merged pairs come first and may repeat (the last wins, as in safe_load); keys written in
        # this mapping override them and must be unique among themselves.
        for key_node, value_node in merged:
            result[self._key(key_node)] = self.build(value_node, path + (self._key(key_node),))
        seen: set[str] = set()
        for key_node, value_node in written:
            key = self._key(key_node)
            if key in seen:
                raise LoadError(f"duplicate key {key!r}; each key may appear once in a mapping",
                                key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            seen.add(key)
            self.key_positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _key(self, key_node: yaml.Node) -> str:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
            raise LoadError("mapping keys must be plain strings", key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1)
        return str(self.loader.construct_object(key_node))

    @staticmethod
    def _check_tag(node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise LoadError(f"YAML tag {node.tag} is not allowed; specs hold plain data only",
                            node.start_mark.line + 1, node.start_mark.column + 1)


_JSONNET_POSITION = re.compile(r"(?P<file>[^\s:]+\.(?:jsonnet|libsonnet)):(?P<line>\d+):(?P<col>\d+)")


def _load_jsonnet(path: Path, display: str, root: Path, text: str) -> Document:
    import _jsonnet  # imported here: YAML-only users never pay for the native extension

    real_root = root.resolve()

    def confined_import(base: str, rel: str) -> tuple[str, bytes]:
        target = Path(base, rel).resolve()
        if not target.is_relative_to(real_root):
            raise RuntimeError(f"import {rel!r} reaches outside the specs directory {root}; "
                               "keep libraries inside it")
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


def _key_locator(text: str) -> Callable[[tuple], tuple[int, int] | None]:
    """Jsonnet output carries no positions; point at the first place the source names the key."""
    lines = text.splitlines()

    def locate(path: tuple) -> tuple[int, int] | None:
        pattern = re.compile(r"""(?<![\w-])["']?""" + re.escape(str(path[-1])) + r"""["']?\s*:""")
        for number, line in enumerate(lines, 1):
            match = pattern.search(line)
            if match:
                return number, match.start() + 1
        return None

    return locate


def display_name(path: Path) -> str:
    """Paths as the user typed them relative to the working directory, so messages and headers are stable."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
