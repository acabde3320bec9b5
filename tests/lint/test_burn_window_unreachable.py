"""Lint rule burn-window-unreachable (generator/lint/burn_window_unreachable.py)."""

import yaml

from generator.findings import WARNING

from .helpers import VALID, at, block, check_text, cli, of_rule, only, write

LOW_OBJECTIVE = VALID.replace("99.9", "90")


def test_objective_90_warns_about_the_1h_page_pair():
    findings = check_text(LOW_OBJECTIVE)
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.rule, finding.level, finding.file) == ("burn-window-unreachable", WARNING, "spec.yaml")
    assert finding.message == (
        "the page pair 1h/5m needs a 14.4× burn, which is 144 % errors for a 90 % objective: "
        "it can never fire and is skipped; set alerting.windows for this SLO"
    )


def test_unreachable_default_window_is_reported_at_the_objective():
    finding = only(check_text(LOW_OBJECTIVE), "burn-window-unreachable")
    assert (at(finding), finding.path) == ("spec.yaml:5:16", "slos[0].objective")


def test_unreachable_explicit_window_is_reported_at_that_window():
    text = LOW_OBJECTIVE + block(
        """\
        alerting:
          windows:
            - {severity: page, long: 6h, short: 30m, budget: 5}
            - {severity: page, long: 1h, short: 5m, budget: 2}
        """,
        4,
    )
    finding = only(check_text(text), "burn-window-unreachable")
    assert finding.text() == (
        "spec.yaml:13:11: slos[0].alerting.windows[1]: warning: the page pair 1h/5m needs a "
        "14.4× burn, which is 144 % errors for a 90 % objective: it can never fire and is "
        "skipped; set alerting.windows for this SLO"
    )


def test_objective_90_validates_with_exit_0():
    write("spec.yaml", LOW_OBJECTIVE)
    result = cli("validate", "spec.yaml")
    assert result.exit_code == 0
    assert "warning: the page pair 1h/5m" in result.stdout
    assert "slogen: 0 error(s), 1 warning(s)" in result.stderr


def test_objective_90_generates_without_the_1h_page_pair(tmp_path):
    write("spec.yaml", LOW_OBJECTIVE)
    result = cli("generate", "--specs", "spec.yaml", "--out", "out")
    assert result.exit_code == 0
    rules = yaml.safe_load((tmp_path / "out/prometheus/rules/checkout.rules.yml").read_text())
    pairs = {
        (r["labels"]["long_window"], r["labels"]["short_window"])
        for group in rules["groups"]
        for r in group["rules"]
        if "alert" in r and r["alert"] == "AvailBudgetBurn"
    }
    assert ("1h", "5m") not in pairs
    assert pairs == {("6h", "30m"), ("1d", "2h"), ("3d", "6h")}


def test_objective_999_has_no_unreachable_window():
    assert of_rule(check_text(VALID), "burn-window-unreachable") == []
