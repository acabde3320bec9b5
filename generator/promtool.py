"""The promtool wrapper: find it, check its version, run `check rules` / `test rules` with timeouts,
and turn its output into structured findings; `create_blocks_from_rules` for `slogen backfill`."""

import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .tools import Tool, ToolError, ToolMissing
from .xxh64 import xxh64

TIMEOUT_SECONDS = 300
BACKFILL_TIMEOUT_SECONDS = 3600  # a month of one SLO's base rules, one query per 2h block and rule
BLOCK_SECONDS = 7200  # promtool writes rule blocks of 2h, aligned to the epoch
MINIMUM_VERSION = (2, 37)  # promtool test rules with promql_expr_test on ALERTS and template `query`
INSTALL_HINT = (
    "install promtool: `apt-get install prometheus` (Debian/Ubuntu), or download Prometheus and "
    "set PROMTOOL=/path/to/promtool"
)
# Grafana variables are not PromQL; these stand-ins let promtool parse dashboard queries.
GRAFANA_VARIABLES = {
    "$__rate_interval": "5m",
    "$__interval": "1m",
    "$__range": "1d",
    "${__range}": "1d",
    "$__range_s": "86400",
    "$datasource": "prometheus",
    "${datasource}": "prometheus",
}


PROMTOOL = Tool("promtool", "PROMTOOL", INSTALL_HINT, MINIMUM_VERSION, TIMEOUT_SECONDS)
PromtoolMissing, PromtoolError = ToolMissing, ToolError
executable, version = PROMTOOL.executable, PROMTOOL.version


@dataclass(frozen=True)
class RuleProblem:
    file: str
    line: int
    column: int
    group: str
    rule_index: int  # 1-based, as promtool counts
    message: str


_PROBLEM = re.compile(
    r'^(?P<file>.+?): (?P<line>\d+):(?P<col>\d+): group "(?P<group>[^"]*)", rule (?P<rule>\d+), '
    r'"[^"]*": (?P<message>.*)$'
)


def _run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return PROMTOOL.run(args, cwd)


def check_rules(files: list[Path]) -> tuple[bool, list[RuleProblem], str]:
    """`promtool check rules`: (passed, parsed problems, raw output)."""
    result = _run(["check", "rules", *map(str, files)])
    output = result.stdout + result.stderr
    problems = [
        RuleProblem(m["file"], int(m["line"]), int(m["col"]), m["group"], int(m["rule"]), m["message"])
        for m in map(_PROBLEM.match, output.splitlines())
        if m
    ]
    return result.returncode == 0, problems, output


def test_rules(files: list[Path], cwd: Path | None = None) -> tuple[bool, str]:
    """`promtool test rules`: (passed, output)."""
    result = _run(["test", "rules", *map(str, files)], cwd=cwd)
    return result.returncode == 0, result.stdout + result.stderr


def test_rules_in_parallel(files: list[Path], workers: int) -> tuple[bool, str]:
    """`promtool test rules` over `workers` processes: each file's tests are dealt round-robin into shards,
    written with absolute rule paths to a temporary directory, so the test files themselves stay untouched.
    promtool runs one file's tests one after another on one core; the shards use every core."""
    with tempfile.TemporaryDirectory(prefix="slogen-promtool-") as tmp:
        shards = [path for file in files for path in _shards(file, workers, Path(tmp))]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda shard: test_rules([shard]), shards))
    return all(passed for passed, _output in results), "".join(output for _passed, output in results)


def _shards(file: Path, count: int, directory: Path) -> list[Path]:
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    rule_files = [str((file.parent / rule).resolve()) for rule in document.get("rule_files", [])]
    tests = document.get("tests", [])
    shards = []
    for index in range(min(count, len(tests)) or 1):
        shard = {**document, "rule_files": rule_files, "tests": tests[index::count]}
        path = directory / f"{file.stem}.{index}.yml"
        path.write_text(yaml.safe_dump(shard, sort_keys=False, width=100_000), encoding="utf-8")
        shards.append(path)
    return shards


def create_blocks_from_rules(
    files: list[Path], url: str, start: int, end: int, output_dir: Path, eval_interval: int = 60
) -> tuple[bool, str]:
    """`promtool tsdb create-blocks-from rules`: evaluate the recording rules of `files` over [start, end]
    (unix seconds) against the Prometheus API at `url`, writing TSDB blocks into `output_dir`: (passed, output).
    The group `interval` in the files wins over `eval_interval`.

    promtool evaluates block by block (2h, from the epoch) and stops at the first block in which the group's
    first evaluation falls after the end of the range (promtool 2.42 to 3.x: `break`, not `continue`): a range
    that starts less than an interval before a block boundary would write nothing at all. So a range that
    crosses a boundary runs as two: up to the first boundary, then from it.
    """
    boundary = (start // BLOCK_SECONDS + 1) * BLOCK_SECONDS
    ranges = [(start, min(end, boundary - 1))] + ([(boundary, end)] if end >= boundary else [])
    outputs = []
    for first, last in ranges:
        args = [
            "tsdb",
            "create-blocks-from",
            "rules",
            "--quiet",
            f"--url={url}",
            f"--start={first}",
            f"--end={last}",
            f"--eval-interval={eval_interval}s",
            f"--output-dir={output_dir}",
            *map(str, files),
        ]
        result = replace(PROMTOOL, timeout=BACKFILL_TIMEOUT_SECONDS).run(args)
        outputs.append(result.stdout + result.stderr)
        if result.returncode != 0:
            return False, "".join(outputs)
    return True, "".join(outputs)


LABEL_ENCODINGS = ("slice", "string")


def group_phase(name: str, file: str, interval: int, encoding: str = "slice") -> float:
    """Seconds into each `interval` at which Prometheus, and promtool's rule backfill, evaluate a rule group:
    the hash of the group's labels {file, name} modulo the interval (rules.Group.EvalTimestamp). Label sets
    hash as Prometheus lays them out in memory: "slice" (2.x releases: name 0xff value 0xff, sorted by name)
    or "string" (the stringlabels layout of later releases: varint length, name, varint length, value)."""
    pairs = (("file", file), ("name", name))
    if encoding == "slice":
        data = b"".join(key.encode() + b"\xff" + value.encode() + b"\xff" for key, value in pairs)
    else:
        data = b"".join(_varint(len(text.encode())) + text.encode() for pair in pairs for text in pair)
    nanoseconds = interval * 1_000_000_000
    return (xxh64(data) % nanoseconds) / 1e9


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def check_expressions(expressions: list[str]) -> dict[int, str]:
    """Parse each PromQL expression with promtool; returns {index: error} for the ones that fail."""
    rules = [{"record": f"slogen_expression_{i}", "expr": expr} for i, expr in enumerate(expressions)]
    with tempfile.TemporaryDirectory(prefix="slogen-promql-") as tmp:
        path = Path(tmp, "expressions.yml")
        path.write_text(yaml.safe_dump({"groups": [{"name": "expressions", "rules": rules}]}), encoding="utf-8")
        passed, problems, output = check_rules([path])
    if passed:
        return {}
    if not problems:
        raise PromtoolError(f"promtool check rules failed without a parsable message: {output.strip()}")
    return {p.rule_index - 1: p.message for p in problems}


def substitute_grafana_variables(expr: str) -> str:
    for variable in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(variable, GRAFANA_VARIABLES[variable])
    return expr
