"""SimCity: determinism, the instrumentation contract (README §2 and lib/bookiji.libsonnet), every scenario's
effect, power, the HTTP daemon, the backfill writer (checked with the real promtool) and its `python -m` entry."""

import json
import re
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import pytest

from generator import promtool
from generator.durations import parse_latency
from testing.simcity import SCENARIOS, Simulator, contract, serve, write_history

ROOT = Path(__file__).parents[1]
SPECS = ROOT / "slo_specs"
START = 1_700_000_000  # a fixed unix time for backfills

# ---- a small parser for the text format: the tests read what a scraper reads ---------------------------------

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (\d+))?$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse(text: str) -> dict[tuple[str, frozenset], float]:
    """Series → value of a text exposition; fails on any line a scraper would reject or on a duplicate."""
    series: dict[tuple[str, frozenset], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        assert match, f"unparsable sample line: {line!r}"
        name, labels, value = match.group(1), match.group(2) or "", match.group(3)
        pairs = _LABEL.findall(labels)
        assert "".join(f'{k}="{v}"{sep}' for k, v, sep in pairs) == labels, f"bad labels in {line!r}"
        key = (name, frozenset((k, v) for k, v, _ in pairs))
        assert key not in series, f"duplicate series {line!r}"
        series[key] = float(value)
    return series


def types(text: str) -> dict[str, str]:
    return dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.MULTILINE))


def value(series: dict, name: str, **labels: str) -> float:
    return series[(name, frozenset(labels.items()))]


def total(series: dict, name: str, **match: str) -> float:
    """Sum of the series of `name` whose labels include `match` (a PromQL-style sum)."""
    return sum(
        v for (n, labels), v in series.items() if n == name and all((k, want) in labels for k, want in match.items())
    )


def http(series: dict, code: str | None = None, route: str | None = None) -> float:
    match = {k: v for k, v in (("code", code), ("route", route)) if v is not None}
    return total(series, "bookiji_http_requests_total", **match)


def bucket(series: dict, name: str, le: float, **match: str) -> float:
    return total(series, f"{name}_bucket", le=repr(float(le)), **match)


def run(scenario: str, seconds: float = 600, warm: float = 60, seed: int = 1) -> tuple[dict, dict]:
    """(before, after): exposition after `warm` healthy seconds, then after `seconds` of `scenario`."""
    simulator = Simulator(seed=seed)
    simulator.advance(warm)
    before = parse(simulator.exposition())
    simulator.set_scenario(scenario)
    simulator.advance(seconds)
    return before, parse(simulator.exposition())


def delta(before: dict, after: dict, fn, *args, **kwargs) -> float:
    return fn(after, *args, **kwargs) - fn(before, *args, **kwargs)


# ---- the contract ---------------------------------------------------------------------------------------------


