"""generator/narrow.py: each promtool test runs against only the rules it can observe, and passes or fails
exactly as it does against the whole rule files (see the module docstring for why)."""

import copy
from pathlib import Path

import pytest
import yaml

from generator import narrow, pipeline, promtool
from generator.selector import Matcher, Selector, SelectorError, selectors_in

SPECS = Path(__file__).parents[1] / "slo_specs"

# --- scanning an expression for its selectors ---------------------------------------------------------


def test_selectors_of_a_burn_rate_rule():
    expr = (
        'sum by (region) (count_over_time(checks{job="synthetics"}[15m])) / 900 > on (region) group_left (team) '
        'max without (instance) (team_info) unless ignoring (le) rate(x_bucket{le=~"0\\\\.5"}[5m:1m] offset 1h)'
    )
    assert selectors_in(expr) == (
        Selector("checks", (Matcher("job", "=", "synthetics"),)),
        Selector("team_info", ()),
        Selector("x_bucket", (Matcher("le", "=~", "0\\.5"),)),
    )


@pytest.mark.parametrize(
    ("expr", "metrics"),
    [
        ("vector(1)", []),
        ('absent_over_time(up{job="x"}[1h])', ["up"]),
        ("a and b or c unless d", ["a", "b", "c", "d"]),
        ("sum(a) BY (x) + COUNT(b)", ["a", "b"]),  # keywords and aggregations in any case
        ("a > bool 1e-3 and b @ start()", ["a", "b"]),
        ("ALERTS{alertstate='firing'} # a comment naming c\n", ["ALERTS"]),
        ('label_replace(a, "dst", "$1", "src", "(.*)")', ["a"]),
        ('{__name__=~"job:.*"}', [""]),  # no metric name: reads whatever its matchers allow
        ("topk(3, a) / scalar(b)", ["a", "b"]),
    ],
)
def test_selectors_in(expr, metrics):
    assert [s.metric for s in selectors_in(expr)] == metrics


def test_an_unreadable_expression_raises_and_narrowing_reads_everything():
    with pytest.raises(SelectorError):
        selectors_in('{"utf8.metric", job="x"}')
    assert narrow.expression_reads('{"utf8.metric", job="x"}') == narrow.EVERYTHING


@pytest.mark.parametrize(
    ("template", "reads"),
    [
        ("{{ $value | humanize }}", ()),
        ('{{ with printf "2592000 / %f" $value | query }}{{ . | first | value }}{{ end }}', ()),
        (
            '{{ with query "up{job=\\"api\\"}" }}{{ . | first | value }}{{ end }}',
            (Selector("up", (Matcher("job", "=", "api"),)),),
        ),
        ('{{ with printf "up{job=%q}" $labels.job | query }}{{ end }}', narrow.EVERYTHING),
        ('{{ $q := "up" }}{{ with query $q }}{{ end }}', narrow.EVERYTHING),
    ],
)
def test_what_a_template_queries(template, reads):
    assert narrow.template_reads(template) == reads


# --- which rules a test keeps ------------------------------------------------------------------------

RULES = {
    "groups": [
        {
            "name": "a",
            "rules": [
                {
                    "record": "a:ratio",
                    "expr": 'sum(rate(req_errors{svc="a"}[5m])) / sum(rate(req_total{svc="a"}[5m]))',
                    "labels": {"slo": "a"},
                },
                {
                    "alert": "ABurn",
                    "expr": 'a:ratio{slo="a"} > on () group_left () threshold{slo="a"}',
                    "labels": {"slo": "a", "severity": "page"},
                },
            ],
        },
        {
            "name": "a:constants",
            "rules": [
                {"record": "threshold", "expr": "vector(0.1)", "labels": {"slo": "a"}},
                {"record": "info", "expr": "vector(1)", "labels": {"slo": "a"}},
            ],
        },
        {
            "name": "b",
            "rules": [
                {
                    "record": "b:ratio",
                    "expr": 'sum(rate(req_errors{svc="b"}[5m])) / sum(rate(req_total{svc="b"}[5m]))',
                    "labels": {"slo": "b"},
                },
                {"alert": "BBurn", "expr": 'b:ratio{slo="b"} > 0.1', "labels": {"slo": "b", "severity": "page"}},
                {"record": "b:traffic", "expr": "sum(rate(req_total[5m]))", "labels": {"slo": "b"}},
            ],
        },
        {
            "name": "symptoms",
            "rules": [{"alert": "QueueStuck", "expr": "max(queue_depth) > 0", "labels": {"severity": "ticket"}}],
        },
    ]
}


