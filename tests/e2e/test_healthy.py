"""A healthy SimCity under the generated rules: every rule group loads and evaluates cleanly, nothing fires,
and every dashboard query runs against the real Prometheus (the SLO panels with data)."""

import json
import re
import time
from datetime import datetime
from pathlib import Path

import pytest

from generator.naming import dashboard_uid
from generator.render import slo_queries
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
# Recorded for some SLOs only (freshness SLIs; SLOs with burn-rate alerts): the detail dashboard's panels that read
# them are empty for the others, and must show data for at least one.
SOME_SLOS = ("slogen:freshness:", "slogen:burn_rate:threshold")
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


def substitute(expr: str, chosen: dict[str, str] | None = None) -> str:
    """Grafana's built-in variables, then the dashboard's own as `chosen` picks them (`$x`, `${x}`, `${x:raw}`)."""
    values = dict(GRAFANA_VARIABLES)
    for name, value in (chosen or {}).items():
        values.update({f"${{{name}:raw}}": value, f"${{{name}}}": value, f"${name}": value})
    for variable in sorted(values, key=len, reverse=True):
        expr = expr.replace(variable, values[variable])
    assert "$" not in expr.replace('"$1"', ""), f"unknown Grafana variable left in {expr!r}"
    return expr


def dashboard_targets(path: Path) -> list[tuple[str, str, str]]:
    """(dashboard, panel title, expr) for every target of every panel, rows included."""
    dashboard = json.loads(path.read_text())
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


def variables_of(path: Path) -> list[dict]:
    """The dashboard's query variables, in the order Grafana resolves them (each may read the ones before)."""
    listed = json.loads(path.read_text()).get("templating", {}).get("list", [])
    return [v for v in listed if v["type"] == "query"]


def variable_options(stack: Stack, variable: dict, chosen: dict[str, str]) -> list[str]:
    """What Grafana's Prometheus data source lists for `variable`: label_values(selector, label) or
    query_result(expr) through the variable's regex (its first capture group)."""
    query = substitute(variable["query"], chosen)
    if query.startswith("label_values("):
        selector, label = query.removeprefix("label_values(").removesuffix(")").rsplit(", ", 1)
        found = {r["metric"].get(label, "") for r in stack.prometheus.query(f"group by ({label}) ({selector})")}
        values = sorted(v for v in found if v)
    else:
        assert query.startswith("query_result("), f"{variable['name']}: a variable query the test cannot read"
        values = []
        for result in stack.prometheus.query(query.removeprefix("query_result(").removesuffix(")")):
            metric = dict(result["metric"])
            name = metric.pop("__name__", "")
            labels = ",".join(f'{k}="{v}"' for k, v in metric.items())
            values.append(f"{name}{{{labels}}} {result['value'][1]} {result['value'][0]}")
    if variable.get("regex"):
        pattern = re.compile(variable["regex"].strip("/"))
        values = [m.group(1) for m in map(pattern.search, values) if m]
    return values


def choices(stack: Stack, path: Path, pairs: set[tuple[str, str]]) -> list[dict[str, str]]:
    """Every value set the e2e test fills a dashboard's variables with: none for a dashboard without variables;
    for the detail dashboard each SLO, with its groups "All" and (grouped SLOs) its first group. A variable left
    without options (a latency label of a ratio SLO) stays unset, and the queries that read it are skipped."""
    variables = variables_of(path)
    if not variables:
        return [{}]
    names = [v["name"] for v in variables]
    assert names[:3] == ["service", "slo", "group"], f"{path.name}: variables the e2e test does not fill: {names}"
    found = []
    for service, slo in sorted(pairs):
        chosen = {"service": service, "slo": slo}
        groups = variable_options(stack, variables[2], chosen)
        for group in [variables[2]["allValue"], *groups[:1]]:
            picked = {**chosen, "group": group}
            for variable in variables[3:]:
                options = variable_options(stack, variable, picked)
                if options:
                    picked[variable["name"]] = options[0]
            found.append(picked)
    return found


def unset(expr: str, chosen: dict[str, str], path: Path) -> bool:
    """Whether `expr` reads a variable of the dashboard that `chosen` left unset."""
    return any(
        re.search(rf"\$\{{?{re.escape(v['name'])}\b", expr) and v["name"] not in chosen for v in variables_of(path)
    )


def shows_slo_data(expr: str) -> bool:
    """Targets built from slogen:* series with no comparison filter must return data once the rules ran.

    Filters (`> 0`, `< 0`, `> 1`) and ALERTS legitimately return nothing on healthy traffic.
    """
    without_matchers = re.sub(r"\{[^}]*\}", "", expr)
    return "slogen:" in expr and "ALERTS" not in expr and not re.search(r"[<>]|==|!=", without_matchers)


def test_every_dashboard_query_runs_and_slo_panels_have_data(slo_stack: Stack, warm: float):
    """The detail dashboard's queries run once per SLO (and per first group), with its variables filled as Grafana
    would fill them from the recorded series: each SLO's queries must find its data."""
    names = {p.name for p in DASHBOARDS}
    assert names >= {"slogen_overview.json", "slogen_slo_detail.json"} and len(DASHBOARDS) >= 3
    pairs = slo_pairs(slo_stack.rule_files)
    errors, empty, ran = [], [], 0
    some_slos = dict.fromkeys(SOME_SLOS, 0)
    latency_ran = 0
    for path in DASHBOARDS:
        targets = dashboard_targets(path)
        for chosen in choices(slo_stack, path, pairs):
            for dashboard, title, expr in targets:
                if unset(expr, chosen, path):
                    continue
                ran += 1
                latency_ran += "sli_histogram" in expr
                where = f"{dashboard} / {title} {chosen or ''}"
                try:
                    result = slo_stack.prometheus.query(substitute(expr, chosen))
                except AssertionError as err:
                    errors.append(f"{where}: {err}")
                    continue
                if any(series in expr for series in SOME_SLOS):
                    some_slos[next(series for series in SOME_SLOS if series in expr)] += bool(result)
                elif shows_slo_data(expr) and not result:
                    empty.append(f"{where}: {expr}")
    assert errors == [], f"{len(errors)} of {ran} dashboard queries failed"
    assert empty == [], f"{len(empty)} SLO panel queries returned no data"
    assert all(some_slos.values()), f"series no SLO's detail dashboard showed: {some_slos}"
    assert latency_ran > 0, "no latency SLO filled the detail dashboard's histogram variable"


def test_the_overview_table_has_one_row_per_slo_with_its_service_dashboard_uid(slo_stack: Stack, warm: float):
    """Every column of the fleet table (but the time to exhaustion, only for SLOs that burn) answers one row per SLO
    of the rule files, each labelled with its service dashboard's uid, which the table's service link opens."""
    overview = json.loads((OUTPUT / "grafana" / "dashboards" / "slogen_overview.json").read_text())
    table = next(p for p in overview["panels"] if p["title"] == "Every SLO")
    names = [name for name, _expr in slo_queries.table_columns(slo_queries.FLEET)]
    expected = sorted((service, slo, dashboard_uid(service)) for service, slo in slo_pairs(slo_stack.rule_files))
    for name, target in zip(names, table["targets"], strict=True):
        if name == "Budget exhausted in":
            continue
        rows = slo_stack.prometheus.query(substitute(target["expr"]))
        found = sorted((r["metric"]["service"], r["metric"]["slo"], r["metric"].get("dashboard_uid")) for r in rows)
        assert found == expected, name