def readme_metrics() -> dict[str, tuple[str, dict[str, tuple[set[str], bool]]]]:
    """README §2.2 tables: metric → (type, {label: (listed values, list is exhaustive)}), job/instance left out."""
    text = (SPECS / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### 2.2 Metrics") : text.index("### 2.3")]
    metrics, labels = {}, {}
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        names = re.findall(r"`([a-z_]+)`", cells[0])
        kinds = [part.split()[0] for part in cells[1].split(",")]
        kinds = kinds if len(kinds) == len(names) else [kinds[0]] * len(names)
        labels = labels if cells[2] == "same" else readme_labels(cells[2])  # "same" as the row above
        for name, kind in zip(names, kinds, strict=True):
            if not name.startswith("node_"):  # node_exporter's, scraped as job="node"
                metrics[name] = (kind, labels)
    return metrics


def readme_labels(cell: str) -> dict[str, tuple[set[str], bool]]:
    labels = {}
    for name, listed in re.findall(r"`([a-z_]+)(?:=\"[^\"]*\")?`(?: \(([^)]*)\))?", cell):
        if name not in ("job", "instance"):
            # A value has no space; `drill` (`true` for `bkctl rollback --drill`, else `false`) quotes a command.
            values = {v for v in re.findall(r"`([^`]+)`", listed) if " " not in v}
            labels[name] = (values, bool(values) and "e.g." not in listed and "other" not in listed)
    return labels


# README §2.1 gives the `traffic` label once for all tables, by a rule, not in each row: "Every `bookiji_*` counter and
# histogram carries the label, except the DB pool's and the cache's ...; so do the gauges that count work waiting or
# done (`bookiji_outbox_messages`, ...). Feature flags, provider health and pool gauges carry none." traffic_labelled()
# applies the rule to the §2.2 tables; the phrases are what it reads, so a rewritten rule fails the guard test.
TRAFFIC_PHRASES = (
    'labelled `traffic="synthetic"`',
    '`traffic="user"`',
    "Every `bookiji_*` counter and histogram carries the label, except the DB pool's and the cache's",
    "so do the gauges that count work waiting or done (",
    "Feature flags, provider health and pool gauges carry none.",
)
# "the DB pool's and the cache's": the families of the Infrastructure table's DB pool and cache rows.
TRAFFIC_EXCEPT = ("bookiji_db_pool_", "bookiji_cache_")


def traffic_section() -> str:
    text = (SPECS / "README.md").read_text(encoding="utf-8")
    return " ".join(text[text.index("### 2.1 Conventions") : text.index("### 2.2")].split())


def traffic_labelled() -> set[str]:
    """The families README §2.1 gives the `traffic` label: its counters and histograms, its listed gauges."""
    listed = traffic_section().split(TRAFFIC_PHRASES[3], 1)[1].split(")", 1)[0]
    gauges = set(re.findall(r"`(bookiji_[a-z_]+)`", listed))
    return gauges | {
        name
        for name, (kind, _) in readme_metrics().items()
        if kind in ("counter", "histogram") and name.startswith("bookiji_") and not name.startswith(TRAFFIC_EXCEPT)
    }


TRAFFIC_LABELLED = traffic_labelled()


def readme_expected_labels(name: str, labels: dict, traffic: set[str]) -> dict[str, tuple[set[str], bool]]:
    """The README row's labels, plus `traffic` with the values `traffic` where §2.1 puts it."""
    return labels | {"traffic": (traffic, True)} if name in TRAFFIC_LABELLED else labels


def libsonnet() -> dict:
    import _jsonnet

    snippet = (
        "local lib = import 'lib/bookiji.libsonnet'; {metrics: lib.metrics, buckets: lib.buckets, "
        "cls: lib.clsBuckets, routes: lib.routes, regions: lib.regions, checks: lib.checks, "
        "job: lib.job, syntheticsJob: lib.syntheticsJob}"
    )
    return json.loads(_jsonnet.evaluate_snippet(str(SPECS / "simcity-check.jsonnet"), snippet))


def test_every_readme_metric_is_exported_with_its_type():
    text = Simulator().exposition()
    exported = types(text)
    documented = readme_metrics()
    assert len(documented) >= 35  # the parser found the tables
    for name, (kind, _) in documented.items():
        assert exported.get(name) == kind, f"{name}: README says {kind}, SimCity exports {exported.get(name)}"
    assert set(exported) == set(documented), "SimCity exports a family the README does not document"


def test_the_traffic_convention_is_still_the_one_this_file_reads():
    section = traffic_section()
    missing = [phrase for phrase in TRAFFIC_PHRASES if phrase not in section]
    assert not missing, f"README §2.1 no longer says {missing}: update traffic_labelled() to what it says now"
    documented = readme_metrics()
    assert set(documented) >= TRAFFIC_LABELLED
    # Each exception names families; the parsed gauge list is the sentence's, and holds gauges only.
    assert all(any(name.startswith(prefix) for name in documented) for prefix in TRAFFIC_EXCEPT)
    gauges = {name for name in TRAFFIC_LABELLED if documented[name][0] == "gauge"}
    assert gauges == {
        "bookiji_outbox_messages",
        "bookiji_outbox_oldest_queued_age_seconds",
        "bookiji_outbox_dlq_depth",
        "bookiji_payments_double_charges_open",
        "bookiji_privacy_queue_depth",
        "bookiji_privacy_oldest_pending_age_seconds",
    }
    assert {f.name for f in contract.FAMILIES if f.traffic} == TRAFFIC_LABELLED


@pytest.mark.parametrize(
    ("scenario", "traffic"), [("healthy", {"user"}), ("synthetic_failures", {"user", "synthetic"})]
)
def test_label_names_and_values_follow_the_readme(scenario, traffic):
    """At start-up every traffic-labelled series is the users'; SimCity's synthetic traffic adds its own."""
    simulator = Simulator()
    simulator.set_scenario(scenario)
    series = parse(simulator.exposition())
    for name, (kind, documented) in readme_metrics().items():
        labels = readme_expected_labels(name, documented, traffic)
        sample = f"{name}_count" if kind == "histogram" else name
        label_sets = [dict(key[1]) for key in series if key[0] == sample]
        assert label_sets, name
        for found in label_sets:
            assert set(found) == set(labels), f"{name}: labels {sorted(found)}, README {sorted(labels)}"
        for label, (values, exhaustive) in labels.items():
            exposed = {found[label] for found in label_sets}
            assert values <= exposed, f"{name}{{{label}}}: README lists {values - exposed} that SimCity lacks"
            if exhaustive:
                assert exposed == values, f"{name}{{{label}}}: {exposed - values} is not in the README's list"


def test_names_buckets_routes_and_jobs_match_the_jsonnet_library():
    lib = libsonnet()
    assert set(lib["metrics"].values()) == {f.name for f in contract.FAMILIES if not f.name.startswith("process_")}
    for name, bounds in lib["buckets"].items():
        # Latencies are strings such as 250ms; unitless buckets (CLS) are numbers.
        expected = tuple(float(parse_latency(b)) if isinstance(b, str) else float(b) for b in bounds)
        assert contract.BY_NAME[name].buckets == expected, name
    assert contract.BY_NAME["bookiji_web_vitals_cls"].buckets == tuple(float(b) for b in lib["cls"])
    assert set(lib["routes"].values()) <= {route for route, _ in contract.ROUTES}
    assert tuple(lib["regions"]) == contract.REGIONS and tuple(lib["checks"]) == contract.CHECKS
    assert {contract.APP: lib["job"], contract.PROBE: lib["syntheticsJob"]} == contract.JOBS


def test_series_the_contract_needs_exist_at_zero_from_start_up():
    series = parse(Simulator().exposition())  # no advance: the first scrape
    assert value(series, "bookiji_payments_double_charge_total", traffic="user") == 0
    assert value(series, "bookiji_payments_double_charges_open", traffic="user") == 0
    assert value(series, "bookiji_outbox_dlq_depth", traffic="user") == 0
    assert value(series, "bookiji_access_log_writes_total", traffic="user") == 0
    assert value(series, "bookiji_access_log_write_failures_total", traffic="user") == 0
    for outcome in ("confirmed", "failed", "abandoned"):
        assert value(series, "bookiji_paid_booking_flows_total", outcome=outcome, traffic="user") == 0
    for kind in ("export", "delete"):
        assert value(series, "bookiji_privacy_oldest_pending_age_seconds", kind=kind, traffic="user") == 0
    quote = {"route": "/api/quote", "method": "POST", "traffic": "user"}
    assert value(series, "bookiji_http_request_duration_seconds_count", code="200", **quote) == 0
    assert value(series, "bookiji_http_requests_total", code="500", **quote) == 0
    assert value(series, "bookiji_booking_confirm_duration_seconds_count", charged="true", traffic="user") == 0
    assert (
        value(
            series, "bookiji_page_load_duration_seconds_bucket", page="home", device="desktop", traffic="user", le="2.0"
        )
        == 0
    )
    drill = {"drill": "true", "outcome": "success", "traffic": "user"}
    assert value(series, "bookiji_rollback_duration_seconds_count", **drill) == 0  # RollbackDrillOverdue reads it
    assert value(series, "bookiji_feature_flag_enabled", flag="payments.outbox") == 1
    assert value(series, "bookiji_feature_flag_enabled", flag="beta.public_directory") == 0


def test_targets_split_app_and_probe_series():
    simulator = Simulator()
    app, probe = types(simulator.exposition("app")), types(simulator.exposition("probe"))
    assert set(probe) == {"bookiji_synthetic_check_success", "bookiji_synthetic_check_duration_seconds"}
    assert not set(app) & set(probe) and "bookiji_http_requests_total" in app
    assert set(app) | set(probe) == set(types(simulator.exposition()))
    with pytest.raises(ValueError, match="target"):
        simulator.exposition("node")


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_promtool_accepts_the_exposition(scenario, tmp_path):
    simulator = Simulator()
    simulator.set_scenario(scenario)
    simulator.advance(90)
    path = tmp_path / "metrics.prom"
    path.write_text(simulator.exposition(), encoding="utf-8")
    with path.open("rb") as stdin:
        result = subprocess.run(
            [promtool.PROMTOOL.executable(), "check", "metrics"], stdin=stdin, capture_output=True, timeout=60
        )
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


# ---- the model --------------------------------------------------------------------------------------------


def _script(simulator: Simulator) -> str:
    simulator.advance(37.5)
    simulator.set_scenario("outage")
    simulator.advance(12.25)
    simulator.set_power(False)
    simulator.advance(5)
    simulator.set_power(True)
    simulator.set_scenario("double_charge")
    simulator.advance(61)
    return simulator.exposition()


def test_same_seed_same_exposition_other_seed_differs():
    assert _script(Simulator(seed=7)) == _script(Simulator(seed=7))
    assert _script(Simulator(seed=7)) != _script(Simulator(seed=8))


def test_counts_are_whole_monotone_and_match_the_rate():
    simulator = Simulator(rps=20)
    previous = parse(simulator.exposition())
    for _ in range(30):
        simulator.advance(7.3)
        current = parse(simulator.exposition())
        for (name, labels), v in current.items():
            if name.endswith(("_total", "_bucket", "_count")) and name != "process_cpu_seconds_total":
                assert v == int(v) and v >= previous[(name, labels)], (name, labels)
        previous = current
    requests, children = http(previous), len(contract.HTTP_REQUESTS.startup_children)
    assert 20 * 219 - children <= requests <= 20 * 219  # floor(phase + expected) per child, phases < 0.5


@pytest.mark.parametrize(
    ("scenario", "traffic"), [("latency_regression", ("user",)), ("synthetic_failures", contract.TRAFFIC)]
)
def test_histograms_are_cumulative_and_agree_with_the_request_counter(scenario, traffic):
    simulator = Simulator()
    simulator.set_scenario(scenario)
    simulator.advance(333)
    series = parse(simulator.exposition())
    for family in contract.FAMILIES:
        if family.kind != contract.HISTOGRAM:
            continue
        for labels in family.children if len(traffic) > 1 else family.startup_children:
            own = dict(zip(family.labels, labels, strict=True))
            counts = [value(series, f"{family.name}_bucket", le=repr(b), **own) for b in family.buckets]
            counts.append(value(series, f"{family.name}_bucket", le="+Inf", **own))
            assert counts == sorted(counts), (family.name, labels)
            assert counts[-1] == value(series, f"{family.name}_count", **own)
    for route, method in contract.ROUTES:
        for code in contract.CODES:
            for kind in traffic:
                labels = {"route": route, "method": method, "code": code, "traffic": kind}
                assert value(series, "bookiji_http_requests_total", **labels) == value(
                    series, "bookiji_http_request_duration_seconds_count", **labels
                )


def test_advance_refuses_negative_time_and_unknown_scenarios():
    simulator = Simulator()
    with pytest.raises(ValueError, match="seconds"):
        simulator.advance(-1)
    with pytest.raises(ValueError, match="unknown SimCity scenario 'meteor'"):
        simulator.set_scenario("meteor")
    assert simulator.scenario == "healthy"


def test_power_off_freezes_counters_keeps_gauges_and_time_moves_on():
    simulator = Simulator()
    simulator.set_scenario("stripe_dlq_growth")
    simulator.advance(120)
    before = simulator.exposition()
    simulator.set_power(False)
    simulator.advance(600)
    assert simulator.exposition() == before
    assert simulator.status() | {"simulated_seconds": 0} == {
        "power": False,
        "scenario": "stripe_dlq_growth",
        "seed": 1,
        "rps": 20.0,
        "load": 1.0,
        "load_target": 1.0,
        "simulated_seconds": 0,
    }
    assert simulator.seconds == 720
    simulator.set_power(True)
    simulator.advance(10)
    assert http(parse(simulator.exposition())) > http(parse(before))


def test_load_scales_every_event_rate_and_ramps_linearly():
    # 20 requests per second by default; every route's count is whole, so allow a request per series.
    def requests_in(simulator: Simulator, seconds: float) -> float:
        before = http(parse(simulator.exposition()))
        simulator.advance(seconds)
        return http(parse(simulator.exposition())) - before

    steady, loaded = Simulator(), Simulator()
    loaded.set_load(3.0)
    assert requests_in(steady, 100) == pytest.approx(20 * 100, rel=0.005)
    assert requests_in(loaded, 100) == pytest.approx(3 * 20 * 100, rel=0.005)

    # A ramp from 3 to 1 over 100 s in uneven advances adds the trapezoid, (3 + 1) / 2 × 100 s of load, then
    # 1 per second; the status reports the load of the moment and the target.
    ramped = Simulator()
    ramped.set_load(3.0)
    ramped.set_load(1.0, over=100)
    assert ramped.status()["load"] == 3.0 and ramped.status()["load_target"] == 1.0
    counted = 0.0
    for seconds in (10, 40, 25, 25):
        counted += requests_in(ramped, seconds)
        assert ramped.load == pytest.approx(3.0 - 2.0 * ramped.seconds / 100)
    assert counted == pytest.approx(2 * 20 * 100, rel=0.005)
    assert requests_in(ramped, 100) == pytest.approx(20 * 100, rel=0.005) and ramped.load == 1.0
    with pytest.raises(ValueError):
        ramped.set_load(-1)
    with pytest.raises(ValueError):
        ramped.set_load(1, over=float("inf"))


# ---- scenarios --------------------------------------------------------------------------------------------


def test_scenarios_cover_the_failure_modes():
    assert {
        "healthy",
        "outage",
        "slow_burn",
        "latency_regression",
        "stripe_dlq_growth",
        "double_charge",
        "privacy_export_slow",
        "map_provider_down",
        "probe_failures_region",
        "synthetic_failures",
    } <= set(SCENARIOS)
    assert all(isinstance(text, str) and text for text in SCENARIOS.values())


def test_healthy_has_no_errors_early_and_every_latency_under_its_threshold():
    early = parse(_advanced(60))
    assert http(early, "500") + http(early, "503") == 0  # no error among the first minute's 1 200 requests
    _, after = run("healthy", seconds=3600, warm=0)
    errors = http(after, "500") + http(after, "503")
    assert 0 < errors / (http(after) - http(after, "429")) < 0.001
    name = "bookiji_http_request_duration_seconds"
    thresholds = {
        "/api/quote": 0.4,
        "/api/search": 0.4,
        "/api/bookings/confirm": 0.5,
        "/api/payments/create-payment-intent": 0.7,
    }  # the strictest p95 of each route, both stages
    for route, threshold in thresholds.items():
        assert bucket(after, name, threshold, route=route) == total(after, f"{name}_count", route=route)
    assert bucket(after, "bookiji_privacy_request_duration_seconds", 60) == total(
        after, "bookiji_privacy_request_duration_seconds_count"
    )
    assert total(after, "bookiji_synthetic_check_success") == 6


def _advanced(seconds: float) -> str:
    simulator = Simulator()
    simulator.advance(seconds)
    return simulator.exposition()


def test_outage_answers_every_request_5xx_and_fails_every_probe():
    before, after = run("outage", seconds=120)
    requests = delta(before, after, http)
    assert requests > 2000
    assert delta(before, after, http, "500") + delta(before, after, http, "503") == requests
    assert total(after, "bookiji_synthetic_check_success") == 0
    assert total(after, "bookiji_synthetic_check_duration_seconds") == 60  # 6 checks × the 10 s timeout


def test_slow_burn_burns_the_error_rate_budget_twice_as_fast():
    before, after = run("slow_burn", seconds=6 * 3600)
    errors = delta(before, after, http, "500") + delta(before, after, http, "503")
    ratio = errors / (delta(before, after, http) - delta(before, after, http, "429"))
    assert ratio / 0.005 == pytest.approx(2.0, rel=0.02)  # error-rate, objective 99.5 %
    failed = delta(before, after, total, "bookiji_paid_booking_flows_total", outcome="failed")
    confirmed = delta(before, after, total, "bookiji_paid_booking_flows_total", outcome="confirmed")
    assert failed / (failed + confirmed) / 0.001 == pytest.approx(2.0, rel=0.1)  # dollar-flow-1d, 99.9 %


def test_latency_regression_slows_only_the_quote_route():
    before, after = run("latency_regression", seconds=600)
    name = "bookiji_http_request_duration_seconds"
    quote = delta(before, after, total, f"{name}_count", route="/api/quote")
    assert delta(before, after, bucket, name, 0.5, route="/api/quote") / quote < 0.5  # p95 > 500 ms
    assert delta(before, after, bucket, name, 1, route="/api/quote") / quote < 0.95  # p99 > 1 s
    search = delta(before, after, total, f"{name}_count", route="/api/search")
    assert delta(before, after, bucket, name, 0.4, route="/api/search") == search


def test_stripe_dlq_growth_grows_the_dlq_and_fails_webhooks():
    simulator = Simulator()
    simulator.set_scenario("stripe_dlq_growth")
    depths = []
    for _ in range(3):
        simulator.advance(120)
        depths.append(value(parse(simulator.exposition()), "bookiji_outbox_dlq_depth", traffic="user"))
    assert 0 < depths[0] < depths[1] < depths[2]
    series = parse(simulator.exposition())
    failures = total(series, "bookiji_stripe_webhooks_total", outcome="failure")
    assert failures / total(series, "bookiji_stripe_webhooks_total") == pytest.approx(0.3, rel=0.05)
    simulator.set_scenario("healthy")
    simulator.advance(3600)
    assert value(parse(simulator.exposition()), "bookiji_outbox_dlq_depth", traffic="user") == 0  # drained


def test_double_charge_counts_exactly_one_and_keeps_it_open_until_the_scenario_ends():
    def charges(simulator: Simulator) -> tuple[float, float]:
        series = parse(simulator.exposition())
        return (
            value(series, "bookiji_payments_double_charge_total", traffic="user"),
            value(series, "bookiji_payments_double_charges_open", traffic="user"),
        )

    simulator = Simulator()
    simulator.advance(60)
    assert charges(simulator) == (0, 0)
    simulator.set_scenario("double_charge")
    for _ in range(5):
        simulator.advance(60)
        assert charges(simulator) == (1, 1)
    simulator.set_scenario("healthy")  # the refund: reconciliation finds no open case any more
    simulator.advance(60)
    assert charges(simulator) == (1, 0)


def test_privacy_export_slow_puts_p95_beyond_60_seconds():
    before, after = run("privacy_export_slow", seconds=3600)
    name = "bookiji_privacy_request_duration_seconds"
    for kind in ("export", "delete"):
        count = delta(before, after, total, f"{name}_count", kind=kind)
        assert count > 50
        assert delta(before, after, bucket, name, 60, kind=kind) / count < 0.95
        assert value(after, "bookiji_privacy_queue_depth", kind=kind, traffic="user") > 0
        # The oldest request has waited since the incident began: far beyond PrivacyRequestStuck's 60 s.
        assert value(after, "bookiji_privacy_oldest_pending_age_seconds", kind=kind, traffic="user") == 3600
    simulator = Simulator()
    simulator.set_scenario("privacy_export_slow")
    simulator.advance(600)
    simulator.set_scenario("healthy")
    simulator.advance(1)
    assert total(parse(simulator.exposition()), "bookiji_privacy_oldest_pending_age_seconds") == 0


def test_map_provider_down_sends_traffic_to_the_fallback():
    before, after = run("map_provider_down", seconds=600)
    fallback = delta(before, after, total, "bookiji_map_adapter_requests_total", provider="fallback")
    assert fallback / delta(before, after, total, "bookiji_map_adapter_requests_total") > 0.9
    assert value(after, "bookiji_map_provider_up", provider="primary") == 0
    assert value(after, "bookiji_map_provider_up", provider="fallback") == 1


def test_synthetic_failures_fail_only_simcitys_own_traffic():
    before, after = run("synthetic_failures", seconds=600)
    assert not [key for key in before if ("traffic", "synthetic") in key[1]], "synthetic series before the scenario"

    def share(code_class: str, traffic: str) -> float:
        answered = delta(before, after, total, "bookiji_http_requests_total", traffic=traffic) - delta(
            before, after, total, "bookiji_http_requests_total", traffic=traffic, code="429"
        )
        codes = [code for code in contract.CODES if code.startswith(code_class)]
        return (
            sum(delta(before, after, total, "bookiji_http_requests_total", traffic=traffic, code=c) for c in codes)
            / answered
        )

    assert share("5", "synthetic") == pytest.approx(0.8, abs=0.01)
    assert share("5", "user") == 0
    name = "bookiji_http_request_duration_seconds"
    for route in ("/api/quote", "/api/payments/create-payment-intent"):
        synthetic = delta(before, after, total, f"{name}_count", traffic="synthetic", route=route)
        user = delta(before, after, total, f"{name}_count", traffic="user", route=route)
        assert synthetic > 500 and user > 500
        assert (
            delta(before, after, bucket, name, 0.5, traffic="synthetic", route=route) / synthetic < 0.5
        )  # p95 > 500 ms
        assert delta(before, after, bucket, name, 0.7, traffic="user", route=route) == user  # under every p95
    flows = "bookiji_paid_booking_flows_total"
    assert delta(before, after, total, flows, traffic="synthetic", outcome="confirmed") == 0
    assert delta(before, after, total, flows, traffic="synthetic", outcome="failed") > 200
    assert delta(before, after, total, flows, traffic="user", outcome="failed") == 0
    # It does the work behind its requests, labelled as its own (README §2.1), but confirms no booking.
    for name in (
        "bookiji_booking_confirm_duration_seconds_count",
        "bookiji_upload_duration_seconds_count",
        "bookiji_db_query_duration_seconds_count",
        "bookiji_external_request_duration_seconds_count",
        "bookiji_booking_funnel_total",
        "bookiji_feature_usage_total",
        "bookiji_access_log_writes_total",
        "bookiji_map_adapter_requests_total",
    ):
        assert delta(before, after, total, name, traffic="synthetic") > 100, name
    assert delta(before, after, total, "bookiji_booking_funnel_total", traffic="synthetic", step="confirmed") == 0
    # The map adapter's health checks (0.1/s) are the app's own work: the users' series count them.
    primary = ("bookiji_external_request_duration_seconds_count", {"dependency": "map_primary"})
    checks = delta(before, after, total, primary[0], traffic="user", **primary[1]) - delta(
        before, after, total, primary[0], traffic="synthetic", **primary[1]
    )
    assert checks == pytest.approx(60, abs=1)
    # Families without the traffic label count the users' traffic alone, and the probes stay green.
    assert total(after, "bookiji_synthetic_check_success") == 6


def test_synthetic_series_stay_frozen_and_their_gauges_drain_once_synthetic_traffic_stops():
    simulator = Simulator()
    simulator.set_scenario("synthetic_failures")
    simulator.advance(300)
    simulator.set_scenario("healthy")
    simulator.advance(1200)
    before = parse(simulator.exposition())
    simulator.advance(600)
    after = parse(simulator.exposition())
    synthetic = {key: v for key, v in after.items() if ("traffic", "synthetic") in key[1]}
    assert synthetic and synthetic == {key: before[key] for key in synthetic}
    gauges = [f.name for f in contract.FAMILIES if f.traffic and f.kind == contract.GAUGE]
    assert {name: total(after, name, traffic="synthetic") for name in gauges} == dict.fromkeys(gauges, 0)


def test_probe_failures_region_fails_eu_west_only():
    before, after = run("probe_failures_region", seconds=60)
    assert total(after, "bookiji_synthetic_check_success", region="eu-west") == 0
    assert total(after, "bookiji_synthetic_check_success", region="us-east") == 3
    errors = delta(before, after, http, "500") + delta(before, after, http, "503")
    assert errors <= 1  # the app itself stays healthy


# ---- the HTTP daemon --------------------------------------------------------------------------------------


def request(url: str, method: str = "GET") -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, method=method, data=b"" if method == "POST" else None), timeout=5
        ) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read().decode()


