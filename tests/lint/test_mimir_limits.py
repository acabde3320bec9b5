"""Lint rule mimir-limits (generator/lint/mimir_limits.py, generator/targets/mimir.py): what a Mimir ruler would
refuse is a finding at the spec, with the limit to raise. The Bookiji cases are in tests/test_target_rulers.py."""

from .helpers import FIXTURE, check_text, of_rule

ID = "mimir-limits"


def spec_with(mimir: str) -> str:
    return FIXTURE.read_text() + f"targets:\n  mimir: {mimir}\n"


def test_an_slo_group_above_the_limit_is_reported_at_the_slo():
    findings = of_rule(check_text(spec_with("{max_rules_per_group: 6}")), ID)
    texts = [f.text() for f in findings]
    assert texts and all("slogen does not split it" in text for text in texts)
    first = findings[0]
    assert first.file == "spec.yaml" and first.path.startswith("slos[") and first.line > 1
    size = int(first.message.split(" has ")[1].split(" rules")[0])
    assert size > 6 and f"to at least {size} and set max_rules_per_group to match" in first.message


def test_too_many_groups_is_one_finding_at_the_targets_section():
    [finding] = of_rule(check_text(spec_with("{tenant: shop, max_rule_groups_per_tenant: 1}")), ID)
    assert finding.path == "targets.mimir.max_rule_groups_per_tenant"
    assert finding.line == len(FIXTURE.read_text().splitlines()) + 2
    assert "for tenant 'shop' to at least" in finding.message


def test_no_finding_without_the_section_or_within_the_limits():
    assert of_rule(check_text(FIXTURE.read_text()), ID) == []
    assert of_rule(check_text(spec_with("{}")), ID) == []
