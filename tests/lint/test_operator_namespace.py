"""Lint rule operator-namespace-label (generator/lint/operator_namespace.py): with the prometheus-operator target,
the PrometheusRules set `namespace` on every alert, so a spec must not group or label alerts by it."""

from generator import pipeline
from generator.targets import RenderOptions

from .helpers import VALID, at, check_text, of_rule, only, write

TARGET = "targets:\n  prometheus-operator: {}\n"
GROUPED = VALID.replace("    objective: 99.9\n", "    objective: 99.9\n    group_by: [region, namespace]\n")


def test_group_by_namespace_is_refused_with_the_target():
    finding = only(check_text(GROUPED + TARGET), "operator-namespace-label")
    assert (at(finding), finding.path) == ("spec.yaml:6:24", "slos[0].group_by[1]")
    assert finding.message.startswith(
        "the prometheus-operator target sets label namespace on every alert to the AlertmanagerConfig's namespace"
    )


def test_alert_labels_with_namespace_are_refused_with_the_target():
    text = VALID.replace("slos:\n", "alerting:\n  labels: {namespace: shop}\nslos:\n") + TARGET
    finding = only(check_text(text), "operator-namespace-label")
    assert finding.path == "alerting.labels.namespace"


def test_without_the_target_namespace_is_an_ordinary_label():
    assert of_rule(check_text(GROUPED), "operator-namespace-label") == []


def test_the_target_chosen_on_the_command_line_refuses_it_too():
    """--target prometheus-operator without a targets section: lint does not know the target, so the target itself
    refuses to render, with the same finding."""
    spec = write("spec.yaml", GROUPED)
    outcome = pipeline.generate([spec], options=RenderOptions(targets=("prometheus-operator",)))
    assert [f.rule for f in outcome.findings] == ["operator-namespace-label"]
    assert not outcome.ok
    assert not any(f.path.endswith(".prometheusrule.yaml") for f in outcome.files)
