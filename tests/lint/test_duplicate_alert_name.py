"""Lint rule duplicate-alert-name (generator/lint/alert_names.py)."""

from .helpers import VALID, check_text, of_rule, only, spec

DUPLICATE_ALERT = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos: []
    alerts:
      - name: DLQNotEmpty
        zero_tolerance: {counter: dlq_messages_total}
        severity: page
      - name: DLQNotEmpty
        zero_tolerance: {counter: dlq_retries_total}
        severity: ticket
    """)


def test_duplicate_alert_name():
    finding = only(check_text(DUPLICATE_ALERT), "duplicate-alert-name")
    assert finding.text() == (
        "spec.yaml:8:11: alerts[1].name: alert name 'DLQNotEmpty' is already used by another "
        "alert of this service; rename the alert"
    )


def test_alert_name_colliding_with_a_generated_slo_alert():
    text = VALID + "alerts:\n  - name: AvailBudgetBurn\n    zero_tolerance: {counter: y}\n    severity: page\n"
    finding = only(check_text(text), "duplicate-alert-name")
    assert finding.text() == (
        "spec.yaml:11:11: alerts[0].name: alert name 'AvailBudgetBurn' is already used by SLO avail; rename the alert"
    )


def test_distinct_alert_names_pass():
    text = DUPLICATE_ALERT.replace(
        "name: DLQNotEmpty\n    zero_tolerance: {counter: dlq_retries",
        "name: DLQRetrying\n    zero_tolerance: {counter: dlq_retries",
    )
    assert of_rule(check_text(text), "duplicate-alert-name") == []
