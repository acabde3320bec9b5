"""Prometheus templates in the texts a spec puts into alerts (`{{ $labels.region }}`, `{{ $value | humanize }}`), end
to end with the real promtool. The generated tests used to expect the raw template text, so `slogen test` failed on
slogen's own output. They now expect the text Prometheus prints where slogen can predict it (promtemplate.expand),
and otherwise check the alert's ALERTS series: its exact labels, or, when a label cannot be predicted, how many fire.
"""

from pathlib import Path

import yaml
from click.testing import CliRunner

from generator import cli

SERVICE = """\
apiVersion: slogen/v1
service: shop
labels: {team: web, where: '{{ $labels.region }}'}
dashboard: {url: 'https://grafana.example.com/d/shop?var-region={{$labels.region}}'}
slos:
  - name: availability
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="shop", code=~"5.."}
        total: http_requests_total{job="shop"}
    group_by: [region]
    alerting:
      runbook: 'https://runbooks.example.com/{{.Labels.region}}'
      annotations: SLO_ANNOTATIONS
      labels: SLO_LABELS
  - name: search-latency
    objective: 99
    sli:
      latency:
        histogram: http_request_duration_seconds{job="shop", route="/search"}
        threshold: 250ms
    group_by: [region]
    alerting:
      annotations: SLO_ANNOTATIONS
      labels: SLO_LABELS
  - name: homepage
    objective: 99.9
    sli:
      probe: {success: 'probe_success{job="synthetics", check="homepage"}', interval: 5m, strikes: 2}
    group_by: [region]
    alerting:
      annotations: SLO_ANNOTATIONS
      labels: SLO_LABELS
alerts:
  - name: SlowConfirm
    quantile: {histogram: 'http_request_duration_seconds{job="shop", route="/confirm"}', q: 0.99, above: 1s, group_by: [region]}
    for: 5m
    severity: ticket
    labels: ALERT_LABELS
  - name: LostRefund
    zero_tolerance: {counter: 'refunds_lost_total{job="shop"}', open: 'refunds_lost_open{job="shop"}', group_by: [region]}
    severity: page
    priority: P0
    labels: ALERT_LABELS
"""
PREDICTABLE = {
    "SLO_ANNOTATIONS": {
        "current": "{{ $value | humanize }}",
        "share": "{{ .Value | humanizePercentage }}",
        "lasts": "{{ $value | humanizeDuration }}",
        "where": "region {{ $labels.region }},  {{- $labels.region -}}  .",
        "literal": '{{ "{{" }} not a template',
    },
    "SLO_LABELS": {"team_region": "{{ $labels.region }}"},
    "ALERT_LABELS": {"in": "{{ $labels.region }}"},
}
PRINTED = {  # the burn alerts of a total outage: $value is the 1h burn rate, 1 / 0.001
    "current": "1k",
    "share": "1e+05%",
    "lasts": "16m 40s",
    "where": "region region-1,region-1.",
    "literal": "{{ not a template",
    "runbook_url": "https://runbooks.example.com/region-1",
    "dashboard": "https://grafana.example.com/d/shop?var-region=region-1",
}


