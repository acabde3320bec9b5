"""Lint rule freshness-every (generator/lint/freshness_every.py)."""

from generator.findings import ERROR

from .helpers import check_text, of_rule, only, spec

DRILL = spec("""\
    apiVersion: slogen/v1
    service: ops
    slos:
      - name: rollback-drill
        objective: 90
        period: 30d
        sli:
          freshness:
            successes: drills_total{outcome="success"}
            every: 8d
        alerting: {priority: P2}
    """)


def test_a_weekly_drill_over_a_month_passes():
    assert check_text(DRILL) == []


def test_every_as_long_as_the_period_is_an_error_at_every():
    finding = only(check_text(DRILL.replace("period: 30d", "period: 7d")), "freshness-every")
    assert finding.level == ERROR
    assert finding.text().startswith(
        "spec.yaml:10:16: slos[0].sli.freshness.every: every 8d is not shorter than the period 7d:"
    )


def test_a_counter_judged_over_less_than_five_minutes_is_an_error():
    finding = only(check_text(DRILL.replace("every: 8d", "every: 2m")), "freshness-every")
    assert "increase() over it sees too few scrapes" in finding.text()


def test_a_gauge_may_be_judged_over_minutes():
    text = DRILL.replace("successes: drills_total", "last_success: drill_last_success_seconds").replace("8d", "2m")
    assert of_rule(check_text(text), "freshness-every") == []


def test_the_schema_refuses_both_forms_at_once():
    text = DRILL.replace("every: 8d", "every: 8d\n        last_success: drill_last_success_seconds")
    assert any("exactly one of last_success" in f.text() for f in check_text(text)), [
        f.text() for f in check_text(text)
    ]
