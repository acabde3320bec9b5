"""OpenSLO: `slogen import openslo` (generator/inputs/importers/openslo.py) and `slogen export openslo`
(generator/render/openslo.py), against OpenSLO's published examples and v1 schema and Sloth's v1alpha examples
(tests/fixtures/import/openslo/SOURCES.md), with real promtool for what imports."""

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from referencing import Registry, Resource

from generator import pipeline
from generator.cli import main
from generator.inputs.importers import openslo
from generator.inputs.importers.promql_shapes import Counter, ShapeError, counter
from generator.inputs.yaml_spec import load_all
from generator.model import SLO

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "openslo"
SCHEMAS = FIXTURES / "schema"
SPECS = Path(__file__).parent.parent / "slo_specs"


def documents(path: Path) -> list:
    """The file's objects as `slogen import` loads them: one Document per `---` document, lines of the whole file."""
    return load_all(str(path), path.read_text(encoding="utf-8"))


def left_out(result: openslo.Imported) -> list[str]:
    return [f"{Path(f.file).name}:{f.line}: {f.message}" for f in result.left_out]


# --- PromQL shapes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('sum(rate(x_total{code=~"5.."}[5m]))', Counter('x_total{code=~"5.."}', ())),
        ("sum by (route, code) (rate(x_total[1m]))", Counter("x_total", ("route", "code"))),
        ("sum(increase(x_total[{{.window}}])) by (route)", Counter("x_total", ("route",))),
        ('x_total{a="b"}', Counter('x_total{a="b"}', ())),
        ('sum(rate(x_total{a="(b)"}[5m]))', Counter('x_total{a="(b)"}', ())),
    ],
)
def test_common_counter_shapes_convert(query, expected):
    assert counter(query) == expected


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("sum(rate(a[5m])) / sum(rate(b[5m]))", "it is an expression with `/`, not one counter"),
        ("sum without (a) (rate(x[5m]))", "sum without"),
        ("histogram_quantile(0.9, sum(rate(x_bucket[5m])) by (le))", "it is `histogram_quantile"),
        ("sum(rate(x[5m] offset 1h))", "offset"),
        ("max(rate(x[5m]))", "it is `max"),
        ("sum(rate(x[5m]", "not valid PromQL"),
    ],
)
def test_other_shapes_are_refused_with_the_reason(query, why):
    with pytest.raises(ShapeError, match=why):
        counter(query)


# --- import --------------------------------------------------------------------------------------------------


def test_v1_features_map_to_slogen_fields_and_the_rest_is_left_out_with_file_and_line():
    result = openslo.convert(documents(FIXTURES / "v1-features.yaml"))
    spec = result.specs["checkout"]
    assert spec["description"] == "Takes the money." and spec["labels"] == {"team": "payments"}
    slos = {slo["name"]: slo for slo in spec["slos"]}
    assert list(slos) == ["availability", "latency-fast", "latency-most", "downtime-minutes", "raw-counters"]
    assert slos["availability"] == {
        "name": "availability",
        "description": "Requests that do not fail.",
        "period": {"calendar": "month"},
        "labels": {"tier": "gold"},
        "objective": 99.9,
        "group_by": ["region"],
        "sli": {
            "ratio": {
                "errors": 'http_requests_total{job="checkout", code=~"5.."}',
                "total": 'http_requests_total{job="checkout"}',
            }
        },
        # 14.4× over 1h of a 30-day month is 2 % of the budget; 1× over 3d is 10 %
        "alerting": {
            "windows": [
                {"severity": "page", "long": "1h", "short": "5m", "budget": 2},
                {"severity": "ticket", "long": "3d", "short": "6h", "budget": 10},
            ]
        },
    }
    assert slos["latency-fast"]["period"] == {"calendar": "week", "timezone": "+05:00"}  # Etc/GMT-5
    assert slos["latency-fast"]["sli"] == {
        "latency": {"histogram": 'http_request_duration_seconds{job="checkout"}', "threshold": "250ms"}
    }
    assert (slos["latency-fast"]["objective"], slos["latency-most"]["objective"]) == (95, 99)
    assert slos["downtime-minutes"]["budgeting"] == {
        "timeslices": {"slice": "1m", "bad_when": {"error_ratio_above": 0.01}}
    }
    assert slos["downtime-minutes"]["period"] == "28d"
    # a raw ratio of two counters is the ratio SLI of those counters (rawType success: good over total)
    assert (slos["raw-counters"]["sli"], slos["raw-counters"]["group_by"]) == (
        {
            "ratio": {
                "good": 'http_requests_total{job="checkout", code!~"5.."}',
                "total": 'http_requests_total{job="checkout"}',
            }
        },
        ["route"],
    )
    assert left_out(result) == [
        "v1-features.yaml:64: notification target 'pagerduty-payments' was not imported: where alerts go is slogen's "
        "`routing` (slo_specs/README.md §5): write the receiver there",
        "v1-features.yaml:165: metric source of type 'Datadog' was not imported: slogen reads Prometheus only",
        "v1-features.yaml:193: raw ratio 'job:error_ratio:rate5m{job=\"checkout\"}' was not imported: it is a bare "
        "series (no rate over the window), not a ratio of two counters: `sum(rate(<a>[…])) / sum(rate(<b>[…]))`; a "
        "precomputed ratio cannot be summed over slogen's windows: give the counters it is computed from",
        result.left_out[3].file.split("/")[-1] + ":233: " + result.left_out[3].message,
        "v1-features.yaml:254: query 'sum(rate(a_total[5m])) / sum(rate(b_total[5m]))' was not imported: it is an "
        "expression with `/`, not one counter: `sum(rate(<selector>[<range>]))`, optionally `by (…)`, or the bare "
        "selector",
    ]
    assert "America/New_York" in result.left_out[3].message and "daylight saving" in result.left_out[3].message


