"""Lint rule promql-selector (generator/lint/selector_syntax.py)."""

from .helpers import BAD_SEVERITY, LATENCY_NO_UNIT, VALID, at, check_text, of_rule, only


def test_bad_selector_is_reported_at_its_spec_line():
    finding = only(check_text(VALID.replace('x{code=~"5.."}', 'x{code=~"5.."')), "promql-selector")
    assert finding.text() == (
        "spec.yaml:8:17: slos[0].sli.ratio.errors: invalid selector 'x{code=~\"5..\"': "
        "expected ',' or '}' after a matcher (at character 14)"
    )


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
    finding = only(
        check_text(BAD_SEVERITY.replace("critical", "page").replace('{job="checkout"}', "{job=checkout}")),
        "promql-selector",
    )
    assert at(finding) == "spec.yaml:7:16"
    assert finding.path == "alerts[0].zero_tolerance.counter"
    assert "expected a quoted label value" in finding.message


def test_valid_selectors_pass():
    assert of_rule(check_text(VALID), "promql-selector") == []


def test_bad_open_selector_in_a_zero_tolerance_alert():
    counter = 'counter: dlq_messages_total{job="checkout"}\n'
    text = BAD_SEVERITY.replace("critical", "page").replace(counter, f"{counter}      open: dlq_open{{job=checkout}}\n")
    finding = only(check_text(text), "promql-selector")
    assert finding.path == "alerts[0].zero_tolerance.open"
    assert "expected a quoted label value" in finding.message
