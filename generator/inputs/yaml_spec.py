"""YAML specs, loaded with safe_load semantics while recording the line and column of every value."""

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import yaml

from ..document import Document, LoadError, Position, SpecPath
from .limits import MAX_DEPTH, MAX_NODES, too_deep, too_many

__all__ = ["MAX_DEPTH", "MAX_NODES", "SUFFIXES", "load", "load_all"]

SUFFIXES: tuple[str, ...] = (".yaml", ".yml")
_NULL_SPELLINGS = ("", "~", "null", "Null", "NULL")
_UNPARSED = object()
_QUOTE_LIMIT = 80  # characters of a value quoted in a message, as in validate.py
Read = TypeVar("Read")
_SCALAR_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null")}


class _SpecResolver(yaml.resolver.Resolver):
    """PyYAML's resolver, plus YAML 1.2's exponent floats: PyYAML (YAML 1.1) reads `1e9` as text, which a spec
    author never means. The subclass keeps PyYAML's own resolver unchanged."""


class _SpecComposing(yaml.composer.Composer, yaml.constructor.SafeConstructor, _SpecResolver):
    """safe_load's composer, constructor and resolver over either parser below. The composer counts nodes and
    nesting as it goes: it recurses once per level (a RecursionError near 500) and builds the whole node graph
    before anything else could count it. It comes first in a loader's bases, before libyaml's parser, which
    has a composer of its own that counts nothing."""

    peek_event: Callable[[], yaml.Event]  # the parser's

    def __init__(self) -> None:
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _SpecResolver.__init__(self)
        self.composed = 0
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()
        self.composed += 1
        if self.composed > MAX_NODES:
            raise too_many(_position(event.start_mark))
        opens = isinstance(event, yaml.CollectionStartEvent)
        self.depth += opens
        try:
            if self.depth > MAX_DEPTH:
                raise too_deep(_position(event.start_mark))
            return super().compose_node(parent, index)
        finally:
            self.depth -= opens


class _PythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


try:
    from yaml._yaml import CParser as _LibyamlParser
except ImportError:  # PyYAML built without libyaml: every spec takes the Python parser, slower, same data
    _LibyamlParser = _PythonParser  # type: ignore[assignment,misc]


class _SpecLoader(_SpecComposing, _PythonParser):
    """PyYAML's parser in Python: its errors are the ones _PLAIN_PROBLEMS words for the spec author."""

    def __init__(self, stream: str):
        _PythonParser.__init__(self, stream)  # the reader checks every character here, before any parsing
        _SpecComposing.__init__(self)


class _FastSpecLoader(_SpecComposing, _LibyamlParser):
    """libyaml's scanner and parser, a tenth of the time on a fleet's specs. For every document both parsers
    accept the data and positions are the same but for an empty value in a flow mapping (`{a: }`), which libyaml
    places one column later (tests/test_load.py); a document libyaml refuses is read again by _SpecLoader
    (_parsed), so the error is in the same words either way."""

    def __init__(self, stream: str):
        _LibyamlParser.__init__(self, stream)
        _SpecComposing.__init__(self)


def _short(text: str) -> str:
    """A value quoted in a message, cut short: a message never prints a whole file."""
    quoted = repr(text)
    return quoted if len(quoted) <= _QUOTE_LIMIT else quoted[: _QUOTE_LIMIT - 1] + "…"


def _position(mark: Any) -> Position:
    """1-based; PyYAML types its marks as either of two Mark classes, or None, which the composer never gives."""
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


_SpecResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)

# PyYAML's problems in the words a spec author needs; the first matching fragment wins.
_PLAIN_PROBLEMS = (
    ("'\\t' that cannot start any token", "tab characters are not allowed for indentation; indent with spaces"),
    ("expected <block end>", "this line is indented differently from the one above; align it with its siblings"),
    ("did not find expected key", "this line is indented differently from the one above; align it with its siblings"),
    ("could not find expected ':'", "a line without 'key: value', or a quote opened on an earlier line and not closed"),
    (
        "mapping values are not allowed here",
        "a ': ' inside a plain value starts a mapping here; quote the value if it holds ': ', or fix the indentation",
    ),
    (
        "found unknown escape character",
        "unknown escape in a double-quoted string; write regexes and selectors in single quotes, where \\ is literal",
    ),
    ("found undefined alias", "the alias (*name) refers to no anchor; define &name before it is used"),
    ("found unexpected end of stream", "quoted text is not closed before the end of the file"),
    ("expected ',' or ']'", "a [ list ] or { mapping } is not closed, or an unquoted value holds a comma or bracket"),
    ("expected ',' or '}'", "a [ list ] or { mapping } is not closed, or an unquoted value holds a comma or brace"),
    ("but found another document", "one spec per file: remove the '---' and split the documents into files"),
)


