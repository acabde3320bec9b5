"""generator/schema_predicate.py answers exactly what jsonschema answers, or says it is unsure: keyword by keyword,
on the Bookiji specs, and on every fixture and mutated spec of tests/test_validate.py's corpus."""

import math
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from generator import load, validate
from generator.schema_predicate import TYPES, Unsure, compile_schema
from tests.test_validate import corpus

REPO = Path(__file__).parents[1]
CHECKER = jsonschema.Draft202012Validator.TYPE_CHECKER
VALUES = [
    *(None, True, False, 0, 1, 2, -3, 1.0, 1.5, math.nan, math.inf, Decimal("2"), "", "1", "a b"),
    *([], [1], ["x", "y"], ["x", "x"], {}, {"a": 1}, {"A": 1, "b": "2"}),
]


def answer(schema: object, instance: object) -> bool | None:
    """The predicate's answer, None where it is unsure."""
    try:
        return compile_schema(schema)(instance)
    except Unsure:
        return None


@pytest.mark.parametrize("name", sorted(TYPES))
def test_each_type_is_jsonschemas(name):
    assert [TYPES[name](value) for value in VALUES] == [CHECKER.is_type(value, name) for value in VALUES]


KEYWORD_CASES = [
    {"type": ["string", "null"]},
    {"type": "integer", "minimum": 1, "exclusiveMaximum": 2},
    {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
    {"enum": ["a", "1", None]},
    {"const": "1"},
    {"pattern": "^a", "minLength": 2, "maxLength": 3},
    {"pattern": "b"},  # searched anywhere, as jsonschema does
    {"required": ["a"], "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
    {"properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}, "minProperties": 1},
    {"propertyNames": {"pattern": "^[a-z]+$"}, "maxProperties": 1},
    {"items": {"type": "integer"}, "minItems": 1, "maxItems": 1},
    {"uniqueItems": True},
    {"oneOf": [{"type": "number"}, {"type": "integer"}]},  # 1 is both: not exactly one
    {"anyOf": [{"type": "string"}, {"type": "array"}]},
    {"allOf": [{"type": "number"}, {"minimum": 1}]},
    {"not": {"type": "object"}},
    {"if": {"type": "string"}, "then": {"minLength": 1}, "else": {"type": "integer"}},
    {"then": {"type": "string"}},  # no `if`: ignored
    {"description": "annotations only", "x-hint": "say it better"},
    True,
    False,
]


@pytest.mark.parametrize("schema", KEYWORD_CASES, ids=repr)
def test_each_keyword_answers_as_jsonschema_does(schema):
    validator = jsonschema.Draft202012Validator(schema)
    answers = {repr(value): answer(schema, value) for value in VALUES}
    theirs = {repr(value): validator.is_valid(value) if answers[repr(value)] is not None else None for value in VALUES}
    assert answers == theirs
    assert True in answers.values() or schema is False, "the case must admit some value"
    assert False in answers.values() or schema is True or set(schema) <= {"then", "description", "x-hint"}


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        ({"enum": [1, "a"]}, 1),  # 1 equals 1.0 but not True in jsonschema: not copied
        ({"const": 1}, 1.0),
        ({"uniqueItems": True}, [1, True]),
    ],
)
def test_equality_beyond_strings_and_null_is_left_to_jsonschema(schema, instance):
    assert answer(schema, instance) is None


@pytest.mark.parametrize("keyword", [{"patternProperties": {"^a": {}}}, {"multipleOf": 2}, {"$ref": "#/$defs/a"}])
def test_a_keyword_it_does_not_implement_leaves_the_schema_to_jsonschema(keyword):
    with pytest.raises(Unsure):
        compile_schema({"type": "object", "properties": {"a": keyword}})


def test_the_shipped_schema_compiles():
    """Else every spec goes to jsonschema again: 12× slower on a fleet's specs."""
    assert validate._predicate() is not None


def test_the_corpus_gets_jsonschemas_answers():
    documents = corpus()
    validator = jsonschema.Draft202012Validator(validate.schema())
    predicate = validate._predicate()
    answers, unsure = [], 0
    for document in documents:
        try:
            answers.append((predicate(document.data), validator.is_valid(document.data), document.file))
        except Unsure:
            unsure += 1
    wrong = [name for ours, theirs, name in answers if ours != theirs]
    assert wrong == []
    valid = sum(1 for ours, _, _ in answers if ours)
    assert 20 < valid < len(answers) - 100, "the corpus must hold both valid specs and many invalid ones"
    assert unsure < len(documents) // 20, "the predicate should answer nearly every spec itself"


def test_a_valid_spec_never_reaches_jsonschema(monkeypatch):
    def refuse() -> None:
        raise AssertionError("jsonschema asked about a valid spec")

    monkeypatch.setattr(validate, "_validator", refuse)
    bookiji = load.load(REPO / "slo_specs" / "bookiji.jsonnet", "bookiji.jsonnet", REPO)
    assert validate.validate(bookiji) == []