def generate(tmp_path: Path, **texts: dict[str, str]) -> Path:
    spec = SERVICE
    for placeholder, mapping in {**PREDICTABLE, **texts}.items():
        spec = spec.replace(placeholder, yaml.safe_dump(mapping, default_flow_style=True, width=10_000).strip())
    (tmp_path / "spec.yaml").write_text(spec, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.main, ["generate", "--specs", str(tmp_path / "spec.yaml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def slogen_test(out: Path):
    result = CliRunner().invoke(cli.main, ["test", "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def generated_tests(out: Path) -> list[dict]:
    return [t for p in sorted((out / "prometheus/tests").glob("*.yml")) for t in yaml.safe_load(p.read_text())["tests"]]


def firing_entries(out: Path, alertname: str) -> list[dict]:
    return [
        entry
        for test in generated_tests(out)
        for entry in test.get("alert_rule_test", [])
        if entry["alertname"] == alertname and entry["exp_alerts"]
    ]


def checks_of(out: Path, alertname: str) -> list[dict]:
    return [
        check
        for test in generated_tests(out)
        for check in test.get("promql_expr_test", [])
        if f'alertname="{alertname}"' in check["expr"] and check["exp_samples"]
    ]


def break_rule(out: Path, alertname: str) -> None:
    """The alert can no longer fire."""
    path = out / "prometheus/rules/shop.rules.yml"
    document = yaml.safe_load(path.read_text())
    for rule in (r for group in document["groups"] for r in group["rules"] if r.get("alert") == alertname):
        rule["expr"] = "vector(0) > 1"
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000))


def test_predictable_templates_are_expected_as_prometheus_prints_them(tmp_path):
    predictable = generate(tmp_path)
    result = slogen_test(predictable)
    assert result.exit_code == 0, result.output
    [outage, *_] = firing_entries(predictable, "AvailabilityBudgetBurn")
    for alert in outage["exp_alerts"]:
        assert alert["exp_labels"]["team_region"] == alert["exp_labels"]["where"] == "region-1"
        assert {k: alert["exp_annotations"][k] for k in PRINTED} == PRINTED
    strikes = firing_entries(predictable, "HomepageProbeFailing")
    assert strikes and all(a["exp_annotations"]["current"] == "0" for e in strikes for a in e["exp_alerts"])
    assert firing_entries(predictable, "SearchLatencySLIUncomputable")
    samples = [
        s["labels"]
        for c in checks_of(predictable, "SlowConfirm") + checks_of(predictable, "LostRefund")
        for s in c["exp_samples"]
    ]
    assert samples and all('in="region-1"' in s and "{{" not in s for s in samples)
    assert not any("count(ALERTS" in c["expr"] for t in generated_tests(predictable) for c in t["promql_expr_test"])


def test_the_raw_template_as_expectation_fails_as_it_did(tmp_path):
    out = generate(tmp_path)
    path = out / "prometheus/tests/shop.test.yml"
    document = yaml.safe_load(path.read_text())
    for test in document["tests"]:
        for entry in test.get("alert_rule_test", []):
            for alert in entry["exp_alerts"]:
                alert["exp_annotations"]["current"] = PREDICTABLE["SLO_ANNOTATIONS"]["current"]
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000))
    result = slogen_test(out)
    assert result.exit_code == 1 and 'current="{{ $value | humanize }}"' in result.stderr


def test_an_unpredictable_annotation_checks_the_alerts_exact_labels(tmp_path):
    annotations = {**PREDICTABLE["SLO_ANNOTATIONS"], "raw": "{{ $value }}"}
    out = generate(tmp_path, SLO_ANNOTATIONS=annotations)
    assert slogen_test(out).exit_code == 0
    assert firing_entries(out, "AvailabilityBudgetBurn") == []
    [outage, *_] = checks_of(out, "AvailabilityBudgetBurn")
    assert outage["expr"] == 'ALERTS{alertstate="firing", alertname="AvailabilityBudgetBurn"}'
    assert len(outage["exp_samples"]) == 4 and all(
        'team_region="region-1"' in s["labels"] and 'where="region-1"' in s["labels"] for s in outage["exp_samples"]
    )
    break_rule(out, "AvailabilityBudgetBurn")
    result = slogen_test(out)
    assert result.exit_code == 1 and "AvailabilityBudgetBurn" in result.stderr


def test_an_unpredictable_label_counts_the_alerts_by_the_labels_that_can_be_predicted(tmp_path):
    out = generate(
        tmp_path,
        SLO_LABELS={"team_region": "{{ $labels.region | toUpper }}"},
        ALERT_LABELS={"in": "{{ $labels.region | toUpper }}"},
    )
    assert slogen_test(out).exit_code == 0
    [outage, *_] = checks_of(out, "AvailabilityBudgetBurn")
    assert outage["expr"].startswith("count(ALERTS{") and 'region="region-1"' in outage["expr"]
    assert "team_region" not in outage["expr"] and outage["exp_samples"] == [{"labels": "{}", "value": 4}]
    for alertname in ("SlowConfirm", "LostRefund", "HomepageProbeFailing"):
        assert any(c["expr"].startswith("count(ALERTS{") for c in checks_of(out, alertname)), alertname
    for alertname in ("AvailabilityBudgetBurn", "SlowConfirm"):
        break_rule(out, alertname)
    result = slogen_test(out)
    assert result.exit_code == 1
    assert "AvailabilityBudgetBurn" in result.stderr and "SlowConfirm" in result.stderr
