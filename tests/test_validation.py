"""Every validation rule: a failing spec reported at its exact file:line:col with a message that says what to
do, and a passing spec. Checked through generator.pipeline.check and through `slogen validate`."""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import pipeline
from generator.cli import main
from generator.findings import ERROR, WARNING

FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Findings name files relative to the working directory; run where the specs are."""
    monkeypatch.chdir(tmp_path)


def spec(text: str) -> str:
    return textwrap.dedent(text)


def block(text: str, indent: int) -> str:
    """A YAML fragment to append, placed at an absolute indentation (4 = inside a slos/alerts item)."""
    return textwrap.indent(textwrap.dedent(text), " " * indent)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(*paths: Path):
    return pipeline.check(list(paths)).findings


def check_text(text: str, name: str = "spec.yaml"):
    return check(write(name, text))


def of_rule(findings, rule: str):
    return [f for f in findings if f.rule == rule]


def at(finding) -> str:
    return f"{finding.file}:{finding.line}:{finding.column}"


def only(findings, rule: str):
    """The single finding of `rule`, and no other errors (so the spec isolates the rule)."""
    matching = of_rule(findings, rule)
    assert len(matching) == 1, [f.text() for f in findings]
    others = [f for f in findings if f.level == ERROR and f.rule != rule]
    assert not others, [f.text() for f in others]
    return matching[0]


def cli(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


VALID = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objective: 99.9
        sli:
          ratio:
            errors: x{code=~"5.."}
            total: x
    """)


def test_valid_spec_has_no_findings():
    assert check_text(VALID) == []


def test_valid_spec_cli_exit_0():
    write("spec.yaml", VALID)
    result = cli("validate", "spec.yaml")
    assert result.exit_code == 0
    assert "1 service(s), 1 SLO(s) valid" in result.stderr


# ==== schema ========================================================================================

OBJECTIVE_120 = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objective: 120
        sli:
          ratio:
            errors: x{code=~"5.."}
            total: x
    """)


def test_schema_objective_above_100():
    finding = only(check_text(OBJECTIVE_120), "schema")
    assert finding.text() == "spec.yaml:5:16: slos[0].objective: 120 is above 100 (objective is a percent in (0, 100])"


def test_schema_objective_zero_is_not_above_the_minimum():
    finding = only(check_text(OBJECTIVE_120.replace("120", "0")), "schema")
    assert at(finding) == "spec.yaml:5:16"
    assert "0 is not above 0" in finding.message and "objective is a percent in (0, 100]" in finding.message


def test_schema_objective_as_string_is_a_type_error():
    finding = only(check_text(OBJECTIVE_120.replace("120", '"99.9%"')), "schema")
    assert at(finding) == "spec.yaml:5:16"
    assert finding.message.startswith('"99.9%" is a string, expected number')


UNKNOWN_FIELD = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objectve: 99.9
        sli:
          ratio:
            errors: x{code=~"5.."}
            total: x
    """)


def test_schema_unknown_field_suggests_the_closest_name():
    finding = only(check_text(UNKNOWN_FIELD), "schema")
    assert (finding.file, finding.line, finding.path) == ("spec.yaml", 5, "slos[0].objectve")
    assert finding.message == "unknown field 'objectve'; did you mean 'objective'?"


def test_schema_unknown_field_without_a_close_match_lists_the_known_fields():
    finding = only(check_text(VALID + "colour: blue\n"), "schema")
    assert (finding.line, finding.path) == (10, "colour")
    assert "unknown field 'colour'; known fields: alerting, alerts, apiVersion" in finding.message


def test_schema_unknown_field_is_reported_at_its_key():
    finding = only(check_text(VALID + "    alertng:\n      page: false\n"), "schema")
    assert "did you mean 'alerting'?" in finding.message
    assert at(finding) == "spec.yaml:10:5"


BAD_DURATION = spec("""\
    apiVersion: slogen/v1
    service: checkout
    period: 30days
    slos:
      - name: avail
        objective: 99.9
        sli:
          ratio: {errors: x, total: y}
    """)


def test_schema_bad_duration():
    finding = only(check_text(BAD_DURATION), "schema")
    assert finding.text() == ('spec.yaml:3:9: period: "30days" is not valid '
                              "(use a Prometheus duration such as 30s, 5m, 1h, 28d)")


