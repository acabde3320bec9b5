"""The zero-tolerance rules of tests/fixtures/zero_tolerance.yaml on VictoriaMetrics + vmalert 1.79.

tests/test_zero_tolerance.py proves the holds in promtool time; this replays the same rules with `vmalert
-replay` over 30 hours of history imported into VictoriaMetrics, so MetricsQL evaluates them (its increase()
reads the sample before the window, its ranges are left-open), and reads back the ALERTS samples vmalert wrote.
"""

import datetime
import subprocess
from pathlib import Path

import pytest

from generator import pipeline
from generator.targets import prometheus as prometheus_target
from generator.write import render_tree, write
from testing.servers import VictoriaMetrics, binary

pytestmark = pytest.mark.e2e

FIXTURE = Path(__file__).parents[1] / "fixtures" / "zero_tolerance.yaml"
MINUTES = 30 * 60
COUNTER_GAP = range(200, 220)  # a scrape gap of 20 minutes, after the refund
RESTART = range(72, 80)  # no instance exports the open gauge


def counter(minute: int) -> int | None:
    return None if minute in COUNTER_GAP else int(minute > 10)


def open_cases(minute: int) -> int | None:
    return None if minute in RESTART else int(12 <= minute <= 180)  # counted a minute after the increase


def history(start: int) -> str:
    lines = []
    for minute in range(MINUTES):
        ms = (start + 60 * minute) * 1000
        if (value := counter(minute)) is not None:
            lines.append(f'payments_double_charge_total{{job="ledger",instance="app-1"}} {value} {ms}')
        if (value := open_cases(minute)) is not None:
            lines += [
                f'payments_double_charges_open{{job="ledger",instance="{instance}"}} {value} {ms}'
                for instance in ("app-1", "app-2")
            ]
    return "\n".join(lines) + "\n"


def rfc3339(seconds: int) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def firing(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[int]]:
    """alertname → the minutes (from the start of the history) at which vmalert wrote it firing."""
    tmp = tmp_path_factory.mktemp("zero-tolerance")
    outcome = pipeline.generate([FIXTURE])
    assert outcome.ok, [f.text() for f in outcome.findings]
    write(tmp / "out", render_tree(outcome.files))
    rules = tmp / "out" / prometheus_target.RULES_DIR / "ledger.rules.yml"
    start = (int(datetime.datetime.now(datetime.UTC).timestamp()) // 3600 - 31) * 3600
    with VictoriaMetrics(tmp / "vm", retention="7d") as victoria:
        victoria.start()
        victoria.import_prometheus(history(start))
        replay = subprocess.run(
            [
                binary("VMALERT", "vmalert", "vmalert-prod"),
                f"-rule={rules}",
                f"-datasource.url={victoria.url}",
                f"-remoteWrite.url={victoria.url}",
                f"-replay.timeFrom={rfc3339(start)}",
                f"-replay.timeTo={rfc3339(start + 60 * (MINUTES - 10))}",
                # Replay evaluates by range queries with this step: its 5m default writes ALERTS every 5 minutes.
                "-datasource.queryStep=1m",
                "-replay.rulesDelay=0s",
                "-replay.disableProgressBar",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert replay.returncode == 0, replay.stderr[-3000:]
        victoria.flush()
        found: dict[str, list[int]] = {}
        for series in victoria.export('ALERTS{alertstate="firing"}'):
            minutes = [(ms // 1000 - start) // 60 for ms in series["timestamps"]]
            found.setdefault(series["metric"]["alertname"], []).extend(minutes)
    return {name: sorted(set(minutes)) for name, minutes in found.items()}


def test_the_open_case_keeps_the_page_firing_until_refunded_and_a_scrape_gap_does_not_page(firing):
    """Firing from the increase (minute 11) through the restart to the last minute a case is open (180); the
    counter's 20-minute scrape gap after that fires nothing."""
    assert firing["DoubleChargeOpen"] == list(range(11, 181))


def test_without_open_the_page_holds_a_day(firing):
    """From the increase to a day after it: MetricsQL's increase() still reads the last 0 at minute 1450, as
    Prometheus 2's closed range does. The scrape gap does not page again a day later."""
    held = firing["DoubleChargeHeld"]
    assert (held[0], held[-1], len(held)) == (11, 1450, 1440)
