"""Burn-rate windows for periods other than 30 days, and sparse probes (issue 12, items 5 and 7).

Each scenario is a promtool unit test on rules slogen generates from tests/fixtures/periods.yaml (one 99.9 % SLO
per period, default windows) or tests/fixtures/sparse_probe.yaml (a probe that runs once a day). The promises:
no burn alert fires below 1×, whatever the period; the burn factors are the Workbook's 14.4, 6, 3 and 1 for every
period; a daily probe validates, generates and passes its own generated tests, and never gets a pair that reads
one window twice.
"""

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from tests.promtool_harness import FIXTURES, counter, generate, run_promtool_test

TRAFFIC = 600.0  # requests per minute
BUDGET = 0.001  # 99.9 %


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return generate(FIXTURES / "periods.yaml", tmp_path_factory.mktemp("out"))


def series(metric: str, error_ratios: list[float]) -> list[dict]:
    """`metric` at TRAFFIC requests per minute; error_ratios[i] is the error ratio of minute i+1."""
    bad = [TRAFFIC * r for r in error_ratios]
    return [
        {"series": f'{metric}{{job="shop", code="500"}}', "values": counter(bad)},
        {"series": f'{metric}{{job="shop", code="200"}}', "values": counter([TRAFFIC - b for b in bad])},
    ]


def alerts(slo: str, **labels: str) -> str:
    matchers = "".join(f', {key}="{value}"' for key, value in labels.items())
    return f'ALERTS{{service="shop", slo="{slo}"{matchers}}}'


def quiet(expr: str, minutes: int) -> dict:
    return {"expr": expr, "eval_time": f"{minutes}m", "exp_samples": []}


def count_is(expr: str, minutes: int, value: int) -> dict:
    return {"expr": f"count({expr})", "eval_time": f"{minutes}m", "exp_samples": [{"labels": "{}", "value": value}]}


def run(rules, tmp_path, input_series: list[dict], checks: list[dict]) -> None:
    passed, output = run_promtool_test(
        rules, [{"interval": "1m", "input_series": input_series, "promql_expr_test": checks}], tmp_path
    )
    assert passed, output


def steady(burn: float, minutes: int) -> list[float]:
    return [burn * BUDGET] * minutes


# --- no burn alert below 1× -------------------------------------------------------------------------


def test_7d_half_budget_burn_never_alerts(rules, tmp_path):
    """0.5× would exhaust a 7d budget in 14 days: nothing to ticket. (Old fixed windows ticketed at 0.233×.)"""
    minutes = 8 * 60
    checks = [quiet(alerts("avail-7d"), m) for m in range(30, minutes + 1, 30)]
    run(rules, tmp_path, series("week_requests_total", steady(0.5, minutes)), checks)


def test_28d_burn_just_below_1x_never_alerts(rules, tmp_path):
    """0.95× leaves budget at the end of 28 days. (Old fixed windows ticketed at 0.933333×.)"""
    minutes = 8 * 60
    checks = [quiet(alerts("avail-28d"), m) for m in range(30, minutes + 1, 30)]
    run(rules, tmp_path, series("month_requests_total", steady(0.95, minutes)), checks)


# --- the Workbook's factors at every period --------------------------------------------------------------


def test_7d_4x_burn_tickets_twice_and_never_pages(rules, tmp_path):
    """4× is between the 3× and 6× thresholds: both tickets (3× and 1×), no page. (Old fixed windows paged at 3.36×
    and 1.4×.)"""
    minutes = 6 * 60
    checks = [quiet(alerts("avail-7d", alertstate="firing", severity="page"), m) for m in range(10, minutes + 1, 10)]
    checks.append(count_is(alerts("avail-7d", alertstate="firing", severity="ticket"), minutes, 2))
    run(rules, tmp_path, series("week_requests_total", steady(4, minutes)), checks)


def test_7d_total_outage_pages_on_the_scaled_fast_pair_at_14_4x(rules, tmp_path):
    """The 1h/5m page pair scaled to a 7d period is 15m/5m, and it still fires at 14.4×."""
    healthy, outage = 60, 10
    labels = (
        'ALERTS{alertname="Avail7dBudgetBurn", alertstate="firing", burn_rate="14.4", long_window="15m", '
        'priority="P1", service="shop", severity="page", short_window="5m", slo="avail-7d"}'
    )
    checks = [
        quiet(alerts("avail-7d"), healthy),
        {
            "expr": alerts("avail-7d", alertstate="firing", long_window="15m"),
            "eval_time": f"{healthy + 6}m",
            "exp_samples": [{"labels": labels, "value": 1}],
        },
    ]
    ratios = steady(0.1, healthy) + [1.0] * outage
    run(rules, tmp_path, series("week_requests_total", ratios), checks)