def test_schema_good_duration():
    assert check_text(BAD_DURATION.replace("30days", "28d")) == []


LATENCY_NO_UNIT = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: search-latency
        objective: 99
        sli:
          latency:
            histogram: http_request_duration_seconds{job="checkout"}
            threshold: 250
    """)


def test_schema_latency_without_unit():
    finding = only(check_text(LATENCY_NO_UNIT), "schema")
    assert finding.text() == ("spec.yaml:9:20: slos[0].sli.latency.threshold: 250 is a number, expected string "
                              "(use a latency with a unit, such as 250ms or 1.2s)")


def test_schema_latency_quoted_without_unit():
    finding = only(check_text(LATENCY_NO_UNIT.replace("250", '"250"')), "schema")
    assert at(finding) == "spec.yaml:9:20"
    assert finding.message == '"250" is not valid (use a latency with a unit, such as 250ms or 1.2s)'


def test_schema_latency_with_unit():
    assert check_text(LATENCY_NO_UNIT.replace("250", "250ms")) == []


BAD_SEVERITY = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos: []
    alerts:
      - name: DLQNotEmpty
        zero_tolerance:
          counter: dlq_messages_total{job="checkout"}
        severity: critical
    """)


def test_schema_bad_severity():
    finding = only(check_text(BAD_SEVERITY), "schema")
    assert finding.text() == 'spec.yaml:8:15: alerts[0].severity: "critical" is not valid (severity is page or ticket)'


def test_schema_bad_severity_in_a_burn_window():
    text = VALID + "    alerting:\n      windows:\n        - {severity: urgent, long: 1h, short: 5m, budget: 2}\n"
    finding = only(check_text(text), "schema")
    assert at(finding) == "spec.yaml:12:22"
    assert finding.path == "slos[0].alerting.windows[0].severity"
    assert "severity is page or ticket" in finding.message


def test_schema_good_severity():
    assert check_text(BAD_SEVERITY.replace("critical", "ticket")) == []


SLI_TWO_KINDS = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objective: 99
        sli:
          ratio:
            errors: x
            total: y
          latency:
            histogram: h
            threshold: 250ms
    """)


def test_schema_sli_with_two_kinds():
    finding = only(check_text(SLI_TWO_KINDS), "schema")
    assert finding.text() == ("spec.yaml:7:7: slos[0].sli: has 2 entries (latency, ratio), expected one "
                              "(an sli has exactly one of ratio, latency or probe)")


def test_schema_sli_with_no_kind():
    text = VALID.replace('      ratio:\n        errors: x{code=~"5.."}\n        total: x\n', "").replace("sli:", "sli: {}")
    finding = only(check_text(text), "schema")
    assert at(finding) == "spec.yaml:6:10"
    assert finding.message == "must not be empty (an sli has exactly one of ratio, latency or probe)"


RATIO_BOTH = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objective: 99
        sli:
          ratio:
            errors: x{code=~"5.."}
            good: x{code=~"2.."}
            total: x
    """)


def test_schema_ratio_with_both_errors_and_good():
    finding = only(check_text(RATIO_BOTH), "schema")
    assert finding.text() == ("spec.yaml:8:9: slos[0].sli.ratio: does not match exactly one form "
                              "(a ratio sli has total and exactly one of errors or good)")


def test_schema_ratio_with_neither_errors_nor_good():
    finding = only(check_text(RATIO_BOTH.replace('        errors: x{code=~"5.."}\n', "")
                              .replace('        good: x{code=~"2.."}\n', "")), "schema")
    assert at(finding) == "spec.yaml:8:9"
    assert "a ratio sli has total and exactly one of errors or good" in finding.message


def test_schema_ratio_with_good_only():
    assert check_text(RATIO_BOTH.replace('        errors: x{code=~"5.."}\n', "")) == []


def test_schema_wrong_api_version():
    finding = only(check_text(VALID.replace("slogen/v1", "slogen/v2")), "schema")
    assert finding.text() == 'spec.yaml:1:13: apiVersion: "slogen/v2" is not valid (set apiVersion: slogen/v1)'


def test_schema_missing_required_field():
    finding = only(check_text(VALID.replace("service: checkout\n", "")), "schema")
    assert finding.text() == "spec.yaml:1:1: (document): missing required field 'service'"


