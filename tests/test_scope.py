"""A service-wide selector scope (`scope: {env: pilot}`, issue 16): every selector the service reads gets the scope's
matchers, written selectors and free PromQL alike, and the generated tests still pass (tests/fixtures/scope.yaml).
Lint: tests/lint/test_scope_conflict.py."""

import json

import yaml

from tests.test_periods import validate_generate_test


def test_every_selector_reads_the_scope_and_the_generated_tests_pass(tmp_path, monkeypatch):
    out = validate_generate_test("scope.yaml", tmp_path, monkeypatch)
    rules = yaml.safe_load((out / "prometheus/rules/shop-pilot.rules.yml").read_text())
    exprs = {r.get("alert") or r["record"]: r["expr"] for g in rules["groups"] for r in g["rules"]}
    assert exprs["slogen:sli_total:rate5m"] == 'sum(rate(http_requests_total{job="shop", env="pilot"}[5m]))'
    assert exprs["ErrorsSLIAbsent"] == 'absent_over_time(http_requests_total{job="shop", env="pilot"}[30m])'
    assert exprs["QueueDeep"] == 'max(queue_depth{job="shop", env="pilot"}) > 100'
    assert 'http_request_duration_seconds_bucket{job="shop", env="pilot"}' in exprs["ApiP99High"]
    tests = yaml.safe_load((out / "prometheus/tests/shop-pilot.test.yml").read_text())["tests"]
    queue = next(t for t in tests if t["name"].startswith("QueueDeep"))
    assert queue["input_series"][0]["series"] == 'queue_depth{job="shop", env="pilot"}'
    dashboard = (out / "grafana/dashboards/shop-pilot.json").read_text()
    assert json.dumps('max by (job) (queue_depth{job="shop", env="pilot"})') in dashboard
