"""The peer rule shapes the benchmarks load must be the peers' real output, compared as whole documents."""

import re

import pytest
import yaml

from bench.shapes import pyrra, sloth

ANCHORS = sloth.ANCHORS


def load_anchor(name: str):
    return yaml.safe_load((ANCHORS / name).read_text())


def render_sloth_template(text: str, version: str) -> str:
    """Sloth's expected-output template: `{{"x"}}` prints x, `{{ .version }}` prints the version."""
    text = re.sub(r'\{\{"(.*?)"\}\}', r"\1", text)
    return text.replace("{{ .version }}", version)


def test_sloth_getting_started_is_reproduced_exactly():
    expected = sloth.without_labels(load_anchor("getting-started.sloth-output.yml"))
    actual = sloth.without_labels(sloth.sloth_rules(load_anchor("getting-started.input.yml")))
    assert actual == expected


def test_sloth_in_base_is_reproduced_exactly():
    # Events SLI with alerts, then a raw SLI with both alerts disabled (no alert group at all).
    template = (ANCHORS / "in-base.sloth-output.yml.tpl").read_text()
    expected = sloth.without_labels(yaml.safe_load(render_sloth_template(template, "v0.16.0")))
    actual = sloth.without_labels(sloth.sloth_rules(load_anchor("in-base.input.yml")))
    assert actual == expected


def test_sloth_only_cmd_and_version_labels_are_dropped():
    generated = sloth.sloth_rules(load_anchor("getting-started.input.yml"))
    info = generated["groups"][1]["rules"][-1]
    assert info["labels"]["sloth_version"] == sloth.SLOTH_VERSION
    assert "sloth_version" not in sloth.without_labels(info)["labels"]
    assert sloth.without_labels(info)["labels"]["sloth_objective"] == "99.9"


def test_sloth_check_against_anchor_passes_and_fails_on_drift(monkeypatch):
    sloth.check_against_anchor()
    monkeypatch.setattr(sloth, "PERIOD_DAYS", 28)
    with pytest.raises(AssertionError, match="ratio_rate28d"):
        sloth.check_against_anchor()


def test_sloth_dump_is_sloths_layout():
    generated = sloth.sloth_rules(load_anchor("getting-started.input.yml"), version="dev")
    text = sloth.dump(generated, version="dev")
    expected = (ANCHORS / "getting-started.sloth-output.yml").read_text()
    expected = "\n".join(line for line in expected.splitlines() if "cmd: examplesgen.sh" not in line)
    assert text.rstrip("\n") == expected.rstrip("\n")
    assert yaml.safe_load(text) == generated


def test_sloth_accepts_many_slos_without_annotations():
    spec = {
        "version": "prometheus/v1",
        "service": "fleet",
        "slos": [
            {
                "name": f"slo{n}",
                "objective": 99.9,
                "sli": {
                    "events": {
                        "error_query": f'sum(rate(req_total{{slo="{n}",code=~"5.."}}[{{{{.window}}}}]))',
                        "total_query": f'sum(rate(req_total{{slo="{n}"}}[{{{{ .window }}}}]))',
                    }
                },
                "alerting": {"name": "FleetBurn", "ticket_alert": {"disable": True}},
            }
            for n in range(3)
        ],
    }
    groups = sloth.sloth_rules(spec)["groups"]
    assert [g["name"] for g in groups[:3]] == [
        "sloth-slo-sli-recordings-fleet-slo0",
        "sloth-slo-meta-recordings-fleet-slo0",
        "sloth-slo-alerts-fleet-slo0",
    ]
    assert len(groups) == 9
    assert groups[0]["rules"][6]["expr"] == (
        '(sum(rate(req_total{slo="0",code=~"5.."}[3d])))\n/\n(sum(rate(req_total{slo="0"}[3d])))\n'
    )
    page_only = groups[2]["rules"]
    assert [r["labels"]["sloth_severity"] for r in page_only] == ["page"]
    assert page_only[0]["annotations"]["summary"].startswith("{{$labels.sloth_service}}")


