"""Lint rule expr-alert-untested (generator/lint/expr_alert_untested.py)."""

from generator.findings import WARNING

from .helpers import EXPR_ALERT, block, check_text, cli, write


def test_expr_alert_without_test_warns():
    findings = check_text(EXPR_ALERT)
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.rule, finding.level) == ("expr-alert-untested", WARNING)
    assert finding.text() == (
        "spec.yaml:6:11: alerts[0].expr: warning: alert DLQNotEmpty has no test block, so the "
        "generated promtool tests cannot prove it fires; add test: {series: [...], holds_from: ...}"
    )


def test_expr_alert_warning_keeps_exit_code_0():
    write("spec.yaml", EXPR_ALERT)
    assert cli("validate", "spec.yaml").exit_code == 0


def test_expr_alert_with_test_passes():
    text = EXPR_ALERT + block(
        """\
        test:
          series:
            - {series: 'outbox_dlq_depth{job="checkout"}', values: '0x10 5x20'}
          holds_from: 11m
        """,
        4,
    )
    assert check_text(text) == []
