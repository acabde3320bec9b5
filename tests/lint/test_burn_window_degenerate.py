"""Lint rule burn-window-degenerate (generator/lint/burn_window_degenerate.py)."""

import yaml

from generator.findings import ERROR, WARNING

from .helpers import VALID, at, block, check_text, cli, of_rule, only, spec, write

DAILY_PROBE = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: nightly
        objective: 99
        sli:
          probe:
            success: probe_success{check="nightly"}
            interval: 1d
            strikes: 2
    """)


def test_default_pair_that_reads_one_window_twice_is_skipped_with_a_warning_at_the_interval():
    finding = only(check_text(DAILY_PROBE), "burn-window-degenerate")
    assert finding.level == WARNING
    assert finding.text() == (
        "spec.yaml:9:19: slos[0].sli.probe.interval: warning: the default ticket pair 1d/2h (3×) reads its short window "
        "as the probe interval 1d, the length of its long window: it would test the 1d window twice and no longer "
        "confirm that the burn is still going on, so it is skipped; set alerting.windows to choose pairs whose long "
        "window is at least 2d"
    )


def test_daily_probe_generates_the_3d_1d_ticket_and_not_the_1d_1d_one(tmp_path):
    write("spec.yaml", DAILY_PROBE)
    result = cli("generate", "--specs", "spec.yaml", "--out", "out")
    assert result.exit_code == 0, result.output
    rules = yaml.safe_load((tmp_path / "out/prometheus/rules/checkout.rules.yml").read_text())
    pairs = [
        (r["labels"]["long_window"], r["labels"]["short_window"], r["labels"]["burn_rate"])
        for group in rules["groups"]
        for r in group["rules"]
        if r.get("alert") == "NightlyBudgetBurn"
    ]
    assert pairs == [("3d", "1d", "1")]


def test_written_pair_shorter_than_the_probe_interval_is_an_error_at_its_long_window():
    text = DAILY_PROBE.replace("interval: 1d", "interval: 12h") + block(
        """\
        alerting:
          windows:
            - {severity: ticket, long: 6h, short: 1h, budget: 50}
        """,
        4,
    )
    finding = only(check_text(text), "burn-window-degenerate")
    assert finding.level == ERROR
    assert at(finding) == "spec.yaml:13:36"
    assert finding.message == (
        "the ticket pair 6h/1h (60×) is shorter than the probe interval 12h, so both its windows read 12h: it would test "
        "the 12h window twice and no longer confirm that the burn is still going on; lengthen long to at least 1d "
        "or drop the pair"
    )


def test_default_pairs_of_a_short_period_are_reported_at_the_period():
    text = VALID.replace("objective: 99.9", "objective: 99.9\n    period: 2d")
    findings = of_rule(check_text(text), "burn-window-degenerate")
    assert [(at(f), f.level) for f in findings] == [("spec.yaml:6:13", WARNING)]
    assert findings[0].message.startswith(
        "the default page pair 4m/1m (14.4×) is shorter than the base window 5m, so both its windows read 5m"
    )


def test_service_period_is_where_a_default_pair_degenerates():
    text = VALID.replace("service: checkout\n", "service: checkout\nperiod: 1d\n")
    finding = only(check_text(text), "burn-window-degenerate")
    assert (at(finding), finding.path) == ("spec.yaml:3:9", "period")


def test_probe_pairs_long_enough_pass():
    assert of_rule(check_text(DAILY_PROBE.replace("interval: 1d", "interval: 1h")), "burn-window-degenerate") == []
