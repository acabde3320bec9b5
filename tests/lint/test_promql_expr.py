"""Lint rule promql-expr (generator/lint/promql_expr.py): free-form PromQL parses, checked by promtool."""

from .helpers import EXPR_ALERT, VALID, at, block, check_text, of_rule, only


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
    text = VALID + block(
        """\
        dashboard:
          rows:
            - title: Overview
              panels:
                - title: Errors
                  queries:
                    - expr: sum(rate(x[$__rate_interval]))
                    - expr: sum(rate(x[5m])
        """,
        0,
    )
    finding = only(check_text(text), "promql-expr")
    assert (at(finding), finding.path) == ("spec.yaml:17:21", "dashboard.rows[0].panels[0].queries[1].expr")


def test_valid_promql_passes():
    assert of_rule(check_text(EXPR_ALERT), "promql-expr") == []


def test_regex_prometheus_refuses_in_an_expr_is_reported_at_the_spec_line():
    text = EXPR_ALERT.replace('job="checkout"', 'job=~"(?!canary).*"')
    finding = only(check_text(text), "promql-expr")
    assert (at(finding), finding.path) == ("spec.yaml:6:11", "alerts[0].expr")
    assert "invalid or unsupported Perl syntax: `(?!`" in finding.message


def test_regex_prometheus_refuses_in_a_dashboard_query_is_reported_at_its_spec_line():
    text = VALID + block(
        """\
        dashboard:
          rows:
            - title: Overview
              panels:
                - title: Errors
                  queries:
                    - expr: sum(rate(x{code=~"(a)\\\\1"}[$__rate_interval]))
        """,
        0,
    )
    finding = only(check_text(text), "promql-expr")
    assert (at(finding), finding.path) == ("spec.yaml:16:21", "dashboard.rows[0].panels[0].queries[0].expr")
    assert "invalid escape sequence: `\\1`" in finding.message
