"""Lint rule histogram-undeclared (generator/lint/histogram_undeclared.py): a latency SLI's histogram that is not
declared under `histograms`, while a close name is, would silently skip the latency-bucket check."""

from .helpers import check_text, of_rule, only, spec

TYPO = spec("""\
    apiVersion: slogen/v1
    service: checkout
    histograms:
      http_request_duration_seconds: [100ms, 250ms, 500ms]
    slos:
      - name: search-latency
        objective: 99
        sli:
          latency:
            histogram: http_request_duration_second{job="checkout"}
            threshold: 300ms
    """)


def test_close_name_is_suggested():
    finding = only(check_text(TYPO), "histogram-undeclared")
    assert finding.level == "warning"
    assert finding.text() == (
        "spec.yaml:10:20: slos[0].sli.latency.histogram: warning: histogram http_request_duration_second is not "
        "declared under histograms, so its threshold is not checked against its buckets; did you mean "
        "http_request_duration_seconds? (if it is another histogram, declare its buckets too)"
    )


def test_declared_name_passes():
    text = TYPO.replace("duration_second{", "duration_seconds{").replace("300ms", "250ms")
    assert check_text(text) == []


def test_no_close_name_no_warning():
    assert (
        of_rule(
            check_text(TYPO.replace("http_request_duration_second{", "queue_wait_seconds{")), "histogram-undeclared"
        )
        == []
    )


def test_declared_name_with_a_series_suffix_is_left_to_histogram_suffix():
    text = TYPO.replace("  http_request_duration_seconds: [", "  http_request_duration_second_bucket: [")
    assert of_rule(check_text(text), "histogram-undeclared") == []
    assert of_rule(check_text(text), "histogram-suffix")


def test_no_histograms_declared_no_warning():
    text = TYPO.replace("histograms:\n  http_request_duration_seconds: [100ms, 250ms, 500ms]\n", "")
    assert check_text(text) == []


def test_percentiles_warn_once():
    text = TYPO.replace("    objective: 99\n", "    percentiles: {p95: 250ms, p99: 500ms}\n").replace(
        "        threshold: 300ms\n", ""
    )
    findings = of_rule(check_text(text), "histogram-undeclared")
    assert [f.path for f in findings] == ["slos[0].sli.latency.histogram"]
