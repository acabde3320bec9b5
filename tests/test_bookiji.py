"""Bookiji's two ops documents (../shared/seeds/) against the configuration slogen generates from slo_specs/.

Each test replays a situation from the documents or from the audit of the generated output (issue 20) in
promtool, on the rules generated from the real specs, or asks amtool where the generated Alertmanager
config sends an alert. The documents are quoted in each test's docstring.
"""

import re
from pathlib import Path

import pytest
import yaml

from generator import amtool
from generator.targets import alertmanager as alertmanager_target
from tests.promtool_harness import generate, run_promtool_test

SPECS = Path(__file__).parent.parent / "slo_specs"
REGIONS = ("us-east", "eu-west")
CHECKS = ("health", "admin_guard", "calendar_links")
RUN = 15  # minutes between synthetic runs


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    generate(SPECS, out)
    return out


@pytest.fixture(scope="module")
def rules(output) -> Path:
    return output / "prometheus" / "rules"


def launch_rules(rules: Path) -> Path:
    """A directory holding only the launch stage's rules: the stages are deployed one at a time."""
    only = rules.parent / "launch-only"
    only.mkdir(exist_ok=True)
    (only / "bookiji.rules.yml").write_text((rules / "bookiji.rules.yml").read_text(encoding="utf-8"))
    return only


def pilot_rules(rules: Path) -> Path:
    only = rules.parent / "pilot-only"
    only.mkdir(exist_ok=True)
    (only / "bookiji-pilot.rules.yml").write_text((rules / "bookiji-pilot.rules.yml").read_text(encoding="utf-8"))
    return only


def assert_passes(result: tuple[bool, str]) -> None:
    passed, output = result
    assert passed, output


def probe_runs(failing: dict[tuple[str, str], list[int]], runs: int) -> list[dict]:
    """One 0/1 sample per synthetic run and (check, region); failing[(check, region)] lists failed run numbers."""
    series = []
    for region in REGIONS:
        for check in CHECKS:
            bad = set(failing.get((check, region), []))
            values = " ".join("0" if run in bad else "1" for run in range(runs))
            series.append(
                {
                    "series": f'bookiji_synthetic_check_success{{job="bookiji-synthetics", check="{check}", '
                    f'region="{region}", env="launch"}}',  # the launch stage's scope reads env="launch"
                    "values": values,
                }
            )
    return series


def firing(**labels: str) -> str:
    matchers = ", ".join(f'{key}="{value}"' for key, value in {"alertstate": "firing", **labels}.items())
    return f"ALERTS{{{matchers}}}"


def quiet(expr: str, minutes: range) -> list[dict]:
    return [{"expr": expr, "eval_time": f"{m}m", "exp_samples": []} for m in minutes]


def count_is(expr: str, minute: int, count: int) -> dict:
    return {"expr": f"count({expr})", "eval_time": f"{minute}m", "exp_samples": [{"labels": "{}", "value": count}]}


# --- 1. Two-strike rule ------------------------------------------------------------------------------------


def test_one_failed_run_of_every_check_in_a_region_pages_nobody(rules, tmp_path):
    """Launch: "Two-Strike Rule: alert only after 2 consecutive failures". The audit saw the probe SLO's
    6h/30m page pair page P0 about 11 minutes after one run in which every check of eu-west failed."""
    failed_run = 8
    runs = failed_run + 26  # six and a half hours after the failure
    series = probe_runs({(check, "eu-west"): [failed_run] for check in CHECKS}, runs)
    after = range(failed_run * RUN, (runs - 1) * RUN, 5)
    checks = quiet(firing(service="bookiji", severity="page"), after)
    test = {"interval": f"{RUN}m", "input_series": series, "promql_expr_test": checks}
    assert_passes(run_promtool_test(launch_rules(rules), [test], tmp_path))


# --- 2. Priorities of failing checks -------------------------------------------------------------------------


def strike_test(failing: dict[tuple[str, str], list[int]], checks: list[dict]) -> dict:
    return {"interval": f"{RUN}m", "input_series": probe_runs(failing, 12), "promql_expr_test": checks}


def test_calendar_links_failing_twice_is_a_p2_ticket_not_a_page(rules, tmp_path):
    """Launch: "P2 – Medium (Feature Issues)" for a feature check; the audit saw calendar_links failing twice
    in eu-west page "P0 – Critical (Service Down)"."""
    failing = {("calendar_links", "eu-west"): [4, 5]}
    at = 5 * RUN + 1
    checks = [
        count_is(
            firing(alertname="AvailabilityProbeFailing", check="calendar_links", severity="ticket", priority="P2"),
            at,
            1,
        ),
        *quiet(firing(service="bookiji", severity="page"), range(0, 11 * RUN, 5)),
    ]
    assert_passes(run_promtool_test(launch_rules(rules), [strike_test(failing, checks)], tmp_path))