def _plain_words(err: yaml.MarkedYAMLError) -> str:
    problem = err.problem or ""
    for fragment, words in _PLAIN_PROBLEMS:
        if fragment in problem:
            return words
    return " ".join(filter(None, [err.context, err.problem]))


def load(path: Path, display: str, root: Path, text: str) -> Document:
    data, positions, key_positions = _load_yaml(text)
    return Document(display, data, positions, key_positions)


def load_all(display: str, text: str) -> list[Document]:
    """Every document of a multi-document file (`---`), each with its own positions, which are lines of the
    whole file. For `slogen import`: other tools' files hold several documents; slogen's own specs hold one."""

    def read(loader: _SpecComposing) -> list[Document]:
        documents = []
        while loader.check_node():
            node, builder = loader.get_node(), _NodeBuilder(loader, dates_as_text=True)
            data = builder.build(node, ()) if node is not None else None
            if data is not None:
                documents.append(Document(display, data, builder.positions, builder.key_positions))
        return documents

    return _parsed(text, read)


def _parsed(text: str, read: Callable[[_SpecComposing], Read]) -> Read:
    """read(loader) over libyaml's events; for a document libyaml refuses, over PyYAML's, which words the error."""
    try:
        fast = _FastSpecLoader(text)
        try:
            return read(fast)
        finally:
            fast.dispose()
    except yaml.YAMLError:
        pass
    with _parsing(text) as loader:
        return read(loader)


@contextmanager
def _parsing(text: str) -> Iterator[_SpecLoader]:
    """A loader for `text`; PyYAML's errors leave it as LoadErrors in the spec author's words."""
    loader = _reader(text)
    try:
        yield loader
    except yaml.MarkedYAMLError as err:
        raise _syntax_error(err) from None
    except yaml.YAMLError as err:
        raise LoadError(f"YAML error: {err}") from None
    finally:
        loader.dispose()


def _reader(text: str) -> _SpecLoader:
    try:
        return _SpecLoader(text)  # the reader checks every character here, before any parsing
    except yaml.reader.ReaderError as err:
        before = text[: err.position]
        line, column = before.count("\n") + 1, err.position - before.rfind("\n")
        raise LoadError(
            f"control character U+{err.character:04X} is not allowed in YAML; "
            "remove it or write it as an escape in a double-quoted string",
            line,
            column,
        ) from None


def _syntax_error(err: yaml.MarkedYAMLError) -> LoadError:
    mark = err.problem_mark or err.context_mark
    # PyYAML's error types allow both marks to be missing; then point at the file like other LoadErrors.
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return LoadError(f"YAML syntax error: {_plain_words(err)}", line, column)


def _load_yaml(text: str) -> tuple[Any, dict[SpecPath, Position], dict[SpecPath, Position]]:
    try:
        return _plain_document(text)
    except (_Unusual, yaml.YAMLError):
        pass

    def read(loader: _SpecComposing) -> tuple[Any, _NodeBuilder]:
        node = loader.get_single_node()
        builder = _NodeBuilder(loader)
        return (builder.build(node, ()) if node is not None else None), builder

    data, builder = _parsed(text, read)
    if data is None:
        raise LoadError("the file is empty; a spec starts with apiVersion: slogen/v1")
    return data, builder.positions, builder.key_positions


