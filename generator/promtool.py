"""The promtool wrapper: find it, check its version, run `check rules` / `test rules` with timeouts,
and turn its output into structured findings."""

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .tools import Tool, ToolError, ToolMissing

TIMEOUT_SECONDS = 300
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
