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