class _NodeBuilder:
    """Builds plain data from a YAML node graph with safe_load semantics, recording positions."""

    def __init__(self, loader: _SpecComposing, dates_as_text: bool = False):
        self.loader = loader
        # Other tools' files (slogen import) write timestamps unquoted (OpenSLO's `startTime: 2022-01-01 12:00:00`);
        # their importers read them as text. In a slogen spec a date is always a mistake.
        self.dates_as_text = dates_as_text
        self.positions: dict[SpecPath, Position] = {}
        self.key_positions: dict[SpecPath, Position] = {}
        self.visited = 0

    def build(self, node: yaml.Node, path: SpecPath) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise too_many(_position(node.start_mark))
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, "tag:yaml.org,2002:seq")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp" and self.dates_as_text:
            return str(node.value)
        if node.tag == "tag:yaml.org,2002:timestamp":
            raise LoadError(
                f"{_short(node.value)} reads as a date; quote it if you mean text",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        if node.tag not in _SCALAR_TAGS:
            raise LoadError(
                f"YAML tag {node.tag} is not allowed; specs hold plain data only",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        """A plain value; an explicit tag such as `!!int abc` that its text cannot satisfy is a LoadError."""
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, KeyError):  # PyYAML's int/float/bool constructors on text they cannot parse
            value = _UNPARSED
        # PyYAML reads any text under !!null as None; only YAML's null spellings mean null.
        if value is _UNPARSED or (value is None and node.value not in _NULL_SPELLINGS):
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise LoadError(
                f"{_short(node.value)} is not a valid {kind}; fix the value or drop the !!{kind} tag",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        return value

    def _mapping(self, node: yaml.MappingNode, path: SpecPath) -> dict[str, Any]:
        self._check_tag(node, "tag:yaml.org,2002:map")
        own = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys as safe_load does
        merged, written = node.value[: len(node.value) - own], node.value[len(node.value) - own :]
        result: dict[str, Any] = {}
        # Merged pairs come first and may repeat (the last wins, as in safe_load); keys written in
        # this mapping override them and must be unique among themselves.
        for key_node, value_node in merged:
            result[self._key(key_node)] = self.build(value_node, (*path, self._key(key_node)))
        seen: set[str] = set()
        for key_node, value_node in written:
            key = self._key(key_node)
            if key in seen:
                raise LoadError(
                    f"duplicate key {_short(key)}; each key may appear once in a mapping",
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            seen.add(key)
            self.key_positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*path, key))
        return result

    def _key(self, key_node: yaml.Node) -> str:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
            raise LoadError(
                "mapping keys must be plain strings", key_node.start_mark.line + 1, key_node.start_mark.column + 1
            )
        return str(self.loader.construct_object(key_node))

    @staticmethod
    def _check_tag(node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise LoadError(
                f"YAML tag {node.tag} is not allowed; specs hold plain data only",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )


# --- the common case, straight from the parser's events -------------------------------------------------------


class _Unusual(Exception):
    """The document holds what only the node graph reads (an anchor, alias, merge key, tag, date, repeated or
    non-text key, a second document) or what the limits refuse: _NodeBuilder reads it, and words any error."""


_MAPPING_KEY = object()  # a mapping frame's key while it waits for its next key
_SEQUENCE = object()  # a sequence frame's key: its items are numbered
_RESOLVER = _SpecResolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"
_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)


# A fleet's specs are plain block YAML: composing a node graph, then walking it, was most of reading them. Read from
# the parser's events in one pass, they give the same data and positions (tests/test_load.py reads every spec and
# fixture both ways), and anything else is left to the node graph.
def _plain_document(text: str) -> tuple[Any, dict[SpecPath, Position], dict[SpecPath, Position]]:
    parser = _LibyamlParser(text)
    try:
        return _from_events(parser.get_event)
    finally:
        parser.dispose()


def _from_events(
    next_event: Callable[[], Any],  # the parser's get_event: typed as any Event, and its marks as optional
) -> tuple[Any, dict[SpecPath, Position], dict[SpecPath, Position]]:
    positions: dict[SpecPath, Position] = {}
    key_positions: dict[SpecPath, Position] = {}
    next_event()  # the stream's start
    if type(next_event()) is not yaml.DocumentStartEvent:
        raise _Unusual("no document")
    frames: list[list[Any]] = []  # open collections: [container, path, its key for the next value]
    nodes = 0
    while True:
        event = next_event()
        kind = type(event)
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = frames.pop()[0]
        else:
            if kind not in _NODE_EVENTS or event.anchor is not None or event.tag is not None:
                raise _Unusual("an alias, anchor or tag")
            nodes += 1
            if nodes > MAX_NODES:
                raise _Unusual("beyond the limits")
            mark = event.start_mark
            position = (mark.line + 1, mark.column + 1)
            frame = frames[-1] if frames else None
            if frame is not None and frame[2] is _MAPPING_KEY:
                key = _scalar_value(event) if kind is yaml.ScalarEvent else None
                if type(key) is not str or key in frame[0]:
                    raise _Unusual("a key that is not text, or repeated")
                frame[2] = key
                key_positions[(*frame[1], key)] = position
                continue
            path = () if frame is None else (*frame[1], len(frame[0]) if frame[2] is _SEQUENCE else frame[2])
            positions[path] = position
            if kind is yaml.ScalarEvent:
                value = _scalar_value(event)
            else:
                mapping = kind is yaml.MappingStartEvent
                frames.append([{} if mapping else [], path, _MAPPING_KEY if mapping else _SEQUENCE])
                if len(frames) > MAX_DEPTH:
                    raise _Unusual("beyond the limits")
                continue
        if not frames:
            break
        parent = frames[-1]
        if parent[2] is _SEQUENCE:
            parent[0].append(value)
        else:
            parent[0][parent[2]] = value
            parent[2] = _MAPPING_KEY
    if type(next_event()) is not yaml.DocumentEndEvent or type(next_event()) is not yaml.StreamEndEvent:
        raise _Unusual("more than one document")
    if value is None:
        raise _Unusual("an empty document")
    return value, positions, key_positions


def _scalar_value(event: Any) -> Any:
    plain = event.implicit[0]
    return _plain_value(event.value) if plain else event.value


@functools.lru_cache(maxsize=65_536)
def _plain_value(text: str) -> Any:
    """A plain scalar's value as safe_load reads it: text, a number, a bool or null."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR_TAG:
        return text
    if tag not in _SCALAR_TAGS:
        raise _Unusual(tag)  # a date, a merge key
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except (ValueError, KeyError):  # text the resolver took for a number that does not parse (`0x_`)
        raise _Unusual(text) from None