def test_schema_bad_service_slug():
    finding = only(check_text(VALID.replace("service: checkout", "service: Checkout_API")), "schema")
    assert at(finding) == "spec.yaml:2:10"
    assert "use lower-case letters, digits and dashes" in finding.message


def test_schema_alert_with_two_conditions():
    text = BAD_SEVERITY.replace("critical", "page").replace("    severity:", "    expr: up == 0\n    severity:")
    finding = only(check_text(text), "schema")
    assert at(finding) == "spec.yaml:5:5"
    assert finding.message == "does not match exactly one form (an alert has exactly one of expr, quantile or zero_tolerance)"


def test_schema_reports_every_error_in_a_file():
    text = OBJECTIVE_120.replace("slogen/v1", "slogen/v2").replace("name: avail", "name: Avail")
    findings = check_text(text)
    assert [at(f) for f in findings] == ["spec.yaml:1:13", "spec.yaml:4:11", "spec.yaml:5:16"]
    assert {f.rule for f in findings} == {"schema"}


SCHEMA_CASES = {
    "objective-120": (OBJECTIVE_120, "spec.yaml:5:16: slos[0].objective: 120 is above 100"),
    "unknown-field": (UNKNOWN_FIELD, "did you mean 'objective'?"),
    "bad-duration": (BAD_DURATION, 'spec.yaml:3:9: period: "30days" is not valid'),
    "latency-no-unit": (LATENCY_NO_UNIT, "spec.yaml:9:20: slos[0].sli.latency.threshold: 250 is a number"),
    "bad-severity": (BAD_SEVERITY, "spec.yaml:8:15: alerts[0].severity:"),
    "sli-two-kinds": (SLI_TWO_KINDS, "spec.yaml:7:7: slos[0].sli: has 2 entries"),
    "ratio-both": (RATIO_BOTH, "spec.yaml:8:9: slos[0].sli.ratio: does not match exactly one form"),
    "api-version": (VALID.replace("slogen/v1", "slogen/v2"), "spec.yaml:1:13: apiVersion:"),
}


@pytest.mark.parametrize("case", sorted(SCHEMA_CASES))
def test_schema_errors_through_the_cli(case):
    text, expected = SCHEMA_CASES[case]
    write("spec.yaml", text)
    result = cli("validate", "spec.yaml")
    assert result.exit_code == 1
    assert expected in result.stdout
    assert "slogen: 1 error(s), 0 warning(s)" in result.stderr


# ==== duplicate-slo-name ============================================================================

DUPLICATE_SLO = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objective: 99.9
        sli:
          ratio: {errors: x, total: y}
      - name: avail
        objective: 99
        sli:
          ratio: {errors: x, total: y}
    """)


def test_duplicate_slo_name_in_one_file():
    finding = only(check_text(DUPLICATE_SLO), "duplicate-slo-name")
    assert finding.text() == ("spec.yaml:8:11: slos[1].name: SLO 'avail' of service 'checkout' is already declared "
                              "at spec.yaml:4:5; rename one of them")


def test_distinct_slo_names_pass():
    assert check_text(DUPLICATE_SLO.replace("  - name: avail\n    objective: 99\n", "  - name: avail-loose\n    objective: 99\n")) == []


def test_duplicate_slo_name_across_two_files_of_one_service():
    one = VALID
    write("specs/a.yaml", one)
    write("specs/b.yaml", one.replace("objective: 99.9", "objective: 99"))
    finding = only(check(Path("specs")), "duplicate-slo-name")
    assert finding.text() == ("specs/b.yaml:4:11: slos[0].name: SLO 'avail' of service 'checkout' is already "
                              "declared at specs/a.yaml:4:5; rename one of them")


def test_same_slo_name_in_two_services_passes():
    write("specs/a.yaml", VALID)
    write("specs/b.yaml", VALID.replace("service: checkout", "service: search"))
    assert check(Path("specs")) == []


PERCENTILE_COLLISION = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: pay-latency
        sli:
          latency:
            histogram: http_request_duration_seconds{route="/pay"}
        percentiles: {p95: 700ms, p99: 1.2s}
      - name: pay-latency-p99
        objective: 99
        sli:
          latency:
            histogram: http_request_duration_seconds{route="/pay"}
            threshold: 1s
    """)


