"""Lint rule alert-label-value (generator/lint/alert_label_value.py): a label template that prints the alert's value
gives the alert a new identity at every new value, so it flaps; refused where it is written."""

import pytest

from .helpers import VALID, at, block, check_text, of_rule, only

SYMPTOM = VALID + block(
    """\
    alerts:
      - name: QueueDeep
        expr: max(queue_depth) > 100
        severity: ticket
        labels: {depth: '{{ $value }}'}
        annotations: {depth: '{{ $value }}'}
    """,
    0,
)


def test_value_in_an_slo_alert_label_is_an_error_at_the_label():
    text = VALID + block("alerting:\n  labels: {burn: '{{ $value | humanize }}'}\n", 4)
    finding = only(check_text(text), "alert-label-value")
    assert (at(finding), finding.path, finding.level) == ("spec.yaml:11:22", "slos[0].alerting.labels.burn", "error")
    assert finding.message == (
        "label burn: '{{ $value | humanize }}' prints the alert's value: every new value makes a new alert, so it "
        "flaps and never resolves cleanly; move it to an annotation (alerting.annotations, or an alert's annotations)"
    )


@pytest.mark.parametrize("template", ["{{ .Value }}", "{{- $value -}}", '{{ printf "%.0f" $value }}'])
def test_every_form_of_the_value_in_service_labels(template):
    finding = only(check_text(VALID.replace("slos:\n", f"labels: {{v: '{template}'}}\nslos:\n")), "alert-label-value")
    assert finding.path == "labels.v"


def test_a_symptom_alert_label_but_not_its_annotation():
    [finding] = of_rule(check_text(SYMPTOM), "alert-label-value")
    assert finding.path == "alerts[0].labels.depth"


@pytest.mark.parametrize("template", ["{{ $labels.region }}", "value", '{{ "$value" }}x', "{{ $values }}"])
def test_labels_without_the_value_pass(template):
    text = VALID + block(f"alerting:\n  labels: {{x: '{template}'}}\n", 4)
    assert of_rule(check_text(text), "alert-label-value") == []
