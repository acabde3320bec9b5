"""A time-slice SLO against a real Prometheus: SimCity's quote requests, judged per clock minute (1m slices, bad above
1 % errors). An outage over one whole minute makes that minute's verdict bad; verdicts change only at minute
boundaries, each slice is read by every evaluation until the next boundary, and the page fires.

Rules are evaluated every second (the e2e's fast schedule); the slices stay 1m, aligned to the clock."""

import time
from collections.abc import Iterator

import pytest

from testing.servers import Prometheus, http_json, wait_for

from .stack import instant_value, one_spec_stack

pytestmark = pytest.mark.e2e

SPEC = """\
apiVersion: slogen/v1
service: quotes
period: 30d
slos:
  - name: quote-minutes
    objective: 99.9
    sli:
      ratio:
        errors: bookiji_http_requests_total{route="/api/quote", code=~"5.."}
        total: bookiji_http_requests_total{route="/api/quote"}
    budgeting:
      timeslices:
        slice: 1m
        bad_when: {error_ratio_above: 0.01}
"""
IDENTITY = '{service="quotes", slo="quote-minutes"}'
BAD = f"slogen:sli_errors:rate1m{IDENTITY}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Prometheus]]:
    with one_spec_stack(tmp_path_factory.mktemp("timeslices"), SPEC) as running:
        yield running


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def test_a_whole_minute_of_outage_is_one_bad_slice_judged_at_the_boundary(stack):
    simulator, prometheus = stack

    def switch(name: str) -> None:
        assert http_json(f"{simulator.url}/api/simcity/scenario/{name}", "POST")["scenario"] == name

    wait_for(lambda: instant_value(prometheus, BAD) is not None, 150, "a first verdict")
    assert instant_value(prometheus, BAD) == 0 and instant_value(prometheus, f"slogen:sli_total:rate1m{IDENTITY}") == 1

    # The outage covers the minute [m, m + 60) whole, and a few seconds either side.
    minute = (int(time.time()) // 60 + 1) * 60
    sleep_until(minute - 3)
    switch("outage")
    sleep_until(minute + 63)
    switch("healthy")
    assert instant_value(prometheus, BAD) == 1, "the minute of outage is judged bad at its end"
    assert prometheus.firing(alertname="QuoteMinutesBudgetBurn", severity="page")

    sleep_until(minute + 60 * 3 + 5)
    assert instant_value(prometheus, BAD) == 0, "healthy minutes are good again"
    samples = prometheus.query(f"{BAD}[6m]")[0]["values"]
    changes = [float(t) for (t, v), (_t, before) in zip(samples[1:], samples, strict=False) if v != before]
    # Every verdict changes within the first evaluations after a clock minute: slices line up with the clock.
    assert changes and all(t % 60 < 5 for t in changes), changes
    bad = sum(float(v) for _t, v in samples)
    per_slice = len([1 for t, _v in samples if minute + 60 <= float(t) < minute + 120])
    # The whole minute and the two it overlaps by 3 s (3 s of 5xx is 5 % of their requests): 3 slices.
    assert round(bad / per_slice) == 3, (bad, per_slice)