def test_duplicate_slo_name_from_percentiles_expansion():
    finding = only(check_text(PERCENTILE_COLLISION), "duplicate-slo-name")
    assert finding.text() == ("spec.yaml:9:11: slos[1].name: SLO 'pay-latency-p99' of service 'checkout' is already "
                              "declared at spec.yaml:8:36; rename one of them")


def test_dotted_percentile_expands_with_a_dash_and_collides():
    text = PERCENTILE_COLLISION.replace("p99: 1.2s", "p99.9: 1.2s").replace("name: pay-latency-p99", "name: pay-latency-p99-9")
    finding = only(check_text(text), "duplicate-slo-name")
    assert "SLO 'pay-latency-p99-9'" in finding.message


def test_percentiles_expansion_without_collision_passes():
    assert check_text(PERCENTILE_COLLISION.replace("name: pay-latency-p99", "name: pay-latency-max")) == []


# ==== duplicate-alert-name ==========================================================================

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
    assert finding.text() == ("spec.yaml:8:11: alerts[1].name: alert name 'DLQNotEmpty' is already used by another "
                              "alert of this service; rename the alert")


def test_alert_name_colliding_with_a_generated_slo_alert():
    text = VALID + "alerts:\n  - name: AvailBudgetBurn\n    zero_tolerance: {counter: y}\n    severity: page\n"
    finding = only(check_text(text), "duplicate-alert-name")
    assert finding.text() == ("spec.yaml:11:11: alerts[0].name: alert name 'AvailBudgetBurn' is already used by "
                              "SLO avail; rename the alert")


def test_distinct_alert_names_pass():
    assert check_text(DUPLICATE_ALERT.replace("name: DLQNotEmpty\n    zero_tolerance: {counter: dlq_retries",
                                              "name: DLQRetrying\n    zero_tolerance: {counter: dlq_retries")) == []


# ==== slo-target =====================================================================================

def test_objective_100_says_use_zero_tolerance():
    finding = only(check_text(VALID.replace("99.9", "100")), "slo-target")
    assert finding.text() == ("spec.yaml:5:16: slos[0].objective: objective 100 leaves a zero error budget, so burn "
                              "rates are undefined; use a zero_tolerance alert for events that must never happen")


MISSING_OBJECTIVE = VALID.replace("    objective: 99.9\n", "")


def test_missing_objective():
    finding = only(check_text(MISSING_OBJECTIVE), "slo-target")
    assert finding.text() == ("spec.yaml:4:5: slos[0].objective: missing objective; give the target as a percent, "
                              "such as objective: 99.9")


def test_missing_objective_is_reported_once():
    findings = check_text(MISSING_OBJECTIVE)
    assert [f.rule for f in findings] == ["slo-target"]


def test_latency_without_threshold():
    text = LATENCY_NO_UNIT.replace("        threshold: 250\n", "")
    finding = only(check_text(text), "slo-target")
    assert finding.text() == ("spec.yaml:8:9: slos[0].sli.latency: missing threshold; give sli.latency.threshold "
                              "(such as 250ms) or percentiles such as {p95: 700ms}")


PERCENTILES_WITH_OBJECTIVE = PERCENTILE_COLLISION.split("  - name: pay-latency-p99")[0].replace(
    "name: pay-latency\n", "name: pay-latency\n    objective: 99\n")
PERCENTILES_WITH_THRESHOLD = PERCENTILE_COLLISION.split("  - name: pay-latency-p99")[0].replace(
    'route="/pay"}\n', 'route="/pay"}\n        threshold: 1s\n')
PERCENTILES_ON_RATIO = MISSING_OBJECTIVE + "    percentiles: {p95: 700ms}\n"


def test_objective_and_percentiles_both_given():
    findings = of_rule(check_text(PERCENTILES_WITH_OBJECTIVE), "slo-target")
    assert findings and all(f.file == "spec.yaml" and f.level == ERROR for f in findings)
    assert findings[0].message == ("objective and percentiles both given; percentiles set their own objectives "
                                   "(p95 → 95 %), so drop objective")


def test_threshold_and_percentiles_both_given():
    findings = of_rule(check_text(PERCENTILES_WITH_THRESHOLD), "slo-target")
    assert findings and all(f.file == "spec.yaml" and f.level == ERROR for f in findings)
    assert findings[0].message == ("threshold and percentiles both given; percentiles carry their own thresholds, "
                                   "so drop threshold")