def outage(slo: str) -> dict:
    """Every request of `slo` fails from minute 10; its page fires, nothing else of the SLO does before."""
    return {
        "name": f"{slo}: an outage pages",
        "interval": "1m",
        "input_series": [
            {"series": f'req_total{{svc="{slo}", code="200"}}', "values": "0+60x30"},
            {"series": f'req_total{{svc="{slo}", code="500"}}', "values": "0+0x10 0+60x20"},
            {"series": f'req_errors{{svc="{slo}"}}', "values": "0+0x10 0+60x20"},
        ],
        "promql_expr_test": [{"expr": f'ALERTS{{slo="{slo}"}}', "eval_time": "9m", "exp_samples": []}],
        "alert_rule_test": [
            {
                "eval_time": "20m",
                "alertname": f"{slo.upper()}Burn",
                "exp_alerts": [{"exp_labels": {"slo": slo, "severity": "page"}}],
            }
        ],
    }


QUEUE = {
    "name": "a stuck queue tickets",
    "interval": "1m",
    "input_series": [{"series": "queue_depth", "values": "0 3x10"}],
    "alert_rule_test": [
        {"eval_time": "5m", "alertname": "QueueStuck", "exp_alerts": [{"exp_labels": {"severity": "ticket"}}]}
    ],
}
TESTS = [outage("a"), outage("b"), QUEUE]


def write(tmp_path: Path, rules: dict, tests: list[dict] = TESTS) -> Path:
    (tmp_path / "rules.yml").write_text(yaml.safe_dump(rules, sort_keys=False))
    path = tmp_path / "all.test.yml"
    path.write_text(yaml.safe_dump({"rule_files": ["rules.yml"], "tests": tests}, sort_keys=False))
    return path


def kept(tmp_path: Path, rules: dict = RULES) -> dict[str, set[str]]:
    """For each test, the names of the rules it keeps (record or alert name)."""
    parts = narrow.partition([promtool._test_file(write(tmp_path, rules), {})])
    return {
        test["name"]: {
            str(part.source.rules[i].document.get("record") or part.source.rules[i].document["alert"])
            for i in part.rules
        }
        for part in parts
        for test in part.tests
    }


def test_a_test_keeps_its_slo_the_constants_it_reads_and_other_rules_on_its_inputs(tmp_path):
    assert kept(tmp_path) == {
        # b:traffic reads req_total of any service: in a's test it evaluates, so it is kept (an error in it would
        # fail a's test on the whole file too). The threshold is data-free, read by ABurn. info, read by nothing
        # and reading nothing, joins the test with the fewest steps (QUEUE's).
        "a: an outage pages": {"a:ratio", "ABurn", "threshold", "b:traffic"},
        "b: an outage pages": {"b:ratio", "BBurn", "b:traffic"},
        "a stuck queue tickets": {"QueueStuck", "info"},
    }


def test_an_alert_without_the_checked_label_that_reads_nothing_of_the_test_is_left_out(tmp_path):
    """ALERTS{slo="a"} could match QueueStuck only if its output could have slo: it reads queue_depth, which a's
    test does not load, and no rule's output; so it cannot."""
    assert "QueueStuck" not in kept(tmp_path)["a: an outage pages"]


def with_symptom(alert: dict) -> dict:
    rules = copy.deepcopy(RULES)
    rules["groups"][3]["rules"].append(alert)
    return rules


@pytest.mark.parametrize(
    "alert",
    [
        # a label made from a string, a templated label, a series that has the label: each may give it slo="a"
        {"alert": "Made", "expr": 'label_replace(vector(1), "slo", "a", "", "")', "labels": {"severity": "page"}},
        {"alert": "Templated", "expr": "vector(1)", "labels": {"slo": '{{ "a" }}'}},
        {"alert": "Carried", "expr": "max by (slo) (a:ratio) > 2"},
    ],
)
def test_an_alert_that_may_have_the_checked_label_is_kept(tmp_path, alert):
    assert alert["alert"] in kept(tmp_path, with_symptom(alert))["a: an outage pages"]


def test_alert_rule_test_keeps_every_alert_of_that_name(tmp_path):
    rules = with_symptom({"alert": "ABurn", "expr": "max(queue_depth) > 0"})
    assert sum(name == "ABurn" for name in kept(tmp_path, rules)["a: an outage pages"]) == 1  # names dedupe
    parts = narrow.partition([promtool._test_file(write(tmp_path, rules), {})])
    [part] = [p for p in parts if p.tests[0]["name"] == "a: an outage pages"]
    assert [
        part.source.rules[i].group for i in part.rules if part.source.rules[i].document.get("alert") == "ABurn"
    ] == [0, 3]


def test_every_rule_is_kept_by_some_test(tmp_path):
    parts = narrow.partition([promtool._test_file(write(tmp_path, RULES), {})])
    assert set().union(*(part.rules for part in parts)) == set(range(8))