def wait_until(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"not true within {timeout}s")


def test_daemon_serves_metrics_and_controls_on_localhost():
    with serve(port=0, tick=0.05) as server:
        assert server.url == f"http://127.0.0.1:{server.port}" and server.port > 0
        status, content_type, body = request(f"{server.url}/metrics")
        assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
        assert "bookiji_http_requests_total" in types(body) and "bookiji_synthetic_check_success" not in body
        status, _, body = request(f"{server.url}/probe/metrics")
        assert status == 200 and set(types(body)) == {
            "bookiji_synthetic_check_success",
            "bookiji_synthetic_check_duration_seconds",
        }
        wait_until(lambda: json.loads(request(f"{server.url}/api/simcity/status")[2])["simulated_seconds"] > 0.2)

        status, content_type, body = request(f"{server.url}/api/simcity/scenario/outage", "POST")
        assert status == 200 and content_type == "application/json" and json.loads(body)["scenario"] == "outage"
        wait_until(lambda: "} 0\n" in request(f"{server.url}/probe/metrics")[2])

        status, _, body = request(f"{server.url}/api/simcity/power/off", "POST")
        assert status == 200 and json.loads(body)["power"] is False
        frozen = request(f"{server.url}/metrics")[2]
        time.sleep(0.2)  # four ticks
        assert request(f"{server.url}/metrics")[2] == frozen
        assert json.loads(request(f"{server.url}/api/simcity/power/on", "POST")[2])["power"] is True

        status, _, body = request(f"{server.url}/api/simcity/load/0.5?over=10", "POST")
        assert status == 200 and json.loads(body)["load_target"] == 0.5 and server.simulator.load <= 1.0
        assert request(f"{server.url}/api/simcity/load/lots", "POST")[0] == 400

        status, content_type, body = request(f"{server.url}/api/simcity/scenario/meteor", "POST")
        assert status == 404 and content_type == "application/json"
        assert "meteor" in json.loads(body)["error"] and "outage" in json.loads(body)["scenarios"]
        assert request(f"{server.url}/nowhere")[0] == 404
        assert request(f"{server.url}/metrics", "POST")[0] == 404
        assert server.simulator.scenario == "outage"
    server.close()  # idempotent
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{server.url}/metrics", timeout=2)


