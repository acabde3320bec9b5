"""Which rules a promtool test can observe, so that `slogen test` evaluates only those.

promtool evaluates every rule of every rule file at every step of every test: a service's tests pay for all its
SLOs' rules, so their cost grows with the square of the SLO count. A rule is kept for a test when it is connected,
through "one reads a series that the other writes", to the test's input series or to what the test checks:

- it reads an input series (a rule's samples, and its failures to evaluate, come from the data it reads, but for
  the constants an expression makes without data);
- the test's expressions read a series it writes, or the test's alert_rule_test names its alert;
- it reads a series a kept rule writes, or a kept rule reads a series it writes.

A dropped rule therefore reads no series that exists in the test. Evaluated on nothing, it yields at most the
constants its expression makes without data (`vector(1)`, `absent(...)`), the same in every test, and neither a
kept rule nor a check reads them. Rules evaluate in order within their group, and a dropped rule changes no kept
rule's input, so kept rules keep their group, order and group settings. A rule that no test keeps still runs
once, with the shortest test that loads its file, so every rule is evaluated at least once.

So each test passes or fails as on the whole rule files, with one difference in where a failure shows: a rule
that fails to evaluate without any data (label_replace with an invalid regular expression fails at every
evaluation) fails every test on the whole files, and here only the tests that keep it, at least one. The run as a
whole passes exactly when it passes on the whole files.

Reads and writes are judged from the rule text, erring towards "may". A rule writes its `record` name, or ALERTS
and ALERTS_FOR_STATE with its `alertname`, with the labels it sets; a selector may read that series unless its
name or a matcher on one of those labels rules it out. A label the rule does not set can only come from a series
it reads, so in a test it is possible only where such a series (an input, or another rule's output) may have it,
or where the expression makes labels (label_replace, label_join, count_values, absent). An expression or
template that the scanner cannot read reads everything.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .durations import parse_duration
from .selector import Matcher, Selector, SelectorError, parse_selector, selectors_in

JSON = dict[str, Any]
EVERYTHING = (Selector("", ()),)  # what an unreadable expression reads
# A Go template action that calls `query` reads what its string literals select, with number verbs (%f) filled
# in. A string verb, print (which joins strings), or a variable other than the alert's value could spell any
# selector: such a template reads everything.
_ACTION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TEMPLATE_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`')
_NUMBER_VERB = re.compile(r"%[-+# 0-9.]*[dfeEgGx]")
_STRING_VERB = re.compile(r"%[-+# 0-9.]*[a-zA-Z]")
_OPAQUE = re.compile(r"\bprint(ln)?\b|\$(?!value\b)|\.(?!Value\b)[A-Za-z]")
# Functions whose results have labels that no series they read has: any label, from strings; or, for absent, the
# labels of its selector's equality matchers.
_MAKES_LABELS = re.compile(r"\b(label_replace|label_join|count_values|info)\s*\(")
_ABSENT = re.compile(r"\babsent(_over_time)?\s*\(")


@dataclass(frozen=True)
class Series:
    """A series a test loads or a rule may write: its name and the labels known before any evaluation.
    An input series is complete (a label it lacks is empty); a rule's output also carries labels of its
    expression's results, whose values are unknown."""

    name: str
    labels: Mapping[str, str]
    complete: bool = False


def may_read(selector: Selector, series: Series, carries: Callable[[str], bool] | None = None) -> bool:
    """Whether the selector may select the series. `carries` says which labels of unknown value a rule's output
    may have at all (without it: any); one it cannot have is empty."""
    if selector.metric and selector.metric != series.name:
        return False
    for matcher in selector.matchers:
        value = series.name if matcher.label == "__name__" else series.labels.get(matcher.label)
        if value is None and not series.complete and (carries is None or carries(matcher.label)):
            continue  # a label the expression's results may carry, with any value
        if not matcher.matches(value or ""):
            return False
    return True


def reads_any(selectors: Iterable[Selector], series: Iterable[Series]) -> bool:
    written = tuple(series)
    return any(may_read(selector, one) for selector in selectors for one in written)