def test_health_failing_twice_in_every_region_is_p0(rules, tmp_path):
    """Launch: "P0 – Critical (Service Down)": the health check fails from both regions' checkers."""
    failing = {("health", region): [4, 5] for region in REGIONS}
    at = 5 * RUN + 1
    checks = [
        count_is(firing(alertname="AvailabilityProbeFailing", check="health", priority="P0", severity="page"), at, 1),
        *quiet(firing(alertname="AvailabilityProbeFailing", priority="P1"), range(0, 11 * RUN, 5)),
    ]
    assert_passes(run_promtool_test(launch_rules(rules), [strike_test(failing, checks)], tmp_path))


def test_health_failing_in_one_region_only_is_p1_not_p0(rules, tmp_path):
    """Two regions exist to tell a checker's or a network path's trouble from the service being down."""
    failing = {("health", "eu-west"): [4, 5]}
    at = 5 * RUN + 1
    checks = [
        count_is(firing(alertname="AvailabilityProbeFailing", check="health", region="eu-west", priority="P1"), at, 1),
        *quiet(firing(service="bookiji", priority="P0"), range(0, 11 * RUN, 5)),
    ]
    assert_passes(run_promtool_test(launch_rules(rules), [strike_test(failing, checks)], tmp_path))


# --- 3. Double charges -------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["launch", "pilot"])
def test_double_charge_page_holds_until_refunded(rules, tmp_path, stage):
    """Pilot: "Page when: double-charge counter > 0". The audit saw the page resolve 10 minutes after the
    increase, with the counter still at 1: Slack said RESOLVED while the customer was still charged twice.
    Both stages: the launch stage must keep the pilot's payments-integrity pages (issue 20, item 7)."""
    service = "bookiji" if stage == "launch" else "bookiji-pilot"
    only = launch_rules(rules) if stage == "launch" else pilot_rules(rules)
    charged, refunded = 20, 200  # minutes
    series = [
        {
            "series": f'bookiji_payments_double_charge_total{{job="bookiji", instance="app-1", env="{stage}"}}',
            "values": f"0x{charged} 1x240",
        },
        {
            "series": f'bookiji_payments_double_charges_open{{job="bookiji", instance="app-1", env="{stage}"}}',
            "values": f"0x{charged} 1x{refunded - charged - 1} 0x{260 - refunded}",
        },
    ]
    page = firing(alertname="PaymentsDoubleCharge", service=service, severity="page", priority="P0")
    checks = [
        *quiet(page, range(0, charged, 5)),
        *(count_is(page, minute, 1) for minute in range(charged + 1, refunded, 30)),
        *quiet(page, range(refunded + 15, 255, 10)),
    ]
    test = {"interval": "1m", "input_series": series, "promql_expr_test": checks}
    assert_passes(run_promtool_test(only, [test], tmp_path))


# --- 4. Escalation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "escalation"),
    [
        # Both stages' alerts carry team="bookiji" (the specs' labels), which the team's routes match.
        (
            {"severity": "page", "priority": "P0", "service": "bookiji", "slo": "availability", "team": "bookiji"},
            "escalation-slack",
        ),
        (
            {"severity": "page", "priority": "P1", "service": "bookiji", "slo": "error-rate", "team": "bookiji"},
            "escalation-slack",
        ),
        (
            {
                "severity": "ticket",
                "priority": "P2",
                "service": "bookiji-pilot",
                "slo": "api-latency-p95",
                "team": "bookiji",
            },
            "escalation-slack",
        ),
    ],
)
def test_every_priority_escalates(output, labels, escalation):
    """Launch: P0 "Escalation: Immediate team notification", P1 "Within 1 hour", P2 "Within 4 hours"."""
    config = output / alertmanager_target.CONFIG
    result = amtool.route(config, labels, ())
    assert escalation in result[1], result


def escalation_delays(output: Path) -> dict[tuple[str, ...], str]:
    """Routes to the escalation receiver: their matchers → how long a group waits before it is sent there."""
    config = yaml.safe_load((output / alertmanager_target.CONFIG).read_text(encoding="utf-8"))
    return {
        tuple(sorted(route["matchers"])): route.get("group_wait", config["route"]["group_wait"])
        for route in config["route"]["routes"]
        if route["receiver"] == "escalation-slack"
    }


