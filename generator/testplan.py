"""`slogen test` as independent steps that run side by side on every core, each reported as it finishes.

First the quick checks that the later steps depend on: `promtool check rules` and `amtool check-config`. Then
the tests: promtool shards (promtool.shards: each test against only the rules it can observe), longest first,
and amtool's routing cases in chunks, one `amtool config routes test` per alert, which fill the gaps.
"""

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from . import amtool, promtool

ROUTE_CHUNK = 16  # alerts per amtool step: one progress line each, and short enough to fill a core's idle end


@dataclass(frozen=True)
class Outcome:
    passed: bool
    checked: int  # tests, rule files or alerts
    report: str  # what to show when it failed
    failed: int = 0  # of the checked, how many failed, where the tool says (amtool: alerts)
    seconds: float = 0.0


@dataclass(frozen=True)
class Step:
    tool: str  # promtool or amtool
    what: str
    run: Callable[[], Outcome]
    test: bool = False  # a test shard or routing chunk, not a check of the files


Results = list[tuple[Step, Outcome]]


def check_steps(rule_files: list[Path], config: Path | None) -> list[Step]:
    """`promtool check rules` on every rule file; `amtool check-config` when there is a config."""
    steps = [Step("promtool", f"check rules: {len(rule_files)} file(s)", partial(_check_rules, rule_files))]
    if config is not None:
        steps.append(Step("amtool", f"check-config {config.name}", partial(_check_config, config)))
    return steps


def _check_rules(rule_files: list[Path]) -> Outcome:
    promtool.version()
    passed, _problems, output = promtool.check_rules(rule_files)
    return Outcome(passed, len(rule_files), output)


def _check_config(config: Path) -> Outcome:
    amtool.version()
    passed, output = amtool.check_config(config)
    return Outcome(passed, 1, output)


def test_steps(test_files: list[Path], route_tests: Path | None, directory: Path, workers: int) -> list[Step]:
    """promtool test shards, written into `directory`, longest first; then amtool routing chunks."""
    steps = [
        Step("promtool", f"test rules {shard.describe()}", partial(_test_shard, shard), test=True)
        for shard in promtool.shards(test_files, directory, workers)
    ]
    if route_tests is not None:
        config, cases = amtool.route_file(route_tests)
        for start in range(0, len(cases), ROUTE_CHUNK):
            chunk = cases[start : start + ROUTE_CHUNK]
            what = f"config routes test: alerts {start + 1}–{start + len(chunk)} of {len(cases)}"
            steps.append(Step("amtool", what, partial(_route, config, route_tests, chunk), test=True))
    return steps


def _test_shard(shard: promtool.Shard) -> Outcome:
    passed, output = promtool.run_shard(shard)
    return Outcome(passed, shard.tests, output)


def _route(config: Path, route_tests: Path, cases: list[amtool.RouteCase]) -> Outcome:
    results = amtool.test_routes(config, cases)
    failed = [f"{route_tests}: {result.text()}\n" for result in results if not result.passed]
    return Outcome(not failed, len(results), "".join(failed), len(failed))


def run(steps: list[Step], workers: int, done: Callable[[Step, Outcome], None]) -> Results:
    """Run the steps on `workers` threads, starting them in order; `done` hears of each as it finishes, on this
    thread. A tool that cannot run (missing, timed out) stops the run: steps not yet started are cancelled."""
    finished: Results = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures: dict[Future[Outcome], Step] = {pool.submit(_timed, step.run): step for step in steps}
        try:
            for future in as_completed(futures):
                step, outcome = futures[future], future.result()
                done(step, outcome)
                finished.append((step, outcome))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return finished


def checked(results: Results, tool: str) -> int:
    """How many tests (promtool) or alerts (amtool) the test steps checked."""
    return sum(outcome.checked for step, outcome in results if step.test and step.tool == tool)


def failures(results: Results) -> str:
    """One line that names what failed, or "" if nothing did."""
    failed = [(step, outcome) for step, outcome in results if not outcome.passed]
    problems = [f"{step.tool} {step.what} failed" for step, _outcome in failed if not step.test]
    shards = [step for step, _outcome in failed if step.test and step.tool == "promtool"]
    if shards:
        total = sum(step.test and step.tool == "promtool" for step, _outcome in results)
        problems.append(f"promtool test rules failed in {len(shards)} of {total} shard(s)")
    routes = sum(outcome.failed for step, outcome in failed if step.test and step.tool == "amtool")
    if routes:
        problems.append(f"{routes} of {checked(results, 'amtool')} routing test(s) failed")
    return "; ".join(problems)


def _timed(run: Callable[[], Outcome]) -> Outcome:
    start = time.monotonic()
    outcome = run()
    return replace(outcome, seconds=time.monotonic() - start)
