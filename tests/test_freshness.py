"""Freshness SLIs (tests/fixtures/freshness.yaml): the model's alerts, and the generated rules and promtool tests."""

from pathlib import Path

import pytest

from generator import lint, pipeline, promtool
from generator.model import FreshnessSLI
from generator.targets import prometheus as prometheus_target
from generator.write import render_tree, write
from tests.promtool_harness import run_promtool_test

FIXTURE = Path(__file__).parent / "fixtures" / "freshness.yaml"


@pytest.fixture(scope="module")
def outcome():
    result = pipeline.generate([FIXTURE], lint.RULES)
    assert result.ok, [f.text() for f in result.findings]
    return result


@pytest.fixture(scope="module")
def out(outcome, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("freshness")
    write(directory, render_tree(outcome.files))
    return directory


def slos(outcome):
    return {slo.name: slo for service in outcome.project.services for slo in service.slos}


def test_a_freshness_slo_alerts_through_its_overdue_alert_only(outcome):
    nightly, consumer = slos(outcome)["nightly-export"], slos(outcome)["mail-consumer"]
    assert isinstance(nightly.sli, FreshnessSLI) and nightly.sli.every == 86400
    assert nightly.burn_windows == () and consumer.burn_windows == ()
    assert [(a.kind, a.name, a.severity) for a in nightly.alerts] == [("overdue", "NightlyExportOverdue", "ticket")]
    assert [(a.kind, a.name, a.severity) for a in consumer.alerts] == [("overdue", "MailConsumerOverdue", "page")]


def test_generated_rules_and_tests_pass_promtool(out):
    ok, _problems, output = promtool.check_rules(sorted((out / prometheus_target.RULES_DIR).glob("*.yml")))
    assert ok, output
    files = sorted((out / prometheus_target.TESTS_DIR).glob("batch.*.test.yml"))
    assert [f.name for f in files] == ["batch.mail-consumer.test.yml", "batch.nightly-export.test.yml"]
    ok, output = promtool.test_rules(files)
    assert ok, output


def test_the_generated_test_pins_the_boundary(out, tmp_path):
    """An alert that fired at exactly `every` (age >= every) fails the generated test: it is quiet there."""
    rules = out / prometheus_target.RULES_DIR / "batch.rules.yml"
    text = rules.read_text(encoding="utf-8")
    early = text.replace("[1d])) > 86400\n", "[1d])) >= 86400\n")
    assert early != text
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "batch.rules.yml").write_text(early, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    test = out / prometheus_target.TESTS_DIR / "batch.nightly-export.test.yml"
    (tmp_path / "tests" / test.name).write_text(test.read_text(encoding="utf-8"), encoding="utf-8")
    ok, output = promtool.test_rules([tmp_path / "tests" / test.name])
    assert not ok and "NightlyExportOverdue" in output, output


def test_one_stale_job_fires_for_that_job_alone(out, tmp_path):
    """group_by: [job]: export-a succeeds every 12h, export-b stops after its first run; at 1d4h only export-b is
    overdue, with its age as $value, and the recorded age says so for each job."""
    metric = "batch_last_success_timestamp_seconds"
    series = [
        {"series": f'{metric}{{job="export-a"}}', "values": "0 0 0 0 0 0 43200x6 86400x6 129600x4"},
        {"series": f'{metric}{{job="export-b"}}', "values": "0x21"},
    ]
    alerts = 'ALERTS{alertname="NightlyExportOverdue", alertstate="firing"}'
    test = {
        "interval": "2h",
        "input_series": series,
        "promql_expr_test": [
            {"expr": f"{alerts} or vector(0)", "eval_time": "1d", "exp_samples": [{"labels": "{}", "value": 0}]},
            {
                "expr": f"count by (job) ({alerts})",
                "eval_time": "1d4h",
                "exp_samples": [{"labels": '{job="export-b"}', "value": 1}],
            },
            {
                "expr": 'slogen:freshness:age_seconds{slo="nightly-export"}',
                "eval_time": "1d4h",
                "exp_samples": [
                    {
                        "labels": 'slogen:freshness:age_seconds{job="export-a", service="batch", slo="nightly-export"}',
                        "value": 14400,
                    },
                    {
                        "labels": 'slogen:freshness:age_seconds{job="export-b", service="batch", slo="nightly-export"}',
                        "value": 100800,
                    },
                ],
            },
        ],
    }
    ok, output = run_promtool_test(out / prometheus_target.RULES_DIR, [test], tmp_path, evaluation_interval="2h")
    assert ok, output
