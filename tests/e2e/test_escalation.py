"""Escalation in a real Alertmanager: a P1 page still firing 20s (the fixture's `escalate.after`) after its group
started reaches the escalation receiver then, and not before; a page resolved before that never reaches it.

The config comes from a fixture spec through the pipeline with the fixture's own short timings: the harness's usual
shortening of every group_wait to 1s would shorten the escalation's wait too."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from generator import pipeline
from generator.render.alertmanager import alert_labels
from generator.targets import alertmanager as alertmanager_target
from generator.write import render_tree, write
from testing.servers import Alertmanager, Capture, capturing_alertmanager_config, wait_for, write_yaml

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).parents[1] / "fixtures" / "escalation.yaml"
AFTER = 20  # escalate.after of the fixture's P1 route, in seconds
TIMEOUT = 15  # what Alertmanager (1s group_wait and group_interval) and the capture server may take beyond that
LATENCY_GROUP = 'slo=\\"latency\\"'  # as the dispatcher's log writes the group key


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("escalation")
    outcome = pipeline.generate([FIXTURE])
    assert outcome.ok, [f.text() for f in outcome.findings]
    escalation = outcome.project.routing.routes[0].escalation
    assert escalation is not None and (escalation.after, escalation.receivers) == (AFTER, ("leads",))
    write(tmp / "out", render_tree(outcome.files))
    generated = yaml.safe_load((tmp / "out" / alertmanager_target.CONFIG).read_text())
    with Capture() as capture:
        config = capturing_alertmanager_config(generated, capture.url, tmp / "secrets", timing=None)
        with Alertmanager(write_yaml(tmp / "alertmanager.yml", config), tmp / "am") as alertmanager:
            alertmanager.start()
            pages = {name: labels for name, labels in alert_labels(outcome.project) if labels["severity"] == "page"}
            yield alertmanager, capture, pages


def delivered(capture: Capture, receiver: str, alertname: str, status: str, timeout: float = TIMEOUT) -> None:
    capture.wait_for(
        lambda got: [b for path, b in got if path == receiver and alertname in str(b) and f"[{status}]" in str(b)],
        timeout,
        f"{alertname} {status} delivered to {receiver}",
    )


def resolved_flushes(log: str, group_label: str) -> int:
    """The dispatcher's flushes of a group whose alerts are all resolved (Alertmanager 0.25's debug log)."""
    return sum(
        1
        for line in log.splitlines()
        if "msg=flushing" in line and group_label in line and "[resolved]" in line and "[active]" not in line
    )


def test_only_a_page_still_firing_after_its_escalation_time_escalates_and_only_then(shop):
    alertmanager, capture, pages = shop
    assert {labels["priority"] for labels in pages.values()} == {"P1"}
    # A page that resolves 3s after it starts: the pager hears of it and of its end, the escalation never does.
    ends = datetime.now(UTC) + timedelta(seconds=3)
    alertmanager.post(
        [{"labels": {"alertname": "LatencyBudgetBurn", **pages["LatencyBudgetBurn"]}, "endsAt": ends.isoformat()}]
    )
    delivered(capture, "pager", "LatencyBudgetBurn", "RESOLVED")
    # The pager's group deletes the alert once its resolution is sent, so from here only the escalation group can
    # flush this group key again; its one flush (at 20s, all resolved) is what must send nothing.
    flushed = resolved_flushes(alertmanager.log_text(), LATENCY_GROUP)

    # A page that keeps firing, posted after the first: its escalation comes due after the first one's.
    posted = time.monotonic()
    alertmanager.post([{"labels": {"alertname": "AvailabilityBudgetBurn", **pages["AvailabilityBudgetBurn"]}}])
    delivered(capture, "pager", "AvailabilityBudgetBurn", "FIRING")
    assert capture.received("leads") == [], "the escalation receiver was notified before anything was due"
    delivered(capture, "leads", "AvailabilityBudgetBurn", "FIRING", timeout=AFTER + TIMEOUT)
    # Alertmanager creates the group after the POST began, and its group_wait timer never fires early.
    assert time.monotonic() - posted >= AFTER, "escalated before escalate.after had passed"

    wait_for(
        lambda: resolved_flushes(alertmanager.log_text(), LATENCY_GROUP) > flushed,
        TIMEOUT,
        "Alertmanager flushing the resolved page's escalation group",
        detail=alertmanager.log_tail,
    )
    assert [b for b in capture.received("leads") if "LatencyBudgetBurn" in str(b)] == [], (
        "a page resolved before its escalation time reached the escalation receiver"
    )
