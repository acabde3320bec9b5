"""The bench's synthetic history: what the cost and accuracy numbers rest on."""

import math
import re
import time
import urllib.request
from itertools import pairwise
from pathlib import Path

import pytest

from bench import accuracy, history
from bench.exporter import Exporter
from bench.fleet_rules import _rate5m
from bench.traffic import DAY, Fleet, Series


def test_the_headline_fleet_is_20_slos_over_500_series_each():
    fleet = Fleet()
    series = list(fleet.series())
    assert len(series) == 10_000 == fleet.apis * fleet.series_per_api
    assert len({one.labels for one in series}) == 10_000
    assert {name for name, _, _ in fleet.slos()} == {f"a{i:02d}" for i in range(1, 21)}


def test_counters_never_decrease_and_follow_the_closed_form():
    one = Series('{a="b"}', base=3.0, error=False, phase=1.0)
    values = [one.count(t, 0) for t in range(0, 2 * DAY, 60)]
    assert all(later >= earlier for earlier, later in pairwise(values))
    assert one.count(DAY, 0) == pytest.approx(3.0 * DAY)  # the diurnal swing integrates to zero over a day


def test_base_rate_shortcut_equals_summing_every_series():
    fleet = Fleet(apis=2)
    errors = [one for one in fleet.series() if 'api="a02"' in one.labels and one.error]
    t = 5 * DAY + 1234
    exact = sum(one.count(t, 0) - one.count(t - 300, 0) for one in errors) / 300
    assert _rate5m(fleet, 1, 0, errors_only=True)(t) == pytest.approx(exact, rel=1e-12)


def test_history_file_is_series_after_series_in_time_order(tmp_path: Path):
    path = tmp_path / "h.om"
    series = list(Fleet(apis=1, routes=1, instances=2).series())
    with history.openmetrics_file(path) as out:
        written = history.write_counters(out, "m_total", series, range(600, 600 + 5 * 60, 60), origin=0)
    lines = path.read_text().splitlines()
    assert written == len(series) * 5
    assert lines[:2] == ["# HELP m_total synthetic", "# TYPE m_total counter"] and lines[-1] == "# EOF"
    samples = [re.fullmatch(r"m_total(\{.*\}) (\d+) (\d+)", line).groups() for line in lines[2:-1]]
    assert [int(t) for _, _, t in samples[:5]] == [600, 660, 720, 780, 840]
    assert samples[0][0] == series[0].labels and samples[5][0] == series[1].labels
    assert int(samples[4][1]) == int(series[0].count(840, 0))


def test_promtool_turns_the_history_into_one_block(tmp_path: Path):
    path = tmp_path / "h.om"
    series = list(Fleet(apis=1, routes=1, instances=1).series())
    with history.openmetrics_file(path) as out:
        history.write_counters(out, "m_total", series, range(1_700_000_000, 1_700_000_000 + 3 * DAY, 60), origin=0)
    history.blocks_from_openmetrics(path, tmp_path / "blocks")
    # 3 days in one pass: without --max-block-duration promtool would write 36 two-hour blocks
    assert len([p for p in (tmp_path / "blocks").iterdir() if p.is_dir()]) <= 2


def test_exporter_continues_the_same_counter(tmp_path: Path):
    series = [Series('{job="bench",code="200"}', base=5.0, error=False)]
    with (
        Exporter("m_total", series, origin=0) as exporter,
        urllib.request.urlopen(f"http://{exporter.address}/metrics", timeout=5) as response,
    ):
        text = response.read().decode()
    [value] = re.findall(r'^m_total\{job="bench",code="200"\} (\d+)$', text, re.MULTILINE)
    assert abs(int(value) - series[0].count(time.time(), 0)) < 5.0 * 5  # within 5 s of traffic


def test_accuracy_traffic_is_uneven_and_the_gap_is_empty():
    requests, errors = accuracy.uneven(3 * 1440, seed=1, gap=range(100, 220))
    assert sum(requests[100:220]) == 0 and sum(errors[100:220]) == 0
    assert max(requests) > 10 * min(r for r in requests if r)  # diurnal trough and bursts

    def ratio(minutes):
        return sum(e for e, _ in minutes) / sum(r for _, r in minutes)

    night = [(e, r) for e, r in zip(errors, requests, strict=True) if 0 < r < 300]
    day = [(e, r) for e, r in zip(errors, requests, strict=True) if 900 < r < 1200]  # below any burst
    assert ratio(night) > 2 * ratio(day)  # quiet minutes fail more


def test_exact_ratio_reads_the_written_counters():
    traffic = accuracy.Traffic("x", requests=[100] * 10, errors=[0] * 8 + [10, 10])
    rows = accuracy._rows(traffic)
    ratio = accuracy._exact(rows, span=2)
    assert ratio == pytest.approx(20 / 200, rel=0.02)
    assert math.isclose(accuracy._exact(rows, span=5), 20 / 500, rel_tol=0.02)