def test_percentiles_on_a_ratio_sli():
    finding = only(check_text(PERCENTILES_ON_RATIO), "slo-target")
    assert finding.message == "percentiles need a latency sli; use objective for ratio SLIs"


@pytest.mark.parametrize("text, expected", [
    (PERCENTILES_WITH_OBJECTIVE, "spec.yaml:5:16: slos[0].objective: objective and percentiles both given"),
    (PERCENTILES_WITH_THRESHOLD, "spec.yaml:8:20: slos[0].sli.latency.threshold: threshold and percentiles both given"),
    (PERCENTILES_ON_RATIO, "spec.yaml:9:18: slos[0].percentiles: percentiles need a latency sli"),
], ids=["objective", "threshold", "ratio"])
def test_percentile_conflicts_are_reported_once_at_the_offending_field(text, expected):
    findings = of_rule(check_text(text), "slo-target")
    assert len(findings) == 1
    assert findings[0].text().startswith(expected)


def test_percentiles_alone_pass():
    text = PERCENTILE_COLLISION.split("  - name: pay-latency-p99")[0]
    assert check_text(text) == []


# ==== window-order ===================================================================================

WINDOWS = VALID + block("""\
    alerting:
      windows:
        - {severity: page, long: 1h, short: 1h, budget: 2}
        - {severity: ticket, long: 60d, short: 6h, budget: 10}
    """, 4)


def test_window_short_not_shorter_than_long():
    finding = [f for f in of_rule(check_text(WINDOWS), "window-order") if f.path.endswith("short")][0]
    assert finding.text() == ("spec.yaml:12:45: slos[0].alerting.windows[0].short: short window 1h is not shorter "
                              "than long window 1h; the short window confirms the burn is still happening, so make "
                              "it about 1/12 of the long one")


def test_window_long_exceeds_period():
    finding = [f for f in of_rule(check_text(WINDOWS), "window-order") if f.path.endswith("long")][0]
    assert finding.text() == ("spec.yaml:13:36: slos[0].alerting.windows[1].long: long window 60d exceeds the SLO "
                              "period 30d; use a window within the period")


def test_window_short_longer_than_long():
    text = WINDOWS.replace("short: 1h", "short: 2h").replace("long: 60d", "long: 3d")
    finding = only(check_text(text), "window-order")
    assert at(finding) == "spec.yaml:12:45"
    assert "short window 2h is not shorter than long window 1h" in finding.message


def test_well_ordered_windows_pass():
    assert check_text(WINDOWS.replace("short: 1h", "short: 5m").replace("long: 60d", "long: 3d")) == []


