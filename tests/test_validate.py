"""generator/validate.py validates against the schema with its references inlined (validate.inlined): the same
findings as jsonschema over the schema as published, on every fixture, the Bookiji specs and the fuzzer's mutated
specs."""

from pathlib import Path

import jsonschema
import pytest

from generator import load, validate
from generator.document import Document, LoadError
from generator.inputs import yaml_spec
from tests.fuzz.mutate import make_case, seeds

REPO = Path(__file__).parents[1]
MUTATED_CASES = 400  # of the fuzzer's fast seed: about two thirds fail the schema, in every way it mutates


def corpus() -> list[Document]:
    """Every fixture and Bookiji spec, and the fuzzer's mutated specs that load."""
    texts = [(s.name, s.text) for s in seeds()]
    all_seeds = seeds()
    for index in range(MUTATED_CASES):
        case = make_case(14, index, all_seeds)
        if case.suffix == ".yaml":
            texts.append((case.label, case.text))
    documents = []
    for name, text in texts:
        try:
            documents.append(yaml_spec.load(Path(name), name, REPO, text))
        except LoadError:
            continue  # refused before the schema
    return documents + [load.load(p, p.name, REPO) for p in load.discover([REPO / "slo_specs"])]


def test_inlined_schema_finds_what_the_published_schema_finds(monkeypatch):
    documents = corpus()
    inlined = [validate.validate(d) for d in documents]
    published = jsonschema.Draft202012Validator(validate.schema())
    monkeypatch.setattr(validate, "_validator", lambda: published)
    assert [validate.validate(d) for d in documents] == inlined
    failing = sum(1 for findings in inlined if findings)
    assert 100 < failing < len(documents), "the corpus must hold both valid specs and many invalid ones"


def test_the_schema_keeps_no_reference_to_resolve():
    assert '"$ref"' not in repr(validate.inlined(validate.schema())).replace("'", '"')


RECURSIVE = {
    "$defs": {
        "route": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "routes": {"type": "array", "items": {"$ref": "#/$defs/route"}}},
            "additionalProperties": False,
        },
        "positive": {"type": "number", "exclusiveMinimum": 0},
    },
    "type": "object",
    "properties": {
        "route": {"$ref": "#/$defs/route"},
        "weight": {"$ref": "#/$defs/positive", "maximum": 10, "allOf": [{"multipleOf": 2}]},
    },
}


def test_a_recursive_definition_keeps_its_reference():
    schema = validate.inlined(RECURSIVE)
    routes = schema["properties"]["route"]["properties"]["routes"]
    assert routes["items"] == {"$ref": "#/$defs/route"}
    validator = jsonschema.Draft202012Validator(schema)
    nested = {"route": {"name": "a", "routes": [{"name": "b", "routes": [{"name": 3, "extra": 1}]}]}}
    assert sorted(e.message for e in validator.iter_errors(nested)) == [
        "3 is not of type 'string'",
        "Additional properties are not allowed ('extra' was unexpected)",
    ]


@pytest.mark.parametrize(
    ("weight", "messages"),
    [
        (4, []),
        (0, ["0 is less than or equal to the minimum of 0"]),
        (12, ["12 is greater than the maximum of 10"]),
        (3, ["3 is not a multiple of 2"]),
    ],
)
def test_keywords_beside_a_reference_still_apply(weight, messages):
    validator = jsonschema.Draft202012Validator(validate.inlined(RECURSIVE))
    assert sorted(e.message for e in validator.iter_errors({"weight": weight})) == messages
