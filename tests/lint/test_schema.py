"""Schema findings (generator/schema/): a spec of the wrong shape is reported at file:line:column, with a
message that says what to do, through generator.pipeline.check and through `slogen validate`."""

import pytest

from .helpers import (
    BAD_DURATION,
    BAD_SEVERITY,
    LATENCY_NO_UNIT,
    OBJECTIVE_120,
    VALID,
    at,
    check_text,
    cli,
    only,
    spec,
    write,
)


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


def test_schema_bad_duration():
    finding = only(check_text(BAD_DURATION), "schema")
    assert finding.text() == (
        'spec.yaml:3:9: period: "30days" is not valid (use a Prometheus duration such as 30s, 5m, 1h, 28d)'
    )


def test_schema_good_duration():
    assert check_text(BAD_DURATION.replace("30days", "28d")) == []


def test_schema_latency_without_unit():
    finding = only(check_text(LATENCY_NO_UNIT), "schema")
    assert finding.text() == (
        "spec.yaml:9:20: slos[0].sli.latency.threshold: 250 is a number, expected string "
        "(use a latency with a unit, such as 250ms or 1.2s)"
    )


def test_schema_latency_quoted_without_unit():
    finding = only(check_text(LATENCY_NO_UNIT.replace("250", '"250"')), "schema")
    assert at(finding) == "spec.yaml:9:20"
    assert finding.message == '"250" is not valid (use a latency with a unit, such as 250ms or 1.2s)'


def test_schema_latency_with_unit():
    assert check_text(LATENCY_NO_UNIT.replace("250", "250ms")) == []


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
    assert finding.text() == (
        "spec.yaml:7:7: slos[0].sli: has 2 entries (latency, ratio), expected one "
        "(an sli has exactly one of ratio, latency, value, probe or freshness)"
    )


def test_schema_sli_with_no_kind():
    text = VALID.replace('      ratio:\n        errors: x{code=~"5.."}\n        total: x\n', "").replace(
        "sli:", "sli: {}"
    )
    finding = only(check_text(text), "schema")
    assert at(finding) == "spec.yaml:6:10"
    assert finding.message == "must not be empty (an sli has exactly one of ratio, latency, value, probe or freshness)"


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
    assert finding.text() == (
        "spec.yaml:8:9: slos[0].sli.ratio: does not match exactly one form "
        "(a ratio sli has total and exactly one of errors or good)"
    )


def test_schema_ratio_with_neither_errors_nor_good():
    finding = only(
        check_text(
            RATIO_BOTH.replace('        errors: x{code=~"5.."}\n', "").replace('        good: x{code=~"2.."}\n', "")
        ),
        "schema",
    )
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
    assert (
        finding.message
        == "does not match exactly one form (an alert has exactly one of expr, quantile or zero_tolerance)"
    )


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


@pytest.mark.parametrize(
    "value, message",
    [
        (".nan", "not a number (.nan); write a finite number"),
        (".NaN", "not a number (.nan); write a finite number"),
        (".inf", "infinite (.inf, or too large for a float); write a finite number"),
        ("-.inf", "infinite (-.inf, or too large for a float); write a finite number"),
        ("1.0e+400", "infinite (.inf, or too large for a float); write a finite number"),
    ],
)
def test_schema_objective_not_finite(value, message):
    finding = only(check_text(VALID.replace("99.9", value)), "schema")
    assert finding.text() == f"spec.yaml:5:16: slos[0].objective: {message}"


NON_FINITE_ELSEWHERE = {
    "budget": (
        VALID + "    alerting:\n      windows:\n        - {severity: page, long: 1h, short: 5m, budget: .nan}\n",
        "spec.yaml:12:57: slos[0].alerting.windows[0].budget",
    ),
    "quantile-q": (
        spec("""\
            apiVersion: slogen/v1
            service: checkout
            slos: []
            alerts:
              - name: SlowPay
                quantile: {histogram: 'h{job="x"}', q: .inf, above: 1s}
                severity: page
            """),
        "spec.yaml:6:44: alerts[0].quantile.q",
    ),
    "panel-threshold": (
        VALID + "dashboard:\n  rows:\n    - title: R\n      panels:\n        - title: P\n"
        "          queries: [{expr: up}]\n          thresholds: [{value: -.inf, color: red}]\n",
        "spec.yaml:16:32: dashboard.rows[0].panels[0].thresholds[0].value",
    ),
}


@pytest.mark.parametrize("case", sorted(NON_FINITE_ELSEWHERE))
def test_schema_non_finite_number_anywhere(case):
    text, where = NON_FINITE_ELSEWHERE[case]
    finding = only(check_text(text), "schema")
    assert finding.text().startswith(where + ": ")
    assert finding.message.endswith("; write a finite number")


@pytest.mark.parametrize("command", [["validate", "spec.yaml"], ["generate", "--specs", "spec.yaml", "--out", "out"]])
@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_non_finite_objective_exits_1_without_traceback(command, value):
    write("spec.yaml", VALID.replace("99.9", value))
    result = cli(*command)
    assert result.exit_code == 1
    assert "spec.yaml:5:16: slos[0].objective: " in result.stdout
    assert "finite number" in result.stdout


def test_jsonnet_cannot_produce_a_non_finite_number():
    write("spec.jsonnet", "{apiVersion: 'slogen/v1', service: 'checkout', slos: [{name: 'a', objective: 0/0}]}\n")
    result = cli("validate", "spec.jsonnet")
    assert result.exit_code == 1
    assert "spec.jsonnet:1:" in result.stdout and "Jsonnet error: RUNTIME ERROR: division by zero" in result.stdout
