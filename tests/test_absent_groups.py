"""Per-group absence (`alerting.absent: {for, expect}`): one expected group going quiet tickets for that group
alone, with its labels; proven in promtool time on generated rules (tests/fixtures/absent_groups.yaml)."""

import pytest
import yaml

from tests.promtool_harness import FIXTURES, generate, run_promtool_test
from tests.test_periods import validate_generate_test

PROBE = 'synthetic_check_success{{job="synthetics", check="health", region="{}"}}'


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return generate(FIXTURES / "absent_groups.yaml", tmp_path_factory.mktemp("out"))


def _rule(rules, alertname: str) -> dict:
    document = yaml.safe_load((rules / "shop.rules.yml").read_text())
    [found] = [r for g in document["groups"] for r in g["rules"] if r.get("alert") == alertname]
    return found


def test_one_absent_over_time_per_expected_group_every_combination(rules):
    assert _rule(rules, "ErrorsSLIAbsent")["expr"] == (
        'absent_over_time(http_requests_total{job="shop", region="us", zone="a"}[30m])\nor\n'
        'absent_over_time(http_requests_total{job="shop", region="eu", zone="a"}[30m])'
    )
    assert _rule(rules, "AvailabilitySLIAbsent")["annotations"]["summary"] == (
        "shop/availability region={{ $labels.region }}: the SLI's series are missing"
    )


def _ticket(region: str) -> dict:
    labels = {"job": "synthetics", "region": region, "priority": "P2", "service": "shop", "severity": "ticket"}
    return {"exp_labels": {**labels, "slo": "availability"}}


def test_the_second_region_going_quiet_tickets_for_it_alone(rules, tmp_path):
    """The generated test silences the first group; this one the second, and checks both fire when both stop."""
    checks = [
        {"eval_time": "70m", "alertname": "AvailabilitySLIAbsent", "exp_alerts": []},
        {"eval_time": "131m", "alertname": "AvailabilitySLIAbsent", "exp_alerts": [_ticket("eu-west")]},
        {
            "eval_time": "200m",
            "alertname": "AvailabilitySLIAbsent",
            "exp_alerts": [_ticket("eu-west"), _ticket("us-east")],
        },
    ]
    for check in checks:
        for alert in check["exp_alerts"]:
            region = alert["exp_labels"]["region"]
            alert["exp_annotations"] = {
                "summary": f"shop/availability region={region}: the SLI's series are missing",
                "description": f'No samples of synthetic_check_success{{job="synthetics"}} from region={region} for '
                "1h: the SLO cannot be measured there and its burn-rate alerts are blind. Check the exporter, the "
                "scrape job and the metric name.",
            }
    series = [
        {"series": PROBE.format("us-east"), "values": "1x135"},
        {"series": PROBE.format("eu-west"), "values": "1x70"},
    ]
    ok, output = run_promtool_test(
        rules, [{"interval": "1m", "input_series": series, "alert_rule_test": checks}], tmp_path
    )
    assert ok, output


def test_validates_generates_and_passes_its_generated_tests(tmp_path, monkeypatch):
    out = validate_generate_test("absent_groups.yaml", tmp_path, monkeypatch)
    tests = yaml.safe_load((out / "prometheus/tests/shop.test.yml").read_text())["tests"]
    names = [t["name"] for t in tests if "goes quiet" in t["name"]]
    assert names == [
        "availability: every expected group reports, then region=us-east goes quiet and tickets alone after 1h",
        "errors: every expected group reports, then region=us, zone=a goes quiet and tickets alone after 30m",
    ]
