"""bench/serve.py: the measurement runs on a small fleet, and its goals follow its numbers."""

from pathlib import Path

from bench import serve


def test_a_small_fleet_is_served_with_the_same_five_queries_as_bookiji(tmp_path: Path):
    result = serve.run(tmp_path, slos=30)
    assert result["slos"] == 30 and result["bookiji_slos"] == 23
    assert result["status_queries"] == result["status_queries_bookiji"] == 5
    assert "| PromQL queries per status page | 5 |" in serve.markdown(result)


def test_the_goals_follow_the_numbers():
    result = {
        "slos": 10_000,
        "catalog_seconds": 0.2,
        "status_queries": 5,
        "status_queries_bookiji": 5,
        "bookiji_slos": 23,
    }
    assert [met for _goal, _measured, met in serve.summary(result)] == [True, True]
    slow = {**result, "catalog_seconds": 1.5, "status_queries": 10_005}
    assert [met for _goal, _measured, met in serve.summary(slow)] == [False, False]
