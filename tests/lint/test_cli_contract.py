"""`slogen validate` as a program: a valid spec passes, schema-valid input never crashes, exit codes, output
formats, and every error of a run reported."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline

from .helpers import (
    BAD_SEVERITY,
    DUPLICATE_SLO,
    EXPR_ALERT,
    FIXTURE,
    OBJECTIVE_120,
    PROBE,
    VALID,
    check,
    check_text,
    cli,
    write,
)


def test_valid_spec_has_no_findings():
    assert check_text(VALID) == []


def test_valid_spec_cli_exit_0():
    write("spec.yaml", VALID)
    result = cli("validate", "spec.yaml")
    assert result.exit_code == 0
    assert "1 service(s), 1 SLO(s) valid" in result.stderr


# ==== crashes on schema-valid input ===============================================================


@pytest.mark.parametrize(
    "text, ok",
    [
        pytest.param(VALID.replace("slos:", 'period: "0"\nslos:'), False, id="period-0"),
        pytest.param(VALID.replace("slos:", "period: 0s\nslos:"), False, id="period-0s"),
        pytest.param(VALID.replace("slos:", "period: 500ms\nslos:"), False, id="period-500ms"),
        pytest.param(VALID.replace("slos:", "period: 1500ms\nslos:"), False, id="period-1500ms"),
        pytest.param(PROBE.replace("interval: 12h", "interval: 0s"), False, id="probe-interval-0s"),
        pytest.param(VALID + "    alerting: {absent: 0s}\n", False, id="absent-0s"),
        pytest.param(BAD_SEVERITY.replace("critical", "page") + '    for: "0"\n', None, id="for-0"),
        pytest.param(
            EXPR_ALERT + "    test:\n      series: [{series: x, values: '1'}]\n      holds_from: 0s\n",
            None,
            id="holds-from-0s",
        ),
        pytest.param(BAD_SEVERITY.replace("critical", "page") + "    for: 0s\n", True, id="for-0s"),
    ],
)
def test_schema_valid_durations_become_findings_not_crashes(text, ok):
    outcome = pipeline.check([write("spec.yaml", text)])
    assert all(f.file == "spec.yaml" for f in outcome.findings)
    if ok is not None:
        assert outcome.ok is ok


def test_schema_valid_zero_period_prints_no_traceback_from_the_real_cli():
    write("spec.yaml", VALID.replace("slos:", "period: 0s\nslos:"))
    result = subprocess.run(
        [sys.executable, "-c", "from generator.cli import main; main()", "validate", "spec.yaml"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert "spec.yaml:3:9: period:" in result.stdout


# ==== CLI contract ================================================================================


def test_issue_example_spec_validates_with_exit_0(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "checkout.yaml")
    result = cli("validate", "checkout.yaml")
    assert result.exit_code == 0
    assert "1 service(s), 5 SLO(s) valid" in result.stderr
    assert pipeline.check([Path("checkout.yaml")]).ok


def test_validate_exit_1_on_invalid():
    write("spec.yaml", OBJECTIVE_120)
    assert cli("validate", "spec.yaml").exit_code == 1


def test_validate_exit_2_on_unknown_option():
    write("spec.yaml", VALID)
    result = cli("validate", "--no-such-option", "spec.yaml")
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.output


def test_validate_exit_2_on_bad_format_choice():
    write("spec.yaml", VALID)
    assert cli("validate", "--format", "xml", "spec.yaml").exit_code == 2


def test_validate_missing_file_is_a_usage_error():
    result = cli("validate", "missing.yaml")
    assert result.exit_code == 2
    assert result.stderr == "slogen: missing.yaml: no such file or directory\n"


def test_validate_json_one_object_per_line():
    write("a.yaml", OBJECTIVE_120)
    write("b.yaml", EXPR_ALERT)
    result = cli("validate", "--format", "json", "a.yaml", "b.yaml")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records == [
        {
            "file": "a.yaml",
            "line": 5,
            "column": 16,
            "path": "slos[0].objective",
            "level": "error",
            "rule": "schema",
            "message": "120 is above 100 (objective is a percent in (0, 100])",
        },
        {
            "file": "b.yaml",
            "line": 6,
            "column": 11,
            "path": "alerts[0].expr",
            "level": "warning",
            "rule": "expr-alert-untested",
            "message": "alert DLQNotEmpty has no test block, so the generated promtool tests cannot prove it fires; "
            "add test: {series: [...], holds_from: ...}",
        },
    ]


def test_validate_json_prints_nothing_but_json_on_stdout_when_valid():
    write("spec.yaml", VALID)
    result = cli("validate", "--format", "json", "spec.yaml")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_all_errors_of_a_run_are_reported():
    write("specs/a.yaml", OBJECTIVE_120)
    write("specs/b.yaml", BAD_SEVERITY)
    write("specs/c.yaml", "service: [unclosed\n")
    result = cli("validate", "specs")
    assert result.exit_code == 1
    assert "specs/a.yaml:5:16:" in result.stdout
    assert "specs/b.yaml:8:15:" in result.stdout
    assert "specs/c.yaml:2:1: (document): YAML syntax error" in result.stdout
    assert "slogen: 3 error(s), 0 warning(s)" in result.stderr


def test_lint_still_runs_for_valid_files_when_another_file_is_invalid():
    write("specs/a.yaml", OBJECTIVE_120)
    write("specs/b.yaml", DUPLICATE_SLO.replace("service: checkout", "service: search"))
    rules = {f.rule for f in check(Path("specs"))}
    assert rules == {"schema", "duplicate-slo-name"}


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "spec.yaml"],
        ["validate", "--format", "json", "spec.yaml"],
        ["validate", "nope.yaml"],
        ["validate", "--bogus"],
        ["generate", "--specs", "spec.yaml", "--out", "out"],
        ["check", "--specs", "spec.yaml", "--out", "out"],
        ["--help"],
        ["--version"],
    ],
)
def test_no_traceback_in_any_output(args):
    write("spec.yaml", OBJECTIVE_120.replace("objective: 120", "objectve: 1\n    objective: 100"))
    result = cli(*args)
    assert "Traceback" not in result.output