def test_the_imported_v1_spec_is_valid(tmp_path):
    result = openslo.convert(documents(FIXTURES / "v1-features.yaml"))
    outcome = pipeline.check([write_specs(result, tmp_path)])
    assert outcome.ok, [str(f) for f in outcome.findings]


@pytest.mark.parametrize(
    ("example", "reason"),
    [
        ("occurences-slo.yaml", "thresholdMetric of SLO 'search-slo' was not imported"),
        ("ratio-timeslices.yaml", "metric source of type 'Any' was not imported: slogen reads Prometheus only"),
        ("timeslices-slo.yaml", "metric source of type 'Any'"),
        ("treat-low-traffic-timeslices-slo.yaml", "metric source of type 'Any'"),
    ],
)
def test_openslo_repository_examples_are_refused_per_item(example, reason):
    """OpenSLO's own examples name no data source (`type: Any`, `query: Any`) or a threshold metric without a
    query: nothing to generate from, and each says why."""
    result = openslo.convert(documents(FIXTURES / "examples" / example))  # unquoted timestamps are read as text
    assert result.specs == {}
    assert any(reason in line for line in left_out(result)), left_out(result)


@pytest.mark.parametrize("example", ["sloth-openslo-getting-started.yml", "sloth-openslo-kubernetes-apiserver.yml"])
def test_sloth_v1alpha_examples_import_generate_and_pass_promtool(example, tmp_path):
    result = openslo.convert(documents(FIXTURES / "examples" / example))
    assert result.left_out == []
    specs = write_specs(result, tmp_path)
    out = tmp_path / "out"
    generated = CliRunner().invoke(main, ["generate", str(specs), "--out", str(out)])
    assert generated.exit_code == 0, generated.output
    tested = CliRunner().invoke(main, ["test", "--out", str(out)])
    assert tested.exit_code == 0, tested.output
    assert "promtool check rules: 1 file(s): ok" in tested.stderr


def test_sloth_latency_objectives_become_latency_slis():
    result = openslo.convert(documents(FIXTURES / "examples" / "sloth-openslo-kubernetes-apiserver.yml"))
    slos = {slo["name"]: slo for slo in result.specs["k8s-apiserver"]["slos"]}
    assert slos["requests-latency-openslo-1"]["sli"] == {
        "latency": {"histogram": 'apiserver_request_duration_seconds{verb!="WATCH"}', "threshold": "400ms"}
    }
    assert (
        slos["requests-latency-openslo-2"]["sli"]["latency"]["threshold"],
        slos["requests-latency-openslo-2"]["objective"],
    ) == ("5s", 99.9)


