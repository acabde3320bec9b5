"""Calendar periods and budget exclusions (issue 16), against promtool.

The PromQL time predicates are checked instant by instant against the same schedule computed in Python; the
generated boundary tests of tests/fixtures/calendar.yaml (a week at +05:30, the month, exclusions) must pass.
"""

import shutil
from datetime import UTC, datetime

import pytest
import yaml

from generator import pipeline, promtool
from generator.calendar_periods import Calendar, parse_offset, window_covers
from generator.render import time_promql
from generator.routing import MaintenanceWindow
from generator.source import Source
from tests.promtool_harness import FIXTURES, generate

pytestmark = pytest.mark.skipif(shutil.which("promtool") is None, reason="needs promtool")

FIRST_SUNDAY = MaintenanceWindow(
    "first-sunday",
    ("sunday",),
    ("1:7",),
    (),
    (("02:00", "04:00"),),
    "UTC",
    Source(None),  # type: ignore[arg-type]
)
LAST_DAY = MaintenanceWindow("last-day", (), ("-1",), ("february",), (("23:00", "24:00"),), "+05:30", Source(None))  # type: ignore[arg-type]


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def evaluate(tmp_path, checks: list[tuple[str, int, float | None]]) -> None:
    """Each (expr, unix time, value or None for empty) as one promtool instant query."""
    (tmp_path / "none.yml").write_text("groups: []\n")
    tests = [
        {
            "interval": "1m",
            "input_series": [],
            "promql_expr_test": [
                {"expr": expr, "eval_time": f"{t}s", "exp_samples": [] if v is None else [{"labels": "{}", "value": v}]}
                for expr, t, v in checks
            ],
        }
    ]
    path = tmp_path / "t.test.yml"
    path.write_text(yaml.safe_dump({"rule_files": ["none.yml"], "tests": tests}, width=100_000))
    passed, output = promtool.test_rules([path])
    assert passed, output


def test_exclusion_predicate_matches_the_schedule(tmp_path):
    """Excluded from just after the start until just before one base window after the end, as window_covers says."""
    checks = []
    for window, offset, times in (
        (FIRST_SUNDAY, 0, ["1970-01-04T02:00:00", "1970-01-04T03:59:00", "1970-01-11T02:30:00", "1970-02-01T02:00:00"]),
        (LAST_DAY, 19800, ["1970-02-28T17:30:00", "1970-02-28T18:29:00", "1970-03-31T17:40:00", "1970-01-31T17:40:00"]),
    ):
        expr = time_promql.excluded((window,), (offset,), 300)
        for text in times:
            start = at(text)
            for t in (start, start + 1, start + 60, start + 299, start + 300):
                expected = any(window_covers(window, offset, t - back) for back in (1, 299))
                checks.append((f"count({expr})", t, 1 if expected else None))
    evaluate(tmp_path, checks)


@pytest.mark.parametrize(
    ("unit", "zone", "boundary"),
    [
        ("week", "UTC", "1970-01-05T00:00:00"),
        ("week", "+05:30", "1970-01-04T18:30:00"),
        ("month", "UTC", "1970-02-01T00:00:00"),
        ("month", "-03:00", "1970-03-01T03:00:00"),
        ("quarter", "UTC", "1970-04-01T00:00:00"),
        ("quarter", "+02:00", "1970-06-30T22:00:00"),
    ],
)
def test_period_index_changes_exactly_at_the_boundary(tmp_path, unit, zone, boundary):
    calendar = Calendar(unit, zone, Source(None))  # type: ignore[arg-type]
    index = f"({time_promql.period_index(calendar)}) - ({time_promql.period_index(calendar, 1)})"
    t = at(boundary)
    evaluate(tmp_path, [(index, t - 60, 0), (index, t, 1), (index, t + 60, 0)])


def test_spec_defaults():
    outcome = pipeline.check([FIXTURES / "calendar.yaml"])
    assert outcome.findings == [] and outcome.project is not None
    slos = {slo.name: slo for slo in outcome.project.slos()}
    assert (slos["avail-week"].calendar.unit, slos["avail-week"].calendar.offset, slos["avail-week"].period) == (
        "week",
        19800,
        7 * 86400,
    )
    assert slos["avail-month"].calendar.timezone == "UTC" and slos["avail-month"].period == 30 * 86400
    assert [w.name for w in slos["avail-week"].exclusions] == ["sunday-maintenance"]
    assert slos["avail-month"].exclusions == ()
    assert parse_offset("-03:00") == -10800


@pytest.mark.parametrize("name", ["desk.avail-week.calendar.test.yml", "desk.avail-week.exclusion.test.yml"])
def test_generated_boundary_tests_pass(tmp_path_factory, name):
    out = generate(FIXTURES / "calendar.yaml", tmp_path_factory.mktemp("out")).parent
    passed, output = promtool.test_rules([out / "tests" / name])
    assert passed, output