PROBE = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: homepage-probe
        objective: 99
        period: 1d
        sli:
          probe:
            success: probe_success{check="homepage"}
            interval: 12h
            strikes: 2
        alerting: {ticket: false}
    """)


def test_probe_interval_times_strikes_not_shorter_than_period():
    finding = only(check_text(PROBE), "window-order")
    assert finding.text() == ("spec.yaml:10:19: slos[0].sli.probe.interval: probe interval × strikes is not shorter "
                              "than the period 1d; probe more often or lengthen the period")


def test_probe_interval_that_fits_passes():
    assert check_text(PROBE.replace("interval: 12h", "interval: 15m")) == []


# ==== burn-window-unreachable ========================================================================

LOW_OBJECTIVE = VALID.replace("99.9", "90")


def test_objective_90_warns_about_the_1h_page_pair():
    findings = check_text(LOW_OBJECTIVE)
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.rule, finding.level, finding.file) == ("burn-window-unreachable", WARNING, "spec.yaml")
    assert finding.message == ("the page pair 1h/5m needs a 14.4× burn, which is 144 % errors for a 90 % objective: "
                               "it can never fire and is skipped; set alerting.windows for this SLO")


def test_unreachable_default_window_is_reported_at_the_objective():
    finding = only(check_text(LOW_OBJECTIVE), "burn-window-unreachable")
    assert (at(finding), finding.path) == ("spec.yaml:5:16", "slos[0].objective")


def test_unreachable_explicit_window_is_reported_at_that_window():
    text = LOW_OBJECTIVE + block("""\
        alerting:
          windows:
            - {severity: page, long: 6h, short: 30m, budget: 5}
            - {severity: page, long: 1h, short: 5m, budget: 2}
        """, 4)
    finding = only(check_text(text), "burn-window-unreachable")
    assert finding.text() == ("spec.yaml:13:11: slos[0].alerting.windows[1]: warning: the page pair 1h/5m needs a "
                              "14.4× burn, which is 144 % errors for a 90 % objective: it can never fire and is "
                              "skipped; set alerting.windows for this SLO")


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
    pairs = {(r["labels"]["long_window"], r["labels"]["short_window"])
             for group in rules["groups"] for r in group["rules"] if "alert" in r and r["alert"] == "AvailBudgetBurn"}
    assert ("1h", "5m") not in pairs
    assert pairs == {("6h", "30m"), ("1d", "2h"), ("3d", "6h")}


def test_objective_999_has_no_unreachable_window():
    assert of_rule(check_text(VALID), "burn-window-unreachable") == []


# ==== promql-selector ================================================================================

def test_bad_selector_is_reported_at_its_spec_line():
    finding = only(check_text(VALID.replace('x{code=~"5.."}', 'x{code=~"5.."')), "promql-selector")
    assert finding.text() == ("spec.yaml:8:17: slos[0].sli.ratio.errors: invalid selector 'x{code=~\"5..\"': "
                              "expected ',' or '}' after a matcher (at character 14)")


def test_expression_instead_of_selector():
    finding = only(check_text(VALID.replace("total: x", "total: rate(x[5m])")), "promql-selector")
    assert at(finding) == "spec.yaml:9:16"
    assert "give a plain series selector, not an expression (at character 5)" in finding.message


def test_bad_regex_in_a_latency_histogram_selector():
    text = LATENCY_NO_UNIT.replace('{job="checkout"}', '{route=~"(pay"}').replace("250", "250ms")
    finding = only(check_text(text), "promql-selector")
    assert at(finding) == "spec.yaml:8:20"
    assert "invalid regular expression '(pay'" in finding.message


def test_bad_selector_in_a_zero_tolerance_alert():
    finding = only(check_text(BAD_SEVERITY.replace("critical", "page").replace('{job="checkout"}', "{job=checkout}")),
                   "promql-selector")
    assert at(finding) == "spec.yaml:7:16"
    assert finding.path == "alerts[0].zero_tolerance.counter"
    assert "expected a quoted label value" in finding.message


def test_valid_selectors_pass():
    assert of_rule(check_text(VALID), "promql-selector") == []


# ==== latency-bucket =================================================================================

BUCKETS = spec("""\
    apiVersion: slogen/v1
    service: checkout
    histograms:
      http_request_duration_seconds: [100ms, 250ms, 500ms, 1s]
    slos:
      - name: search-latency
        objective: 99
        sli:
          latency:
            histogram: http_request_duration_seconds{job="checkout"}
            threshold: 300ms
    """)


def test_threshold_not_a_declared_bucket():
    finding = only(check_text(BUCKETS), "latency-bucket")
    assert finding.text() == ("spec.yaml:11:20: slos[0].sli.latency.threshold: threshold 0.3s is not a bucket "
                              "boundary of http_request_duration_seconds (0.1s, 0.25s, 0.5s, 1s); pick one of them "
                              "or add the bucket")


@pytest.mark.parametrize("threshold", ["250ms", "0.25s", "1s", "1000ms"])
def test_threshold_on_a_declared_bucket_passes(threshold):
    assert check_text(BUCKETS.replace("300ms", threshold)) == []


def test_percentile_threshold_not_a_declared_bucket():
    text = BUCKETS.replace("    objective: 99\n", "").replace("        threshold: 300ms\n", "    percentiles: {p95: 300ms}\n")
    finding = only(check_text(text), "latency-bucket")
    assert at(finding) == "spec.yaml:10:24"
    assert "threshold 0.3s is not a bucket boundary" in finding.message


def test_undeclared_histogram_is_not_checked():
    assert check_text(BUCKETS.replace("  http_request_duration_seconds: [", "  other_seconds: [")) == []


# ==== service-conflict ===============================================================================

def test_service_conflict_across_files():
    write("specs/a.yaml", BAD_DURATION.replace("30days", "30d"))
    write("specs/b.yaml", BAD_DURATION.replace("30days", "28d").replace("name: avail", "name: latency"))
    finding = only(check(Path("specs")), "service-conflict")
    assert finding.text() == ("specs/b.yaml:3:9: period: service 'checkout' sets period differently in specs/a.yaml; "
                              "set it in one file only")


def test_service_labels_conflict():
    write("specs/a.yaml", VALID.replace("slos:", "labels: {team: payments}\nslos:"))
    write("specs/b.yaml", VALID.replace("slos:", "labels: {team: search}\nslos:").replace("name: avail", "name: other"))
    finding = only(check(Path("specs")), "service-conflict")
    assert (at(finding), finding.path) == ("specs/b.yaml:3:9", "labels")


def test_identical_or_single_service_settings_pass():
    write("specs/a.yaml", BAD_DURATION.replace("30days", "30d"))
    write("specs/b.yaml", BAD_DURATION.replace("30days", "30d").replace("name: avail", "name: latency"))
    write("specs/c.yaml", VALID.replace("name: avail", "name: third"))
    assert check(Path("specs")) == []


# ==== expr-alert-untested ============================================================================

EXPR_ALERT = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos: []
    alerts:
      - name: DLQNotEmpty
        expr: max(outbox_dlq_depth{job="checkout"}) > 0
        severity: page
    """)