def test_90d_double_burn_tickets_on_the_1x_pair(rules, tmp_path):
    """2× exhausts a 90d budget in 45 days: ticket it. (Old fixed windows needed 3× for any ticket on 90d.)"""
    minutes = 3 * 60
    checks = [quiet(alerts("avail-90d", alertstate="firing", severity="page"), m) for m in range(10, minutes + 1, 10)]
    checks.append(
        count_is(alerts("avail-90d", alertstate="firing", severity="ticket", long_window="9d", burn_rate="1"), 60, 1)
    )
    run(rules, tmp_path, series("quarter_requests_total", steady(2, minutes)), checks)


# --- a probe that runs once a day --------------------------------------------------------------------------


def validate_generate_test(spec: str, tmp_path, monkeypatch) -> Path:
    """`slogen validate`, `generate` and `test` on one spec, each of which must pass; returns the output folder."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / spec, "spec.yaml")
    runner = CliRunner()
    validated = runner.invoke(main, ["validate", "spec.yaml"])
    assert validated.exit_code == 0, validated.output
    generated = runner.invoke(main, ["generate", "--specs", "spec.yaml", "--out", "out"])
    assert generated.exit_code == 0, generated.output
    tested = runner.invoke(main, ["test", "--out", "out"])
    assert tested.exit_code == 0, tested.output
    return tmp_path / "out"


def test_daily_probe_validates_generates_and_passes_its_generated_tests(tmp_path, monkeypatch):
    """`probe: {interval: 1d, strikes: 2}` end to end. The old generated test ran 10 days of one-minute evaluations:
    the period rule then read more samples per query than promtool allows (10,000). The strike test now has a file of
    its own, evaluated every 2h (12 steps per run)."""
    out = validate_generate_test("sparse_probe.yaml", tmp_path, monkeypatch)
    own = yaml.safe_load((out / "prometheus/tests/nightly.backup-restore.test.yml").read_text())
    assert own["evaluation_interval"] == "2h"
    assert [t["name"] for t in own["tests"]] == [
        "backup-restore: quiet while probes pass; 2 consecutive failed runs page; a lone failure does not"
    ]
    assert yaml.safe_load((out / "prometheus/tests/nightly.test.yml").read_text())["tests"] == []


def test_probe_every_minute_passes_its_generated_tests(tmp_path, monkeypatch):
    """With one-minute evaluations a check one minute after a run lands on the next run, so the strike test of a
    probe that runs every minute failed; it now runs in a file evaluated every 5s."""
    out = validate_generate_test("minutely_probe.yaml", tmp_path, monkeypatch)
    own = yaml.safe_load((out / "prometheus/tests/heartbeat.beat.test.yml").read_text())
    assert own["evaluation_interval"] == "5s"


def test_daily_probe_one_failed_run_tickets_once_and_never_reads_one_window_twice(tmp_path):
    """A failed run opens the 3d/1d ticket only. The 1d/2h default pair would read its short window as the 1d
    probe interval (`ratio1d > 3 and ratio1d > 3`), so it is not generated."""
    rules = generate(FIXTURES / "sparse_probe.yaml", tmp_path / "out")
    burn = 'ALERTS{service="nightly", slo="backup-restore", alertname="BackupRestoreBudgetBurn", alertstate="firing"}'
    checks = [
        {
            "expr": f"count by (long_window, short_window) ({burn})",
            "eval_time": "2d1h",
            "exp_samples": [{"labels": '{long_window="3d", short_window="1d"}', "value": 1}],
        },
        quiet('ALERTS{service="nightly", alertname="BackupRestoreProbeFailing"}', 3 * 1440 + 60),
    ]
    probe = {"series": 'backup_restore_success{job="backup-check"}', "values": "1 1 0 1 1"}
    passed, output = run_promtool_test(
        rules, [{"interval": "1d", "input_series": [probe], "promql_expr_test": checks}], tmp_path
    )
    assert passed, output
