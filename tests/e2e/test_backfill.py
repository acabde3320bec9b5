"""Thirty days of SimCity history with a known number of bad events, backfilled with promtool, through the
generated base rules and the generated period expression: the error budget remaining that Prometheus
computes matches the exact value from the injected history within three minutes' events of the 30 days
(`TOLERANCE`).

Steps: write_history → `promtool tsdb create-blocks-from openmetrics` → Prometheus on those blocks →
`promtool tsdb create-blocks-from rules` for the error-rate SLO's two base records (step 60s, as the
generated sli group runs) → Prometheus again with both sets of blocks → the generated period ratio at the end.
"""

import itertools
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from generator import naming, pipeline
from generator.backfill import LAST_SECOND
from generator.calendar_periods import MONDAY_AFTER_EPOCH, NOMINAL, Calendar
from generator.promtool import LABEL_ENCODINGS, group_phase
from generator.render.rules import period_rules
from testing.servers import Prometheus, binary, write_yaml

from .stack import RULE_FILES

pytestmark = pytest.mark.e2e

SERVICE, SLO = "bookiji", "error-rate"
DAY = 86_400
STEP = 60  # the generated sli group's interval: the minimum-traffic guard and the events maths assume it
PROMTOOL_TIMEOUT = 120
RATIO_PERIOD = f'slogen:sli_error:ratio_period{{service="{SERVICE}", slo="{SLO}"}}'
TOTAL_RATE = f'slogen:sli_total:rate5m{{service="{SERVICE}", slo="{SLO}"}}'
BASE_GROUP = "e2e-backfill-base"
# With every evaluation backfilled, the recorded 5m rates add up to the counters' increase (each minute's
# increase is in four windows at a quarter weight) except at the ends of the history: the first windows reach
# back only to the counters' first sample, and the last three minutes are in fewer than four windows by `end`.
# That is under three minutes' events of each sum, so the ratio is within 3 of the 43,200 minutes of exact
# (measured: under 2e-5 for group phases from 0 to 59.5 s). One lost evaluation in the outage is 1/60 of its errors.
TOLERANCE = 3 * STEP / (30 * DAY)


def generated_rules(service: str, slo: str) -> dict[str, dict]:
    """record name → rule, for the given SLO's recording rules in its generated file."""
    [path] = [p for p in RULE_FILES if p.name == f"{service}.rules.yml"]
    return {
        rule["record"]: rule
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "record" in rule and rule.get("labels", {}).get("slo") == slo
    }


def promtool(*args: str) -> str:
    result = subprocess.run(
        [binary("PROMTOOL", "promtool"), *args], capture_output=True, text=True, timeout=PROMTOOL_TIMEOUT
    )
    assert result.returncode == 0, f"promtool {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result.stdout


def prometheus_on(data: Path, tmp: Path) -> Prometheus:
    config = write_yaml(tmp / "prometheus.yml", {"global": {"scrape_interval": "1m"}})
    # Retention counts back from the newest block; the default 15d would delete half the history.
    return Prometheus(config, data, None, "--storage.tsdb.retention.time=400d")


def base_group_name(rule_file: Path) -> str:
    """A name under which promtool evaluates the base group off the minute and before its last second,
    whichever way this Prometheus lays out labels to hash them (on the minute it would also evaluate at `end`).

    promtool evaluates a group at a second of the minute set by a hash of its name and file (`group_phase`;
    the file is under tmp_path, so a different second in every run) and cuts each 2h block's range to whole
    seconds: a group in the minute's last second loses every block's last evaluation, 1 minute in 120. It
    made the period ratio 0.66 % low when the lost minute was the outage's last, and 0.66 % high otherwise,
    by the parity of the hour the test ran in.
    """
    names = (f"{BASE_GROUP}-{suffix}" if suffix else BASE_GROUP for suffix in itertools.count())
    return next(
        name
        for name in names
        if all(0 < group_phase(name, str(rule_file), STEP, layout) <= LAST_SECOND for layout in LABEL_ENCODINGS)
    )


def calendar_week_ratio() -> str:
    """The period ratio slogen generates for the error-rate SLO made a calendar week (UTC): the same base records,
    summed since Monday 00:00."""
    outcome = pipeline.check([Path(__file__).parents[2] / "slo_specs" / "bookiji.jsonnet"])
    assert outcome.project is not None, [f.text() for f in outcome.findings]
    slo = next(s for s in outcome.project.slos() if (s.service, s.name) == (SERVICE, SLO))
    week = replace(slo, period=NOMINAL["week"], calendar=Calendar("week", "UTC", slo.spec))
    return next(str(rule["expr"]) for rule in period_rules(week) if rule["record"] == naming.PERIOD_RATIO)


def week_start(t: int) -> int:
    """The Monday 00:00 UTC at or before `t`."""
    return (t - MONDAY_AFTER_EPOCH) // (7 * DAY) * (7 * DAY) + MONDAY_AFTER_EPOCH


