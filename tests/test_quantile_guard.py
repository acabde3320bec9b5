"""`quantile: {min_events}`: a quantile alert does not fire while its window holds fewer requests than the guard,
proven in promtool time on generated rules and tests (tests/fixtures/quantile_guard.yaml)."""

import yaml

from tests.test_periods import validate_generate_test


def test_the_guard_joins_the_quantile_and_its_boundary_tests_pass(tmp_path, monkeypatch):
    out = validate_generate_test("quantile_guard.yaml", tmp_path, monkeypatch)
    rules = yaml.safe_load((out / "prometheus/rules/shop.rules.yml").read_text())
    [rule] = [r for g in rules["groups"] for r in g["rules"] if r.get("alert") == "ApiP99High"]
    assert rule["expr"] == (
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{job="shop"}[5m]))) > 1'
        '\nand\nsum by (route) (increase(http_request_duration_seconds_count{job="shop"}[5m])) >= 7'
    )
    tests = yaml.safe_load((out / "prometheus/tests/shop.test.yml").read_text())["tests"]
    assert [t["name"] for t in tests if "min_events" in t["name"]] == [
        "ApiP99High: every request slow, 7 in 5m (min_events) fires",
        "ApiP99High: every request slow, 6 in 5m (below min_events) stays quiet",
        "ApiP95High: every request slow, 3000 in 10m (min_events) fires",
        "ApiP95High: every request slow, 2999 in 10m (below min_events) stays quiet",
    ]


def test_without_the_guard_the_rule_is_as_before(tmp_path, monkeypatch):
    out = validate_generate_test("quantile_guard.yaml", tmp_path, monkeypatch)
    rules = yaml.safe_load((out / "prometheus/rules/shop.rules.yml").read_text())
    [rule] = [r for g in rules["groups"] for r in g["rules"] if r.get("alert") == "ApiP50High"]
    assert rule["expr"] == (
        'histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{job="shop"}[5m]))) > 0.25'
    )
