"""The promtool wrapper: find it, check its version, run `check rules` / `test rules` with timeouts,
and turn its output into structured findings; test shards, each test with only the rules it can observe
(narrow.py); `create_blocks_from_rules` for `slogen backfill`."""

import glob
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

try:  # libyaml reads the rule files ten times faster than PyYAML's own parser
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from . import narrow
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


# Shards run one promtool per core, and each evaluates its rules one after another: a second Go thread per
# process only contends with the other shards (measured on two cores: 1-2 s less of about 16). A GOMAXPROCS the
# user sets wins.
SHARD_GOMAXPROCS = "1"
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
    """`promtool test rules` on every core, each test against only the rules it can observe (shards)."""
    with tempfile.TemporaryDirectory(prefix="slogen-promtool-") as tmp, ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(run_shard, shards(files, Path(tmp), workers)))
    return all(passed for passed, _output in results), "".join(output for _passed, output in results)


@dataclass(frozen=True)
class Shard:
    """Some tests of one test file, written with only the rules they can observe (narrow.py) to a test file of
    their own in a temporary directory: the test files and rule files themselves stay untouched."""

    source: Path  # the test file the tests come from
    path: Path  # the test file promtool runs
    names: tuple[str, ...]  # of its tests
    rules: tuple[int, int]  # rules kept, of all the rule files' rules
    cost: int  # rule evaluations, for starting the longest first

    @property
    def tests(self) -> int:
        return len(self.names)

    def describe(self) -> str:
        if self.path == self.source:
            return f"{self.source.name}: the whole file (its rule files could not be read to narrow it)"
        kept, total = self.rules
        return f"{self.source.name}: {self.tests} test(s) on {kept} of {total} rules"


def run_shard(shard: Shard) -> tuple[bool, str]:
    """promtool's verdict and output, naming the source file and, on failure, the shard's tests: promtool names
    the test only for alert_rule_test failures."""
    env = {"GOMAXPROCS": os.environ.get("GOMAXPROCS", SHARD_GOMAXPROCS)}
    result = PROMTOOL.run(["test", "rules", str(shard.path)], env=env)
    passed, output = result.returncode == 0, result.stdout + result.stderr
    if shard.path == shard.source:
        return passed, output
    output = output.replace(str(shard.path), f"{shard.source} ({shard.describe()})")
    if not passed:
        output += "  the tests of this shard:\n" + "".join(f"    - {name}\n" for name in shard.names)
    return passed, output