def exact_budget_remaining(truth: dict, budget: float) -> float:
    return 1 - (truth["requests_errors"] / truth["requests_total"]) / budget


def test_error_budget_remaining_over_30_days_of_backfilled_history(tmp_path: Path):
    from testing.simcity import truth_until, write_history

    rules = generated_rules(SERVICE, SLO)
    base = [rules["slogen:sli_errors:rate5m"], rules["slogen:sli_total:rate5m"]]
    period_expr = rules["slogen:sli_error:ratio_period"]["expr"]
    remaining_expr = rules["slogen:error_budget_remaining:ratio"]["expr"]
    assert RATIO_PERIOD in remaining_expr, remaining_expr
    budget = float(rules["slogen:error_budget:ratio"]["expr"].removeprefix("vector(").removesuffix(")"))

    end = int(time.time()) // 3600 * 3600 - 3600  # whole hours in the past: every block is complete
    start = end - 30 * DAY
    # An hour of outage on day 12 and six hours of slow burn on day 20: about half the budget.
    schedule = [
        (start, "healthy"),
        (start + 12 * DAY, "outage"),
        (start + 12 * DAY + 3600, "healthy"),
        (start + 20 * DAY, "slow_burn"),
        (start + 20 * DAY + 6 * 3600, "healthy"),
    ]
    history = tmp_path / "history.om"
    truth = write_history(
        history,
        start,
        end,
        step=STEP,
        seed=1,
        rps=20.0,
        schedule=schedule,
        families=["bookiji_http_requests_total"],
        target_labels={"env": "launch"},  # the launch stage's scope (slo_specs/bookiji.jsonnet)
    )
    expected = exact_budget_remaining(truth, budget)
    assert 0.05 < expected < 0.95, f"the schedule should spend part of the budget, not {1 - expected:.1%} of it"

    data = tmp_path / "data"
    # promtool 2.42 hides --max-block-duration but honours it: one pass over the file per 486h block instead of
    # one per 2h block (360 passes for 30 days).
    promtool(
        "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=720h", "--quiet", str(history), str(data)
    )

    rule_file = tmp_path / "base.rules.yml"
    group = {"name": base_group_name(rule_file), "interval": f"{STEP}s", "rules": base}
    write_yaml(rule_file, {"groups": [group]})
    rule_blocks = tmp_path / "rule-blocks"
    with prometheus_on(data, tmp_path) as prometheus:
        prometheus.start()
        promtool(
            "tsdb",
            "create-blocks-from",
            "rules",
            "--quiet",
            f"--url={prometheus.url}",
            f"--start={start}",
            f"--end={end}",
            f"--eval-interval={STEP}s",
            f"--output-dir={rule_blocks}",
            str(rule_file),
        )
    for block in rule_blocks.iterdir():
        shutil.move(str(block), data / block.name)

    with prometheus_on(data, tmp_path) as prometheus:
        prometheus.start()
        [evaluations] = prometheus.query(f"count_over_time({TOTAL_RATE}[30d])", at=end)
        [ratio] = prometheus.query(period_expr, at=end)
        [remaining] = prometheus.query(remaining_expr.replace(RATIO_PERIOD, f"({period_expr})"), at=end)
        # A calendar week: the week of `end` less a day (so it holds at least a day), read before its end.
        monday = week_start(end - DAY)
        at = min(end, monday + 7 * DAY - 3600)
        [week] = prometheus.query(calendar_week_ratio(), at=at)
    measured = float(remaining["value"][1])
    # Every minute but the first, whose 5m window holds a single raw sample: promtool dropped no evaluation.
    assert float(evaluations["value"][1]) == 30 * DAY // STEP - 1
    assert float(ratio["value"][1]) == pytest.approx(truth["requests_errors"] / truth["requests_total"], rel=TOLERANCE)
    # remaining = 1 − ratio / budget: a relative error e in the ratio moves it by e · (1 − remaining).
    # The week's ratio is the truth of the events after Monday 00:00: samples up to `at` minus those up to Monday.
    # The first base rates after Monday still hold the minutes before it, and the last ones miss minutes they do
    # not reach yet: under five minutes' events at each end of the week so far.
    since = truth_until(start, at, STEP, 1, 20.0, schedule), truth_until(start, monday, STEP, 1, 20.0, schedule)
    week_errors = since[0]["requests_errors"] - since[1]["requests_errors"]
    week_total = since[0]["requests_total"] - since[1]["requests_total"]
    assert float(week["value"][1]) == pytest.approx(week_errors / week_total, rel=10 * STEP / (at - monday))
    assert measured == pytest.approx(expected, abs=TOLERANCE * (1 - expected)), (
        f"error budget remaining {measured:.5f} from Prometheus, {expected:.5f} exact "
        f"({truth['requests_errors']} bad of {truth['requests_total']} events)"
    )
