"""`slogen import sloth`: Sloth's own getting-started output against slogen's rules for the imported spec, and
every vendored Sloth example either imported and proven by promtool, or refused per item with its reason."""

from pathlib import Path

import promql_parser
import pytest
import yaml
from click.testing import CliRunner

from generator import cli, promtool
from generator.durations import parse_duration
from generator.inputs.importers import sloth
from generator.inputs.importers.base import ImportOptions
from generator.inputs.importers.sloth_promql import QueryError, error_ratio, events
from generator.inputs.yaml_spec import load_all

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "sloth"
ANCHORS = FIXTURES / "anchor"  # Sloth's getting-started input and the rules Sloth generated for it
W = "[{{.window}}]"


def run(*args: str | Path):
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def imported(*names: str, period: str | None = None) -> sloth.Imported:
    documents = []
    for name in names:
        path = FIXTURES / name
        documents += load_all(str(path), path.read_text(encoding="utf-8"))
    return sloth.convert(documents, ImportOptions(parse_duration(period) if period else None))


# --- the PromQL shapes ----------------------------------------------------------------------------------------


def test_events_sum_of_rate_by_labels():
    counters = events(
        f'sum by (route) (rate(http_requests_total{{job="a", code=~"5.."}}{W}))',
        f'sum(rate(http_requests_total{{job="a"}}{W})) by (route)',
    )
    assert counters.ratio() == {
        "errors": 'http_requests_total{job="a", code=~"5.."}',
        "total": 'http_requests_total{job="a"}',
    }
    assert counters.group_by == ("route",)


def test_events_increase_and_zero_fallback_and_template_spacing():
    counters = events("sum(increase(errs[{{ .window }}])) or on() vector(0)", f"(sum(increase(reqs{W})))")
    assert counters.ratio() == {"errors": "errs", "total": "reqs"}


def test_events_total_minus_good_is_good():
    total = f'sum(rate(d_count{{verb!="WATCH"}}{W}))'
    counters = events(f'({total} - sum(rate(d_bucket{{le="0.4", verb!="WATCH"}}{W})))', total)
    assert counters.ratio() == {"good": 'd_bucket{le="0.4", verb!="WATCH"}', "total": 'd_count{verb!="WATCH"}'}


def test_raw_ratio_and_one_minus_ratio():
    assert error_ratio(f"sum(rate(e{W})) / sum(rate(t{W}))").ratio() == {"errors": "e", "total": "t"}
    assert error_ratio(f"1 - (sum(rate(g{W})) / sum(rate(t{W})))").ratio() == {"good": "g", "total": "t"}


