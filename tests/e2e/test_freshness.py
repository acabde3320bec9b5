"""A freshness SLO against a real Prometheus: SimCity's successful quote requests (code="200") are the successes;
the outage scenario stops them, and the overdue alert fires `every` after the last one, not before, and resolves
when successes come back. The SLI counts the stale evaluations as bad.

Seconds-scale: `every` is 20s, scraped and evaluated every second (the e2e's fast schedule). The freshness-every lint
refuses a counter's `every` below 5m for real scrape intervals, so it is left out here."""

import time
from collections.abc import Iterator

import pytest

from generator import lint
from generator.lint import freshness_every
from testing.servers import Prometheus, http_json, wait_for

from .stack import instant_value, one_spec_stack

pytestmark = pytest.mark.e2e

EVERY = 20
SPEC = f"""\
apiVersion: slogen/v1
service: quotes
period: 1h
slos:
  - name: quote-success
    objective: 99
    sli:
      freshness:
        successes: bookiji_http_requests_total{{route="/api/quote", code="200"}}
        every: {EVERY}s
"""
ALERT = "QuoteSuccessOverdue"
IDENTITY = '{service="quotes", slo="quote-success"}'


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Prometheus]]:
    with one_spec_stack(
        tmp_path_factory.mktemp("freshness"), SPEC, tuple(r for r in lint.RULES if r is not freshness_every)
    ) as running:
        yield running


def test_stale_successes_fire_after_every_and_resolve_on_the_next(stack):
    simulator, prometheus = stack

    def switch(name: str) -> None:
        assert http_json(f"{simulator.url}/api/simcity/scenario/{name}", "POST")["scenario"] == name

    # Fresh: successes flow, the counter is older than `every`, and the SLI records good evaluations.
    wait_for(
        lambda: (instant_value(prometheus, f"slogen:freshness:successes{IDENTITY}") or 0) > 0, 60, "successes counted"
    )
    time.sleep(EVERY + 2)
    assert prometheus.firing(alertname=ALERT) == []
    assert instant_value(prometheus, f"slogen:sli_errors:rate5m{IDENTITY}") == 0

    switch("outage")  # every request 5xx: no more code="200"
    stopped = time.monotonic()
    wait_for(lambda: prometheus.firing(alertname=ALERT), EVERY + 30, f"{ALERT} firing")
    elapsed = time.monotonic() - stopped
    # increase() loses the last success once the scrape before it leaves the range: that scrape is at most two
    # seconds (a SimCity tick and a scrape) before the switch, so the alert cannot fire before EVERY - 3 s (observed:
    # 19.1 s), and fires within a few one-second evaluations of EVERY.
    assert EVERY - 3 <= elapsed <= EVERY + 8, f"{ALERT} fired {elapsed:.1f}s after the successes stopped"
    assert instant_value(prometheus, f"slogen:sli_errors:rate5m{IDENTITY}") == 1
    assert instant_value(prometheus, f"slogen:freshness:successes{IDENTITY}") == 0

    switch("healthy")
    wait_for(lambda: prometheus.firing(alertname=ALERT) == [], 15, f"{ALERT} resolved")
    bad = instant_value(prometheus, f"slogen:sli_error:ratio_period{IDENTITY}")
    assert bad is not None and 0 < bad < 1, bad
