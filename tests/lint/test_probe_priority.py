"""Lint rule probe-priority (generator/lint/probe_priorities.py) and the schema of sli.probe.priorities."""

from generator.findings import ERROR

from .helpers import at, check_text, of_rule, only, spec

CHECKS = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: synthetics
        objective: 99.9
        group_by: [region]
        sli:
          probe:
            success: probe_success{job="synthetics"}
            interval: 15m
            strikes: 2
            priorities:
              - {match: {check: health}, in_every: region, priority: P0}
              - {match: {check: health}, priority: P1}
              - {match: {check: calendar_links}, priority: P2}
    """)


def with_entry(entry: str, text: str = CHECKS) -> str:
    return text + f"          - {entry}\n"


def test_the_bookiji_priorities_pass():
    assert check_text(CHECKS) == []


def test_in_every_a_match_label_is_an_error_at_in_every():
    finding = only(check_text(with_entry("{match: {check: admin}, in_every: check, priority: P0}")), "probe-priority")
    assert finding.level == ERROR
    assert finding.text() == (
        "spec.yaml:16:47: slos[0].sli.probe.priorities[3].in_every: in_every: check is also a match label, so every "
        "check the entry sees is the one it matches; name the label whose values must all fail (such as region), or "
        "drop in_every"
    )


def test_a_duplicate_entry_never_fires():
    text = with_entry("{match: {check: health}, in_every: region, priority: P1}")
    finding = only(check_text(text), "probe-priority")
    assert (at(finding), finding.message) == (
        "spec.yaml:16:13",
        "this entry never fires: priorities[0] is the same entry and takes its series first; drop one of them",
    )


def test_an_entry_behind_a_broader_per_series_entry_never_fires():
    text = with_entry("{match: {check: health, region: us-east}, priority: P0}")
    finding = only(check_text(text), "probe-priority")
    assert finding.path == "slos[0].sli.probe.priorities[3]"
    assert finding.message == (
        "this entry never fires: priorities[1] ({check: health}) takes every series it matches first; drop it, or "
        "move it before that broader entry"
    )


def test_an_in_every_entry_does_not_shadow_the_per_series_entry_after_it():
    """priorities[1] repeats priorities[0]'s match: it takes the series of health failing in some regions only."""
    assert of_rule(check_text(CHECKS), "probe-priority") == []


def test_a_value_the_selector_excludes_can_never_match():
    text = with_entry(
        "{match: {check: nightly}, priority: P2}",
        CHECKS.replace('probe_success{job="synthetics"}', 'probe_success{job="synthetics", check!="nightly"}'),
    )
    finding = only(check_text(text), "probe-priority")
    assert finding.path == "slos[0].sli.probe.priorities[3].match.check"
    assert finding.message.startswith('the probe selects only probe_success{job="synthetics", check!="nightly"}, never')


def test_in_every_a_label_the_selector_pins_is_an_error():
    text = CHECKS.replace('probe_success{job="synthetics"}', 'probe_success{job="synthetics", region="us-east"}')
    finding = only(check_text(text), "probe-priority")
    assert finding.path == "slos[0].sli.probe.priorities[0].in_every"
    assert finding.message.startswith("the probe selects one region only")


def test_a_label_the_alert_sets_itself_cannot_be_matched():
    finding = only(check_text(with_entry("{match: {severity: critical}, priority: P0}")), "probe-priority")
    assert finding.path == "slos[0].sli.probe.priorities[3].match.severity"


def test_schema_refuses_an_empty_match_and_an_unknown_priority():
    assert [f.path for f in of_rule(check_text(with_entry("{match: {}, priority: P0}")), "schema")] == [
        "slos[0].sli.probe.priorities[3].match"
    ]
    assert [f.path for f in of_rule(check_text(with_entry("{match: {check: x}, priority: P3}")), "schema")] == [
        "slos[0].sli.probe.priorities[3].priority"
    ]
