"""Lint rule latency-bucket (generator/lint/latency_bucket.py)."""

import pytest

from .helpers import at, check_text, only, spec

BUCKETS = spec("""\
    apiVersion: slogen/v1
    service: checkout
    histograms:
      http_request_duration_seconds: [100ms, 250ms, 500ms, 1s]
    slos:
      - name: search-latency
        objective: 99
        sli:
          latency:
            histogram: http_request_duration_seconds{job="checkout"}
            threshold: 300ms
    """)


def test_threshold_not_a_declared_bucket():
    finding = only(check_text(BUCKETS), "latency-bucket")
    assert finding.text() == (
        "spec.yaml:11:20: slos[0].sli.latency.threshold: threshold 0.3s is not a bucket "
        "boundary of http_request_duration_seconds (0.1s, 0.25s, 0.5s, 1s); pick one of them "
        "or add the bucket"
    )


@pytest.mark.parametrize("threshold", ["250ms", "0.25s", "1s", "1000ms"])
def test_threshold_on_a_declared_bucket_passes(threshold):
    assert check_text(BUCKETS.replace("300ms", threshold)) == []


def test_percentile_threshold_not_a_declared_bucket():
    text = BUCKETS.replace("    objective: 99\n", "").replace(
        "        threshold: 300ms\n", "    percentiles: {p95: 300ms}\n"
    )
    finding = only(check_text(text), "latency-bucket")
    assert at(finding) == "spec.yaml:10:24"
    assert "threshold 0.3s is not a bucket boundary" in finding.message


def test_undeclared_histogram_is_not_checked():
    assert check_text(BUCKETS.replace("  http_request_duration_seconds: [", "  other_seconds: [")) == []


VALUES = spec("""\
    apiVersion: slogen/v1
    service: webvitals
    histograms:
      web_vitals_cls: [0.05, 0.1, 0.25]
    slos:
      - name: cls
        objective: 75
        sli:
          value:
            histogram: web_vitals_cls{job="rum"}
            below: 0.15
    """)


def test_value_threshold_not_a_declared_bucket():
    finding = only(check_text(VALUES), "latency-bucket")
    assert finding.text() == (
        "spec.yaml:11:16: slos[0].sli.value.below: threshold 0.15 is not a bucket boundary of web_vitals_cls "
        "(0.05, 0.1, 0.25); pick one of them or add the bucket"
    )


@pytest.mark.parametrize("below", ["0.1", "0.10", "0.25"])
def test_value_threshold_on_a_declared_bucket_passes(below):
    assert [f.text() for f in check_text(VALUES.replace("0.15", below)) if f.rule == "latency-bucket"] == []


def test_value_sli_on_latency_buckets():
    text = VALUES.replace("[0.05, 0.1, 0.25]", "[50ms, 100ms, 250ms]").replace("0.15", "0.1")
    finding = only(check_text(text), "latency-bucket")
    assert finding.message == (
        "web_vitals_cls is declared with latency buckets (0.05s, 0.1s, 0.25s), but a value SLI reads unitless "
        "numbers; use a latency SLI with a threshold such as 250ms, or declare its buckets as numbers"
    )


def test_latency_sli_on_unitless_buckets():
    text = BUCKETS.replace("[100ms, 250ms, 500ms, 1s]", "[0.1, 0.25, 0.5, 1]").replace("300ms", "250ms")
    finding = only(check_text(text), "latency-bucket")
    assert finding.message.startswith("http_request_duration_seconds is declared with unitless buckets (0.1, 0.25")
    assert "use a value SLI (sli.value.below)" in finding.message


@pytest.mark.parametrize("buckets", ["[0.1, 250ms]", "[0.1, '0.2']", "[0, 0.1]"])
def test_buckets_mixing_units_or_not_positive_are_schema_errors(buckets):
    findings = check_text(VALUES.replace("[0.05, 0.1, 0.25]", buckets))
    assert [f.rule for f in findings if f.rule != "latency-bucket"] == ["schema"], [f.text() for f in findings]
