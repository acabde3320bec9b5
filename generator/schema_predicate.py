"""A JSON Schema compiled into one Python predicate: is this instance valid? validate.py asks it first and runs
jsonschema only on a document it refuses, for the messages. jsonschema takes 1.7 ms over one of a fleet's specs,
most of it making a validator for every subschema it descends into; the predicate, plain closures, 0.13 ms.

Exact, not approximate: each keyword does what jsonschema 4's does (jsonschema/_keywords.py and _types.py, draft
2020-12), so a `not`, a `oneOf` and an `if` over it are exact too. Where the predicate cannot be sure it raises
Unsure and the caller asks jsonschema: at compile time for a keyword it does not implement (the schema then always
goes to jsonschema), at run time for an enum, const or uniqueItems over values other than strings and null, where
jsonschema's equality (1 equals 1.0 but not True) would need copying. tests/test_schema_predicate.py holds the two
to the same answer, keyword by keyword and on the fuzzer's mutated specs.
"""

import math
import numbers
import re
from collections.abc import Callable, Iterator
from typing import Any

Predicate = Callable[[Any], bool]

# Keywords that say nothing about validity: jsonschema ignores them, and so may the predicate.
ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$defs", "title", "description", "default", "examples", "x-hint"}
)


class Unsure(Exception):
    """The predicate cannot answer exactly; jsonschema must."""


def _is_number(instance: Any) -> bool:
    return isinstance(instance, numbers.Number) and not isinstance(instance, bool)


def _is_integer(instance: Any) -> bool:
    """Draft 6 and later: 1.0 is an integer."""
    if isinstance(instance, bool):
        return False
    return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())


TYPES: dict[str, Predicate] = {
    "array": lambda instance: isinstance(instance, list),
    "boolean": lambda instance: isinstance(instance, bool),
    "integer": _is_integer,
    "null": lambda instance: instance is None,
    "number": _is_number,
    "object": lambda instance: isinstance(instance, dict),
    "string": lambda instance: isinstance(instance, str),
}


def compile_schema(schema: Any) -> Predicate:
    """The predicate of a schema whose references are resolved (validate.inlined); Unsure if it uses a keyword the
    predicate does not implement."""
    if isinstance(schema, bool):
        return lambda _instance: schema
    if not isinstance(schema, dict):
        raise Unsure(f"not a schema: {schema!r}")
    unknown = set(schema) - _IMPLEMENTED - ANNOTATIONS
    if unknown:
        raise Unsure(f"keywords the predicate does not implement: {sorted(unknown)}")
    checks = [check for keywords, make in _MAKERS if not schema.keys().isdisjoint(keywords) for check in make(schema)]
    if not checks:
        return lambda _instance: True
    if len(checks) == 1:
        return checks[0]

    def all_hold(instance: Any) -> bool:
        return all(check(instance) for check in checks)

    return all_hold


def _type(schema: dict[str, Any]) -> Iterator[Predicate]:
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not all(name in TYPES for name in names):
        raise Unsure(f"type {names!r}")
    tests = [TYPES[name] for name in names]
    yield tests[0] if len(tests) == 1 else lambda instance: any(test(instance) for test in tests)


