"""Lint rule reserved-label (generator/lint/reserved_labels.py): a spec label that slogen sets itself would be
overwritten without a word, so it is refused where it is written."""

import pytest

from generator import pipeline
from generator.lint import reserved_labels
from generator.render import rules

from .helpers import VALID, at, block, check_text, cli, of_rule, only, write

SLO_ALERTS = VALID + block(
    """\
    alerting:
      labels: {team: payments}
    """,
    4,
)
SYMPTOM = VALID + block(
    """\
    alerts:
      - name: DLQNotEmpty
        zero_tolerance: {counter: dlq_total}
        severity: page
        priority: P0
        labels: {team: payments}
    """,
    0,
)


def test_severity_in_service_wide_alerting_labels():
    text = VALID.replace("slos:\n", "alerting:\n  labels: {severity: critical}\nslos:\n")
    finding = only(check_text(text), "reserved-label")
    assert finding.text() == (
        "spec.yaml:4:12: alerting.labels.severity: label severity is reserved: slogen sets it to page or ticket, "
        "from each burn window (absent and uncomputable tickets are ticket); remove it"
    )


def test_service_in_service_labels_names_the_service():
    finding = only(check_text(VALID.replace("slos:\n", "labels: {service: shop}\nslos:\n")), "reserved-label")
    assert (at(finding), finding.path) == ("spec.yaml:3:10", "labels.service")
    assert finding.message == "label service is reserved: slogen sets it to the spec's service, checkout; remove it"


def test_slo_in_slo_labels():
    text = VALID.replace("    objective: 99.9\n", "    objective: 99.9\n    labels: {slo: availability}\n")
    finding = only(check_text(text), "reserved-label")
    assert (at(finding), finding.path) == ("spec.yaml:6:14", "slos[0].labels.slo")
    assert finding.message == "label slo is reserved: slogen sets it to the SLO's name, avail; remove it"


SLO_ALERT_RESERVED = {
    "service": "the spec's service, checkout",
    "slo": "the SLO's name, avail",
    "severity": "page or ticket, from each burn window (absent and uncomputable tickets are ticket)",
    "priority": "alerting.priority on pages (default P1), P2 on tickets",
    "alertname": "the alert's name",
    "long_window": "the long window of each burn-rate alert",
    "short_window": "the short window of each burn-rate alert",
    "burn_rate": "the burn factor of each burn-rate alert",
}
SYMPTOM_RESERVED = {
    "service": "the spec's service, checkout",
    "severity": "the alert's severity",
    "priority": "the alert's priority (default P1 on pages, P2 on tickets)",
    "alertname": "the alert's name",
}
ALERT_CASES = [("slos[0].alerting", SLO_ALERTS, label, what) for label, what in SLO_ALERT_RESERVED.items()] + [
    ("alerts[0]", SYMPTOM, label, what) for label, what in SYMPTOM_RESERVED.items()
]


@pytest.mark.parametrize("where, text, label, what", ALERT_CASES, ids=[f"{c[0]}.{c[2]}" for c in ALERT_CASES])
def test_reserved_in_alert_labels(where, text, label, what):
    finding = only(check_text(text.replace("team: payments", f"{label}: x")), "reserved-label")
    assert finding.path == f"{where}.labels.{label}"
    assert finding.message == f"label {label} is reserved: slogen sets it to {what}; remove it"


@pytest.mark.parametrize(
    "label, what",
    [
        ("description", "the SLO's description, on slogen:slo:info"),
        ("objective", "the SLO's objective, on slogen:slo:info"),
        ("period", "the SLO's period, on slogen:slo:info"),
        ("sli", "the SLI kind (ratio, latency, value, probe or freshness), on slogen:slo:info"),
        ("runbook_url", "alerting.runbook, on slogen:slo:info"),
    ],
)
def test_info_labels_in_slo_labels(label, what):
    text = VALID.replace("    objective: 99.9\n", f"    objective: 99.9\n    labels: {{{label}: x}}\n")
    finding = only(check_text(text), "reserved-label")
    assert finding.message == f"label {label} is reserved: slogen sets it to {what}; remove it"


def test_service_labels_reach_every_rule_so_every_reserved_name_is_refused():
    labels = "{severity: a, burn_rate: b, objective: c, alertname: d}"
    findings = of_rule(check_text(VALID.replace("slos:\n", f"labels: {labels}\nslos:\n")), "reserved-label")
    assert [f.path for f in findings] == [
        "labels.severity",
        "labels.burn_rate",
        "labels.objective",
        "labels.alertname",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # SLO labels go on the SLO's recorded series only, never on its alerts.
        VALID.replace("    objective: 99.9\n", "    objective: 99.9\n    labels: {severity: x, priority: y}\n"),
        # Symptom alerts carry no slo label: a spec may set one, to group with an SLO in Alertmanager.
        SYMPTOM.replace("team: payments", "slo: avail"),
        SLO_ALERTS,
        SYMPTOM,
    ],
    ids=["slo-labels", "symptom-slo", "slo-alerting", "symptom"],
)
def test_labels_slogen_does_not_set_pass(text):
    assert of_rule(check_text(text), "reserved-label") == []


def test_validate_exits_1():
    write("spec.yaml", VALID.replace("slos:\n", "alerting:\n  labels: {severity: critical}\nslos:\n"))
    result = cli("validate", "spec.yaml")
    assert result.exit_code == 1
    assert "spec.yaml:4:12: alerting.labels.severity: label severity is reserved" in result.stdout


# --- the reserved names are exactly those the model and the rules renderer set ---------------------------------


def _project():
    text = (
        VALID.replace("slos:\n", "labels: {stage: prod}\nslos:\n").replace(
            "    objective: 99.9\n", "    objective: 99.9\n    labels: {team: a}\n"
        )
        + block(
            """\
        alerting: {labels: {tier: one}, absent: 10m, runbook: "https://r.example/x"}
        """,
            4,
        )
        + block(
            """\
        alerts:
          - name: DLQNotEmpty
            zero_tolerance: {counter: dlq_total}
            severity: page
            labels: {owner: b}
        """,
            0,
        )
    )
    outcome = pipeline.check([write("spec.yaml", text)])
    assert outcome.ok, [f.text() for f in outcome.findings]
    return outcome.project


def test_reserved_names_match_what_slogen_sets():
    project = _project()
    (slo,) = project.slos()
    (alert,) = project.alerts()
    written = {"stage", "team", "tier", "owner"}
    slo_alert_labels = {label for a in slo.alerts for label, _value in a.labels} - written
    assert slo_alert_labels | {"alertname"} == set(reserved_labels.SLO_ALERT)
    assert set(alert.rule_labels) - written | {"alertname"} == set(reserved_labels.SYMPTOM)
    info = next(r for r in rules.period_rules(slo) if r.get("record") == "slogen:slo:info")
    # A latency or value SLI's info series also names its histogram and threshold (the detail dashboard reads them).
    assert set(reserved_labels.SLO_SERIES) - (set(info["labels"]) - written) == {"sli_histogram", "sli_threshold"}
    assert set(info["labels"]) - written <= set(reserved_labels.SLO_SERIES)  # dashboard_uid among them