def test_escalation_times_are_the_documents(output):
    assert escalation_delays(output) == {
        ('priority="P0"', 'severity="page"', 'team="bookiji"'): "0s",
        ('severity="page"', 'team="bookiji"'): "1h",
        ('severity="ticket"', 'team="bookiji"'): "4h",
    }


# --- 5. Weekly rollback drill ------------------------------------------------------------------------------


def test_missed_weekly_drill_opens_a_ticket(rules, tmp_path):
    """Pilot: "Drill cadence: weekly during pilot". Drills on days 0, 7 and 14, then none."""
    hours = 26 * 24
    drills = {1, 7 * 24 + 1, 14 * 24 + 1}  # the counter is exported at 0 from start-up
    values, count = [], 0
    for hour in range(hours + 1):
        count += hour in drills
        values.append(str(count))
    series = [
        {
            "series": 'bookiji_rollback_duration_seconds_count{job="bookiji", instance="app-1", drill="true", '
            'outcome="success", env="pilot"}',
            "values": " ".join(values),
        }
    ]
    overdue = firing(alertname="RollbackDrillOverdue", severity="ticket")
    checks = [
        *({"expr": overdue, "eval_time": f"{h}h", "exp_samples": []} for h in range(1, 22 * 24, 12)),
        {"expr": f"count({overdue})", "eval_time": f"{23 * 24}h", "exp_samples": [{"labels": "{}", "value": 1}]},
    ]
    test = {"interval": "1h", "input_series": series, "promql_expr_test": checks}
    assert_passes(run_promtool_test(pilot_rules(rules), [test], tmp_path, evaluation_interval="1h"))


# --- 6. Synthetic traffic ----------------------------------------------------------------------------------


def http_series(traffic: str, code: str, per_minute: int, minutes: int, env: str = "launch") -> dict:
    """`env`: the stage whose scope reads the series (README §2.1)."""
    labels = f'job="bookiji", instance="app-1", route="/api/quote", method="POST", code="{code}", traffic="{traffic}"'
    labels += f', env="{env}"'
    return {"series": f"bookiji_http_requests_total{{{labels}}}", "values": f"0+{per_minute}x{minutes}"}


def latency_series(traffic: str, slow: bool, per_minute: int, minutes: int, env: str = "launch") -> list[dict]:
    """Quote requests all faster than 100 ms, or all slower than 10 s."""
    bounds = ["0.1", "0.25", "0.4", "0.5", "0.7", "0.8", "1", "1.2", "1.5", "2", "3", "5", "10", "+Inf"]
    labels = f'job="bookiji", instance="app-1", route="/api/quote", method="POST", code="200", traffic="{traffic}"'
    labels += f', env="{env}"'
    series = [
        {
            "series": f'bookiji_http_request_duration_seconds_bucket{{{labels}, le="{le}"}}',
            "values": f"0+{0 if slow and le != '+Inf' else per_minute}x{minutes}",
        }
        for le in bounds
    ]
    series.append(
        {"series": f"bookiji_http_request_duration_seconds_count{{{labels}}}", "values": f"0+{per_minute}x{minutes}"}
    )
    return series


@pytest.mark.parametrize("stage", ["launch", "pilot"])
def test_simcity_failure_scenarios_page_nobody(rules, tmp_path, stage):
    """Pilot: SimCity "reuses the same domain services used by production". Its failure scenarios (every
    request a slow 500 here) must neither page nor burn the budget; the users' own traffic is healthy."""
    minutes = 90
    only = launch_rules(rules) if stage == "launch" else pilot_rules(rules)
    series = [
        http_series("user", "200", 100, minutes, stage),
        http_series("synthetic", "500", 400, minutes, stage),
        *latency_series("user", False, 100, minutes, stage),
        *latency_series("synthetic", True, 400, minutes, stage),
    ]
    checks = quiet(firing(severity="page"), range(5, minutes, 5))
    test = {"interval": "1m", "input_series": series, "promql_expr_test": checks}
    assert_passes(run_promtool_test(only, [test], tmp_path))


def test_the_same_failures_from_users_do_page(rules, tmp_path):
    """The control for the test above: the same traffic unlabelled (users) pages, so the exclusion is what
    keeps SimCity quiet."""
    minutes = 30
    series = [http_series("user", "200", 100, minutes), http_series("user", "500", 400, minutes)]
    checks = [count_is(firing(alertname="Http5xxBurst", severity="page"), 10, 1)]
    test = {"interval": "1m", "input_series": series, "promql_expr_test": checks}
    assert_passes(run_promtool_test(launch_rules(rules), [test], tmp_path))