def test_expr_alert_without_test_warns():
    findings = check_text(EXPR_ALERT)
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.rule, finding.level) == ("expr-alert-untested", WARNING)
    assert finding.text() == ("spec.yaml:6:11: alerts[0].expr: warning: alert DLQNotEmpty has no test block, so the "
                              "generated promtool tests cannot prove it fires; add test: {series: [...], holds_from: ...}")


def test_expr_alert_warning_keeps_exit_code_0():
    write("spec.yaml", EXPR_ALERT)
    assert cli("validate", "spec.yaml").exit_code == 0


def test_expr_alert_with_test_passes():
    text = EXPR_ALERT + block("""\
        test:
          series:
            - {series: 'outbox_dlq_depth{job="checkout"}', values: '0x10 5x20'}
          holds_from: 11m
        """, 4)
    assert check_text(text) == []


# ==== promql-expr ====================================================================================

def test_broken_promql_is_reported_at_the_spec_line_of_expr():
    findings = check_text(EXPR_ALERT.replace('max(outbox_dlq_depth{job="checkout"}) > 0', "sum(rate(x[5m])"))
    finding = only(findings, "promql-expr")
    assert finding.file == "spec.yaml"  # not a generated rules file
    assert at(finding) == "spec.yaml:6:11"
    assert finding.path == "alerts[0].expr"
    assert finding.message.startswith("PromQL does not parse: ")
    assert "unclosed left parenthesis" in finding.message


def test_broken_promql_in_the_second_alert_points_at_the_second_alert():
    text = EXPR_ALERT + "  - name: Broken\n    expr: rate(x[5m]\n    severity: ticket\n"
    finding = only(check_text(text), "promql-expr")
    assert (at(finding), finding.path) == ("spec.yaml:9:11", "alerts[1].expr")


def test_broken_dashboard_query_is_reported_at_its_spec_line():
    text = VALID + block("""\
        dashboard:
          rows:
            - title: Overview
              panels:
                - title: Errors
                  queries:
                    - expr: sum(rate(x[$__rate_interval]))
                    - expr: sum(rate(x[5m])
        """, 0)
    finding = only(check_text(text), "promql-expr")
    assert (at(finding), finding.path) == ("spec.yaml:17:21", "dashboard.rows[0].panels[0].queries[1].expr")


def test_valid_promql_passes():
    assert of_rule(check_text(EXPR_ALERT), "promql-expr") == []


# ==== crashes on schema-valid input ==================================================================



@pytest.mark.parametrize("text, ok", [
    pytest.param(VALID.replace("slos:", 'period: "0"\nslos:'), False, id="period-0"),
    pytest.param(VALID.replace("slos:", "period: 0s\nslos:"), False, id="period-0s"),
    pytest.param(VALID.replace("slos:", "period: 500ms\nslos:"), False, id="period-500ms"),
    pytest.param(VALID.replace("slos:", "period: 1500ms\nslos:"), False, id="period-1500ms"),
    pytest.param(PROBE.replace("interval: 12h", "interval: 0s"), False, id="probe-interval-0s"),
    pytest.param(VALID + "    alerting: {absent: 0s}\n", False, id="absent-0s"),
    pytest.param(BAD_SEVERITY.replace("critical", "page") + '    for: "0"\n', None, id="for-0"),
    pytest.param(EXPR_ALERT + "    test:\n      series: [{series: x, values: '1'}]\n      holds_from: 0s\n", None,
                 id="holds-from-0s"),
    pytest.param(BAD_SEVERITY.replace("critical", "page") + "    for: 0s\n", True, id="for-0s"),
])
def test_schema_valid_durations_become_findings_not_crashes(text, ok):
    outcome = pipeline.check([write("spec.yaml", text)])
    assert all(f.file == "spec.yaml" for f in outcome.findings)
    if ok is not None:
        assert outcome.ok is ok