def expression_reads(expr: str) -> tuple[Selector, ...]:
    try:
        return selectors_in(expr)
    except SelectorError:
        return EVERYTHING


def template_reads(template: str) -> tuple[Selector, ...]:
    """What the `query` calls of a Go template may read: nothing without `query`."""
    reads: list[Selector] = []
    for action in _ACTION.findall(template):
        if not re.search(r"\bquery\b", action):
            continue
        if _OPAQUE.search(_TEMPLATE_LITERAL.sub('""', action)):
            return EVERYTHING
        for match in _TEMPLATE_LITERAL.finditer(action):
            literal = match[1] if match[1] is not None else match[2]
            text = _NUMBER_VERB.sub("0", literal.replace('\\"', '"').replace("\\\\", "\\"))
            if _STRING_VERB.search(text):
                return EVERYTHING
            reads.extend(expression_reads(text))
    return tuple(reads)


@dataclass(frozen=True)
class Rule:
    """One rule of a rule file, with what it may read and write."""

    group: int  # index into TestFile.groups
    document: JSON
    reads: tuple[Selector, ...]
    writes: tuple[Series, ...]
    labels: frozenset[str]  # every label it sets, whether its value is known or templated
    makes: frozenset[str] | None  # labels its expression may have that no series it reads has; None: any


def load_rule(group: int, document: JSON, group_labels: Mapping[str, str]) -> Rule:
    expr = str(document.get("expr", ""))
    reads = list(expression_reads(expr))
    labels = {**group_labels, **{str(k): str(v) for k, v in (document.get("labels") or {}).items()}}
    makes = _made_labels(expr, reads)
    if "record" in document:
        written = Series(str(document["record"]), labels)
        return Rule(group, document, tuple(reads), (written,), frozenset(labels), makes)
    for template in [*labels.values(), *map(str, (document.get("annotations") or {}).values())]:
        reads.extend(template_reads(template))
    known = {k: v for k, v in labels.items() if "{{" not in v}  # a templated value is known only when it fires
    known["alertname"] = str(document.get("alert", ""))
    writes = (Series("ALERTS", known), Series("ALERTS_FOR_STATE", known))
    return Rule(group, document, tuple(reads), writes, frozenset({*labels, "alertname", "alertstate"}), makes)


def _made_labels(expr: str, reads: list[Selector]) -> frozenset[str] | None:
    if _MAKES_LABELS.search(expr) or tuple(reads) == EVERYTHING:
        return None
    if _ABSENT.search(expr):
        return frozenset(m.label for selector in reads for m in selector.matchers if m.op == "=")
    return frozenset()


def load_rules(group: int, document: JSON) -> list[Rule]:
    group_labels = {str(k): str(v) for k, v in (document.get("labels") or {}).items()}
    return [load_rule(group, rule, group_labels) for rule in document.get("rules") or []]


def input_series(test: JSON) -> tuple[Series, ...] | None:
    """The test's input series; None if one is not a plain `name{label="value"}` (then every rule is kept)."""
    found = []
    for item in test.get("input_series") or []:
        try:
            selector = parse_selector(str(item.get("series", "")))
        except SelectorError:
            return None
        if any(m.op != "=" for m in selector.matchers):
            return None
        found.append(Series(selector.metric, selector.label_equalities(), complete=True))
    return tuple(found)


def check_reads(test: JSON) -> tuple[Selector, ...]:
    """What the test's checks read: its expressions, and ALERTS of every alert that alert_rule_test names."""
    reads: list[Selector] = []
    for case in test.get("promql_expr_test") or []:
        reads.extend(expression_reads(str(case.get("expr", ""))))
    for case in test.get("alert_rule_test") or []:
        reads.append(Selector("ALERTS", (Matcher("alertname", "=", str(case.get("alertname", ""))),)))
    return tuple(reads)


