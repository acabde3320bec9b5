"""Lint rule histogram-suffix (generator/lint/histogram_suffix.py): a histogram is named by its base name."""

import pytest

from .helpers import LATENCY_NO_UNIT, check_text, of_rule, only, spec

LATENCY = LATENCY_NO_UNIT.replace("threshold: 250\n", "threshold: 250ms\n")

QUANTILE = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos: []
    alerts:
      - name: SlowSearch
        quantile:
          histogram: http_request_duration_seconds{job="checkout"}
          q: 0.99
          above: 1s
        severity: ticket
    """)


@pytest.mark.parametrize("suffix", ["_bucket", "_count", "_sum"])
def test_latency_histogram_with_a_series_suffix(suffix):
    text = LATENCY.replace("_seconds{", f"_seconds{suffix}{{")
    finding = only(check_text(text), "histogram-suffix")
    assert finding.text() == (
        f"spec.yaml:8:20: slos[0].sli.latency.histogram: http_request_duration_seconds{suffix} is a series of the "
        f"histogram, not its name; slogen adds _bucket and _count itself: name the histogram without {suffix}: "
        "http_request_duration_seconds"
    )


@pytest.mark.parametrize("suffix", ["_bucket", "_count", "_sum"])
def test_quantile_alert_histogram_with_a_series_suffix(suffix):
    text = QUANTILE.replace("_seconds{", f"_seconds{suffix}{{")
    finding = only(check_text(text), "histogram-suffix")
    assert (finding.line, finding.column, finding.path) == (7, 18, "alerts[0].quantile.histogram")
    assert finding.message.endswith(f"name the histogram without {suffix}: http_request_duration_seconds")


def test_percentiles_report_the_suffix_once():
    text = LATENCY.replace("    objective: 99\n", "    percentiles: {p95: 250ms, p99: 1s}\n").replace(
        "        threshold: 250ms\n", ""
    )
    findings = of_rule(check_text(text.replace("_seconds{", "_seconds_bucket{")), "histogram-suffix")
    assert [f.path for f in findings] == ["slos[0].sli.latency.histogram"]


def test_declared_histogram_with_a_series_suffix():
    text = LATENCY.replace("slos:\n", "histograms:\n  http_request_duration_seconds_bucket: [250ms]\nslos:\n")
    finding = only(check_text(text), "histogram-suffix")
    assert (finding.line, finding.path) == (4, "histograms.http_request_duration_seconds_bucket")
    assert finding.message.endswith("name the histogram without _bucket: http_request_duration_seconds")


@pytest.mark.parametrize("name", ["http_request_duration_seconds", "bucket_fill_seconds", "x_counts", "sum"])
def test_base_names_pass(name):
    assert of_rule(check_text(LATENCY.replace("http_request_duration_seconds", name)), "histogram-suffix") == []
    assert of_rule(check_text(QUANTILE.replace("http_request_duration_seconds", name)), "histogram-suffix") == []


def test_ratio_selectors_may_name_bucket_and_count_series():
    text = LATENCY.replace(
        '      latency:\n        histogram: http_request_duration_seconds{job="checkout"}\n        threshold: 250ms\n',
        '      ratio:\n        good: h_bucket{le="0.25"}\n        total: h_count\n',
    )
    assert of_rule(check_text(text), "histogram-suffix") == []
