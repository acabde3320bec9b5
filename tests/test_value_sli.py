"""Value SLIs (tests/fixtures/unitless.yaml): a unitless histogram threshold, counted and checked like a latency."""

from pathlib import Path

import pytest

from generator import explain, promtool
from generator.model import LatencySLI, ValueSLI
from generator.render import dashboards
from generator.render.rules import render_rules
from generator.targets import prometheus as prometheus_target
from tests.generated import generated, slos, written

FIXTURE = Path(__file__).parent / "fixtures" / "unitless.yaml"


@pytest.fixture(scope="module")
def outcome():
    return generated(FIXTURE)


@pytest.fixture(scope="module")
def out(outcome, tmp_path_factory) -> Path:
    return written(outcome, tmp_path_factory.mktemp("unitless"))


def test_the_model_reads_below_as_a_number_and_the_buckets_as_unitless(outcome):
    service = outcome.project.services[0]
    cls = slos(outcome)["cls"]
    assert isinstance(cls.sli, ValueSLI) and isinstance(cls.sli, LatencySLI)
    assert str(cls.sli.threshold) == "0.1" and cls.sli.threshold_text == "0.1"
    assert service.unitless == frozenset({"web_vitals_cls"})
    assert [str(b) for b in dict(service.histograms)["web_vitals_cls"]] == ["0.01", "0.05", "0.1", "0.25", "1"]


def test_rules_count_the_threshold_bucket_like_a_latency(out):
    rules = (out / prometheus_target.RULES_DIR / "webvitals.rules.yml").read_text(encoding="utf-8")
    assert (
        'clamp_min(sum by (device) (rate(web_vitals_cls_count{job="rum"}[5m])) - sum by (device) '
        '(rate(web_vitals_cls_bucket{job="rum", le=~"0\\\\.1"}[5m])), 0)'
    ) in rules
    assert 'le=~"1|1\\\\.0"' in rules  # below: 1 matches both spellings of the whole-number bucket
    assert "sli: value" in rules


def test_generated_rules_and_tests_pass_promtool(out):
    ok, _problems, output = promtool.check_rules(sorted((out / prometheus_target.RULES_DIR).glob("*.yml")))
    assert ok, output
    ok, output = promtool.test_rules(sorted((out / prometheus_target.TESTS_DIR).glob("*.yml")))
    assert ok, output


def test_the_info_series_gives_the_detail_dashboard_each_histogram_and_threshold(outcome):
    """The detail dashboard draws percentiles against the threshold from these labels: 0.1 (unitless), 2.5 (s)."""
    info = {
        rule["labels"]["slo"]: rule["labels"]
        for group in render_rules(outcome.project.services[0])["groups"]
        for rule in group["rules"]
        if rule.get("record") == "slogen:slo:info"
    }
    assert info["cls"]["sli_threshold"] == "0.1" and info["lcp"]["sli_threshold"] == "2.5"
    assert info["cls"]["sli_histogram"].split("{")[0].endswith("_bucket")
    detail = dashboards.render_detail(
        dashboards.FleetCounts(len(outcome.project.services), len(list(outcome.project.slos())), None)
    )
    latency = next(p for row in detail["panels"] for p in row.get("panels", []) if "$sli_threshold" in p["title"])
    assert latency["fieldConfig"]["defaults"]["unit"] == "none"  # unitless or seconds, whichever SLO is chosen


def test_explain_says_which_observations_are_good(outcome):
    assert explain._sli_words(slos(outcome)["cls"]) == "observations at or below 0.1"
    assert explain._sli_words(slos(outcome)["lcp"]) == "requests faster than 2.5s"
