"""Lint rule absent-expect (generator/lint/absent_expect.py) and the schema of `alerting.absent: {for, expect}`."""

from .helpers import VALID, at, block, check_text, of_rule, only

REGIONAL = VALID.replace("objective: 99.9\n", "objective: 99.9\n    group_by: [region]\n")


def test_expect_on_a_label_outside_group_by_is_an_error_at_the_label():
    text = VALID + block("alerting:\n  absent: {for: 1h, expect: {region: [us, eu]}}\n", 4)
    finding = only(check_text(text), "absent-expect")
    assert (finding.path, finding.level) == ("slos[0].alerting.absent.expect.region", "error")
    assert at(finding).startswith("spec.yaml:11:")
    assert finding.message == (
        "SLO avail expects values of region, which is not in its group_by []; add region to group_by or drop it "
        "from absent.expect"
    )


def test_a_value_the_selector_rules_out_is_an_error():
    text = REGIONAL.replace("total: x", 'total: x{region=~"us|eu"}') + block(
        "alerting:\n  absent: {for: 1h, expect: {region: [us, ap]}}\n", 4
    )
    finding = only(check_text(text), "absent-expect")
    assert finding.message == (
        'SLO avail expects region=ap, but its selector\'s region=~"us|eu" never selects it, so that group would '
        "ticket forever; drop the value or widen the selector"
    )


def test_expected_group_by_values_pass_and_the_duration_form_stays_valid():
    per_group = REGIONAL + block("alerting:\n  absent: {for: 1h, expect: {region: [us, eu]}}\n", 4)
    assert of_rule(check_text(per_group), "absent-expect") == []
    assert [f for f in check_text(VALID + block("alerting:\n  absent: 1h\n", 4)) if f.level == "error"] == []


def test_schema_refuses_an_expect_without_values_or_a_missing_for():
    empty = REGIONAL + block("alerting:\n  absent: {for: 1h, expect: {region: []}}\n", 4)
    assert of_rule(check_text(empty), "schema")
    no_for = REGIONAL + block("alerting:\n  absent: {expect: {region: [us]}}\n", 4)
    [finding] = of_rule(check_text(no_for), "schema")
    assert "{for: 1h, expect: {region: [us-east, eu-west]}}" in finding.message


def test_an_unparsable_selector_is_reported_once_not_a_crash():
    """The fuzzer's repro: absent.expect beside a selector that does not parse crashed this rule."""
    text = REGIONAL.replace("total: x", 'total: x{job="a"}le=~"\\\\"') + block(
        "alerting:\n  absent: {for: 1h, expect: {region: [us]}}\n", 4
    )
    findings = check_text(text)
    assert of_rule(findings, "absent-expect") == []
    assert of_rule(findings, "promql-selector")