# --- Pyrra --------------------------------------------------------------------------------------------------------
# The CRD form of Pyrra's test fixture objectiveHTTPRatio() (slo/rules_test.go, commit 01a3b4ec621b1d29f3711c64730a
# 7b89868fd618): 99 % over 28 days, errors http_requests_total{code=~"5..",job=...}, alerting left at its defaults.
HTTP_RATIO = {
    "apiVersion": "pyrra.dev/v1alpha1",
    "kind": "ServiceLevelObjective",
    "metadata": {"name": "monitoring-http-errors", "namespace": "monitoring"},
    "spec": {
        "target": "99",
        "window": "28d",
        "indicator": {
            "ratio": {
                "errors": {"metric": 'http_requests_total{job="thanos-receive-default",code=~"5.."}'},
                "total": {"metric": 'http_requests_total{job="thanos-receive-default"}'},
            }
        },
    },
}
JOB = 'job="thanos-receive-default"'
RULE_LABELS = {"job": "thanos-receive-default", "slo": "monitoring-http-errors"}


def burnrate_record(window: str) -> dict:
    return {
        "record": f"http_requests:burnrate{window}",
        "expr": f'sum(rate(http_requests_total{{code=~"5..",{JOB}}}[{window}])) / '
        f"sum(rate(http_requests_total{{{JOB}}}[{window}]))",
        "labels": RULE_LABELS,
    }


def burnrate_alert(short: str, long: str, factor: int, for_: str, severity: str, exhaustion: str) -> dict:
    selector = f'{{{JOB},slo="monitoring-http-errors"}}'
    return {
        "alert": "ErrorBudgetBurn",
        "expr": f"http_requests:burnrate{short}{selector} > ({factor} * (1-0.99)) and "
        f"http_requests:burnrate{long}{selector} > ({factor} * (1-0.99))",
        "for": for_,
        "labels": RULE_LABELS | {"severity": severity, "short": short, "long": long, "exhaustion": exhaustion},
    }


def test_pyrra_burnrates_match_upstream_table_http_ratio():
    # TestObjective_Burnrates, entry name "http-ratio", slo/rules_test.go @ 01a3b4ec: the whole group.
    expected = {
        "name": "monitoring-http-errors",
        "interval": "30s",
        "rules": [burnrate_record(w) for w in ("5m", "30m", "1h", "2h", "6h", "1d", "4d")]
        + [
            burnrate_alert("5m", "1h", 14, "2m0s", "critical", "2d"),
            burnrate_alert("30m", "6h", 7, "15m0s", "critical", "4d"),
            burnrate_alert("2h", "1d", 2, "1h0m0s", "warning", "2w"),
            burnrate_alert("6h", "4d", 1, "3h0m0s", "warning", "4w"),
        ],
    }
    assert pyrra.pyrra_rules(HTTP_RATIO)["groups"][1] == expected


def test_pyrra_increase_matches_upstream_table_http_ratio():
    # TestObjective_IncreaseRules, entry name "http-ratio", slo/rules_test.go @ 01a3b4ec: the whole group. One
    # deliberate difference: that table expects `for: 2m` on the absent alert, written before slo.go's
    # window-based AbsentDuration, which gives 1h × 14 × 1 % + 2m = 10m24s → 10m; the module follows slo.go.
    expected = {
        "name": "monitoring-http-errors-increase",
        "interval": "2m30s",
        "rules": [
            {
                "record": "http_requests:increase4w",
                "expr": f"sum by (code) (increase(http_requests_total{{{JOB}}}[4w]))",
                "labels": RULE_LABELS,
            },
            {
                "alert": "SLOMetricAbsent",
                "expr": f"absent(http_requests_total{{{JOB}}}) == 1",
                "for": "10m",
                "labels": RULE_LABELS | {"severity": "critical"},
            },
        ],
    }
    assert pyrra.pyrra_rules(HTTP_RATIO)["groups"][0] == expected


def test_pyrra_thirty_day_window_stretches_the_28_day_table():
    thirty = {**HTTP_RATIO, "spec": {**HTTP_RATIO["spec"], "window": "30d"}}
    increase, burnrates = pyrra.pyrra_rules(thirty)["groups"]
    assert increase["rules"][0]["expr"].endswith("[30d]))")
    records = [r["record"] for r in burnrates["rules"] if "record" in r]
    assert records == [
        f"http_requests:burnrate{w}" for w in ("5m", "32m", "1h4m", "2h9m", "6h26m", "1d1h43m", "4d6h51m")
    ]
    assert [r["for"] for r in burnrates["rules"] if "alert" in r] == ["2m0s", "16m0s", "1h4m0s", "3h13m0s"]


def test_pyrra_durations_print_like_prometheus():
    day = 86400 * 10**9
    assert pyrra.model_duration(28 * day) == "4w"
    assert pyrra.model_duration(30 * day) == "30d"
    assert pyrra.model_duration(150 * 10**9) == "2m30s"
    assert pyrra.go_duration(3 * 3600 * 10**9) == "3h0m0s"