def read_banner(stream: IO[bytes], last: str, timeout: float = 60) -> list[str]:
    """Lines up to the one containing `last`. A SIGINT sent before then would cut the banner short."""
    lines: list[str] = []
    while not lines or last not in lines[-1]:
        assert select.select([stream], [], [], timeout)[0], f"printed {lines}, then nothing within {timeout} s"
        line = stream.readline().decode()  # unbuffered: communicate() below gets the rest
        assert line, f"exited after printing {lines}"
        lines.append(line)
    return lines


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    "inherited",
    [None, _ignore_sigint],
    ids=["foreground", "started-with-sigint-ignored"],
)
def test_main_runs_until_interrupted(inherited):
    """A shell starts background jobs (`make test &`, a CI step run with `&`) with SIGINT ignored, and Python then
    installs no KeyboardInterrupt handler: SimCity must still stop on the SIGINT that "Ctrl-C stops it" promises
    (a clean-clone run started in the background waited 60 s for it, twice)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "testing.simcity", "--port", "0", "--scenario", "map_provider_down", "--rps", "5"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
        preexec_fn=inherited,
    )
    try:
        banner = read_banner(process.stdout, "/api/simcity/status")
        url = re.search(r"http://127\.0\.0\.1:\d+", banner[0]).group(0)
        status = json.loads(request(f"{url}/api/simcity/status")[2])
        assert status["scenario"] == "map_provider_down" and status["rps"] == 5
    finally:
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=60)[1].decode()
    assert process.returncode == 0, err
    assert any("/api/simcity/power/off" in line for line in banner) and "SimCity stopped" in err


# ---- backfill ---------------------------------------------------------------------------------------------


def read_openmetrics(path: Path) -> tuple[list[str], dict[tuple[str, frozenset], list[tuple[int, float]]]]:
    """(family order from the TYPE lines, series → [(timestamp, value)]); checks the grouping OpenMetrics wants."""
    order, series, current = [], {}, None
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "# EOF"
    for line in lines[:-1]:
        if line.startswith("# TYPE "):
            current = line.split()[2]
            assert current not in order, f"family {current} interleaved"
            order.append(current)
            continue
        if line.startswith("#"):
            continue
        name, labels, v, stamp = _SAMPLE.match(line).groups()
        assert name.startswith(current), f"{name} outside its family {current}"
        key = (name, frozenset((k, x) for k, x, _ in _LABEL.findall(labels or "")))
        series.setdefault(key, []).append((int(stamp), float(v)))
    return order, series


def test_history_is_accepted_by_promtool_and_its_ground_truth_is_exact(tmp_path):
    path = tmp_path / "history.om"
    end = START + 4 * 3600
    families = [
        "bookiji_http_requests_total",
        "bookiji_http_request_duration_seconds",
        "bookiji_outbox_dlq_depth",
        "bookiji_synthetic_check_success",
        "bookiji_payments_double_charge_total",
    ]
    truth = write_history(
        path,
        START,
        end,
        step=60,
        seed=3,
        families=families,
        schedule=[(START + 3600 + 30, "outage"), (START + 5400, "healthy")],
    )
    order, series = read_openmetrics(path)
    assert order == [
        "bookiji_http_requests",
        "bookiji_http_request_duration_seconds",
        "bookiji_synthetic_check_success",
        "bookiji_outbox_dlq_depth",
        "bookiji_payments_double_charge",
    ]  # contract order
    stamps = [START + i * 60 for i in range(240)]
    for key, samples in series.items():
        assert [t for t, _ in samples] == stamps, key
        assert ("job", "bookiji-synthetics" if "synthetic" in key[0] else "bookiji") in key[1]
    last = {key: samples[-1][1] for key, samples in series.items() if key[0] == "bookiji_http_requests_total"}
    assert all(samples[0][1] == 0 for key, samples in series.items() if key[0].endswith("_total"))
    assert truth["requests_total"] == sum(v for key, v in last.items() if ("code", "429") not in key[1])
    assert truth["requests_errors"] == sum(
        v for key, v in last.items() if ("code", "500") in key[1] or ("code", "503") in key[1]
    )
    outage_requests = 20 * (1800 - 30)
    assert outage_requests - 60 <= truth["requests_errors"] - 0.0003 * 20 * 12600 <= outage_requests + 60
    assert truth["error_ratio"] == truth["requests_errors"] / truth["requests_total"]
    assert truth["last_sample"] == stamps[-1] and truth["series"] == len(series)

    blocks = tmp_path / "blocks"
    promtool_backfill(path, blocks)
    (blocks / "wal").mkdir(exist_ok=True)  # promtool tsdb dump opens the WAL of a live TSDB
    dump = subprocess.run(
        [
            promtool.PROMTOOL.executable(),
            "tsdb",
            "dump",
            f"--min-time={stamps[-1] * 1000}",
            "--match=bookiji_http_requests_total",
            str(blocks),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dump.returncode == 0, dump.stderr
    stored = {line.rsplit(" ", 2)[0]: float(line.rsplit(" ", 2)[1]) for line in dump.stdout.splitlines()}
    assert len(stored) == len(contract.HTTP_REQUESTS.startup_children)
    assert sum(v for k, v in stored.items() if 'code="429"' not in k) == truth["requests_total"]


def promtool_backfill(path: Path, blocks: Path) -> None:
    result = subprocess.run(
        [
            promtool.PROMTOOL.executable(),
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            "--max-block-duration=24h",
            str(path),
            str(blocks),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_history_family_filter_keeps_the_file_small_and_the_truth_unchanged(tmp_path):
    full = write_history(tmp_path / "all.om", START, START + 600, step=60, schedule=[(START, "double_charge")])
    promtool_backfill(tmp_path / "all.om", tmp_path / "blocks")  # every family kind, label and name
    charges = read_openmetrics(tmp_path / "all.om")[1][
        (
            "bookiji_payments_double_charge_total",
            frozenset({("job", "bookiji"), ("instance", "simcity"), ("traffic", "user")}),
        )
    ]
    assert [v for _, v in charges] == [0] + [1] * 9  # the scheduled incident, counted once
    small = write_history(tmp_path / "http.om", START, START + 600, step=60, families=["bookiji_http_requests_total"])
    order, series = read_openmetrics(tmp_path / "http.om")
    assert order == ["bookiji_http_requests"] and len(series) == small["series"] == 54
    assert {k: full[k] for k in ("requests_total", "requests_errors")} == {
        k: small[k] for k in ("requests_total", "requests_errors")
    }
    with pytest.raises(ValueError, match="unknown metric families"):
        write_history(tmp_path / "x.om", START, START + 600, families=["bookiji_http_requests", "nope"])
    with pytest.raises(ValueError, match="unknown SimCity scenario"):
        write_history(tmp_path / "x.om", START, START + 600, schedule=[(START, "meteor")])
    with pytest.raises(ValueError, match="start < end"):
        write_history(tmp_path / "x.om", START, START)
    assert not (tmp_path / "x.om").exists()


def test_a_month_of_the_request_counter_writes_fast(tmp_path):
    began = time.monotonic()
    truth = write_history(
        tmp_path / "month.om",
        START,
        START + 30 * 86400,
        step=300,
        families=["bookiji_http_requests_total"],
        schedule=[(START + 86400, "slow_burn"), (START + 2 * 86400, "healthy")],
    )
    assert time.monotonic() - began < 20
    assert truth["error_ratio"] == pytest.approx((29 * 0.0003 + 0.01) / 30, rel=0.01)
