"""SimCity incidents through the generated rules and the generated routing to the receivers.

The simulator starts healthy; each test switches it to its scenario. Prometheus evaluates every group each
second, so every window holds only seconds of data and an incident crosses its thresholds within seconds.
"""

import time
from datetime import UTC, datetime

import pytest

from testing.servers import wait_for

from .stack import Stack, wait_firing

pytestmark = pytest.mark.e2e

DELIVERY_TIMEOUT = 20  # seconds from firing to the receiver (group_wait 1s, Prometheus sends at once)
PAGE_RECEIVERS = ("oncall-slack", "oncall-discord")


def mentions(body: object, *words: str) -> bool:
    """A Slack-format notification names its alerts in the title and text (render/alertmanager.py)."""
    attachments = body.get("attachments", []) if isinstance(body, dict) else []
    text = " ".join(f"{a.get('title', '')} {a.get('text', '')}" for a in attachments)
    return all(word in text for word in words)


def wait_delivered(stack: Stack, receiver: str, *words: str) -> dict:
    return stack.capture.wait_for(
        lambda got: next((body for path, body in got if path == receiver and mentions(body, *words)), None),
        DELIVERY_TIMEOUT,
        f"a notification to {receiver} naming {' and '.join(words)}",
    )


@pytest.fixture(scope="module")
def stack(slo_stack: Stack) -> Stack:
    return slo_stack


def test_outage_pages_the_oncall_receivers(stack: Stack):
    stack.scenario("outage")
    [page] = wait_firing(
        stack, alertname="AvailabilityBudgetBurn", service="bookiji-pilot", severity="page", long_window="1h"
    )
    assert page["metric"]["priority"] == "P1"
    for receiver in PAGE_RECEIVERS:
        body = wait_delivered(stack, receiver, "[FIRING] P1 page: bookiji-pilot/availability", "AvailabilityBudgetBurn")
        assert "runbook: https://runbooks.bookiji.com/api-errors" in body["attachments"][0]["text"]
    assert not [b for b in stack.capture.received("tickets-slack") if mentions(b, " page: ")], (
        "a page reached the tickets receiver: the page routes no longer match first"
    )


def test_a_page_silences_the_tickets_of_its_slo_at_the_receiver(stack: Stack):
    stack.scenario("outage")
    wait_firing(stack, alertname="AvailabilityBudgetBurn", service="bookiji-pilot", severity="page")
    wait_firing(stack, alertname="AvailabilityBudgetBurn", service="bookiji-pilot", severity="ticket")

    def ticket_inhibited() -> bool:
        tickets = [
            a
            for a in stack.alertmanager.alerts()
            if a["labels"]["alertname"] == "AvailabilityBudgetBurn"
            and a["labels"]["service"] == "bookiji-pilot"
            and a["labels"]["severity"] == "ticket"
        ]
        return bool(tickets) and all(
            a["status"]["state"] == "suppressed" and a["status"]["inhibitedBy"] for a in tickets
        )

    wait_for(
        ticket_inhibited,
        DELIVERY_TIMEOUT,
        "Alertmanager marking the availability tickets inhibited by the page",
        detail=lambda: str(
            [(a["labels"]["alertname"], a["labels"]["severity"], a["status"]) for a in stack.alertmanager.alerts()]
        ),
    )
    # A control ticket in the same notification group (service, slo) that the page does not inhibit (the
    # `equal` labels differ in region): the group's next notification carries it, so the receiver's view of
    # the group after inhibition is known without waiting for something not to happen.
    control = {
        "alertname": "E2EInhibitionControl",
        "service": "bookiji-pilot",
        "slo": "availability",
        "severity": "ticket",
        "priority": "P2",
        "region": "e2e-control",
        "team": "bookiji",  # as every Bookiji alert: the team's routes match it (slo_specs/README.md §5.4)
    }
    stack.alertmanager.post(
        [{"labels": control, "annotations": {"summary": "control"}, "endsAt": _rfc3339(time.time() + 300)}]
    )
    body = wait_delivered(stack, "tickets-slack", "E2EInhibitionControl")
    assert mentions(body, "bookiji-pilot/availability")
    assert not mentions(body, "AvailabilityBudgetBurn"), "the inhibited ticket reached tickets-slack with the control"


def test_double_charge_pages_p0(stack: Stack):
    """Both stages carry the alert (lib.sharedAlerts) and this stack loads both: each pages P0."""
    stack.scenario("double_charge")
    for service in ("bookiji", "bookiji-pilot"):
        [alert] = wait_firing(stack, alertname="PaymentsDoubleCharge", service=service)
        assert {k: alert["metric"][k] for k in ("severity", "priority")} == {"severity": "page", "priority": "P0"}
    for receiver in PAGE_RECEIVERS:
        wait_delivered(stack, receiver, "[FIRING] P0 page", "PaymentsDoubleCharge: A customer was charged twice")


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()
