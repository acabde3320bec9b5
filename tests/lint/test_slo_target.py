"""Lint rule slo-target (generator/lint/objective.py)."""

import pytest

from generator.findings import ERROR

from .helpers import LATENCY_NO_UNIT, PERCENTILE_COLLISION, VALID, check_text, of_rule, only


def test_objective_100_says_use_zero_tolerance():
    finding = only(check_text(VALID.replace("99.9", "100")), "slo-target")
    assert finding.text() == (
        "spec.yaml:5:16: slos[0].objective: objective 100 leaves a zero error budget, so burn "
        "rates are undefined; use a zero_tolerance alert for events that must never happen"
    )


MISSING_OBJECTIVE = VALID.replace("    objective: 99.9\n", "")


def test_missing_objective():
    finding = only(check_text(MISSING_OBJECTIVE), "slo-target")
    assert finding.text() == (
        "spec.yaml:4:5: slos[0].objective: missing objective; give the target as a percent, such as objective: 99.9"
    )


def test_missing_objective_is_reported_once():
    findings = check_text(MISSING_OBJECTIVE)
    assert [f.rule for f in findings] == ["slo-target"]


def test_latency_without_threshold():
    text = LATENCY_NO_UNIT.replace("        threshold: 250\n", "")
    finding = only(check_text(text), "slo-target")
    assert finding.text() == (
        "spec.yaml:8:9: slos[0].sli.latency: missing threshold; give sli.latency.threshold "
        "(such as 250ms) or percentiles such as {p95: 700ms}"
    )


PERCENTILES_WITH_OBJECTIVE = PERCENTILE_COLLISION.split("  - name: pay-latency-p99")[0].replace(
    "name: pay-latency\n", "name: pay-latency\n    objective: 99\n"
)
PERCENTILES_WITH_THRESHOLD = PERCENTILE_COLLISION.split("  - name: pay-latency-p99")[0].replace(
    'route="/pay"}\n', 'route="/pay"}\n        threshold: 1s\n'
)
PERCENTILES_ON_RATIO = MISSING_OBJECTIVE + "    percentiles: {p95: 700ms}\n"


def test_objective_and_percentiles_both_given():
    findings = of_rule(check_text(PERCENTILES_WITH_OBJECTIVE), "slo-target")
    assert findings and all(f.file == "spec.yaml" and f.level == ERROR for f in findings)
    assert findings[0].message == (
        "objective and percentiles both given; percentiles set their own objectives (p95 → 95 %), so drop objective"
    )


def test_threshold_and_percentiles_both_given():
    findings = of_rule(check_text(PERCENTILES_WITH_THRESHOLD), "slo-target")
    assert findings and all(f.file == "spec.yaml" and f.level == ERROR for f in findings)
    assert findings[0].message == (
        "threshold and percentiles both given; percentiles carry their own thresholds, so drop threshold"
    )


def test_percentiles_on_a_ratio_sli():
    finding = only(check_text(PERCENTILES_ON_RATIO), "slo-target")
    assert finding.message == "percentiles need a latency sli; use objective for ratio SLIs"


@pytest.mark.parametrize(
    "text, expected",
    [
        (PERCENTILES_WITH_OBJECTIVE, "spec.yaml:5:16: slos[0].objective: objective and percentiles both given"),
        (
            PERCENTILES_WITH_THRESHOLD,
            "spec.yaml:8:20: slos[0].sli.latency.threshold: threshold and percentiles both given",
        ),
        (PERCENTILES_ON_RATIO, "spec.yaml:9:18: slos[0].percentiles: percentiles need a latency sli"),
    ],
    ids=["objective", "threshold", "ratio"],
)
def test_percentile_conflicts_are_reported_once_at_the_offending_field(text, expected):
    findings = of_rule(check_text(text), "slo-target")
    assert len(findings) == 1
    assert findings[0].text().startswith(expected)


def test_percentiles_alone_pass():
    text = PERCENTILE_COLLISION.split("  - name: pay-latency-p99")[0]
    assert check_text(text) == []


@pytest.mark.parametrize(
    "objective, suggestion", [("0.999", "99.9"), ("0.99", "99"), ("0.9995", "99.95"), ("0.5", "50")]
)
def test_objective_written_as_a_fraction_suggests_the_percent(objective, suggestion):
    findings = check_text(VALID.replace("99.9", objective))
    finding = only(findings, "slo-target")
    assert finding.text() == (
        f"spec.yaml:5:16: slos[0].objective: objective {objective} reads as {objective} %, but objective is "
        f"a percent: did you mean {suggestion}?"
    )
    assert findings == [finding]  # no burn-window warnings about thousands of percent of errors


def test_objective_1_is_refused_without_suggesting_100():
    finding = only(check_text(VALID.replace("99.9", "1")), "slo-target")
    assert finding.message == (
        "objective 1 reads as 1 %, but objective is a percent: give the share of good events, such as 99.9"
    )


def test_objective_just_above_1_passes():
    assert of_rule(check_text(VALID.replace("99.9", "1.5")), "slo-target") == []


PERCENTILES = PERCENTILE_COLLISION.split("  - name: pay-latency-p99")[0]


@pytest.mark.parametrize("key, suggestion", [("p0.99", "p99"), ("p0.95", "p95"), ("p0.999", "p99.9")])
def test_percentile_written_as_a_fraction_suggests_the_percentile(key, suggestion):
    findings = check_text(PERCENTILES.replace("p99:", f"{key}:"))
    finding = only(findings, "slo-target")
    assert (finding.line, finding.path) == (8, f"slos[0].percentiles.{key}")
    assert finding.message == f"percentile {key} sets a {key[1:]} % objective: did you mean {suggestion}?"
    assert findings == [finding]


@pytest.mark.parametrize("key, percent", [("p0", "0"), ("p1", "1"), ("p01", "1")])
def test_percentile_of_1_or_less_is_refused(key, percent):
    finding = only(check_text(PERCENTILES.replace("p99:", f"{key}:")), "slo-target")
    assert finding.message == f"percentile {key} sets a {percent} % objective: name percentiles such as p95 or p99.9"
