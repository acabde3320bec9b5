"""The Pyrra importer: Pyrra's published example SLOs (tests/fixtures/import/pyrra, see SOURCES.md) either import
and generate rules that pass promtool, or are refused item by item with a reason; and slogen's 5m error ratio
reads the series Pyrra's own `…:burnrate5m` recording rule reads."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.inputs.importers import pyrra
from generator.inputs.importers.base import Imported
from generator.inputs.yaml_spec import load_all
from tests.promtool_harness import run_promtool_test

EXAMPLES = Path(__file__).parent / "fixtures" / "import" / "pyrra"


def convert(*paths: Path) -> Imported:
    documents = []
    for path in paths:
        documents += load_all(str(path.relative_to(EXAMPLES)), path.read_text(encoding="utf-8"))
    return pyrra.convert(documents)


def convert_text(text: str) -> Imported:
    return pyrra.convert(load_all("slo.yaml", text))


def example(name: str) -> Path:
    return EXAMPLES / "examples" / name


def slo_of(imported: Imported, service: str, name: str) -> dict:
    return next(slo for slo in imported.specs[service]["slos"] if slo["name"] == name)


def messages(imported: Imported) -> list[str]:
    return [f"{f.file}:{f.line}:{f.column}: {f.path}: {f.message}" for f in imported.left_out]


@pytest.fixture(scope="module")
def everything() -> Imported:
    return convert(*sorted(EXAMPLES.rglob("*.yaml")))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """`slogen import pyrra` of every example (exit 1: items were left out), then `slogen generate` of its specs."""
    root = tmp_path_factory.mktemp("pyrra")
    files = [str(path) for path in sorted(EXAMPLES.rglob("*.yaml"))]
    imported = CliRunner().invoke(main, ["import", "pyrra", *files, "--out", str(root / "specs")])
    assert imported.exit_code == 1, imported.output
    assert "39 item(s) left out" in imported.output
    result = CliRunner().invoke(main, ["generate", "--specs", str(root / "specs"), "--out", str(root / "out")])
    assert result.exit_code == 0, result.output
    return root / "out"


def test_every_example_is_imported_or_refused_with_its_reason(everything):
    imported = sorted((service, slo["name"]) for service, spec in everything.specs.items() for slo in spec["slos"])
    refused = sorted(m for m in messages(everything) if ": SLO " in m)
    assert len(imported) == 30
    assert len(refused) == 5
    assert [m.split(": ", 1)[0] for m in refused] == [
        "examples/demo-dynamic-burnrate.yaml:20:9",
        "examples/demo-dynamic-burnrate.yaml:53:9",
        "examples/dynamic-burn-rate-latency-native.yaml:22:7",
        "examples/kubernetes/manifests/slos/slo-prometheus-query-errors-with-offset.yaml:14:17",
        "examples/nginx.yaml:32:17",
    ]
    assert "native-histogram latency SLIs (histogram_fraction) are not supported by slogen yet" in refused[2]
    assert "not a series selector slogen reads" in refused[3] and "offset 1m" in refused[3]
    assert 'needs one le="<seconds>" matcher (Pyrra refuses it too)' in refused[4]
    assert "`matchers` list is not part of Pyrra's v1alpha1 Query" in refused[0]


def test_generated_rules_and_tests_pass_promtool(generated):
    result = CliRunner().invoke(main, ["test", "--out", str(generated)])
    assert result.exit_code == 0, result.output
    assert "4 rule file(s) pass promtool check" in result.output


def test_a_ratio_keeps_pyrras_selectors_target_window_and_grouping(everything):
    slo = slo_of(everything, "test-mika", "prometheus-operator-reconcile-errors")
    assert slo == {
        "name": "prometheus-operator-reconcile-errors",
        "objective": 95,
        "period": "14d",
        "group_by": ["controller"],
        "sli": {
            "ratio": {
                "errors": 'prometheus_operator_reconcile_errors_total{job="prometheus-operator"}',
                "total": 'prometheus_operator_reconcile_operations_total{job="prometheus-operator"}',
            }
        },
        "alerting": {"windows": pyrra.pyrra_windows(14 * 86400), "absent": "1m"},
    }


def test_a_latency_on_one_histogram_becomes_a_latency_sli_with_its_threshold(everything):
    assert slo_of(everything, "monitoring", "coredns-request-latency")["sli"] == {
        "latency": {"histogram": 'coredns_dns_request_duration_seconds{job="coredns"}', "threshold": "32ms"}
    }
    assert (
        slo_of(everything, "monitoring", "apiserver-read-resource-request-latency")["sli"]["latency"]["threshold"]
        == "1s"
    )


def test_a_latency_whose_sides_differ_keeps_pyrras_exact_series_as_good_over_total():
    imported = convert_text(
        "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: api, namespace: shop}\n"
        "spec:\n  target: '99'\n  window: 4w\n  indicator:\n    latency:\n"
        '      success: {metric: \'x_bucket{job="a",code="200",le="0.5"}\'}\n'
        "      total: {metric: 'x_count{job=\"a\"}'}\n"
    )
    assert imported.specs["shop"]["slos"][0]["sli"] == {
        "ratio": {"good": 'x_bucket{job="a", code="200", le="0.5"}', "total": 'x_count{job="a"}'}
    }


@pytest.mark.parametrize("window", ["28d", "30d", "14d", "7d", "90d"])
def test_the_burn_pairs_are_pyrras_own_for_the_slo_window(window):
    """Pyrra's pairs, as bench/shapes/pyrra.py reproduces them from Pyrra's rules.go and proves against Pyrra's
    test table: same windows, and slogen's factor reads back as Pyrra's 14, 7, 2 and 1."""
    from bench.shapes.pyrra import _Objective
    from generator.burnrate import BurnWindow
    from generator.durations import parse_duration

    document = {
        "metadata": {"name": "x"},
        "spec": {
            "target": "99",
            "window": window,
            "indicator": {"ratio": {"errors": {"metric": "e"}, "total": {"metric": "t"}}},
        },
    }
    period = parse_duration(window)
    expected = [
        (
            "page" if w["severity"] == "critical" else "ticket",
            w["long_ns"] // 10**9,
            w["short_ns"] // 10**9,
            w["factor"],
        )
        for w in _Objective(document).windows()
    ]
    imported = [
        (
            w["severity"],
            parse_duration(w["long"]),
            parse_duration(w["short"]),
            BurnWindow(
                w["severity"], parse_duration(w["long"]), parse_duration(w["short"]), Decimal(str(w["budget"])) / 100
            ).factor(period),
        )
        for w in pyrra.pyrra_windows(period)
    ]
    assert imported == expected


def test_a_bool_gauge_is_a_probe_counting_failed_samples(everything):
    slo = slo_of(everything, "monitoring", "prometheus-availability-dynamic")
    assert slo["sli"] == {"probe": {"success": 'up{job="prometheus-k8s"}', "interval": "1m", "strikes": 3}}
    assert slo["objective"] == 99.9 and slo["period"] == "28d" and slo["alerting"] == {"absent": "2m"}


def test_alert_names_dynamic_burn_rates_and_rule_labels_are_reported_not_dropped(everything):
    found = messages(everything)
    assert any(
        m.startswith("examples/dynamic-burn-rate-ratio.yaml:29:11: spec.alerting.name: alert name")
        and "slogen names this alert ApiserverRequestsDynamicBudgetBurn" in m
        and 'alertname="ApiserverRequestsDynamicErrorBudgetBurn"' in m
        for m in found
    )
    assert any(
        "dynamic-burn-rate-ratio.yaml:30:19: spec.alerting.burnRateType: burnRateType dynamic" in m for m in found
    )
    assert any(
        "apiserver-request-errors.yaml:5:5: metadata.labels: the label set {prometheus: k8s, role: alert-rules}" in m
        and "`targets:` (prometheus-operator)" in m
        for m in found
    )


def test_pyrra_propagated_labels_and_annotations_are_carried_and_silenced_alerting_stays_silent():
    imported = convert_text(
        "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\n"
        "metadata:\n  name: checkout.errors\n  labels: {pyrra.dev/team: payments}\n"
        "  annotations: {pyrra.dev/runbook_url: 'https://runbooks/checkout', other: x}\n"
        "spec:\n  target: '99.5'\n  window: 28d\n  alerting: {burnrates: false, absent: false}\n"
        "  indicator:\n    ratio:\n      errors: {metric: 'e_total{job=\"c\"}'}\n      total: {metric: 't_total{job=\"c\"}'}\n"
    )
    assert imported.left_out == []
    slo = imported.specs["default"]["slos"][0]
    assert slo["name"] == "checkout-errors" and slo["labels"] == {"team": "payments"}
    assert slo["alerting"] == {
        "page": False,
        "ticket": False,
        "annotations": {"runbook_url": "https://runbooks/checkout"},
    }


def test_a_propagated_label_that_is_no_prometheus_label_name_is_reported():
    imported = convert_text(
        "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\n"
        "metadata:\n  name: a\n  labels: {pyrra.dev/team-name: x}\n"
        "spec: {target: '99', window: 28d, indicator: {ratio: {errors: {metric: e_total}, total: {metric: t_total}}}}\n"
    )
    assert "labels" not in imported.specs["default"]["slos"][0]
    assert [(f.line, f.path) for f in imported.left_out] == [(5, "metadata.labels.pyrra.dev/team-name")]
    assert "'team-name' is not a Prometheus label name" in imported.left_out[0].message


@pytest.mark.parametrize(
    ("target", "reason"),
    [("100", "leaves no error budget"), ("0.999", "probably meant as 99.9"), ("high", "is not a percent")],
)
def test_a_target_slogen_cannot_hold_is_refused_with_why(target, reason):
    imported = convert_text(
        "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: a, namespace: n}\n"
        f"spec:\n  target: '{target}'\n  window: 28d\n  indicator:\n"
        "    ratio: {errors: {metric: e_total}, total: {metric: t_total}}\n"
    )
    assert imported.specs == {}
    assert len(imported.left_out) == 1 and reason in imported.left_out[0].message
    assert (imported.left_out[0].line, imported.left_out[0].path) == (5, "spec.target")


def test_the_same_object_twice_is_imported_once():
    text = (
        "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: a, namespace: n}\n"
        "spec: {target: '99', window: 28d, indicator: {ratio: {errors: {metric: e_total}, total: {metric: t_total}}}}\n"
    )
    imported = convert_text(text + "---\n" + text)
    assert len(imported.specs["n"]["slos"]) == 1
    assert imported.left_out[0].line == 8 and "slo.yaml:1 already defines it" in imported.left_out[0].message


def test_a_kubectl_list_is_read_item_by_item():
    imported = convert_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: pyrra.dev/v1alpha1\n  kind: ServiceLevelObjective\n  metadata: {name: a, namespace: n}\n"
        "  spec: {target: '99', window: 28d, indicator: {bool_gauge: {metric: 'up{job=\"x\"}', grouping: [pod]}}}\n"
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n"
    )
    assert imported.specs["n"]["slos"][0]["group_by"] == ["pod"]
    assert [(f.line, f.path) for f in imported.left_out] == [(8, "items[1]")]


def test_other_kinds_in_a_manifest_are_reported():
    imported = convert_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: pyrra}\n")
    assert imported.specs == {}
    assert imported.left_out[0].message.startswith(
        "Deployment was not imported: it is not a Pyrra ServiceLevelObjective"
    )


# Pyrra's recording rule for coredns-response-errors, as slo/rules.go (Objective.Burnrates, ratio indicator) writes
# it: `<total metric without _total>:burnrate<window>`, errors over total, each `sum(rate(…[window]))`, labelled
# with the SLO name and the total selector's equality matchers.
PYRRA_RULES = {
    "groups": [
        {
            "name": "coredns-response-errors",
            "rules": [
                {
                    "record": "coredns_dns_responses:burnrate5m",
                    "expr": 'sum(rate(coredns_dns_responses_total{job="coredns",rcode="SERVFAIL"}[5m]))'
                    ' / sum(rate(coredns_dns_responses_total{job="coredns"}[5m]))',
                    "labels": {"job": "coredns", "slo": "coredns-response-errors"},
                }
            ],
        }
    ]
}


def test_slogens_5m_error_ratio_equals_pyrras_burnrate5m_on_the_same_series(generated, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(generated / "prometheus" / "rules", rules)
    (rules / "pyrra.yml").write_text(yaml.safe_dump(PYRRA_RULES, sort_keys=False), encoding="utf-8")
    series = [
        # 10 responses a minute on two pods, one of them SERVFAIL: 10 %.
        {"series": 'coredns_dns_responses_total{job="coredns", instance="a", rcode="NOERROR"}', "values": "0+5x20"},
        {"series": 'coredns_dns_responses_total{job="coredns", instance="b", rcode="NOERROR"}', "values": "0+4x20"},
        {"series": 'coredns_dns_responses_total{job="coredns", instance="b", rcode="SERVFAIL"}', "values": "0+1x20"},
        # other jobs and other SLOs' series must not count
        {"series": 'coredns_dns_responses_total{job="other", instance="c", rcode="SERVFAIL"}', "values": "0+50x20"},
    ]
    both = (
        'sum(coredns_dns_responses:burnrate5m{slo="coredns-response-errors"})'
        ' - sum(slogen:sli_error:ratio_rate5m{slo="coredns-response-errors"})'
    )
    tests = [
        {
            "interval": "1m",
            "input_series": series,
            "promql_expr_test": [
                # Pyrra's rule gives 10 % (as a float, 0.09999999999999999), and slogen's the same float:
                {"expr": both, "eval_time": f"{minute}m", "exp_samples": [{"labels": "{}", "value": 0}]}
                for minute in (10, 15, 20)
            ]
            + [
                {
                    "expr": 'slogen:sli_error:ratio_rate5m{slo="coredns-response-errors"} > 0.0999',
                    "eval_time": "15m",
                    "exp_samples": [
                        {
                            "labels": 'slogen:sli_error:ratio_rate5m{service="monitoring", slo="coredns-response-errors"}',
                            "value": 0.09999999999999999,
                        }
                    ],
                }
            ],
        }
    ]
    ok, output = run_promtool_test(rules, tests, tmp_path)
    assert ok, output


def test_what_an_slo_left_out_is_noted_in_its_own_namespaces_spec_only(generated: Path):
    """The mimir example's SLO lives in `default`: its left-out labels belong in default.yaml, not in every spec."""
    specs = generated.parent / "specs"
    cited = {
        path.stem: "\n".join(line for line in path.read_text().splitlines() if "# left out:" in line)
        for path in specs.glob("*.yaml")
    }
    mimir_example = "examples/mimir/example-slo.yaml"
    assert [name for name, text in sorted(cited.items()) if mimir_example in text] == ["default"]