# --- 7. Launch keeps what the pilot watched --------------------------------------------------------------------


def test_launch_pages_on_dead_lettered_payments(rules, tmp_path):
    """Pilot: "Page when: DLQ depth > 0 for 5 min". The launch stage replaces the pilot's rules, so it must
    page too."""
    series = [
        {"series": 'bookiji_outbox_dlq_depth{job="bookiji", instance="app-1", env="launch"}', "values": "0x10 3x30"}
    ]
    page = firing(alertname="OutboxDLQNotEmpty", service="bookiji", severity="page")
    checks = [*quiet(page, range(0, 16)), count_is(page, 16, 1)]
    test = {"interval": "1m", "input_series": series, "promql_expr_test": checks}
    assert_passes(run_promtool_test(launch_rules(rules), [test], tmp_path))


def test_launch_keeps_every_pilot_integrity_and_flag_alert(output):
    launch = yaml.safe_load((output / "prometheus/rules/bookiji.rules.yml").read_text(encoding="utf-8"))
    names = {rule.get("alert") for group in launch["groups"] for rule in group["rules"]}
    assert {
        "PaymentsDoubleCharge",
        "OutboxDLQNotEmpty",
        "StripeWebhookFailures",
        "PaymentsOutboxFlagOff",
        "ForceCancelFlagOff",
    } <= names


# --- Choices (slo_specs/README.md §4) ----------------------------------------------------------------------


def test_upload_budget_reads_only_the_size_class_holding_5_mb(output):
    """Launch: "File Uploads: < 2s for 5MB": uploads under 1 MB would dilute the measure."""
    text = (output / "prometheus/rules/bookiji.rules.yml").read_text(encoding="utf-8")
    upload_lines = [line for line in text.splitlines() if "bookiji_upload_duration_seconds" in line]
    assert upload_lines
    assert all('size_class="le_5mb"' in line and "le_1mb" not in line for line in upload_lines)


def test_each_receiver_has_its_own_webhook(output):
    """Slack incoming webhooks ignore `channel`: receivers sharing a URL would post to one channel."""
    config = yaml.safe_load((output / alertmanager_target.CONFIG).read_text(encoding="utf-8"))
    files = [
        c.get("api_url_file") or c.get("webhook_url_file") or c.get("url_file")
        for receiver in config["receivers"]
        for key in ("slack_configs", "discord_configs", "webhook_configs")
        for c in receiver.get(key, [])
    ]
    assert len(files) == len(set(files)), files


# --- The coverage table (slo_specs/README.md §3) against the output ------------------------------------------


def coverage_table(readme: Path) -> str:
    text = readme.read_text(encoding="utf-8")
    return text[text.index("## 3. Seed-to-spec coverage") : text.index("## 4. Decisions")]


def test_the_coverage_table_names_only_what_the_output_has(output):
    """Every alert, SLO, metric and receiver that §3 names is in the generated output: the table was
    re-checked against the output, and this keeps it so."""
    table = coverage_table(SPECS / "README.md")
    rules = "\n".join(p.read_text(encoding="utf-8") for p in sorted((output / "prometheus/rules").glob("*.yml")))
    dashboards = "\n".join(p.read_text(encoding="utf-8") for p in sorted((output / "grafana").rglob("*.json")))
    alertmanager = (output / alertmanager_target.CONFIG).read_text(encoding="utf-8")
    alerts = set(re.findall(r"- alert: (\w+)", rules))
    slos = set(re.findall(r"slo: ([a-z0-9-]+)", rules))
    named = re.findall(r"`([^`]+)`", table)
    wrong = []
    for token in named:
        if re.fullmatch(r"[A-Z][a-z]+(?:[A-Z0-9][a-z0-9]*)+", token) and token not in alerts:
            wrong.append(f"alert {token}")
        metric = re.match(r"(bookiji_[a-z0-9_]+)", token)
        if metric and metric.group(1) not in rules + dashboards:
            wrong.append(f"metric {metric.group(1)}")
        if re.fullmatch(r"[a-z]+-(?:slack|discord)", token) and f"name: {token}" not in alertmanager:
            wrong.append(f"receiver {token}")
    for slo in re.findall(r"SLOs? `([a-z0-9-]+)`", table):
        if slo not in slos:
            wrong.append(f"SLO {slo}")
    assert not wrong, wrong
