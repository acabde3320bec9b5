"""A healthy SimCity under the generated rules: every rule group loads and evaluates cleanly, nothing fires,
and every dashboard query runs against the real Prometheus (the SLO panels with data)."""

import json
import re
import time
from datetime import datetime
from pathlib import Path

import pytest

from testing.servers import wait_for

from .stack import OUTPUT, Stack, assert_every_rule_loaded_cleanly, slo_pairs

pytestmark = pytest.mark.e2e

# Grafana's built-in variables, sized for data that is seconds old and scraped every second.
GRAFANA_VARIABLES = {
    "${datasource}": "prometheus",
    "$datasource": "prometheus",
    "$__rate_interval": "10s",
    "${__rate_interval}": "10s",
    "$__interval": "2s",
    "${__interval}": "2s",
    "$__range": "5m",
    "${__range}": "5m",
    "$__range_s": "300",
}
DASHBOARDS = sorted((OUTPUT / "grafana" / "dashboards").glob("*.json"))
WARM_UP = 60  # seconds for every SLO's base series to exist; rate() needs two scrapes


@pytest.fixture(scope="module")
def warm(slo_stack: Stack) -> float:
    """Wait until every SLO has its base-window ratio and its budget; return when that steady state began."""
    expected = slo_pairs(slo_stack.rule_files)
    # The base window is 5m, or the probe interval for probe SLIs (ratio_rate15m).
    for series in ('{__name__=~"slogen:sli_error:ratio_rate(5m|15m)"}', "slogen:error_budget_remaining:ratio"):
        wait_for(
            lambda series=series: not missing_slos(slo_stack, series, expected),
            WARM_UP,
            f"{series} for every SLO of the generated rules",
            detail=lambda series=series: (
                f"SLOs without it (no simulator series for their selectors?): "
                f"{sorted(missing_slos(slo_stack, series, expected))}"
            ),
        )
    return time.time()


def missing_slos(stack: Stack, series: str, expected: set[tuple[str, str]]) -> set[tuple[str, str]]:
    present = {
        (r["metric"]["service"], r["metric"]["slo"])
        for r in stack.prometheus.query(f"count by (service, slo) ({series})")
    }
    return expected - present


def evaluated_since(stack: Stack, since: float, rounds: int = 3) -> None:
    """Every group has run at least `rounds` times (interval 1s) after `since`."""

    def done() -> bool:
        groups = stack.rule_groups()
        return all(_epoch(g["lastEvaluation"]) >= since + rounds for g in groups)

    wait_for(done, 30, f"every rule group evaluated {rounds} times after the warm-up")


def _epoch(stamp: str) -> float:
    # Python 3.11 reads RFC 3339 with nanoseconds (it keeps microseconds); never-run groups say year 1.
    return datetime.fromisoformat(stamp).timestamp()


def test_every_generated_rule_group_loads_and_evaluates_cleanly(slo_stack: Stack, warm: float):
    evaluated_since(slo_stack, warm, rounds=1)
    assert_every_rule_loaded_cleanly("Prometheus", slo_stack.rule_groups(), slo_stack.rule_files)


def test_healthy_nothing_fires(slo_stack: Stack, warm: float):
    slo_stack.scenario("healthy")
    evaluated_since(slo_stack, warm, rounds=3)
    now = time.time()
    seen = slo_stack.prometheus.api("query_range", query="ALERTS", start=warm, end=now, step="1s")["result"]
    assert [(s["metric"]["alertname"], s["metric"]["alertstate"], s["metric"].get("service")) for s in seen] == [], (
        "alerts fired or were pending on healthy traffic"
    )
    assert slo_stack.capture.received() == [], "a receiver was notified on healthy traffic"


# --- dashboards ---------------------------------------------------------------------------------------


def substitute(expr: str) -> str:
    for variable in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(variable, GRAFANA_VARIABLES[variable])
    assert "$" not in expr, f"unknown Grafana variable left in {expr!r}"
    return expr


def dashboard_targets(path: Path) -> list[tuple[str, str, str]]:
    """(dashboard, panel title, expr) for every target of every panel, rows included."""
    dashboard = json.loads(path.read_text())
    templated = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
    assert templated <= {"datasource"}, f"{path.name} has template variables the e2e test does not fill: {templated}"
    found = []

    def walk(panels: list[dict]) -> None:
        for panel in panels:
            walk(panel.get("panels", []))
            found.extend(
                (path.name, panel.get("title", ""), target["expr"])
                for target in panel.get("targets", [])
                if "expr" in target
            )

    walk(dashboard.get("panels", []))
    return found


def shows_slo_data(expr: str) -> bool:
    """Targets built from slogen:* series with no comparison filter must return data once the rules ran.

    Filters (`> 0`, `< 0`, `> 1`) and ALERTS legitimately return nothing on healthy traffic.
    """
    without_matchers = re.sub(r"\{[^}]*\}", "", expr)
    return "slogen:" in expr and "ALERTS" not in expr and not re.search(r"[<>]|==|!=", without_matchers)


def test_every_dashboard_query_runs_and_slo_panels_have_data(slo_stack: Stack, warm: float):
    assert {p.name for p in DASHBOARDS} >= {"slogen_overview.json"} and len(DASHBOARDS) >= 2
    targets = [t for path in DASHBOARDS for t in dashboard_targets(path)]
    errors, empty = [], []
    for dashboard, title, expr in targets:
        try:
            result = slo_stack.prometheus.query(substitute(expr))
        except AssertionError as err:
            errors.append(f"{dashboard} / {title}: {err}")
            continue
        if shows_slo_data(expr) and not result:
            empty.append(f"{dashboard} / {title}: {expr}")
    assert errors == [], f"{len(errors)} of {len(targets)} dashboard queries failed"
    assert empty == [], f"{len(empty)} SLO panel queries returned no data"