@dataclass(frozen=True)
class Graph:
    """Which rules may read which: reads_from[i] are the rules rule i may read, readers[j] those that may read j,
    linked[i] both; writers, the rules that may write a series of each name."""

    writers: dict[str, list[int]]
    reads_from: list[set[int]]
    readers: list[set[int]]
    linked: list[set[int]]

    def writers_of(self, selector: Selector) -> Iterable[int]:
        return self.writers.get(selector.metric, []) if selector.metric else range(len(self.linked))


def graph(rules: tuple[Rule, ...]) -> Graph:
    writers: dict[str, list[int]] = {}
    for index, rule in enumerate(rules):
        for name in {series.name for series in rule.writes}:
            writers.setdefault(name, []).append(index)
    reads_from: list[set[int]] = [set() for _ in rules]
    readers: list[set[int]] = [set() for _ in rules]
    for i, reader in enumerate(rules):
        for selector in reader.reads:
            for j in writers.get(selector.metric, []) if selector.metric else range(len(rules)):
                if j != i and j not in reads_from[i] and reads_any((selector,), rules[j].writes):
                    reads_from[i].add(j)
                    readers[j].add(i)
    linked = [a | b for a, b in zip(reads_from, readers, strict=True)]
    return Graph(writers, reads_from, readers, linked)


def connected(seeds: Iterable[int], linked: list[set[int]]) -> set[int]:
    queue, found = list(seeds), set[int]()
    while queue:
        index = queue.pop()
        if index not in found:
            found.add(index)
            queue.extend(linked[index] - found)
    return found


def kept_rules(test: JSON, rules: tuple[Rule, ...], rule_graph: Graph) -> set[int]:
    """The indices of the rules a test can observe (see the module docstring)."""
    inputs = input_series(test)
    if inputs is None:
        return set(range(len(rules)))
    named: dict[str, list[Series]] = {}
    for one in inputs:
        named.setdefault(one.name, []).append(one)
    read = [
        [one for s in rule.reads for one in (named.get(s.metric, []) if s.metric else inputs) if may_read(s, one)]
        for rule in rules
    ]
    carriers: dict[str, set[int]] = {}

    def carries(index: int) -> Callable[[str], bool]:
        def label(name: str) -> bool:
            if name in rules[index].labels:
                return True  # its own, templated: known only when it fires
            if name not in carriers:
                carriers[name] = _carriers(name, rules, rule_graph, read)
            return index in carriers[name]

        return label

    seeds = {i for i, series in enumerate(read) if series}
    for selector in check_reads(test):
        for i in rule_graph.writers_of(selector):
            if i not in seeds and any(may_read(selector, one, carries(i)) for one in rules[i].writes):
                seeds.add(i)
    return connected(seeds, rule_graph.linked)


def _carriers(label: str, rules: tuple[Rule, ...], rule_graph: Graph, read: list[list[Series]]) -> set[int]:
    """The rules whose output may have `label` in a test, given the input series each rule reads there: it makes
    labels, or reads a series that has it (an input, or a rule's output that sets it or may have it)."""
    sources = [
        i
        for i, rule in enumerate(rules)
        if rule.makes is None
        or label in rule.makes
        or any(label in one.labels for one in read[i])
        or any(label in rules[j].labels for j in rule_graph.reads_from[i])
    ]
    return connected(sources, rule_graph.readers)


def steps(test: JSON, evaluation_interval: int) -> int:
    """How many evaluations promtool runs for a test: one per interval up to its last eval_time."""
    cases = [case for key in ("alert_rule_test", "promql_expr_test") for case in test.get(key) or []]
    last = max((_seconds(str(case.get("eval_time", "0s"))) for case in cases), default=0)
    return last // max(evaluation_interval, 1) + 1


@cache
def _seconds(text: str) -> int:
    try:
        return parse_duration(text, allow_zero=True)
    except ValueError:
        return 0  # promtool will say what is wrong with it; only an estimate rests on it here