def write_specs(result: openslo.Imported, directory: Path) -> Path:
    specs = directory / "specs"
    specs.mkdir(parents=True, exist_ok=True)
    for service, spec in result.specs.items():
        (specs / f"{service}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return specs


# --- export --------------------------------------------------------------------------------------------------


def openslo_validator(kind: str) -> jsonschema.Draft7Validator:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    combined = {
        "allOf": [
            {"$ref": "https://openslo.com/schemas/v1/parts/general.schema.json"},
            {"$ref": f"https://openslo.com/schemas/v1/parts/{kind.lower()}-spec.schema.json"},
        ]
    }
    return jsonschema.Draft7Validator(combined, registry=registry)


def export(spec: Path, out: Path) -> list[dict]:
    result = CliRunner().invoke(main, ["export", "openslo", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return [doc for path in sorted(out.glob("*.openslo.yaml")) for doc in yaml.safe_load_all(path.read_text())]


@pytest.mark.parametrize("spec", ["bookiji.jsonnet", "bookiji-pilot.jsonnet"])
def test_every_exported_document_is_valid_against_openslos_schema(spec, tmp_path):
    exported = export(SPECS / spec, tmp_path)
    kinds = {doc["kind"] for doc in exported}
    assert kinds == {"Service", "SLI", "SLO", "AlertCondition", "AlertPolicy"}
    for doc in exported:
        errors = [error.message for error in openslo_validator(doc["kind"]).iter_errors(doc)]
        assert errors == [], (doc["metadata"]["name"], errors)


def test_the_validator_catches_what_openslo_refuses():
    bad = {
        "apiVersion": "openslo/v1",
        "kind": "SLO",
        "metadata": {"name": "x"},
        "spec": {
            "service": "s",
            "indicatorRef": "i",
            "budgetingMethod": "Occurrences",
            "objectives": [{"target": 99.9}],
            "timeWindow": [{"duration": "1h30m", "isRolling": True}],
        },
    }
    messages = [error.message for error in openslo_validator("SLO").iter_errors(bad)]
    assert len(messages) == 2, messages  # target is a fraction below 1; durations are one number and one unit


def round_trip(spec: Path, tmp_path: Path) -> tuple[list[SLO], dict[str, SLO], list[str]]:
    out = tmp_path / "openslo"
    export(spec, out)
    result = openslo.convert([doc for path in sorted(out.glob("*.yaml")) for doc in documents(path)])
    outcome = pipeline.check([write_specs(result, tmp_path / "back")])
    assert outcome.ok and outcome.project is not None, [str(f) for f in outcome.findings]
    original = pipeline.check([spec]).project
    assert original is not None
    return list(original.slos()), {s.name: s for s in outcome.project.slos()}, left_out(result)


def essentials(slo: SLO) -> dict:
    sli = slo.sli
    selectors = [f.selector.render() for f in sli.selectors]
    return {
        "objective": slo.objective_percent.normalize(),
        "period": slo.period,
        "calendar": (slo.calendar.unit, slo.calendar.offset) if slo.calendar else None,
        "kind": sli.kind,
        "selectors": selectors,
        "threshold": getattr(sli, "threshold", None),
        "group_by": slo.group_by,
        "windows": [(w.severity, w.long, w.short, w.factor(slo.period)) for w in slo.alerting.windows],
        "timeslices": (slo.timeslices.slice, slo.timeslices.error_ratio_above) if slo.timeslices else None,
    }


# What cannot come back: a probe's 0/1 samples and a freshness timestamp are not event counters.
# Nor a calendar period at an offset that is not whole hours: OpenSLO wants an IANA zone, and Etc/GMT±h are whole hours.
NOT_EXPORTED_KINDS = ("probe", "freshness")


def exportable(slo: SLO) -> bool:
    half_hour = slo.calendar is not None and (slo.calendar.offset or 0) % 3600 != 0
    return slo.sli.kind not in NOT_EXPORTED_KINDS and not half_hour


@pytest.mark.parametrize(
    "spec",
    [
        SPECS / "bookiji.jsonnet",
        SPECS / "bookiji-pilot.jsonnet",
        FIXTURES.parent.parent / "calendar.yaml",
        FIXTURES.parent.parent / "timeslices.yaml",
    ],
    ids=lambda path: path.name,
)
def test_specs_round_trip_through_openslo(spec, tmp_path):
    originals, back, skipped = round_trip(spec, tmp_path)
    assert skipped == []
    missing = [slo.name for slo in originals if slo.name not in back]
    assert missing == [slo.name for slo in originals if not exportable(slo)]
    differ = {}
    for slo in originals:
        if slo.name in back:
            want, got = essentials(slo), essentials(back[slo.name])
            if slo.sli.kind == "value":  # comes back as a ratio over the same bucket and count series
                want = {**want, "kind": "ratio", "threshold": None, "selectors": got["selectors"]}
            if want != got:
                differ[slo.name] = {key: (want[key], got[key]) for key in want if want[key] != got[key]}
    assert differ == {}
    assert all(Decimal(str(back[s.name].objective_percent)) == s.objective_percent for s in originals if s.name in back)


def test_export_then_import_on_the_command_line_leaves_nothing_out(tmp_path):
    """The whole loop as a user runs it; the probe SLO that OpenSLO cannot hold is named on stderr."""
    runner = CliRunner()
    exported = runner.invoke(main, ["export", "openslo", str(SPECS / "bookiji.jsonnet"), "--out", str(tmp_path / "os")])
    assert exported.exit_code == 0, exported.output
    assert exported.stderr.splitlines() == [
        "slogen: bookiji/availability: not exported: a probe SLI reads a 0/1 sample or a timestamp, not event "
        "counters; OpenSLO's ratioMetric needs counters"
    ]
    files = [str(path) for path in sorted((tmp_path / "os").glob("*.yaml"))]
    imported = runner.invoke(main, ["import", "openslo", *files, "--out", str(tmp_path / "back")])
    assert imported.exit_code == 0, imported.output
    validated = runner.invoke(main, ["validate", str(tmp_path / "back")])
    assert validated.exit_code == 0, validated.output
    assert "17 SLO(s) valid" in validated.stderr


def test_export_without_out_writes_one_yaml_stream_to_stdout():
    result = CliRunner().invoke(main, ["export", "openslo", str(FIXTURES.parent.parent / "timeslices.yaml")])
    assert result.exit_code == 0, result.output
    docs = list(yaml.safe_load_all(result.stdout))
    slo = next(doc for doc in docs if doc["kind"] == "SLO")
    assert slo["spec"]["budgetingMethod"] == "Timeslices"
    assert {"timeSliceWindow", "timeSliceTarget"} <= set(slo["spec"]["objectives"][0])