def test_a_test_with_an_unparsable_input_series_keeps_everything(tmp_path):
    odd = {**QUEUE, "input_series": [{"series": '{__name__="queue_depth"}', "values": "1"}]}
    parts = narrow.partition([promtool._test_file(write(tmp_path, RULES, [odd]), {})])
    assert len(parts[0].rules) == 8


# --- the narrowed run passes and fails exactly as the whole run -----------------------------------------


def mutate(rule: str, **changes) -> dict:
    rules = copy.deepcopy(RULES)
    for group in rules["groups"]:
        for item in group["rules"]:
            if rule in (item.get("record"), item.get("alert")):
                item.update(changes)
    return rules


MUTATIONS = {
    "unchanged": RULES,
    "a data-free constant that a kept rule reads": mutate("threshold", expr="vector(10)"),
    "another SLO's rule fails to evaluate on this test's inputs": mutate(
        "b:traffic", expr="vector(1) + on () req_total"
    ),
    "a symptom alert's threshold": mutate("QueueStuck", expr="max(queue_depth) > 100"),
    "a same-named alert elsewhere that always fires": with_symptom({"alert": "ABurn", "expr": "vector(1)"}),
    "an alert that makes the checked label": with_symptom(
        {"alert": "Made", "expr": 'label_replace(vector(1), "slo", "a", "", "")'}
    ),
}
# Fails at every evaluation, data or not: every test on the whole file, narrowed only the test that keeps it.
DATA_FREE_ERROR = mutate("info", expr='label_replace(vector(1), "slo", "$1", "x", "(")')


def whole_run(tmp_path: Path, rules: dict) -> dict[str, bool]:
    """Each test alone against the whole rule file: passed or not."""
    results = {}
    for test in TESTS:
        passed, _output = promtool.test_rules([write(tmp_path, rules, [test])])
        results[test["name"]] = passed
    return results


def narrowed_run(tmp_path: Path, rules: dict) -> dict[str, bool]:
    results = {}
    (tmp_path / "shards").mkdir(exist_ok=True)
    for shard in promtool.shards([write(tmp_path, rules)], tmp_path / "shards", workers=2):
        passed, _output = promtool.run_shard(shard)
        for test in yaml.safe_load(shard.path.read_text())["tests"]:
            results[test["name"]] = passed
    return results


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_each_test_passes_or_fails_as_on_the_whole_file(tmp_path, mutation):
    whole = whole_run(tmp_path, MUTATIONS[mutation])
    assert narrowed_run(tmp_path, MUTATIONS[mutation]) == whole
    assert all(whole.values()) == (mutation == "unchanged")  # every mutation is caught by some test


def test_a_rule_that_fails_without_data_fails_the_narrowed_run_too(tmp_path):
    whole, narrowed = whole_run(tmp_path, DATA_FREE_ERROR), narrowed_run(tmp_path, DATA_FREE_ERROR)
    assert not any(whole.values())
    assert narrowed == {"a: an outage pages": True, "b: an outage pages": True, "a stuck queue tickets": False}


# --- on the generated Bookiji output ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bookiji(tmp_path_factory) -> list[narrow.Part]:
    from generator.write import render_tree, write

    outcome = pipeline.generate([SPECS])
    assert outcome.ok, [f.text() for f in outcome.findings]
    out = tmp_path_factory.mktemp("out")
    write(out, render_tree(outcome.files))
    cache: dict = {}
    files = [promtool._test_file(path, cache) for path in sorted((out / "prometheus/tests").glob("*.yml"))]
    return narrow.partition(files)


def test_bookiji_every_rule_is_evaluated_by_some_test(bookiji):
    everything = {key for part in bookiji for key in part.source.rule_keys()}
    evaluated = {part.source.rule_keys()[i] for part in bookiji for i in part.rules}
    assert evaluated == everything


def test_bookiji_slo_tests_keep_their_own_slo_and_rules_on_the_same_series(bookiji):
    """An SLO's tests keep its rules, and other rules only where they read the same series (p95 and p99 of one
    histogram; the symptom alert on the synthetic checks)."""
    for part in bookiji:
        slos = {str(part.source.rules[i].document.get("labels", {}).get("slo")) for i in part.rules}
        tested = {test["name"].split(":")[0] for test in part.tests}
        if tested <= {"availability"} and len(part.tests) > 1:
            assert slos <= {"availability", "None"}
        if tested == {"api-latency-p95"}:
            assert slos <= {"api-latency-p95", "api-latency-p99", "None"}
    total = sum(len(part.source.rules) * len(part.tests) for part in bookiji)
    narrowed = sum(len(part.rules) * len(part.tests) for part in bookiji)
    assert narrowed < total / 8  # rules a test evaluates, on average: a tenth of the service's
