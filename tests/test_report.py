"""generator/report.py and `slogen validate --format`: findings as text, JSON lines, GitHub Actions workflow
commands and SARIF 2.1.0.

tests/fixtures/sarif-schema-2.1.0.json is the SARIF 2.1.0 JSON schema of the OASIS Committee Specification,
vendored unchanged from the OASIS SARIF TC's repository, oasis-tcs/sarif-spec, commit
3682e9ee648f2f3e11ba1fcd47fc390a0b8f9dab, Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json
(https://github.com/oasis-tcs/sarif-spec/blob/3682e9ee648f2f3e11ba1fcd47fc390a0b8f9dab/Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json).
The later draft 2020-12 copy in Schemata/ does not pass its own meta-schema (region's anyOf sits under
`properties`), so it cannot be checked the same way.
"""

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from generator import __version__, lint, report
from generator.cli import main
from generator.findings import WARNING, Finding

SARIF_SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"
CHECKOUT = Path(__file__).parent / "fixtures" / "checkout.yaml"

ERROR_FINDING = Finding("specs/a.yaml", 5, 16, "slos[0].objective", "120 is above 100", "schema")
WARNING_FINDING = Finding(
    "specs/b.yaml", 6, 11, "alerts[0].expr", "alert X has no test block", "expr-alert-untested", WARNING
)


def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def slogen(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def specs(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    return tmp_path / "specs"


# --- GitHub Actions workflow commands -----------------------------------------------------------------


def test_github_error_and_warning_commands():
    assert report.github(ERROR_FINDING) == (
        "::error file=specs/a.yaml,line=5,col=16,title=schema::slos[0].objective: 120 is above 100"
    )
    assert report.github(WARNING_FINDING) == (
        "::warning file=specs/b.yaml,line=6,col=11,title=expr-alert-untested::alerts[0].expr: alert X has no test block"
    )


def test_github_escapes_the_message_and_properties():
    """A Finding already writes line breaks as escapes (findings.py); GitHub's own escaping stays for % and the
    property separators."""
    finding = Finding("a,b:c%.yaml", 1, 2, "x", "100% bad\r\nnext: line, more", "r:1,2")
    assert report.github(finding) == (
        "::error file=a%2Cb%3Ac%25.yaml,line=1,col=2,title=r%3A1%2C2::x: 100%25 bad\\r\\nnext: line, more"
    )


def test_github_command_is_one_line_whatever_the_message():
    finding = Finding("a.yaml", 1, 1, "x", "line one\nline two\rthree", "schema")
    assert "\n" not in report.github(finding) and "\r" not in report.github(finding)


# --- SARIF -----------------------------------------------------------------------------------------


def test_sarif_is_valid_against_the_official_schema():
    log = report.sarif([ERROR_FINDING, WARNING_FINDING])
    sarif_validator().validate(log)


def test_sarif_without_findings_is_valid_and_empty():
    log = report.sarif([])
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_run_names_slogen_and_its_rules():
    log = report.sarif([ERROR_FINDING])
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("slogen", __version__)
    rules = {rule["id"]: rule["shortDescription"]["text"] for rule in driver["rules"]}
    assert {r.ID for r in lint.RULES} | {"load", "schema"} <= set(rules)
    assert (
        rules["duplicate-slo-name"]
        == "SLO names are unique within a service, across all of its files and percentile expansions."
    )
    assert all(text for text in rules.values())


def test_sarif_results_point_at_the_spec_line():
    log = report.sarif([ERROR_FINDING, WARNING_FINDING])
    run = log["runs"][0]
    first, second = run["results"]
    assert first == {
        "ruleId": "schema",
        "ruleIndex": [r["id"] for r in run["tool"]["driver"]["rules"]].index("schema"),
        "level": "error",
        "message": {"text": "slos[0].objective: 120 is above 100"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "specs/a.yaml"},
                    "region": {"startLine": 5, "startColumn": 16},
                }
            }
        ],
    }
    assert second["level"] == "warning"
    assert run["tool"]["driver"]["rules"][second["ruleIndex"]]["id"] == "expr-alert-untested"


def test_sarif_uri_is_percent_encoded_and_a_rule_it_does_not_know_is_still_listed():
    finding = Finding("my specs/a#1.yaml", 1, 1, "(document)", "x", "made-up-rule")
    log = report.sarif([finding])
    sarif_validator().validate(log)
    run = log["runs"][0]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20specs/a%231.yaml"
    assert "made-up-rule" in [r["id"] for r in run["tool"]["driver"]["rules"]]


# --- through the CLI --------------------------------------------------------------------------------


def test_validate_format_github(specs):
    (specs / "a.yaml").write_text(CHECKOUT.read_text().replace("objective: 99.9 ", "objective: 120 "))
    result = slogen("validate", "--format", "github", "specs")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "::error file=specs/a.yaml,line=9,col=16,title=schema::slos[0].objective: 120 is above 100" in lines[0]
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)


def test_validate_format_sarif_on_invalid_specs(specs):
    (specs / "a.yaml").write_text(CHECKOUT.read_text().replace("objective: 99.9 ", "objective: 120 "))
    result = slogen("validate", "--format", "sarif", "specs")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    [result] = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("schema", "error")


def test_validate_format_sarif_on_valid_specs_exits_0_with_only_warnings(specs):
    (specs / "a.yaml").write_text(CHECKOUT.read_text())
    result = slogen("validate", "--format", "sarif", "specs")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["expr-alert-untested"]


def test_validate_format_json_is_unchanged(specs):
    (specs / "a.yaml").write_text(CHECKOUT.read_text())
    result = slogen("validate", "--format", "json", "specs")
    assert [json.loads(line)["rule"] for line in result.stdout.splitlines()] == ["expr-alert-untested"]
