"""Maintenance windows in a real Alertmanager: a route muted by a window that covers now delivers nothing,
while the unmuted P0 route and a route muted only at another hour deliver.

The config comes from a fixture spec through the pipeline; the alerts posted carry the exact labels the
generated rules would give them (render.alertmanager.alert_labels)."""

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

FIXTURE = Path(__file__).parents[1] / "fixtures" / "maintenance.yaml"
TIMEOUT = 20
# Alertmanager 0.25 logs this (debug) when mute_time_intervals drop a notification; with the dispatcher's
# "flushing" lines it is the evidence that the muted group was flushed and withheld, not merely not flushed yet.
MUTED_LOG = "Notifications not sent, route is within mute time"
LATENCY_GROUP = 'slo=\\"latency\\"'  # as the dispatcher's log writes the group key


def flushes(log: str, group_label: str) -> int:
    return sum(1 for line in log.splitlines() if "msg=flushing" in line and group_label in line)


def spec_with_windows(now: datetime) -> str:
    """The fixture with `elsewhen` set to a one-hour window twelve hours away from now (never now)."""
    start = (now + timedelta(hours=12)).hour
    end = "24:00" if start == 23 else f"{start + 1:02d}:00"
    text = FIXTURE.read_text()
    assert "$OTHER_START" in text and "$OTHER_END" in text, f"{FIXTURE} lost its placeholders"
    return text.replace("$OTHER_START", f"{start:02d}:00").replace("$OTHER_END", end)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("maintenance")
    spec = tmp / "specs" / "shop.yaml"
    spec.parent.mkdir()
    spec.write_text(spec_with_windows(datetime.now(UTC)))
    outcome = pipeline.generate([spec])
    assert outcome.ok, [f.text() for f in outcome.findings]
    write(tmp / "out", render_tree(outcome.files))
    generated = yaml.safe_load((tmp / "out" / alertmanager_target.CONFIG).read_text())
    with Capture() as capture:
        config = write_yaml(
            tmp / "alertmanager.yml", capturing_alertmanager_config(generated, capture.url, tmp / "secrets")
        )
        with Alertmanager(config, tmp / "am") as alertmanager:
            alertmanager.start()
            yield (
                alertmanager,
                capture,
                dict(((name, labels["severity"]), labels) for name, labels in alert_labels(outcome.project)),
            )


def test_a_window_covering_now_mutes_its_route_and_only_its_route(shop):
    alertmanager, capture, labels = shop
    muted = labels[("LatencyBudgetBurn", "page")]  # P1 page: route muted by all-day
    p0 = labels[("AvailabilityBudgetBurn", "page")]  # P0 page: route never muted
    ticket = labels[("CartErrors", "ticket")]  # ticket: route muted by elsewhen only
    assert (muted["priority"], p0["priority"]) == ("P1", "P0")
    ends = datetime.fromtimestamp(time.time() + 300, UTC).isoformat()
    alertmanager.post(
        [
            {"labels": {"alertname": name, **alert}, "endsAt": ends}
            for name, alert in (("LatencyBudgetBurn", muted), ("AvailabilityBudgetBurn", p0), ("CartErrors", ticket))
        ]
    )

    def delivered(receiver: str, alertname: str):
        return capture.wait_for(
            lambda got: [b for path, b in got if path == receiver and alertname in str(b)],
            TIMEOUT,
            f"{alertname} delivered to {receiver}",
        )

    delivered("pager", "AvailabilityBudgetBurn")
    delivered("tickets", "CartErrors")
    # A group's flushes run one after another, so a second flush of the latency group means its first
    # notification attempt has run to the end: had it not been muted, the capture server would have it.
    wait_for(
        lambda: flushes(alertmanager.log_text(), LATENCY_GROUP) >= 2 and MUTED_LOG in alertmanager.log_text(),
        TIMEOUT,
        "Alertmanager flushing the latency page's group twice and muting it",
        detail=alertmanager.log_tail,
    )
    assert [b for b in capture.received() if "LatencyBudgetBurn" in str(b)] == [], (
        "a page on a route muted by a window covering now was delivered"
    )
