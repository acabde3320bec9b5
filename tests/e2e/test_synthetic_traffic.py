"""SimCity's own synthetic traffic failing hard pages nobody on the real Prometheus with the generated Bookiji rules
(every selector leaves out traffic="synthetic", slo_specs/README.md §2.1), while a users' outage on the same stack
pages. The stack (stack.py, its own instance) starts healthy.
"""

import time
from pathlib import Path

import pytest

from testing.servers import wait_for

from .stack import FIRE_TIMEOUT, Stack, wait_firing

pytestmark = pytest.mark.e2e

# Seconds of synthetic failures during which no page may fire or be pending. The users' outage that follows must page
# sooner. It pages in 5-15 s on a fresh stack (test_alerting.py); here its windows also hold the hold's healthy user
# traffic, which slows it to about 0.6 × (HOLD + 7 s): measured 27 s after 40 s, 21-23 s after 30 s.
HOLD = 40
PILOT_AVAILABILITY = 'service="bookiji-pilot", slo="availability"'
# The pilot availability SLO (99 %) pages when both windows of its 1h/5m pair burn 14.4× its 1 % budget.
PAGE_RATIO = 0.144
PAGES = 'ALERTS{severity="page"}'
PAGE_RECEIVERS = ("oncall-slack", "oncall-discord")


@pytest.fixture(scope="module")
def stack(slo_stack: Stack) -> Stack:
    return slo_stack


def error_ratio(stack: Stack, window: str, traffic: str = "") -> float | None:
    """5xx over non-429 HTTP requests of the app (what both availability SLIs count), of the traffic that the
    `traffic` matcher selects (all of it by default)."""
    requests = ", ".join(filter(None, ['bookiji_http_requests_total{job="bookiji"', traffic]))
    result = stack.prometheus.query(
        f'sum(rate({requests}, code=~"5.."}}[{window}])) / sum(rate({requests}, code!="429"}}[{window}]))'
    )
    return float(result[0]["value"][1]) if result else None


def pages_now(stack: Stack) -> list[dict]:
    """Page alerts firing or pending in Prometheus, and page notifications the receivers got."""
    alerts = [a["metric"] for a in stack.prometheus.query(PAGES)]
    return alerts + [body for receiver in PAGE_RECEIVERS for body in stack.capture.received(receiver)]


def test_synthetic_failures_page_nobody_while_a_user_outage_pages(stack: Stack):
    for path in stack.rule_files:
        assert 'traffic!="synthetic"' in Path(path).read_text(), f"{path.name} predates the traffic matcher: regenerate"
    stack.scenario("synthetic_failures")
    wait_for(
        lambda: (
            (error_ratio(stack, "10s", 'traffic="synthetic"') or 0) > 0.7
            and stack.prometheus.query(f"slogen:sli_error:ratio_rate5m{{{PILOT_AVAILABILITY}}}")
        ),
        FIRE_TIMEOUT,
        "Prometheus seeing SimCity's synthetic requests fail (80 % 5xx) and recording the pilot availability ratio",
    )
    held = time.monotonic()
    while time.monotonic() - held < HOLD:
        assert pages_now(stack) == [], "synthetic traffic paged"
        time.sleep(1)
    # Every evaluation of the hold, not only those the polls saw.
    assert stack.prometheus.query(f"{PAGES}[{HOLD}s]") == [], "a page was pending or firing during the hold"
    # Without the traffic matcher the SLI would be far above the page threshold; the users' own is healthy.
    assert error_ratio(stack, f"{HOLD}s") > 2 * PAGE_RATIO
    [users] = stack.prometheus.query(f"slogen:sli_error:ratio_rate5m{{{PILOT_AVAILABILITY}}}")
    assert float(users["value"][1]) < 0.01

    stack.scenario("outage")
    began = time.monotonic()
    [page] = wait_firing(
        stack, alertname="AvailabilityBudgetBurn", service="bookiji-pilot", severity="page", long_window="1h"
    )
    paged_after = time.monotonic() - began
    assert paged_after < HOLD, f"the users' outage paged after {paged_after:.0f} s: hold the synthetic failures longer"
    assert page["metric"]["priority"] == "P1"
