"""Lint rule promql-selector (generator/lint/selector_syntax.py)."""

import pytest

from .helpers import BAD_SEVERITY, LATENCY_NO_UNIT, VALID, at, check_text, cli, of_rule, only, spec, write


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


# Prometheus compiles matcher regexes with Go's RE2 syntax; Python's re accepts more (lookarounds, backreferences, \Z).
RE2_REFUSES = {
    "lookahead": ("(?!2)..", "invalid perl operator: (?!"),
    "lookbehind": ("(?<=a)b", "invalid perl operator: (?<"),
    "backreference": ("(a)\\\\1", "invalid escape sequence: \\1"),
    "python-end-anchor": ("5..\\\\Z", "invalid escape sequence: \\Z"),
}


@pytest.mark.parametrize("case", sorted(RE2_REFUSES))
def test_regex_prometheus_refuses_is_reported_at_its_spec_line(case):
    pattern, reason = RE2_REFUSES[case]
    finding = only(check_text(VALID.replace('code=~"5.."', f'code=~"{pattern}"')), "promql-selector")
    assert (at(finding), finding.path) == ("spec.yaml:8:17", "slos[0].sli.ratio.errors")
    assert reason in finding.message
    assert finding.message.endswith(
        "(Prometheus regexes are RE2: no lookahead, lookbehind or backreferences) (at character 3)"
    )


def test_regex_over_re2_repeat_limit_is_refused():
    finding = only(check_text(VALID.replace('code=~"5.."', 'code=~"a{1001}"')), "promql-selector")
    assert finding.message == (
        "invalid selector 'x{code=~\"a{1001}\"}': invalid regular expression 'a{1001}': "
        "invalid repetition size: {1001} (at character 3)"
    )


@pytest.mark.parametrize("op", ["=~", "!~"])
def test_re2_check_covers_both_regex_operators(op):
    finding = only(check_text(VALID.replace('code=~"5.."', f'code{op}"(?!2).."')), "promql-selector")
    assert "invalid perl operator: (?!" in finding.message


PROBE_AND_ALERTS = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: homepage-probe
        objective: 99
        sli:
          probe:
            success: probe_success{check=~"home(?!x)"}
            interval: 1m
    alerts:
      - name: SlowPay
        quantile:
          histogram: http_request_duration_seconds{route=~"/pay(?=x)"}
          q: 0.99
          above: 1s
        severity: ticket
      - name: DLQNotEmpty
        zero_tolerance:
          counter: dlq_messages_total{queue=~"(a)\\\\1"}
          open: dlq_open{queue!~"(?<!b)c"}
        severity: page
    """)


def test_re2_check_covers_probe_quantile_and_zero_tolerance_selectors():
    findings = of_rule(check_text(PROBE_AND_ALERTS), "promql-selector")
    assert [(at(f), f.path) for f in findings] == [
        ("spec.yaml:8:18", "slos[0].sli.probe.success"),
        ("spec.yaml:13:18", "alerts[0].quantile.histogram"),
        ("spec.yaml:19:16", "alerts[1].zero_tolerance.counter"),
        ("spec.yaml:20:13", "alerts[1].zero_tolerance.open"),
    ]


@pytest.mark.parametrize("pattern", ["\\\\pN..", "5..\\\\z", "[[:digit:]]{3}", "(?i)ERROR", "(?P<c>5)..", "(?:2|3).."])
def test_regexes_re2_accepts_pass(pattern):
    assert of_rule(check_text(VALID.replace('code=~"5.."', f'code=~"{pattern}"')), "promql-selector") == []


def test_re2_refused_regex_fails_validate_and_generate_without_traceback():
    text = VALID.replace('code=~"5.."', 'code=~"(?!2).."')
    write("spec.yaml", text)
    for command in (["validate", "spec.yaml"], ["generate", "--specs", "spec.yaml", "--out", "out"]):
        result = cli(*command)
        assert result.exit_code == 1
        assert "spec.yaml:8:17: slos[0].sli.ratio.errors: invalid selector" in result.stdout