@pytest.mark.parametrize(
    ("error", "total", "reason"),
    [
        ("sum(rate(e[5m]))", f"sum(rate(t{W}))", "range is fixed"),
        (f"sum without (pod) (rate(e{W}))", f"sum(rate(t{W}))", "sum without"),
        (f"sum by (a) (rate(e{W}))", f"sum(rate(t{W}))", "different labels"),
        (f"sum(rate(e{W} offset 1h))", f"sum(rate(t{W}))", "offset"),
        (f"sum(rate(e{{{{.Labels}}}}{W}))", f"sum(rate(t{W}))", "Go template value"),
        (f"max(rate(e{W}))", f"sum(rate(t{W}))", "`max(…)`"),
        (f"sum(irate(e{W}))", f"sum(rate(t{W}))", "not rate() of a counter"),
        (f"sum(rate(e{W})) - sum(rate(x{W}))", f"sum(rate(t{W}))", "not `total_query`"),
        ("sum_over_time((count(x < 1))[{{.window}}:])", f"sum(rate(t{W}))", "`sum_over_time(…)`"),
        (f"sum(rate(e{W})", f"sum(rate(t{W}))", "not valid PromQL"),
    ],
)
def test_events_refused_with_reason(error, total, reason):
    with pytest.raises(QueryError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        events(error, total)


def test_raw_that_is_not_a_ratio_is_refused():
    with pytest.raises(QueryError, match="raw error ratio only as"):
        error_ratio(f"avg(rate(e{W}))")


# --- the importer on Sloth's own examples ---------------------------------------------------------------------

# fixture → (SLOs imported per service, left-out items, a phrase every SLO-refusal reason holds or None)
EXPECTED = {
    "getting-started.yml": ({"myservice": ["requests-availability"]}, 6, None),
    "home-wifi.yml": ({"home-wifi": []}, 2, "`sum_over_time(…)`"),
    "k8s-getting-started.yml": ({"myservice": ["requests-availability"]}, 3, None),
    "k8s-multifile.yml": ({"myservice": ["requests-availability"], "myservice2": ["requests-availability"]}, 6, None),
    "kubernetes-apiserver.yml": ({"k8s-apiserver": ["requests-availability", "requests-latency"]}, 6, None),
    "multifile.yml": ({"myservice": ["requests-availability"], "myservice2": ["requests-availability"]}, 6, None),
    "no-alerts.yml": ({"myapp": ["http-availability"]}, 0, None),
    "plugin-getting-started.yml": ({"myservice": []}, 1, "SLI is a plugin"),
    "raw-home-wifi.yml": ({"home-wifi": []}, 1, "not rate() of a counter"),
}


def test_every_vendored_example_is_covered():
    # windows/ holds AlertWindows catalogs, tested with the period below
    assert sorted(p.name for p in FIXTURES.glob("*.yml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_imports_or_is_refused_per_item(name):
    result = imported(name)
    slos, left_out, refusal = EXPECTED[name]
    assert {service: [s["name"] for s in spec["slos"]] for service, spec in result.specs.items()} == slos
    assert len(result.left_out) == left_out
    for finding in result.left_out:
        assert finding.file.endswith(name) and finding.line > 1 and "was not imported: " in finding.message
    if refusal:
        assert all(refusal in f.message for f in result.left_out if ".sli." in f.path)


def test_crd_positions_point_into_the_second_document():
    lines = sorted({f.line for f in imported("k8s-multifile.yml").left_out})
    assert lines == [27, 34, 38, 61, 68, 72]  # alerting.name, pageAlert.labels, ticketAlert.labels, twice


def test_kubernetes_apiserver_latency_becomes_good_over_total():
    spec = imported("kubernetes-apiserver.yml").specs["k8s-apiserver"]
    latency = spec["slos"][1]
    assert latency["sli"] == {
        "ratio": {
            "good": 'apiserver_request_duration_seconds_bucket{le="0.4", verb!="WATCH"}',
            "total": 'apiserver_request_duration_seconds_count{verb!="WATCH"}',
        }
    }
    assert latency["objective"] == 99
    assert latency["alerting"]["runbook"].startswith("https://github.com/kubernetes-monitoring/")
    assert latency["alerting"]["labels"] == {"category": "latency"}


def test_no_alerts_turns_page_and_ticket_off():
    slo = imported("no-alerts.yml").specs["myapp"]["slos"][0]
    assert slo["alerting"] == {"page": False, "ticket": False}


def test_not_sloth_is_refused():
    document = load_all("x.yml", "apiVersion: openslo/v1\nkind: SLO\n")
    result = sloth.convert(document)
    assert not result.specs
    assert "slogen import openslo" in result.left_out[0].message


@pytest.mark.parametrize("name", sorted(n for n, (slos, _, _) in EXPECTED.items() if any(slos.values())))
def test_imported_example_passes_promtool(name, tmp_path):
    """Every example that imports generates rules that pass `promtool check rules` and slogen's promtool tests."""
    specs, out = tmp_path / "specs", tmp_path / "out"
    imported_run = run("import", "sloth", FIXTURES / name, "--out", specs, "--allow-partial")
    assert imported_run.exit_code == 0, imported_run.output
    generated = run("generate", "--specs", specs, "--out", out)
    assert generated.exit_code == 0, generated.output
    tested = run("test", "--out", out)
    assert tested.exit_code == 0, tested.output


# --- the period and the alert windows Sloth was run with -------------------------------------------------------


def test_the_default_30d_period_and_sloths_built_in_windows_are_slogens_defaults_and_not_written():
    spec = imported("getting-started.yml").specs["myservice"]
    assert "period" not in spec and "windows" not in spec["slos"][0]["alerting"]


def test_a_28d_period_is_written_and_left_to_slogens_pairs():
    """Sloth's built-in 28d catalog keeps the Workbook's budget shares, which makes its 3d/6h ticket a 0.93×
    burn that slogen refuses (it cannot exhaust the budget in 28d); slogen's 28d default keeps the factors."""
    result = imported("getting-started.yml", period="28d")
    spec = result.specs["myservice"]
    assert spec["period"] == "28d" and "windows" not in spec["slos"][0]["alerting"]


def test_an_alert_windows_catalog_for_the_period_becomes_the_slos_windows():
    result = imported("getting-started.yml", "windows/7d.yaml", "windows/custom-30d.yaml", period="7d")
    slo = result.specs["myservice"]["slos"][0]
    assert result.specs["myservice"]["period"] == "7d"
    assert slo["alerting"]["windows"] == [
        {"severity": "page", "long": "1h", "short": "5m", "budget": 8},
        {"severity": "page", "long": "6h", "short": "30m", "budget": 12.5},
        {"severity": "ticket", "long": "1d", "short": "2h", "budget": 20},
        {"severity": "ticket", "long": "3d", "short": "6h", "budget": 42},
    ]
    unused = [f for f in result.left_out if f.file.endswith("custom-30d.yaml")]
    assert [(f.line, f.path) for f in unused] == [(4, "spec.sloPeriod")]
    assert "pass --default-slo-period 30d" in unused[0].message


def test_a_custom_30d_catalog_replaces_the_defaults():
    slo = imported("getting-started.yml", "windows/custom-30d.yaml").specs["myservice"]["slos"][0]
    assert [(w["long"], w["short"], w["budget"]) for w in slo["alerting"]["windows"]] == [
        ("30m", "2m", 1),
        ("3h", "15m", 2),
        ("12h", "1h", 5),
        ("1d12h", "3h", 5),
    ]


def test_disabled_alerts_get_no_windows():
    slo = imported("no-alerts.yml", period="28d").specs["myapp"]["slos"][0]
    assert slo["alerting"] == {"page": False, "ticket": False}


def test_a_broken_catalog_is_reported_with_its_position():
    documents = load_all(
        "w.yaml",
        "apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec:\n  sloPeriod: 7d\n  page:\n"
        "    quick: {errorBudgetPercent: 0, shortWindow: 5m, longWindow: 1h}\n",
    )
    result = sloth.convert(documents, ImportOptions(7 * 86400))
    assert [(f.line, f.path) for f in result.left_out] == [(6, "spec.page.quick.errorBudgetPercent")]
    assert "is not a percent in (0, 100]" in result.left_out[0].message


def test_imported_custom_catalog_generates_and_passes_promtool(tmp_path):
    specs, out = tmp_path / "specs", tmp_path / "out"
    sources = (FIXTURES / "getting-started.yml", FIXTURES / "windows" / "custom-30d.yaml")
    imported_run = run("import", "sloth", *sources, "--out", specs, "--allow-partial")
    assert imported_run.exit_code == 0, imported_run.output
    generated = run("generate", "--specs", specs, "--out", out)
    assert generated.exit_code == 0, generated.output
    rules = (out / "prometheus" / "rules" / "myservice.rules.yml").read_text()
    assert "long_window: 30m" in rules and "long_window: 1d12h" in rules
    tested = run("test", "--out", out)
    assert tested.exit_code == 0, tested.output


def test_sloths_7d_catalog_imports_as_written_and_its_sub_1x_pair_is_named_with_the_fix(tmp_path):
    """Sloth's own 7d example burns 42 % in 3d, a 0.98x burn that cannot exhaust the budget in 7d. The import
    carries the catalog over as written (nothing is changed silently); slogen's checks then name the pair and
    the budget that would make it 1x, and the import exits 1 until the spec is fixed."""
    sources = (FIXTURES / "getting-started.yml", FIXTURES / "windows" / "7d.yaml")
    result = run("import", "sloth", *sources, "--out", tmp_path, "--allow-partial", "--default-slo-period", "7d")
    assert result.exit_code == 1
    assert "slos[0].alerting.windows[3]: the ticket pair 3d/6h burns 42 % of the 7d error budget" in result.output
    assert "raise budget to at least 42.9 (1×)" in result.output
    assert "budget: 42" in (tmp_path / "myservice.yaml").read_text()


def test_the_period_flag_is_sloths_only_and_must_be_a_duration(tmp_path):
    pyrra = run("import", "pyrra", FIXTURES / "no-alerts.yml", "--default-slo-period", "28d", "--out", tmp_path)
    assert pyrra.exit_code == 2 and "Sloth's flag" in pyrra.output
    bad = run("import", "sloth", FIXTURES / "no-alerts.yml", "--default-slo-period", "a month", "--out", tmp_path)
    assert bad.exit_code == 2 and "--default-slo-period" in bad.output


def test_a_sloth_file_given_to_generate_names_the_import_command(tmp_path):
    result = run("check", FIXTURES / "getting-started.yml")
    assert result.exit_code == 1
    assert (
        "getting-started.yml:1:1: (document): this is a Sloth SLO spec, not a slogen spec; convert it with "
        "`slogen import sloth " in result.output
    )


# --- the CLI --------------------------------------------------------------------------------------------------


def test_cli_exit_codes_and_comments(tmp_path):
    source = FIXTURES / "plugin-getting-started.yml"
    strict = run("import", "sloth", source, "--out", tmp_path / "a")
    assert strict.exit_code == 1
    assert "plugin-getting-started.yml:14:9: slos[0].sli.plugin: warning: SLO requests-availability" in strict.output
    text = (tmp_path / "a" / "myservice.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=slogen-v1.schema.json\n")
    assert "slos: []\n  # left out: " in text and "its SLI is a plugin" in text
    assert (tmp_path / "a" / "slogen-v1.schema.json").exists()
    assert run("import", "sloth", FIXTURES / "no-alerts.yml", "--out", tmp_path / "b").exit_code == 0
    again = run("import", "sloth", FIXTURES / "no-alerts.yml", "--out", tmp_path / "b")
    assert again.exit_code == 1 and "never overwrites" in again.output
    assert run("import", "nosuchtool", source).exit_code == 2
    assert run("import", "sloth").exit_code == 2


def test_output_is_deterministic(tmp_path):
    for out in ("a", "b"):
        run("import", "sloth", FIXTURES / "kubernetes-apiserver.yml", "--out", tmp_path / out, "--allow-partial")
    assert (tmp_path / "a" / "k8s-apiserver.yaml").read_bytes() == (tmp_path / "b" / "k8s-apiserver.yaml").read_bytes()


# --- the proof against Sloth's own output ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def anchor(tmp_path_factory) -> Path:
    """Sloth's getting-started input, imported and generated by slogen: the output directory."""
    tmp = tmp_path_factory.mktemp("anchor")
    result = run("import", "sloth", ANCHORS / "getting-started.input.yml", "--out", tmp / "specs", "--allow-partial")
    assert result.exit_code == 0, result.output
    result = run("generate", "--specs", tmp / "specs", "--out", tmp / "out")
    assert result.exit_code == 0, result.output
    return tmp / "out"


def _rules(path: Path) -> dict[str, str]:
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    return {rule["record"]: rule["expr"] for group in groups for rule in group["rules"] if "record" in rule}


def _read(expr) -> tuple:
    """What a `sum [by] (rate(<selector>[range]))` reads: aggregation, grouping, function, series, range."""
    while type(expr).__name__ == "ParenExpr":
        expr = expr.expr
    call = expr.expr
    matrix = call.args[0]
    vector = matrix.vector_selector
    matchers = frozenset((m.name, str(m.op), m.value) for m in vector.matchers.matchers)
    labels = tuple(expr.modifier.labels) if expr.modifier else ()
    return str(expr.op), labels, call.func.name, vector.name, matchers, matrix.range


def test_slogen_5m_error_ratio_reads_what_sloth_reads(anchor):
    sloth_ratio = promql_parser.parse(
        _rules(ANCHORS / "getting-started.sloth-output.yml")["slo:sli_error:ratio_rate5m"]
    )
    ours = _rules(anchor / "prometheus" / "rules" / "myservice.rules.yml")
    assert ours["slogen:sli_error:ratio_rate5m"].startswith("slogen:sli_errors:rate5m{")
    errors = promql_parser.parse(ours["slogen:sli_errors:rate5m"])
    assert str(errors.op) == "or"  # slogen's fallback for a missing error counter, left of it the errors
    total = promql_parser.parse(ours["slogen:sli_total:rate5m"])
    assert _read(errors.lhs) == _read(sloth_ratio.lhs)
    assert _read(total) == _read(sloth_ratio.rhs)
    assert _read(total)[:3] == ("sum", (), "rate") and _read(total)[5].total_seconds() == 300


def _counter(per_minute: list[float]) -> str:
    values, total = ["0"], 0.0
    for step in per_minute:
        total += step
        values.append(repr(total))
    return " ".join(values)


def test_sloth_and_slogen_5m_ratios_agree_in_promtool(anchor, tmp_path):
    """Both tools' rules on the same series: at 10m 10 % errors, at 20m after an error burst 40 %."""
    quiet, burst = [90.0] * 10, [60.0] * 10
    series = {
        'http_request_duration_seconds_count{job="myservice", code="200"}': quiet + burst,
        'http_request_duration_seconds_count{job="myservice", code="500"}': [6.0] * 10 + [30.0] * 10,
        'http_request_duration_seconds_count{job="myservice", code="429"}': [4.0] * 10 + [10.0] * 10,
        'http_request_duration_seconds_count{job="other", code="500"}': [50.0] * 20,  # neither tool reads it
    }
    sloth_5m = 'vector(scalar(slo:sli_error:ratio_rate5m{sloth_slo="requests-availability"}))'
    slogen_5m = 'vector(scalar(slogen:sli_error:ratio_rate5m{slo="requests-availability"}))'
    tests = [
        {"expr": expr, "eval_time": at, "exp_samples": [{"labels": "{}", "value": value}]}
        for at, value in (("10m", 0.1), ("20m", 0.4))
        for expr in (sloth_5m, slogen_5m)
    ] + [
        {"expr": f"{sloth_5m} - {slogen_5m}", "eval_time": at, "exp_samples": [{"labels": "{}", "value": 0}]}
        for at in ("6m", "10m", "13m", "17m", "20m")
    ]
    document = {
        "rule_files": [
            str(ANCHORS / "getting-started.sloth-output.yml"),
            str(anchor / "prometheus" / "rules" / "myservice.rules.yml"),
        ],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [{"series": name, "values": _counter(steps)} for name, steps in series.items()],
                "promql_expr_test": tests,
            }
        ],
    }
    path = tmp_path / "sloth-vs-slogen.test.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000), encoding="utf-8")
    ok, output = promtool.test_rules([path])
    assert ok, output


def test_emit_quotes_selectors_and_places_unplaced_items_on_top():
    from generator.inputs.importers import emit

    result = imported("kubernetes-apiserver.yml")
    result.leave_out(load_all("other.yml", "a: 1\n")[0], ("a",), "`a`", "a reason of no service")
    text = emit.render(result, "sloth", ["kubernetes-apiserver.yml"])["k8s-apiserver.yaml"]
    assert '        good: \'apiserver_request_duration_seconds_bucket{le="0.4", verb!="WATCH"}\'\n' in text
    head = text.split("\nslos:\n")[0]
    assert "# left out: other.yml:1:4: a: `a` was not imported: a reason of no service" in head
    assert yaml.safe_load(text)["slos"] == result.specs["k8s-apiserver"]["slos"]


def test_load_all_skips_empty_documents_and_keeps_file_lines():
    documents = load_all("x.yml", "---\n---\na: 1\n---\n# only a comment\n---\nb:\n  c: 2\n")
    assert [d.data for d in documents] == [{"a": 1}, {"b": {"c": 2}}]
    assert documents[1].where(("b", "c")) == (8, 6)
