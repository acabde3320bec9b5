"""`slogen test` runs promtool's unit tests in shards on every core, each test with only the rules it can observe
(tests/test_narrow.py); a failure in any shard fails the run."""

import tempfile
from pathlib import Path

import pytest
import yaml

from generator import promtool
from tests.promtool_harness import generate

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


# --- shards of generated output --------------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def checkout(tmp_path) -> Path:
    """The checkout fixture's output: five SLOs (pay-latency p95 and p99 on one histogram, search-latency on its
    own route of the same histogram), a probe, and symptom alerts."""
    generate(FIXTURES / "checkout.yaml", tmp_path / "out")
    return tmp_path / "out"


def run(out: Path) -> tuple[bool, str]:
    return promtool.test_rules_in_parallel(sorted((out / "prometheus/tests").glob("*.yml")), workers=2)


def edit_rules(out: Path, change) -> None:
    path = out / "prometheus/rules/checkout.rules.yml"
    document = yaml.safe_load(path.read_text())
    change(document["groups"])
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000))


def test_the_generated_files_stay_untouched_and_every_test_runs(checkout):
    before = {p: p.read_bytes() for p in sorted(checkout.rglob("*")) if p.is_file()}
    passed, output = run(checkout)
    assert passed, output
    assert {p: p.read_bytes() for p in sorted(checkout.rglob("*")) if p.is_file()} == before
    document = yaml.safe_load((checkout / "prometheus/tests/checkout.test.yml").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        shards = promtool.shards(sorted((checkout / "prometheus/tests").glob("*.yml")), Path(tmp), 2)
        assert sum(shard.tests for shard in shards) == len(document["tests"])
        assert max(shard.rules[0] for shard in shards) < shards[0].rules[1] / 2


def test_breaking_one_slos_page_fails_that_slos_tests(checkout):
    def never_page(groups):
        for rule in next(g for g in groups if g["name"] == "slogen:checkout:pay-latency-p95")["rules"]:
            if rule.get("labels", {}).get("severity") == "page":
                rule["expr"] = "vector(0) > 1"

    edit_rules(checkout, never_page)
    passed, output = run(checkout)
    assert not passed
    assert {name.split(":")[0] for name in failed_tests(checkout)} == {"pay-latency-p95"}, output


def test_a_rule_that_fails_on_another_slos_series_fails_that_slos_tests(checkout):
    """search-latency's group gains a rule that cannot evaluate where two buckets of the shared histogram exist:
    on the whole file every test with those series fails, pay-latency's among them; narrowed, too."""

    def break_search_latency(groups):
        group = next(g for g in groups if g["name"] == "slogen:checkout:search-latency")
        group["rules"].append(
            {"record": "broken", "expr": 'vector(1) + on () http_request_duration_seconds_bucket{job="checkout"}'}
        )

    edit_rules(checkout, break_search_latency)
    passed, output = run(checkout)
    assert not passed
    assert "rule: broken" in output
    failed = {name.split(":")[0] for name in failed_tests(checkout)}
    assert {"search-latency", "pay-latency-p95", "pay-latency-p99", "ConfirmP99Slow"} <= failed
    assert "requests-availability" not in failed  # no bucket series there: the rule evaluates to nothing


def failed_tests(out: Path) -> set[str]:
    failed = set()
    with tempfile.TemporaryDirectory() as tmp:
        for shard in promtool.shards(sorted((out / "prometheus/tests").glob("*.yml")), Path(tmp), 2):
            passed, output = promtool.run_shard(shard)
            if not passed:
                assert all(f"    - {name}" in output for name in shard.names)
                failed |= set(shard.names)
    return failed
