"""`slogen test`: promtool and amtool steps side by side (generator/testplan.py), progress on stderr as each step
finishes, and every failure named at the end."""

import io
import re
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import cli, testplan
from generator.tools import ToolMissing
from tests.promtool_harness import generate

ROUTING = Path(__file__).parent / "fixtures" / "routing.yaml"  # service shop, with the project's routing
STEP_LINE = re.compile(r"^slogen test: \[(\d+)/(\d+)\] (promtool|amtool) .+: (ok|FAILED) \(\d+\.\ds\)$")


@pytest.fixture
def out(tmp_path) -> Path:
    generate(ROUTING, tmp_path / "out")
    return tmp_path / "out"


def slogen_test(out: Path):
    result = CliRunner().invoke(cli.main, ["test", "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_one_line_per_finished_step_on_stderr_when_not_at_a_terminal(out):
    result = slogen_test(out)
    assert result.exit_code == 0, result.output
    checks = [line for line in result.stderr.splitlines() if line.startswith("slogen test: checks: ")]
    assert len(checks) == 2 and all(": ok (" in line for line in checks), result.stderr
    steps = [STEP_LINE.match(line) for line in result.stderr.splitlines() if line.startswith("slogen test: [")]
    assert all(steps), result.stderr
    total = int(steps[0][2])
    assert [int(step[1]) for step in steps] == list(range(1, total + 1))  # numbered as they finish
    assert {step[3] for step in steps} == {"promtool", "amtool"}
    assert result.stdout.splitlines() == [
        "slogen test: ok — 1 rule file(s) pass promtool check, 8 test(s) in 2 test file(s) pass promtool test",
        f"slogen test: ok — {out}/alertmanager/alertmanager.yml passes amtool check-config, 11 alert(s) reach "
        "their receivers (amtool config routes test)",
    ]


def test_a_failing_shard_and_a_failing_route_are_both_reported(out):
    rules = out / "prometheus/rules/shop.rules.yml"
    document = yaml.safe_load(rules.read_text())
    for group in document["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == "CartErrors":
                rule["expr"] = "vector(0) > 1"
    rules.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000))
    routes = out / "alertmanager/routes.test.yml"
    cases = yaml.safe_load(routes.read_text())
    cases["tests"][0]["receivers"] = ["nobody"]
    routes.write_text(yaml.safe_dump(cases, sort_keys=False))

    result = slogen_test(out)
    assert result.exit_code == 1
    assert "FAILED (" in result.stderr  # the step's progress line
    assert "  the tests of this shard:\n    - CartErrors: " in result.stderr
    assert f"{routes}: {cases['tests'][0]['alert']} " in result.stderr
    assert re.fullmatch(
        r"slogen: promtool test rules failed in \d+ of \d+ shard\(s\); 1 of 11 routing test\(s\) failed",
        result.stderr.splitlines()[-1],
    ), result.stderr
    assert result.stdout == ""


def test_a_failing_check_stops_before_the_tests(out):
    (out / "alertmanager/alertmanager.yml").write_text("route: {receiver: nobody}\nreceivers: []\n")
    result = slogen_test(out)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "slogen: amtool check-config alertmanager.yml failed"
    assert "slogen test: [" not in result.stderr


def test_a_bar_at_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", terminal)
    steps = [testplan.Step("promtool", f"step {n}", lambda: testplan.Outcome(True, 1, "")) for n in range(3)]
    results = cli._run_steps("slogen test", steps, workers=2)
    assert len(results) == 3
    assert "slogen test" in terminal.getvalue() and "100%" in terminal.getvalue()
    assert "[1/3]" not in terminal.getvalue()


def test_steps_run_side_by_side():
    """Two steps that each wait for the other finish only if they run at the same time."""
    barrier = threading.Barrier(2, timeout=10)

    def meet() -> testplan.Outcome:
        barrier.wait()
        return testplan.Outcome(True, 1, "")

    heard: list[str] = []
    steps = [testplan.Step("promtool", "a", meet), testplan.Step("amtool", "b", meet)]
    testplan.run(steps, workers=2, done=lambda step, _outcome: heard.append(step.what))
    assert sorted(heard) == ["a", "b"]


def test_a_missing_tool_stops_the_run_and_cancels_what_has_not_started():
    started: list[str] = []

    def missing() -> testplan.Outcome:
        started.append("missing")
        raise ToolMissing("amtool not found; install amtool")

    def later() -> testplan.Outcome:
        started.append("later")
        return testplan.Outcome(True, 1, "")

    steps = [testplan.Step("amtool", "first", missing), *(testplan.Step("promtool", "x", later) for _ in range(20))]
    with pytest.raises(ToolMissing):
        testplan.run(steps, workers=1, done=lambda step, outcome: None)
    assert started[0] == "missing" and len(started) < 21


def test_a_missing_promtool_is_one_line_with_the_install_hint(out, monkeypatch):
    monkeypatch.setenv("PROMTOOL", str(out / "no-such-promtool"))
    result = slogen_test(out)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("slogen: promtool not found; install promtool")
