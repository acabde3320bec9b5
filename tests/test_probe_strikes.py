"""The launch document's Two-Strike Rule and check priorities, proven in promtool time on rules slogen generates.

Bookiji's synthetic checks run every 15 minutes from two regions; "alert only after 2 consecutive failures", at
P0 only when the service is down. No page may come from a probe SLO before `strikes` consecutive failed runs, and a
check's priority is the one its `priorities` entry gives it.
"""

from generator import lint, pipeline
from tests.promtool_harness import FIXTURES, generate, run_promtool_test

CHECKS = ("health", "admin_guard", "calendar_links")
# Each region's checker writes its own `instance` (GitHub Actions, a secondary provider): series of one check differ
# in more than `region`.
INSTANCES = {"us-east": "gha-runner", "eu-west": "secondary-provider"}
METRIC = "bookiji_synthetic_check_success"
BOOKIJI = 'service="bookiji", slo="availability"'
RUNS = 16  # four hours of runs, 15 minutes apart
FAILED_RUN = 8  # the first failed run, at 2h
SECOND = (FAILED_RUN + 1) * 15  # minutes: the second consecutive failed run
STRIKE = "AvailabilityProbeFailing"


def without(rule_id: str) -> tuple[lint.Rule, ...]:
    """Every lint rule but one: renders what that rule refuses, as a spec that bypassed lint would."""
    return tuple(rule for rule in lint.RULES if rule_id != rule.ID)


def labels(check: str, region: str) -> str:
    return f'check="{check}", instance="{INSTANCES[region]}", job="bookiji-synthetics", region="{region}"'


def probe_series(failed: dict[tuple[str, str], set[int]]) -> list[dict]:
    """One series per check and region, one sample per run: 0 for the runs in failed[(check, region)], else 1."""
    return [
        {
            "series": f"{METRIC}{{{labels(check, region)}}}",
            "values": " ".join("0" if run in failed.get((check, region), set()) else "1" for run in range(RUNS)),
        }
        for check in CHECKS
        for region in INSTANCES
    ]


def firing(minute: int, severity: str, samples: list[dict] | None = None, only: str = "") -> dict:
    """Alerts of `severity` firing at `minute`; `only` narrows them to one alert name."""
    name = f', alertname="{only}"' if only else ""
    return {
        "expr": f'ALERTS{{{BOOKIJI}, alertstate="firing", severity="{severity}"{name}}}',
        "eval_time": f"{minute}m",
        "exp_samples": samples or [],
    }


def strike(severity: str, priority: str, series: str) -> dict:
    """A firing strike alert: `series` holds the labels of its series (per-series) or group (in_every)."""
    alert = f'alertname="{STRIKE}", alertstate="firing", {series}, priority="{priority}"'
    return {"labels": f'ALERTS{{{alert}, service="bookiji", severity="{severity}", slo="availability"}}', "value": 1}


def failed_twice(*series: tuple[str, str]) -> dict[tuple[str, str], set[int]]:
    return {key: {FAILED_RUN, FAILED_RUN + 1} for key in series}


def assert_passes(rules, checks: list[dict], failed: dict[tuple[str, str], set[int]], tmp_path):
    test = {"interval": "15m", "input_series": probe_series(failed), "promql_expr_test": checks}
    passed, output = run_promtool_test(rules, [test], tmp_path)
    assert passed, output


# --- Defect 1: a written page pair pages on one failed run -----------------------------------------------------


def test_a_page_pair_on_a_two_strike_probe_is_refused():
    outcome = pipeline.check([FIXTURES / "two_strike_probe.yaml"])
    assert [(f.rule, f.path) for f in outcome.findings] == [("probe-page-pair", "slos[0].alerting.windows[0].severity")]


def test_one_failed_run_in_every_check_of_a_region_pages_nothing(tmp_path):
    """The written 6h/30m page pair read one failed run of us-east (3 of its 6 runs in the 30m window, above the 3 %
    threshold over 6h) and paged P0 minutes later, while the strike alert rightly waited for a second failed run.
    Rendered past lint, as a spec that bypassed it: the model drops the pair."""
    rules = generate(FIXTURES / "two_strike_probe.yaml", tmp_path / "out", without("probe-page-pair"))
    failed = {(check, "us-east"): {FAILED_RUN} for check in CHECKS}
    checks = [firing(minute, "page") for minute in range(FAILED_RUN * 15 - 1, FAILED_RUN * 15 + 121, 2)]
    assert_passes(rules, checks, failed, tmp_path)


def test_a_second_consecutive_failed_run_pages_through_the_strike_alert_only(tmp_path):
    rules = generate(FIXTURES / "two_strike_probe.yaml", tmp_path / "out", without("probe-page-pair"))
    failed = failed_twice(*((check, "us-east") for check in CHECKS))
    checks = [firing(minute, "page") for minute in range(FAILED_RUN * 15 - 1, SECOND, 2)]
    checks.append(firing(SECOND + 1, "page", [strike("page", "P0", labels(c, "us-east")) for c in sorted(CHECKS)]))
    assert_passes(rules, checks, failed, tmp_path)


# --- Defect 2: every check in every region paged P0 --------------------------------------------------------------


def priorities(tmp_path):
    return generate(FIXTURES / "probe_priorities.yaml", tmp_path / "out")


def test_calendar_links_failing_twice_in_one_region_tickets_p2_and_pages_nothing(tmp_path):
    checks = [
        firing(SECOND + 1, "page"),
        firing(SECOND + 1, "ticket", [strike("ticket", "P2", labels("calendar_links", "eu-west"))], STRIKE),
    ]
    assert_passes(priorities(tmp_path), checks, failed_twice(("calendar_links", "eu-west")), tmp_path)


def test_health_failing_twice_in_every_region_pages_p0_once(tmp_path):
    """Grouped by check, not `without (region)`: the two checkers' instance labels would keep two groups of one."""
    checks = [
        firing(SECOND - 1, "page"),
        firing(SECOND + 1, "page", [strike("page", "P0", 'check="health"')]),
    ]
    assert_passes(priorities(tmp_path), checks, failed_twice(("health", "us-east"), ("health", "eu-west")), tmp_path)


def test_health_failing_twice_in_one_region_pages_p1(tmp_path):
    checks = [firing(SECOND + 1, "page", [strike("page", "P1", labels("health", "us-east"))])]
    assert_passes(priorities(tmp_path), checks, failed_twice(("health", "us-east")), tmp_path)