@dataclass(frozen=True)
class TestFile:
    """A promtool test file, the groups of the rule files it names, in order, and their rules."""

    path: Path
    document: JSON
    rule_files: tuple[Path, ...]
    groups: tuple[tuple[int, JSON], ...]  # (index into rule_files, the group)
    rules: tuple[Rule, ...]

    @property
    def tests(self) -> list[JSON]:
        return list(self.document.get("tests") or [])

    def steps(self, test: JSON) -> int:
        return steps(test, _seconds(str(self.document.get("evaluation_interval", "1m"))) or 60)

    def rule_keys(self) -> list[tuple[Path, str, int]]:
        """Each rule as promtool knows it across test files: its rule file, group name and place in the group."""
        places = [0] * len(self.groups)
        found = []
        for rule in self.rules:
            file, group = self.groups[rule.group]
            found.append((self.rule_files[file], str(group.get("name")), places[rule.group]))
            places[rule.group] += 1
        return found


def test_file(path: Path, document: JSON, rule_files: tuple[Path, ...], groups: list[tuple[int, JSON]]) -> TestFile:
    rules = tuple(rule for index, (_file, group) in enumerate(groups) for rule in load_rules(index, group))
    return TestFile(path, document, rule_files, tuple(groups), rules)


@dataclass(frozen=True)
class Part:
    """Tests of one test file that keep the same rules: one narrowed promtool test document."""

    source: TestFile
    rules: tuple[int, ...]  # indices into source.rules, in file order
    tests: tuple[JSON, ...]

    @property
    def cost(self) -> int:
        """Rule evaluations promtool will run, which its time is about proportional to."""
        return max(len(self.rules), 1) * sum(self.source.steps(test) for test in self.tests)

    def rule_files(self) -> list[tuple[Path, list[JSON]]]:
        """Each rule file with kept rules, and its groups cut down to those rules, in file order."""
        kept: dict[int, list[JSON]] = {}
        for index in self.rules:
            rule = self.source.rules[index]
            kept.setdefault(rule.group, []).append(rule.document)
        files: dict[int, list[JSON]] = {}
        for index, (file, group) in enumerate(self.source.groups):
            if index in kept:
                files.setdefault(file, []).append({**group, "rules": kept[index]})
        return [(self.source.rule_files[file], groups) for file, groups in sorted(files.items())]


def partition(files: list[TestFile]) -> list[Part]:
    """Every test of every file, in parts by file and kept rules."""
    graphs = [graph(f.rules) for f in files]
    kept = [[kept_rules(test, f.rules, g) for test in f.tests] for f, g in zip(files, graphs, strict=True)]
    _adopt_orphans(files, [g.linked for g in graphs], kept)
    parts: dict[tuple[int, tuple[int, ...]], list[JSON]] = {}
    for i, f in enumerate(files):
        for test, rules in zip(f.tests, kept[i], strict=True):
            parts.setdefault((i, tuple(sorted(rules))), []).append(test)
    return [Part(files[i], rules, tuple(tests)) for (i, rules), tests in parts.items()]


def _adopt_orphans(files: list[TestFile], linked: list[list[set[int]]], kept: list[list[set[int]]]) -> None:
    """A rule that no test keeps joins, with the rules linked to it, the test with the fewest steps among those
    that load it: it reads nothing there either, and is evaluated at least once, as on the whole files."""
    keys = [f.rule_keys() for f in files]
    places = [{key: r for r, key in enumerate(file_keys)} for file_keys in keys]
    covered = {keys[i][r] for i, sets in enumerate(kept) for each in sets for r in each}
    for orphan in [key for file_keys in keys for key in file_keys if key not in covered]:
        hosts = [
            (f.steps(test), i, t, places[i][orphan])
            for i, f in enumerate(files)
            if orphan in places[i]
            for t, test in enumerate(f.tests)
        ]
        if orphan in covered or not hosts:
            continue
        _steps, i, t, rule = min(hosts, key=lambda host: host[:3])
        joined = connected([rule], linked[i])
        kept[i][t] |= joined
        covered |= {keys[i][r] for r in joined}
