"""Time-slice SLOs (tests/fixtures/timeslices.yaml): the model, the generated rules and promtool tests, explain."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator import burnrate, explain, promtool
from generator.render import dashboards
from generator.targets import prometheus as prometheus_target
from tests.generated import generated, slos, written

FIXTURE = Path(__file__).parent / "fixtures" / "timeslices.yaml"


@pytest.fixture(scope="module")
def outcome():
    return generated(FIXTURE)


@pytest.fixture(scope="module")
def out(outcome, tmp_path_factory) -> Path:
    return written(outcome, tmp_path_factory.mktemp("timeslices"))


def test_the_quantile_form_is_a_latency_threshold_and_an_error_ratio(outcome):
    minutes, latency = slos(outcome)["availability-minutes"], slos(outcome)["latency-slices"]
    assert (minutes.timeslices.slice, minutes.timeslices.error_ratio_above) == (60, Decimal("0.01"))
    assert latency.sli.threshold == 2 and latency.timeslices.error_ratio_above == Decimal("0.05")
    assert latency.timeslices.bad_words(latency.sli) == "its p95 is above 2s"
    # Verdicts are read every evaluation: the base window is the evaluation interval, so 5m windows sum five.
    assert minutes.base_window == 60 and minutes.ratio_windows[0] == 300


def test_rules_judge_each_clock_aligned_slice_once(out):
    rules = (out / prometheus_target.RULES_DIR / "minutes.rules.yml").read_text(encoding="utf-8")
    assert (
        'last_over_time(((sum(rate(api_requests_total{job="api", code=~"5.."}[1m])) or 0 * '
        'sum(rate(api_requests_total{job="api"}[1m]))) / (sum(rate(api_requests_total{job="api"}[1m]))) '
        "> bool 0.01)[1m:1m])"
    ) in rules
    assert 'last_over_time((0 * (sum(rate(api_requests_total{job="api"}[1m]))) + 1)[1m:1m])' in rules
    assert "unless on()" in rules  # the maintenance exclusion takes its minutes out of the verdicts
    assert "> bool 0.05)[5m:5m])" in rules  # p95 above 2s: more than 5 % of requests slower than 2s


def test_generated_tests_pass_promtool(out):
    files = [
        out / prometheus_target.TESTS_DIR / f"minutes.{name}.test.yml"
        for name in ("availability-minutes", "latency-slices")
    ]
    names = [t["name"] for f in files for t in yaml.safe_load(f.read_text(encoding="utf-8"))["tests"]]
    assert names == [
        "minutes/availability-minutes: a 1m slice at 1.1 % errors is bad, one at 0.9 % good",
        "minutes/availability-minutes: a 1m slice without traffic is good, and counted",
        "minutes/availability-minutes: an outage of 3m costs 3 slices",
        "minutes/availability-minutes: 1 bad 1m slice in a row page (1 bad minutes of a 43.2-minute budget)",
        "minutes/latency-slices: a 5m slice at 5.5 % errors is bad, one at 4.5 % good",
        "minutes/latency-slices: a 5m slice without traffic is good, and counted",
        "minutes/latency-slices: an outage of 15m costs 3 slices",
        "minutes/latency-slices: 2 bad 5m slices in a row page (10 bad minutes of a 432-minute budget)",
        "minutes/latency-slices: 1 bad 5m slice in a row never page",
    ]
    ok, output = promtool.test_rules(files)
    assert ok, output


def test_a_threshold_one_notch_off_fails_the_generated_test(out, tmp_path):
    """Judging at 1.2 % instead of 1 % turns the 1.1 % slice good, which the threshold test catches."""
    rules = (out / prometheus_target.RULES_DIR / "minutes.rules.yml").read_text(encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "minutes.rules.yml").write_text(rules.replace("> bool 0.01)", "> bool 0.012)"))
    (tmp_path / "tests").mkdir()
    test = tmp_path / "tests" / "minutes.availability-minutes.test.yml"
    test.write_text((out / prometheus_target.TESTS_DIR / test.name).read_text(encoding="utf-8"))
    ok, output = promtool.test_rules([test])
    assert not ok and "time: 3m,\n        exp: {} 1E+00\n        got: {} 0E+00" in output


@pytest.mark.parametrize(
    ("budget", "slice_", "closed", "expected"),
    [("0.001", 60, True, [1, 3, 5, 5]), ("0.01", 300, True, [2, 5, 9, 9]), ("0.01", 300, False, [2, 5, 9, 9])],
)
def test_bad_slices_to_fire_follow_the_workbook_pairs(budget, slice_, closed, expected):
    period = 30 * 86400
    pairs = burnrate.default_windows(period)
    assert [burnrate.slices_to_fire(p, period, Decimal(budget), slice_, 60, closed) for p in pairs] == expected


def test_explain_counts_slices(outcome):
    lines = explain.explain_slo(slos(outcome)["availability-minutes"])
    assert lines[1].startswith("  counts 1m slices: a slice is bad when its error ratio is above 1 % (without traffic")
    assert "the budget holds 43.2 bad slices" in lines[1]
    assert lines[2] == "  page 1h/5m fires after 1 bad 1m slice in a row"


def test_the_dashboard_shows_slices_in_a_collapsed_row(outcome):
    """Slices read each SLO's own slice and threshold, so they stay on the service dashboard, not the detail one."""
    dashboard = dashboards.render_dashboard(outcome.project.services[0])
    row = next(p for p in dashboard["panels"] if p["title"] == "Time slices")
    titles = [p["title"] for p in row["panels"]]
    assert row["collapsed"] is True
    assert "availability-minutes: Error ratio per 1m slice vs 1 %" in titles
    bad = next(p for p in row["panels"] if p["title"] == "latency-slices: Bad 5m slices in the last hour")
    assert bad["targets"][0]["expr"] == (
        'sum_over_time(slogen:sli_errors:rate1m{service="minutes", slo="latency-slices"}[1h]) / 5'
    )