def _object(schema: dict[str, Any]) -> Iterator[Predicate]:
    """properties, required, additionalProperties, propertyNames, min/maxProperties: one check, as each applies to
    objects only."""
    if "patternProperties" in schema:
        raise Unsure("patternProperties")
    properties = {name: compile_schema(sub) for name, sub in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    additional = compile_schema(schema["additionalProperties"]) if "additionalProperties" in schema else None
    names = compile_schema(schema["propertyNames"]) if "propertyNames" in schema else None
    least, most = schema.get("minProperties", 0), schema.get("maxProperties", math.inf)

    def object_holds(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        if not least <= len(instance) <= most:
            return False
        for name in required:
            if name not in instance:
                return False
        for key, value in instance.items():
            check = properties.get(key) if isinstance(key, str) else None
            if check is not None:
                if not check(value):
                    return False
            elif additional is not None and not additional(value):
                return False
            if names is not None and not names(key):
                return False
        return True

    yield object_holds


def _array(schema: dict[str, Any]) -> Iterator[Predicate]:
    """items, minItems, maxItems, uniqueItems."""
    if "prefixItems" in schema or "contains" in schema:
        raise Unsure("prefixItems or contains")
    item = compile_schema(schema["items"]) if "items" in schema else None
    least, most = schema.get("minItems", 0), schema.get("maxItems", math.inf)
    unique = bool(schema.get("uniqueItems"))

    def array_holds(instance: Any) -> bool:
        if not isinstance(instance, list):
            return True
        if not least <= len(instance) <= most:
            return False
        if unique and not _unique(instance):
            return False
        return item is None or all(item(each) for each in instance)

    yield array_holds


def _unique(items: list[Any]) -> bool:
    if not all(isinstance(each, str) for each in items):
        raise Unsure("uniqueItems over values other than strings")
    return len(set(items)) == len(items)


def _string(schema: dict[str, Any]) -> Iterator[Predicate]:
    """pattern (searched, not matched, as jsonschema does), minLength, maxLength."""
    search = re.compile(schema["pattern"]).search if "pattern" in schema else None
    least, most = schema.get("minLength", 0), schema.get("maxLength", math.inf)

    def string_holds(instance: Any) -> bool:
        if not isinstance(instance, str):
            return True
        if not least <= len(instance) <= most:
            return False
        return search is None or search(instance) is not None

    yield string_holds


def _number(schema: dict[str, Any]) -> Iterator[Predicate]:
    """minimum, maximum, exclusiveMinimum, exclusiveMaximum; NaN passes each, as in jsonschema."""
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")

    def number_holds(instance: Any) -> bool:
        if not _is_number(instance):
            return True
        return not (
            (low is not None and instance < low)
            or (high is not None and instance > high)
            or (above is not None and instance <= above)
            or (below is not None and instance >= below)
        )

    yield number_holds


def _equal(instance: Any, value: Any) -> bool:
    """jsonschema's equality, where it is plain: a string equals only an equal string, null only null."""
    if isinstance(instance, str):
        return isinstance(value, str) and instance == value
    if instance is None:
        return value is None
    raise Unsure(f"equality of {type(instance).__name__}")


def _enum(schema: dict[str, Any]) -> Iterator[Predicate]:
    values = list(schema["enum"])
    yield lambda instance: any(_equal(instance, value) for value in values)


def _const(schema: dict[str, Any]) -> Iterator[Predicate]:
    value = schema["const"]
    yield lambda instance: _equal(instance, value)


def _all_of(schema: dict[str, Any]) -> Iterator[Predicate]:
    yield from (compile_schema(sub) for sub in schema["allOf"])


def _any_of(schema: dict[str, Any]) -> Iterator[Predicate]:
    branches = [compile_schema(sub) for sub in schema["anyOf"]]
    yield lambda instance: any(branch(instance) for branch in branches)


def _one_of(schema: dict[str, Any]) -> Iterator[Predicate]:
    branches = [compile_schema(sub) for sub in schema["oneOf"]]
    yield lambda instance: sum(1 for branch in branches if branch(instance)) == 1


def _not(schema: dict[str, Any]) -> Iterator[Predicate]:
    negated = compile_schema(schema["not"])
    yield lambda instance: not negated(instance)


def _if(schema: dict[str, Any]) -> Iterator[Predicate]:
    condition = compile_schema(schema["if"])
    then = compile_schema(schema.get("then", True))
    otherwise = compile_schema(schema.get("else", True))
    yield lambda instance: then(instance) if condition(instance) else otherwise(instance)


# Each maker reads the keywords beside it and yields the checks; jsonschema ignores `then` and `else` without `if`.
_MAKERS: tuple[tuple[tuple[str, ...], Callable[[dict[str, Any]], Iterator[Predicate]]], ...] = (
    (("type",), _type),
    (("enum",), _enum),
    (("const",), _const),
    (("properties", "required", "additionalProperties", "propertyNames", "minProperties", "maxProperties"), _object),
    (("items", "minItems", "maxItems", "uniqueItems"), _array),
    (("pattern", "minLength", "maxLength"), _string),
    (("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"), _number),
    (("allOf",), _all_of),
    (("anyOf",), _any_of),
    (("oneOf",), _one_of),
    (("not",), _not),
    (("if",), _if),
)
_IMPLEMENTED = frozenset({keyword for keywords, _make in _MAKERS for keyword in keywords} | {"then", "else"})