def test_schema_valid_zero_period_prints_no_traceback_from_the_real_cli():
    write("spec.yaml", VALID.replace("slos:", "period: 0s\nslos:"))
    result = subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", "validate", "spec.yaml"],
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert "spec.yaml:3:9: period:" in result.stdout


# ==== CLI contract ===================================================================================

def test_issue_example_spec_validates_with_exit_0(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "checkout.yaml")
    result = cli("validate", "checkout.yaml")
    assert result.exit_code == 0
    assert "1 service(s), 5 SLO(s) valid" in result.stderr
    assert pipeline.check([Path("checkout.yaml")]).ok


def test_validate_exit_1_on_invalid():
    write("spec.yaml", OBJECTIVE_120)
    assert cli("validate", "spec.yaml").exit_code == 1


def test_validate_exit_2_on_unknown_option():
    write("spec.yaml", VALID)
    result = cli("validate", "--no-such-option", "spec.yaml")
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.output


def test_validate_exit_2_on_bad_format_choice():
    write("spec.yaml", VALID)
    assert cli("validate", "--format", "xml", "spec.yaml").exit_code == 2


def test_validate_missing_file_exit_1():
    result = cli("validate", "missing.yaml")
    assert result.exit_code == 1
    assert "missing.yaml:1:1: (document): no such file or directory" in result.stdout


def test_validate_json_one_object_per_line():
    write("a.yaml", OBJECTIVE_120)
    write("b.yaml", EXPR_ALERT)
    result = cli("validate", "--format", "json", "a.yaml", "b.yaml")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records == [
        {"file": "a.yaml", "line": 5, "column": 16, "path": "slos[0].objective", "level": "error", "rule": "schema",
         "message": "120 is above 100 (objective is a percent in (0, 100])"},
        {"file": "b.yaml", "line": 6, "column": 11, "path": "alerts[0].expr", "level": "warning",
         "rule": "expr-alert-untested",
         "message": "alert DLQNotEmpty has no test block, so the generated promtool tests cannot prove it fires; "
                    "add test: {series: [...], holds_from: ...}"},
    ]


def test_validate_json_prints_nothing_but_json_on_stdout_when_valid():
    write("spec.yaml", VALID)
    result = cli("validate", "--format", "json", "spec.yaml")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_all_errors_of_a_run_are_reported():
    write("specs/a.yaml", OBJECTIVE_120)
    write("specs/b.yaml", BAD_SEVERITY)
    write("specs/c.yaml", "service: [unclosed\n")
    result = cli("validate", "specs")
    assert result.exit_code == 1
    assert "specs/a.yaml:5:16:" in result.stdout
    assert "specs/b.yaml:8:15:" in result.stdout
    assert "specs/c.yaml:2:1: (document): YAML syntax error" in result.stdout
    assert "slogen: 3 error(s), 0 warning(s)" in result.stderr


def test_lint_still_runs_for_valid_files_when_another_file_is_invalid():
    write("specs/a.yaml", OBJECTIVE_120)
    write("specs/b.yaml", DUPLICATE_SLO.replace("service: checkout", "service: search"))
    rules = {f.rule for f in check(Path("specs"))}
    assert rules == {"schema", "duplicate-slo-name"}


@pytest.mark.parametrize("args", [
    ["validate", "spec.yaml"], ["validate", "--format", "json", "spec.yaml"], ["validate", "nope.yaml"],
    ["validate", "--bogus"], ["generate", "--specs", "spec.yaml", "--out", "out"],
    ["check", "--specs", "spec.yaml", "--out", "out"], ["--help"], ["--version"],
])
def test_no_traceback_in_any_output(args):
    write("spec.yaml", OBJECTIVE_120.replace("objective: 120", "objectve: 1\n    objective: 100"))
    result = cli(*args)
    assert "Traceback" not in result.output
