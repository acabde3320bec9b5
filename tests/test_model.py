"""The model answers what each SLO emits: its alerts with their labels, its selectors, its series labels.

Every renderer reads these answers, so they are pinned here for named inputs (the checkout fixture).
"""

import textwrap
from pathlib import Path

import pytest

from generator import pipeline
from generator.model import SLO, Project

FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"


@pytest.fixture(scope="module")
def checkout() -> Project:
    outcome = pipeline.check([FIXTURE])
    assert outcome.ok and outcome.project is not None, [f.text() for f in outcome.findings]
    return outcome.project


def slo(project: Project, name: str) -> SLO:
    return next(s for s in project.slos() if s.name == name)


def test_ratio_slo_fires_the_workbook_pairs_with_page_priority_and_p2_tickets(checkout):
    alerts = slo(checkout, "requests-availability").alerts
    assert [
        (a.kind, a.name, a.severity, dict(a.labels)["priority"], dict(a.labels)["long_window"]) for a in alerts
    ] == [
        ("burn", "RequestsAvailabilityBudgetBurn", "page", "P1", "1h"),
        ("burn", "RequestsAvailabilityBudgetBurn", "page", "P1", "6h"),
        ("burn", "RequestsAvailabilityBudgetBurn", "ticket", "P2", "1d"),
        ("burn", "RequestsAvailabilityBudgetBurn", "ticket", "P2", "3d"),
    ]


def test_burn_alert_labels_carry_service_labels_identity_and_window(checkout):
    first = slo(checkout, "requests-availability").alerts[0]
    assert dict(first.labels) == {
        "burn_rate": "14.4",
        "long_window": "1h",
        "priority": "P1",
        "service": "checkout",
        "severity": "page",
        "short_window": "5m",
        "slo": "requests-availability",
        "team": "payments",
        "tier": "1",
    }
    assert [key for key, _value in first.labels] == sorted(key for key, _value in first.labels)


def test_probe_slo_fires_tickets_and_its_strike_page_but_no_absent_alert_unless_asked(checkout):
    alerts = slo(checkout, "homepage-probe").alerts
    assert [(a.kind, a.name, a.severity) for a in alerts] == [
        ("burn", "HomepageProbeBudgetBurn", "ticket"),
        ("burn", "HomepageProbeBudgetBurn", "ticket"),
        ("strike", "HomepageProbeProbeFailing", "page"),
    ]


def shop(tmp_path: Path, slos: str) -> pipeline.Outcome:
    """Check a one-file service `shop` whose SLOs all read x_total; `slos` is the YAML list under `slos:`."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("apiVersion: slogen/v1\nservice: shop\nslos:\n" + textwrap.indent(textwrap.dedent(slos), "  "))
    return pipeline.check([spec])


RATIO = """sli: {ratio: {errors: 'x_total{code="500"}', total: x_total}}"""


def test_absent_alert_is_a_p2_ticket_only_when_configured(tmp_path):
    project = shop(
        tmp_path,
        f"""\
        - name: availability
          objective: 99.9
          {RATIO}
          alerting: {{absent: 15m, priority: P0}}
    """,
    ).project
    [absent] = [a for a in slo(project, "availability").alerts if a.kind == "absent"]
    assert (absent.name, dict(absent.labels)) == (
        "AvailabilitySLIAbsent",
        {"priority": "P2", "service": "shop", "severity": "ticket", "slo": "availability"},
    )
    assert slo(project, "availability").sli.presence == "x_total"


def test_selectors_of_every_sli_kind_and_symptom_alert(checkout):
    texts = [field.text for field in checkout.selector_fields()]
    assert texts == [
        'http_requests_total{job="checkout", code!="429"}',
        'http_requests_total{job="checkout", code=~"5.."}',
        'http_request_duration_seconds{job="checkout", route="/search"}',
        'http_request_duration_seconds{job="checkout", route="/pay"}',
        'http_request_duration_seconds{job="checkout", route="/pay"}',
        'probe_success{job="synthetics", check="homepage"}',
        # symptom alerts: OutboxDLQNotEmpty is free-form PromQL (no selector field); ConfirmP99Slow a quantile
        'http_request_duration_seconds{job="checkout", route="/confirm"}',
    ]


def test_a_value_the_model_cannot_use_hides_no_other_finding(tmp_path, monkeypatch):
    """Two SLOs with unusable values in one file: both are reported, and the valid third SLO is built."""
    monkeypatch.chdir(tmp_path)
    outcome = shop(
        Path("."),
        f"""\
        - name: no-objective
          {RATIO}
        - name: zero-period
          objective: 99
          period: 0s
          {RATIO}
        - name: fine
          objective: 99
          {RATIO}
    """,
    )
    assert [(f.path, f.rule) for f in outcome.findings] == [
        ("slos[0].objective", "slo-target"),
        ("slos[1].period", "duration"),
    ]
    assert outcome.project is not None
    assert [s.name for s in outcome.project.slos()] == ["fine"]
