"""JSON Schema validation of loaded documents, with messages written for the person editing the spec."""

import difflib
import json
import math
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .document import Document, SpecPath
from .findings import Finding
from .schema import SCHEMA_FILE
from .schema_predicate import Predicate, Unsure, compile_schema
from .secrets import redact

if TYPE_CHECKING:  # imported by the first invalid spec: a run of valid specs, or of specs the cache knows, has none
    import jsonschema

QUOTE_LIMIT = 80  # characters of a value quoted in a finding


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        resources.files("generator.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    )
    return loaded


@lru_cache(maxsize=1)
def _validator() -> "jsonschema.Draft202012Validator":
    import jsonschema

    return jsonschema.Draft202012Validator(inlined(schema()))


@lru_cache(maxsize=1)
def _predicate() -> Predicate | None:
    try:
        return compile_schema(inlined(schema()))
    except Unsure:
        return None


def _surely_valid(data: Any) -> bool:
    """The compiled predicate's yes (schema_predicate.py); jsonschema answers for every other document, with its
    messages."""
    predicate = _predicate()
    try:
        return predicate is not None and predicate(data)
    except (Unsure, RecursionError):
        return False


_LOCAL_DEFINITION = "#/$defs/"


def inlined(root: dict[str, Any]) -> dict[str, Any]:
    """`root` with each reference to one of its own $defs replaced by the definition, so validating a spec resolves
    no reference: jsonschema resolves each one it meets through the referencing library, which was 60 % of the time
    it took on a fleet's specs. The errors are the same (tests/test_validate.py): a reference's and an allOf's are
    their subschemas' own, and a definition in place holds the keywords the reference led to. Keywords beside a
    $ref stay beside it, in an allOf with the definition. A reference inside its own definition (a recursive
    schema) is left to jsonschema."""
    definitions = root.get("$defs", {})
    done: dict[str, Any] = {}

    def resolve(node: Any, open_definitions: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [resolve(item, open_definitions) for item in node]
        if not isinstance(node, dict):
            return node
        name = _definition_name(node.get("$ref"))
        if name is None or name not in definitions or name in open_definitions:
            return {key: value if key == "$ref" else resolve(value, open_definitions) for key, value in node.items()}
        if name not in done:
            done[name] = resolve(definitions[name], (*open_definitions, name))
        beside = {key: resolve(value, open_definitions) for key, value in node.items() if key != "$ref"}
        return {**beside, "allOf": [done[name], *beside.get("allOf", [])]} if beside else done[name]

    resolved: dict[str, Any] = resolve(root, ())
    return resolved


def _definition_name(reference: object) -> str | None:
    if isinstance(reference, str) and reference.startswith(_LOCAL_DEFINITION):
        return reference[len(_LOCAL_DEFINITION) :]
    return None


def validate(document: Document) -> list[Finding]:
    """All schema problems of one document, most specific first, in file order."""
    non_finite = dict(_non_finite(document.data))
    errors = () if _surely_valid(document.data) else _leaf_errors(_validator().iter_errors(document.data))
    findings = {_finding(document, error) for error in errors if tuple(error.absolute_path) not in non_finite}
    findings.update(document.finding(path, message, "schema") for path, message in non_finite.items())
    return sorted(findings, key=lambda f: (f.line, f.column, f.path, f.message))


def _non_finite(data: Any, path: SpecPath = ()) -> Iterator[tuple[SpecPath, str]]:
    """YAML's .nan and .inf, which JSON has no spelling for: NaN passes every JSON Schema bound (each comparison is
    false) and then breaks the Decimal maths, so they are refused here, before any bound or rule sees them."""
    if isinstance(data, float) and not math.isfinite(data):
        what = (
            "not a number (.nan)"
            if math.isnan(data)
            else f"infinite ({'-' if data < 0 else ''}.inf, or too large for a float)"
        )
        yield path, f"{what}; write a finite number"
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _non_finite(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _non_finite(value, (*path, index))


def _leaf_errors(errors: "Iterable[jsonschema.ValidationError]") -> Iterator["jsonschema.ValidationError"]:
    from jsonschema.exceptions import best_match

    # oneOf/anyOf failures carry the branch errors in .context; a hint on the oneOf schema says it better
    # than any single branch, so keep the parent when it has a hint, else descend to the best branch.
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and not _hint(error) and error.context:
            yield from _leaf_errors([best_match(error.context)])
        else:
            yield error


def _hint(error: "jsonschema.ValidationError") -> str:
    return error.schema.get("x-hint", "") if isinstance(error.schema, dict) else ""


def _known_fields(error: "jsonschema.ValidationError") -> list[str]:
    """The property names the failing (sub)schema declares."""
    return sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []


def _unknown_fields(error: "jsonschema.ValidationError") -> list[str]:
    """The keys of the failing mapping that its schema does not declare."""
    return sorted(set(error.instance) - set(_known_fields(error))) if isinstance(error.instance, dict) else []


def _finding(document: Document, error: "jsonschema.ValidationError") -> Finding:
    path = tuple(error.absolute_path)
    message = _describe(error)
    if error.validator == "additionalProperties":
        unknown = _unknown_fields(error)
        if unknown:
            path = (*path, unknown[0])
    hint = _hint(error)
    if hint and hint not in message:
        message = f"{message} ({hint})"
    return document.finding(path, message, "schema", at_key=error.validator == "additionalProperties")


def _describe(error: "jsonschema.ValidationError") -> str:
    value, kind = error.instance, error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"missing required field {missing!r}"
    if kind == "additionalProperties":
        allowed = _known_fields(error)
        unknown = _unknown_fields(error)
        names = ", ".join(repr(u) for u in unknown)
        close = difflib.get_close_matches(unknown[0], allowed, n=1) if unknown else []
        suggestion = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(allowed)}"
        return f"unknown field {names}{suggestion}"
    if kind == "maximum":
        return f"{value} is above {error.validator_value}"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"{value} is {'below' if kind == 'minimum' else 'not above'} {error.validator_value}"
    if kind == "exclusiveMaximum":
        return f"{value} is not below {error.validator_value}"
    if kind == "type" and value is None:
        return f"has no value (empty or null), expected {_expected_type(error.validator_value)}"
    if kind == "type":
        return f"{_quote(value)} is a {_json_type(value)}, expected {_expected_type(error.validator_value)}"
    if kind in ("pattern", "const", "enum"):
        return f"{_quote(value)} is not valid"
    if kind in ("minItems", "minProperties", "minLength"):
        return "must not be empty"
    if kind == "maxProperties" and isinstance(value, dict):
        return f"has {len(value)} entries ({', '.join(sorted(value))}), expected one"
    if kind == "uniqueItems":
        return "has duplicate entries"
    if kind == "oneOf":
        return "does not match exactly one form"
    if kind == "not":
        return _hint(error) or "has fields that exclude each other"
    if kind == "propertyNames":
        return "has an invalid key"
    return error.message


def _quote(value: object) -> str:
    """A value as JSON, cut short: a file that reads as one long string (a /etc/passwd under a spec's name)
    must not be printed whole. Redacted before it is cut, or a cut could hide the '@' that marks a password."""
    text = redact(json.dumps(value))
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def _expected_type(expected: object) -> str:
    """The schema's `type` in words: "integer", "a string or a list"."""
    names = expected if isinstance(expected, list) else [expected]
    words = {"object": "mapping", "array": "list", "integer": "whole number"}
    return " or ".join(words.get(str(n), str(n)) for n in names)


def _json_type(value: object) -> str:
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "list",
        dict: "mapping",
        type(None): "null",
    }.get(type(value), type(value).__name__)
