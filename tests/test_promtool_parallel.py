"""`slogen test` runs promtool's unit tests in shards on every core; a failure in any shard fails the run."""

from pathlib import Path

import yaml

from generator import promtool

RULES = {"groups": [{"name": "g", "rules": [{"record": "doubled", "expr": "x * 2"}]}]}


def write_tests(tmp_path: Path, expected: list[int]) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yml").write_text(yaml.safe_dump(RULES))
    (tmp_path / "tests").mkdir()
    tests = [
        {
            "interval": "1m",
            "input_series": [{"series": "x", "values": "1"}],
            "promql_expr_test": [
                {"expr": "doubled", "eval_time": "0m", "exp_samples": [{"labels": "doubled", "value": v}]}
            ],
        }
        for v in expected
    ]
    path = tmp_path / "tests" / "t.test.yml"
    path.write_text(yaml.safe_dump({"rule_files": ["../rules/r.yml"], "tests": tests}))
    return path


def test_every_shard_passing_passes(tmp_path):
    passed, output = promtool.test_rules_in_parallel([write_tests(tmp_path, [2, 2, 2])], workers=2)
    assert passed, output


def test_one_failing_test_in_any_shard_fails_the_run_and_is_reported(tmp_path):
    passed, output = promtool.test_rules_in_parallel([write_tests(tmp_path, [2, 2, 3])], workers=2)
    assert not passed
    assert "FAILED" in output
