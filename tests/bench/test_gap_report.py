"""bench/gap.py's goals are met or not met from the readings: a missing reading never passes."""

import math

from bench import gap


def readings(slogen: float, exact: float = 0.01, recorded: float = 0.006) -> dict:
    row = {"exact": exact, "recorded": recorded, "increase": exact, "plain": exact * 1.2, "slogen": slogen}
    return {slo: {window: dict(row) for window in ("1h", "3d", "period")} for slo in ("availability", "latency")}


def result(slogen: float) -> dict:
    runs = []
    for minutes in gap.GAPS:
        runs.append({"gap_minutes": minutes, "kind": "none", "readings": readings(0.01, recorded=0.01)})
        for kind in ("prometheus", "ruler"):
            runs.append({"gap_minutes": minutes, "kind": kind, "readings": readings(slogen)})
    runs[1]["reload_seconds"] = 58.0
    return {"runs": runs}


def test_goals_met_within_one_percent():
    [long, baseline] = gap.summary(result(0.01005))
    assert long[1] == "0.500%" and long[2] and baseline[2]


def test_goals_not_met_beyond_one_percent_or_without_a_reading():
    assert not any(met for _, _, met in gap.summary(result(0.0102)))
    assert not any(met for _, _, met in gap.summary(result(math.nan)))


def test_page_has_a_table_per_kind_and_the_reload_time():
    page = gap.markdown(result(0.01))
    assert page.count("| gap | window | exact |") == 2
    assert "| 20 min | 3d | 0.01000 | +0.00% | -40.00% | +0.00% | +20.00% | +0.00% |" in page
    assert "58 s after they were moved" in page
