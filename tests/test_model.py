"""The model answers what each SLO emits: its alerts with their labels, its selectors, its series labels.

Every renderer reads these answers, so they are pinned here for named inputs (the checkout fixture).
"""

import dataclasses
import pickle
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


def test_an_slo_hashes_and_compares_by_its_fields_and_pickles_without_its_cached_hash(checkout):
    """Its hash is kept (renderers cache by SLO); a copy with the same fields is equal and hashes alike, and a
    pickled one leaves its hash to the process that reads it, which hashes strings with another seed."""
    original = slo(checkout, "requests-availability")
    copy = dataclasses.replace(original)
    assert copy == original and hash(copy) == hash(original) and copy is not original
    assert dataclasses.replace(original, objective_percent=original.objective_percent + 1) != original
    assert "_hash" in original.__dict__
    restored = pickle.loads(pickle.dumps(original))
    assert "_hash" not in restored.__dict__ and restored == original and hash(restored) == hash(original)


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


# --- a probe's priorities: one strike alert per entry, first match wins --------------------------------------

PRIORITIES = Path(__file__).parent / "fixtures" / "probe_priorities.yaml"


@pytest.fixture(scope="module")
def synthetics() -> SLO:
    outcome = pipeline.check([PRIORITIES])
    assert outcome.ok and outcome.project is not None, [f.text() for f in outcome.findings]
    return slo(outcome.project, "availability")


def test_each_priorities_entry_is_a_strike_alert_then_one_for_the_rest(synthetics):
    strikes = [a for a in synthetics.alerts if a.kind == "strike"]
    assert {a.name for a in strikes} == {"AvailabilityProbeFailing"}
    assert [(dict(a.labels).get("check"), a.severity, dict(a.labels)["priority"]) for a in strikes] == [
        ("health", "page", "P0"),
        ("health", "page", "P1"),
        ("admin_guard", "page", "P1"),
        ("calendar_links", "ticket", "P2"),
        (None, "page", "P0"),  # alerting.priority: a check added later still alerts
    ]
    # Only entries that can take an alert's series come before it: admin_guard and calendar_links contradict health,
    # and for the rest the health P1 entry takes everything health-in-every-region could.
    assert [[e.index for e in a.earlier] for a in strikes] == [[], [0], [], [], [1, 2, 3]]


def test_a_probe_without_priorities_keeps_its_one_strike_alert(checkout):
    [strike] = [a for a in slo(checkout, "homepage-probe").alerts if a.kind == "strike"]
    assert (strike.entry, strike.earlier, dict(strike.labels)["priority"]) == (None, (), "P1")


def series(check: str, region: str, instance: str = "") -> dict[str, str]:
    labels = {"check": check, "job": "bookiji-synthetics", "region": region}
    return {**labels, "instance": instance} if instance else labels


def fired(slo_: SLO, *struck_or_not: tuple[dict[str, str], bool]) -> list[tuple[str, dict[str, str]]]:
    return [(dict(a.labels)["priority"], labels) for a, labels in slo_.strike_firing(struck_or_not)]


def test_health_down_in_every_region_is_one_p0_for_the_check(synthetics):
    """Checkers in two regions write different instance labels: the entry groups by check, not without region."""
    down = fired(synthetics, (series("health", "us-east", "gha"), True), (series("health", "eu-west", "probe"), True))
    assert down == [("P0", {"check": "health"})]


def test_health_down_in_one_region_is_p1_for_that_series(synthetics):
    us_east = series("health", "us-east")
    assert fired(synthetics, (us_east, True), (series("health", "eu-west"), False)) == [("P1", us_east)]


def test_a_region_that_did_not_report_does_not_count(synthetics):
    assert fired(synthetics, (series("health", "eu-west"), True)) == [("P0", {"check": "health"})]


def test_other_checks_fire_their_own_priority_and_an_unknown_check_the_slos(synthetics):
    checks = [series("calendar_links", "eu-west"), series("admin_guard", "us-east"), series("search", "us-east")]
    assert fired(synthetics, *((s, True) for s in checks)) == [("P1", checks[1]), ("P2", checks[0]), ("P0", checks[2])]


def test_series_that_did_not_strike_fire_nothing(synthetics):
    assert fired(synthetics, *((series(c, "us-east"), False) for c in ("health", "admin_guard"))) == []
