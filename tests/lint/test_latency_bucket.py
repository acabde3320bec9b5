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
