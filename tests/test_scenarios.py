"""Scenarios from the rules issue, proven in promtool time on rules slogen generates.

Each scenario is a promtool unit test; a failing expectation makes promtool (and so the test) fail.
"""

import math
import random

import pytest

from tests.promtool_harness import FIXTURES, counter, generate, run_promtool_test

SHOP = 'service="shop", slo="availability"'
TRAFFIC = 600.0  # requests per minute


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return generate(FIXTURES / "scenarios.yaml", tmp_path_factory.mktemp("out"))


def availability_series(error_ratios: list[float]) -> list[dict]:
    """Requests at TRAFFIC per minute; error_ratios[i] is the error ratio of minute i+1."""
    bad = [TRAFFIC * r for r in error_ratios]
    good = [TRAFFIC - b for b in bad]
    return [
        {"series": 'http_requests_total{job="shop", code="500"}', "values": counter(bad)},
        {"series": 'http_requests_total{job="shop", code="200"}', "values": counter(good)},
    ]


def firing(severity: str) -> str:
    return f'ALERTS{{{SHOP}, alertstate="firing", severity="{severity}"}}'


def page_sample(long_window: str, short_window: str, burn: str) -> dict:
    labels = (
        f'ALERTS{{alertname="AvailabilityBudgetBurn", alertstate="firing", burn_rate="{burn}", '
        f'long_window="{long_window}", priority="P1", service="shop", severity="page", '
        f'short_window="{short_window}", slo="availability", team="web"}}'
    )
    return {"labels": labels, "value": 1}


def assert_passes(result):
    passed, output = result
    assert passed, output


def test_total_outage_pages_within_6_minutes_and_resolves_within_47(rules, tmp_path):
    """The 6h/30m page resolves last: its 30m window, the 10m flap hold, the 5m base rate and two evaluations."""
    healthy, outage, recovery = 120, 30, 60  # minutes
    ratios = [0.0001] * healthy + [1.0] * outage + [0.0001] * recovery
    checks = [
        {"expr": f"ALERTS{{{SHOP}}}", "eval_time": f"{healthy}m", "exp_samples": []},
        {
            "expr": f'ALERTS{{{SHOP}, alertstate="firing", long_window="1h"}}',
            "eval_time": f"{healthy + 6}m",
            "exp_samples": [page_sample("1h", "5m", "14.4")],
        },
        {"expr": firing("page"), "eval_time": f"{healthy + outage + 47}m", "exp_samples": []},
    ]
    assert_passes(
        run_promtool_test(
            rules,
            [{"interval": "1m", "input_series": availability_series(ratios), "promql_expr_test": checks}],
            tmp_path,
        )
    )


@pytest.mark.slow  # three days of 1m evaluations in promtool: about 20 s
def test_half_budget_burn_for_three_days_never_alerts(rules, tmp_path):
    minutes = 3 * 24 * 60
    ratios = [0.0005] * minutes  # 0.5× the 0.1 % budget
    checks = [{"expr": f"ALERTS{{{SHOP}}}", "eval_time": f"{hour}h", "exp_samples": []} for hour in range(1, 73, 3)]
    assert_passes(
        run_promtool_test(
            rules,
            [{"interval": "1m", "input_series": availability_series(ratios), "promql_expr_test": checks}],
            tmp_path,
        )
    )


@pytest.mark.slow  # three days of 1m evaluations in promtool: about 20 s
def test_double_budget_burn_tickets_and_never_pages(rules, tmp_path):
    minutes = 3 * 24 * 60
    ratios = [0.0001] * 60 + [0.002] * (minutes - 60)  # 2× burn after a healthy hour
    checks = [{"expr": firing("page"), "eval_time": f"{hour}h", "exp_samples": []} for hour in range(1, 73, 2)]
    checks.append(
        {"expr": f"count({firing('ticket')})", "eval_time": "72h", "exp_samples": [{"labels": "{}", "value": 1}]}
    )  # 3d/6h at 1×; 1d/2h needs 3×
    assert_passes(
        run_promtool_test(
            rules,
            [{"interval": "1m", "input_series": availability_series(ratios), "promql_expr_test": checks}],
            tmp_path,
        )
    )


