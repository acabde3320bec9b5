"""Lint rule timeslices (generator/lint/timeslices.py) and the model's refusals of budgeting.timeslices."""

import pytest

from .helpers import check_text, of_rule, only, spec

SLICES = spec("""\
    apiVersion: slogen/v1
    service: api
    histograms:
      http_request_duration_seconds: [100ms, 500ms, 1s, 2s]
    slos:
      - name: minutes
        objective: 99.9
        sli:
          ratio:
            errors: http_requests_total{job="api", code=~"5.."}
            total: http_requests_total{job="api"}
        budgeting:
          timeslices:
            slice: 1m
            bad_when: {error_ratio_above: 0.01}
    """)


RATIO = """      ratio:
        errors: http_requests_total{job="api", code=~"5.."}
        total: http_requests_total{job="api"}"""


def test_a_sound_spec_passes():
    assert check_text(SLICES) == []


@pytest.mark.parametrize("slice_", ["90s", "7m"])
def test_a_slice_must_be_whole_minutes_dividing_an_hour(slice_):
    finding = only(check_text(SLICES.replace("slice: 1m", f"slice: {slice_}")), "timeslices")
    assert finding.text().startswith("spec.yaml:14:16: slos[0].budgeting.timeslices.slice: slice ")
    assert finding.message.endswith("use 1m, 2m, 5m, 10m, 15m, 30m or 1h")


def test_a_slice_longer_than_a_short_window():
    finding = only(check_text(SLICES.replace("slice: 1m", "slice: 10m")), "timeslices")
    assert finding.message == (
        "slice 10m is longer than the short burn window 5m, which then holds less than one slice's verdict; use a "
        "slice of at most 5m or longer short windows in alerting.windows"
    )


def test_a_budget_smaller_than_one_slice():
    text = SLICES.replace("objective: 99.9", "objective: 99.999").replace("slice: 1m", "slice: 5m")
    finding = only(check_text(text), "timeslices")
    assert finding.message == (
        "objective 99.999 % over 30d allows 25s of bad slices, less than one 5m slice: the first bad slice breaches "
        "the SLO; lower the objective or shorten the slice"
    )


def test_min_events_counts_requests_not_minutes():
    text = SLICES.replace("    budgeting:", "    alerting: {min_events: 100}\n    budgeting:")
    finding = only(check_text(text), "timeslices")
    assert finding.text().startswith("spec.yaml:15:9: slos[0].budgeting.timeslices: alerting.min_events 100 counts")


def test_a_large_error_ratio_warns():
    findings = of_rule(check_text(SLICES.replace("0.01}", "0.5}")), "timeslices")
    assert [f.level for f in findings] == ["warning"]
    assert "it is a fraction, so 1 % is 0.01: is 50 % what you meant?" in findings[0].message


def test_a_quantile_above_between_buckets():
    text = SLICES.replace(
        RATIO,
        '      latency:\n        histogram: http_request_duration_seconds{job="api"}',
    ).replace("{error_ratio_above: 0.01}", "{quantile: 0.95, above: 1.5s}")
    finding = only(check_text(text), "latency-bucket")
    assert finding.text().startswith(
        "spec.yaml:14:43: slos[0].budgeting.timeslices.bad_when.above: threshold 1.5s is not a bucket boundary"
    )
    assert check_text(text.replace("1.5s", "2s")) == []


@pytest.mark.parametrize(
    ("sli", "message"),
    [
        ("probe: {success: x, interval: 1m}", "a probe SLI's events are already probe runs, so drop budgeting"),
        ("freshness: {successes: x, every: 1h}", "a freshness SLI's events are already evaluation time"),
    ],
)
def test_time_slices_judge_ratio_and_latency_slis_only(sli, message):
    text = SLICES.replace(
        RATIO,
        f"      {sli}",
    )
    finding = only(check_text(text), "timeslices")
    assert message in finding.message


def test_a_quantile_on_a_ratio_sli():
    text = SLICES.replace("{error_ratio_above: 0.01}", "{quantile: 0.95, above: 2s}")
    finding = only(check_text(text), "timeslices")
    assert finding.message.startswith("a quantile needs a latency SLI")


def test_bad_when_takes_one_form():
    text = SLICES.replace("{error_ratio_above: 0.01}", "{error_ratio_above: 0.01, quantile: 0.9}")
    finding = only(check_text(text), "schema")
    assert "bad_when is {error_ratio_above: 0.01}, or {quantile: 0.95, above: 2s} on a latency SLI" in finding.message
