"""`slogen explain`: its numbers are the ones the generated promtool tests prove."""

from pathlib import Path

import pytest

from generator import pipeline
from generator.durations import format_duration
from generator.explain import EVALUATION, UnknownTarget, explain, explain_slo
from generator.render.promtool_tests import STEP, detection_minutes

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def project():
    outcome = pipeline.check([FIXTURES / "scenarios.yaml"])
    assert outcome.ok and outcome.project
    return outcome.project


def test_evaluation_interval_is_the_generated_tests(project):
    assert EVALUATION == STEP


def test_detection_at_100_percent_is_the_bound_the_generated_tests_assert(project):
    [slo] = [s for s in project.slos() if s.name == "availability"]
    lines = explain_slo(slo)
    for pair in slo.burn_windows:
        row = next(line for line in lines if f" {format_duration(pair.long)}/" in line and pair.severity in line)
        at_100 = row.split()[5]  # severity, pair, burn, threshold and its %, then the time at 100 % errors
        assert at_100 == f"{detection_minutes(slo, pair)}m", row


def test_the_workbook_table_for_99_9_over_30_days(project):
    [slo] = [s for s in project.slos() if s.name == "availability"]
    text = "\n".join(explain_slo(slo))
    assert "shop/availability: 99.9 % good over 30d" in text
    assert "43m of total outage" in text
    assert "page      1h/5m       14.4×  1.44 %" in text
    assert "ticket    3d/6h       1×     0.1 %" in text
    # At 2 % errors the 1h page needs 1.44 % × 60 / 2 = 43.2 minutes, plus 2.5 of rate ramp-up and two
    # evaluations: 48m, when 2.21 % of the budget is gone (the Workbook's 2 %, plus the lag). 17m to reset:
    # the 5m short window, its 5m flap hold, the 5m base rate and two evaluations.
    page = next(line for line in text.splitlines() if "1h/5m" in line)
    assert page.split("1.44 %")[1].split() == ["6m", "(12.4", "%)", "14m", "(3.04", "%)", "48m", "(2.21", "%)", "17m"]


def test_unknown_target_names_the_services(project):
    with pytest.raises(UnknownTarget, match="services: shop"):
        explain(project, "nope")


def test_one_service_and_one_slo(project):
    assert explain(project, "shop/accuracy")[0].startswith("shop/accuracy: 99 % good over 3d")
    assert len([line for line in explain(project, "shop") if line.startswith("shop/")]) == len(list(project.slos()))


def test_the_command(project):
    from click.testing import CliRunner

    from generator import cli

    result = CliRunner().invoke(cli.main, ["explain", "shop/availability", "--specs", str(FIXTURES / "scenarios.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("shop/availability: 99.9 % good over 30d")
    unknown = CliRunner().invoke(cli.main, ["explain", "nope", "--specs", str(FIXTURES / "scenarios.yaml")])
    assert unknown.exit_code == 2
    assert unknown.output == "slogen: no SLO matches 'nope'; services: shop\n"