def test_hours_of_zero_traffic_fire_no_burn_alert_and_store_no_nan_in_the_windows(rules, tmp_path):
    busy, idle = 120, 6 * 60
    flat_after = [TRAFFIC * 0.0001] * busy + [0.0] * idle
    series = [
        {"series": 'http_requests_total{job="shop", code="500"}', "values": counter(flat_after)},
        {"series": 'http_requests_total{job="shop", code="200"}', "values": counter([TRAFFIC] * busy + [0.0] * idle)},
    ]
    checks = [{"expr": f"ALERTS{{{SHOP}}}", "eval_time": f"{busy // 60 + h}h", "exp_samples": []} for h in range(7)]
    # The 1d window still holds the busy hours: its ratio is the busy ratio, not NaN.
    checks.append(
        {
            "expr": f"slogen:sli_error:ratio_rate1d{{{SHOP}}} > bool 0",
            "eval_time": f"{(busy + idle) // 60}h",
            "exp_samples": [{"labels": f'{{{SHOP}, team="web"}}', "value": 1}],
        }
    )
    assert_passes(
        run_promtool_test(rules, [{"interval": "1m", "input_series": series, "promql_expr_test": checks}], tmp_path)
    )


def uneven_traffic(minutes: int, seed: int = 7) -> tuple[list[float], list[float]]:
    """A diurnal curve with bursts of errors and a two-hour zero-traffic gap."""
    rng = random.Random(seed)
    totals, errors = [], []
    for minute in range(minutes):
        day = 0.5 + 0.45 * math.sin(2 * math.pi * minute / 1440)
        total = round(1000 * day * (3 if rng.random() < 0.01 else 1))
        if 2000 <= minute < 2120:
            total = 0
        ratio = 0.05 if rng.random() < 0.02 else 0.004
        totals.append(float(total))
        errors.append(float(round(total * ratio)))
    return totals, errors


@pytest.mark.slow  # three days of 1m evaluations in promtool: about 20 s
def test_long_windows_match_the_exact_ratio_within_half_a_percent(rules, tmp_path):
    total_minutes = 3 * 1440 + 30
    totals, errors = uneven_traffic(total_minutes)
    labels = '{service="shop", slo="accuracy", team="web"}'
    checks = []
    for name, minutes in (("slogen:sli_error:ratio_rate1d", 1440), ("slogen:sli_error:ratio_period", 3 * 1440)):
        exact = sum(errors[-minutes:]) / sum(totals[-minutes:])
        checks.append(
            {
                "expr": f'abs({name}{{service="shop", slo="accuracy"}} / {exact!r} - 1) < bool 0.005',
                "eval_time": f"{total_minutes}m",
                "exp_samples": [{"labels": labels, "value": 1}],
            }
        )
    series = [
        {"series": 'checks_total{job="shop"}', "values": counter(totals)},
        {"series": 'checks_failed_total{job="shop"}', "values": counter(errors)},
    ]
    assert_passes(
        run_promtool_test(rules, [{"interval": "1m", "input_series": series, "promql_expr_test": checks}], tmp_path)
    )


@pytest.mark.parametrize("le", ["1", "1.0"])
def test_latency_bucket_matches_le_in_either_spelling(rules, tmp_path, le):
    good, total = [90.0] * 30, [100.0] * 30  # 10 % of reads above 1 s
    series = [
        {"series": f'read_duration_seconds_bucket{{job="shop", le="{le}"}}', "values": counter(good)},
        {"series": 'read_duration_seconds_bucket{job="shop", le="+Inf"}', "values": counter(total)},
        {"series": 'read_duration_seconds_count{job="shop"}', "values": counter(total)},
    ]
    labels = '{service="shop", slo="fast-reads", team="web"}'
    assert_passes(
        run_promtool_test(
            rules,
            [
                {
                    "interval": "1m",
                    "input_series": series,
                    "promql_expr_test": [
                        {
                            "expr": 'round(slogen:sli_error:ratio_rate5m{slo="fast-reads"}, 0.001)',
                            "eval_time": "20m",
                            "exp_samples": [{"labels": labels, "value": 0.1}],
                        }
                    ],
                }
            ],
            tmp_path,
        )
    )