def shards(files: list[Path], directory: Path, workers: int) -> list[Shard]:
    """The tests of `files` as shards, longest first. A part that would take more than a share of the total that
    keeps every worker busy is dealt into several shards. A test file whose rule files cannot be read runs whole."""
    loaded, whole = [], []
    groups: dict[Path, list[narrow.JSON]] = {}  # a rule file two test files name is read once
    for file in files:
        try:
            loaded.append(_test_file(file, groups))
        except (OSError, yaml.YAMLError, AttributeError, TypeError):
            whole.append(Shard(file, file, (), (0, 0), 0))
    parts = narrow.partition(loaded)
    limit = max(1, sum(part.cost for part in parts) // max(1, 2 * workers))
    written = [shard for index, part in enumerate(parts) for shard in _write_part(part, index, limit, directory)]
    return whole + sorted(written, key=lambda shard: -shard.cost)


def _test_file(path: Path, cache: dict[Path, list[narrow.JSON]]) -> narrow.TestFile:
    document = _load_yaml(path)
    rule_files = tuple(rule_paths(path, document))
    for rule_file in rule_files:
        if rule_file not in cache:
            cache[rule_file] = list(_load_yaml(rule_file).get("groups") or [])
    groups = [(i, group) for i, rule_file in enumerate(rule_files) for group in cache[rule_file]]
    return narrow.test_file(path, document, rule_files, groups)


def rule_paths(test_file: Path, document: narrow.JSON) -> list[Path]:
    """The rule files a test file names, as promtool finds them: relative to the test file, globs expanded."""
    paths: list[Path] = []
    for name in document.get("rule_files") or []:
        pattern = Path(name) if Path(name).is_absolute() else test_file.parent / name
        paths += sorted(Path(match).resolve() for match in glob.glob(str(pattern)))
    return paths


def _write_part(part: narrow.Part, index: int, limit: int, directory: Path) -> list[Shard]:
    source = part.source
    rule_files = []
    for number, (original, groups) in enumerate(part.rule_files()):
        path = directory / f"{source.path.stem}.{index}.{number}.{original.name}"
        _dump_yaml(path, {"groups": groups})
        rule_files.append(str(path))
    document = {**source.document, "rule_files": rule_files}
    if document.get("group_eval_order"):  # promtool may refuse a name that no loaded file has
        loaded = {str(group.get("name")) for _original, groups in part.rule_files() for group in groups}
        dropped = {str(group.get("name")) for _file, group in source.groups} - loaded
        document["group_eval_order"] = [name for name in document["group_eval_order"] if name not in dropped]
    shards = []
    for number, tests in enumerate(_deal(list(part.tests), source, -(-part.cost // limit))):
        path = directory / f"{source.path.stem}.{index}.{number}.test.yml"
        _dump_yaml(path, {**document, "tests": tests})
        cost = len(part.rules) * sum(source.steps(test) for test in tests)
        names = tuple(str(test.get("name", "(unnamed)")) for test in tests)
        shards.append(Shard(source.path, path, names, (len(part.rules), len(source.rules)), cost))
    return shards


def _deal(tests: list[narrow.JSON], source: narrow.TestFile, count: int) -> list[list[narrow.JSON]]:
    """Tests into at most `count` piles of about equal steps, longest first onto the lightest pile."""
    piles: list[list[narrow.JSON]] = [[] for _ in range(max(1, min(count, len(tests))))]
    weights = [0] * len(piles)
    for test in sorted(tests, key=source.steps, reverse=True):
        lightest = weights.index(min(weights))
        piles[lightest].append(test)
        weights[lightest] += source.steps(test)
    return piles


def _load_yaml(path: Path) -> narrow.JSON:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    if not isinstance(document, dict):
        raise TypeError(f"{path} is not a YAML mapping")
    return document


def _dump_yaml(path: Path, document: narrow.JSON) -> None:
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=100_000, allow_unicode=True)
    path.write_text(text, encoding="utf-8")


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


def _check_group(name: str, rules: Sequence[Mapping[str, object]]) -> tuple[bool, list[RuleProblem], str]:
    """`promtool check rules` on one group of `rules`, written to a temporary rule file."""
    with tempfile.TemporaryDirectory(prefix="slogen-check-") as tmp:
        path = Path(tmp, f"{name}.yml")
        path.write_text(yaml.safe_dump({"groups": [{"name": name, "rules": rules}]}), encoding="utf-8")
        return check_rules([path])


def check_expressions(expressions: list[str]) -> dict[int, str]:
    """Parse each PromQL expression with promtool; returns {index: error} for the ones that fail."""
    rules = [{"record": f"slogen_expression_{i}", "expr": expr} for i, expr in enumerate(expressions)]
    passed, problems, output = _check_group("expressions", rules)
    if passed:
        return {}
    if not problems:
        raise PromtoolError(f"promtool check rules failed without a parsable message: {output.strip()}")
    return {p.rule_index - 1: p.message for p in problems}


_TEMPLATE_PROBLEM = re.compile(
    r'group "templates", rule (?P<rule>\d+), "[^"]*": (?:label|annotation) "text": '
    r"template: __alert_\w+:(?P<line>\d+): (?P<message>.*)$"
)


def check_templates(texts: list[tuple[str, str]]) -> dict[int, str]:
    """Parse each (kind, text) as Prometheus parses an alert's label ("label") or annotation ("annotation") template,
    with promtool check rules; returns {index: error} for the ones that fail, the error naming the template line."""
    rules = [
        {"alert": f"SlogenTemplate{i}", "expr": "vector(1)", f"{kind}s": {"text": text}}
        for i, (kind, text) in enumerate(texts)
    ]
    passed, _problems, output = _check_group("templates", rules)
    if passed:
        return {}
    found = {
        int(m["rule"]) - 1: f"line {m['line']}: {m['message']}"
        for m in map(_TEMPLATE_PROBLEM.search, output.splitlines())
        if m
    }
    if not found:
        raise PromtoolError(f"promtool check rules failed without a parsable message: {output.strip()}")
    return found


def substitute_grafana_variables(expr: str) -> str:
    for variable in sorted(GRAFANA_VARIABLES, key=len, reverse=True):
        expr = expr.replace(variable, GRAFANA_VARIABLES[variable])
    return expr
