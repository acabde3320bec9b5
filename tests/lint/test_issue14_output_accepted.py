"""Issue 14: specs that validated and generated, but whose output promtool or amtool refused. Each case is refused
at its spec line now; where the refusing lint rule can be left out, the output generated without it is shown to
fail `slogen test` (promtool check rules, amtool check-config), which is what the rule prevents."""

from pathlib import Path

import pytest

from generator import lint, pipeline
from generator.write import render_tree, write

from .helpers import VALID, at, block, check_text, cli, of_rule

ROUTING = (Path(__file__).parents[1] / "fixtures" / "maintenance.yaml").read_text()
MAINTENANCE = "- {name: all-day, weekdays: ['sunday:saturday'], times: [{start: '00:00', end: '24:00'}]}"
EXPR_ALERT = VALID + block(
    """\
    alerts:
      - name: DLQNotEmpty
        expr: max(outbox_dlq_depth{job="checkout"}) > 0
        severity: ticket
        test:
          holds_from: 5m
          series:
            - {series: 'outbox_dlq_depth{job="checkout"}', values: '0x4 1+0x10'}
    """,
    0,
)


def _maintenance(window: str) -> str:
    text = ROUTING.replace("$OTHER_START", "01:00").replace("$OTHER_END", "02:00")
    return text.replace(MAINTENANCE, f"- {{name: all-day, {window}, times: [{{start: '00:00', end: '24:00'}}]}}")


# (id, spec, rule, spec path of the finding, a phrase of its message)
CASES = [
    (
        "label-__name__",
        VALID.replace("slos:\n", "labels: {__name__: x}\nslos:\n"),
        "reserved-label",
        "labels.__name__",
        "starting with __",
    ),
    (
        "alerting-label-__meta",
        VALID + block("alerting: {labels: {__meta: x}}\n", 4),
        "reserved-label",
        "slos[0].alerting.labels.__meta",
        "starting with __",
    ),
    (
        "label-template",
        VALID.replace("slos:\n", "labels: {team: '{{'}\nslos:\n"),
        "alert-template",
        "labels.team",
        "unclosed action",
    ),
    (
        "runbook-template",
        VALID + block("alerting: {runbook: 'https://r.example/{{7*7}}'}\n", 4),
        "alert-template",
        "slos[0].alerting.runbook",
        'unexpected "*" in operand',
    ),
    (
        "annotation-function",
        VALID + block("alerting: {annotations: {value: '{{ $value | nosuchfunc }}'}}\n", 4),
        "alert-template",
        "slos[0].alerting.annotations.value",
        'function "nosuchfunc" not defined',
    ),
    (
        "symptom-description",
        EXPR_ALERT.replace("    severity: ticket\n", "    severity: ticket\n    description: '{{ end }}'\n"),
        "alert-template",
        "alerts[0].description",
        "unexpected {{end}}",
    ),
    (
        "probe-priority-match",
        VALID.replace('errors: x{code=~"5.."}\n        total: x', "").replace(
            "ratio:\n",
            "probe:\n        success: probe_success\n        interval: 1m\n"
            "        priorities: [{match: {check: '{{home}}'}, priority: P2}]\n",
        ),
        "alert-template",
        "slos[0].sli.probe.priorities[0].match.check",
        'function "home" not defined',
    ),
    (
        "test-series-regex",
        EXPR_ALERT.replace('series: \'outbox_dlq_depth{job="checkout"}', 'series: \'outbox_dlq_depth{job=~"c.*"}'),
        "alert-test-series",
        "alerts[0].test.series[0].series",
        "a series gives each label with =",
    ),
    (
        "test-series-values",
        EXPR_ALERT.replace("1+0x10", "1+-1x10"),
        "alert-test-series",
        "alerts[0].test.series[0].values",
        "promtool cannot read '1+-1x10'",
    ),
    (
        "maintenance-location",
        _maintenance("location: Mars/Olympus, weekdays: ['sunday:saturday']"),
        "maintenance-range",
        "routing.maintenance_windows[0].location",
        "unknown time zone 'Mars/Olympus'",
    ),
    (
        "maintenance-day-32",
        _maintenance("days_of_month: ['32']"),
        "maintenance-range",
        "routing.maintenance_windows[0].days_of_month[0]",
        "day 32 is out of range",
    ),
    (
        "maintenance-day-0",
        _maintenance("days_of_month: ['1:0']"),
        "maintenance-range",
        "routing.maintenance_windows[0].days_of_month[0]",
        "day 0 is out of range",
    ),
    (
        "maintenance-negative-start",
        _maintenance("days_of_month: ['-1:5']"),
        "maintenance-range",
        "routing.maintenance_windows[0].days_of_month[0]",
        "starts from the month's end but ends from its start",
    ),
]
# promtool and amtool refuse these: the output generated without the rule fails `slogen test`.
TOOL_REFUSES = {c[0] for c in CASES} - {"alerting-label-__meta"}


@pytest.mark.parametrize("text, rule, path, phrase", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_at_the_spec_line(text, rule, path, phrase):
    findings = of_rule(check_text(text), rule)
    assert [f.path for f in findings] == [path], [f.text() for f in findings]
    assert phrase in findings[0].message
    assert at(findings[0]).startswith("spec.yaml:")


@pytest.mark.parametrize(
    "text, rule", [c[1:3] for c in CASES if c[0] in TOOL_REFUSES], ids=[c[0] for c in CASES if c[0] in TOOL_REFUSES]
)
def test_without_the_rule_slogen_test_fails(text, rule):
    result = _slogen_test(text, tuple(other for other in lint.RULES if rule != other.ID))
    assert result.exit_code == 1, result.output


def test_months_outside_1_to_12_never_match():
    """amtool 0.25 takes month 13, but no date falls in it: the window would never mute anything."""
    findings = of_rule(check_text(_maintenance("months: ['13', '0:2', 'january:12']")), "maintenance-range")
    assert [(f.path, f.message.split(",")[0]) for f in findings] == [
        ("routing.maintenance_windows[0].months[0]", "month 13 does not exist"),
        ("routing.maintenance_windows[0].months[1]", "month 0 does not exist"),
    ]


@pytest.mark.parametrize("location", ["UTC", "Europe/Paris", "EST", "Local"])
def test_known_locations_pass(location):
    text = _maintenance(f"location: {location}, weekdays: ['sunday:saturday']")
    assert of_rule(check_text(text), "maintenance-range") == []


@pytest.mark.parametrize(
    "values", ["1 -1 +1 1.5 1e3 .5 5. Inf -Inf NaN", "_ _x3 stale 1x3 1+2x3 1-2x3 -1+2.5x3 +2x3 1e-3+1e-3x2"]
)
def test_promtool_series_notation_passes(values):
    assert of_rule(check_text(EXPR_ALERT.replace("0x4 1+0x10", values)), "alert-test-series") == []


def test_templates_that_parse_pass():
    text = VALID + block(
        "alerting: {runbook: 'https://r.example/{{ $labels.slo }}', annotations: {v: '{{ $value | humanize }}'}}\n", 4
    )
    assert of_rule(check_text(text), "alert-template") == []


def _slogen_test(text: str, rules: tuple[lint.Rule, ...] = lint.RULES):
    Path("spec.yaml").write_text(text, encoding="utf-8")
    outcome = pipeline.generate([Path("spec.yaml")], rules)
    assert outcome.ok, [f.text() for f in outcome.findings]
    write(Path("out"), render_tree(outcome.files))
    return cli("test", "--out", "out")


def test_the_specs_these_cases_start_from_pass_slogen_test():
    assert _slogen_test(EXPR_ALERT).exit_code == 0


# --- selectors: promtool 2.42 refuses these (checked with `promtool check rules` on `x{a=~"<re>"}` and the like) ---


@pytest.mark.parametrize(
    "selector, phrase",
    [
        ('x{__name__!="y", code=~"5.."}', "sets the metric name twice"),
        ('on{code=~"5.."}', "PromQL reads on as a keyword or a number"),
        ('NaN{code=~"5.."}', "PromQL reads NaN as a keyword or a number"),
        ('inf{code=~"5.."}', "PromQL reads inf as a keyword"),
        ('bool{code=~"5.."}', "keyword"),
        ('atan2{code=~"5.."}', "keyword"),
        ('group_left{code=~"5.."}', "keyword"),
        ('group_right{code=~"5.."}', "keyword"),
        ('ignoring{code=~"5.."}', "keyword"),
        ('x{code=~"(?=5)5.."}', "invalid perl operator"),
        ('x{code=~"(?>5)"}', "invalid perl operator"),
        ('x{code=~"5++"}', "bad repetition operator"),
        ('x{code=~"5\\\\Z"}', "invalid escape sequence"),
        ('x{code=~"(?x)5 .."}', "invalid perl operator"),
        ('x{code=~"5\\\\C"}', "no any-byte escape"),
        ('x{code=~"(?<c>5)"}', "(?P<name>"),
    ],
)
def test_selectors_promtool_refuses(selector, phrase):
    text = VALID.replace('errors: x{code=~"5.."}', f"errors: '{selector}'")
    findings = of_rule(check_text(text), "promql-selector")
    assert [f.path for f in findings] == ["slos[0].sli.ratio.errors"], text
    assert phrase in findings[0].message


@pytest.mark.parametrize("selector", ['by{code="5"}', 'offset{code="5"}', 'sum{code="5"}', 'x{code=~"(?P<c>5)\\\\z"}'])
def test_keywords_and_regexes_promtool_takes_pass(selector):
    text = VALID.replace('errors: x{code=~"5.."}', f"errors: '{selector}'")
    assert of_rule(check_text(text), "promql-selector") == []


# --- durations: Prometheus and Alertmanager hold int64 nanoseconds; 106751d (292y) is the longest -----------------


@pytest.mark.parametrize(
    "text, path",
    [
        (VALID.replace("slos:\n", "period: 300y\nslos:\n"), "period"),
        (VALID.replace("    objective: 99.9\n", "    objective: 99.9\n    period: 106752d\n"), "slos[0].period"),
        (EXPR_ALERT.replace("    severity: ticket\n", "    severity: ticket\n    for: 300y\n"), "alerts[0].for"),
        (
            _maintenance("weekdays: ['sunday:saturday']").replace("routing:\n", "routing:\n  repeat_interval: 300y\n"),
            "routing.repeat_interval",
        ),
    ],
    ids=["period", "slo-period", "for", "repeat_interval"],
)
def test_durations_beyond_prometheus_are_refused(text, path):
    findings = [f for f in check_text(text) if f.path == path]
    assert len(findings) == 1 and "longer than Prometheus and Alertmanager can hold" in findings[0].message


# --- generated tests pass where they used to fail --------------------------------------------------------------


@pytest.mark.parametrize("interval", ["7s", "30s", "59s"])
def test_a_sub_minute_probe_generates_passing_tests(interval):
    text = VALID.replace('errors: x{code=~"5.."}\n        total: x', "").replace(
        "ratio:\n", f'probe:\n        success: probe_success{{check="homepage"}}\n        interval: {interval}\n'
    )
    result = _slogen_test(text.replace("objective: 99.9", "objective: 99"))
    assert result.exit_code == 0, result.output


def test_low_objectives_generate_passing_tests():
    """objective 1 or less is refused (slo-target); the lowest ones accepted keep every generated test passing."""
    slos = "".join(
        f"  - name: a{objective}\n    objective: {objective}\n    sli:\n      ratio: {{errors: 'x{{code=~\"5..\"}}', total: x}}\n"
        for objective in (2, 50, 75, 90)
    )
    result = _slogen_test("apiVersion: slogen/v1\nservice: checkout\nslos:\n" + slos)
    assert result.exit_code == 0, result.output


def test_braces_in_selectors_reach_alert_texts_escaped():
    """Absent, uncomputable and strike alert texts quote selectors and check names: a `{{` there is printed, not
    parsed as a template, and the generated tests expect it printed."""
    text = (
        "apiVersion: slogen/v1\nservice: checkout\nhistograms: {h: [500ms, 1s]}\nslos:\n"
        "  - name: avail\n    objective: 99.9\n    sli:\n      ratio: {good: 'x{p=\"{{id}}\"}', total: 'x{q=\"{{\"}'}\n"
        "    alerting: {absent: 10m}\n"
        "  - name: slow\n    objective: 99\n    sli:\n      latency: {histogram: 'h{p=\"{{\"}', threshold: 1s}\n"
        "  - name: home\n    objective: 99\n    sli:\n"
        "      probe: {success: 'probe_success{check=\"{{home}}\"}', interval: 1m, strikes: 2}\n"
    )
    result = _slogen_test(text)
    assert result.exit_code == 0, result.output


def test_low_objectives_of_every_sli_kind_generate_passing_tests():
    text = (
        "apiVersion: slogen/v1\nservice: checkout\nhistograms: {h: [500ms, 1s]}\nslos:\n"
        "  - name: lat\n    objective: 50\n    sli:\n      latency: {histogram: h, threshold: 1s}\n"
        "  - name: lat2\n    objective: 2\n    sli:\n      latency: {histogram: h, threshold: 500ms}\n"
        "    alerting:\n      windows: [{severity: ticket, long: 1d, short: 2h, budget: 10}]\n"
        "  - name: home\n    objective: 50\n    sli:\n"
        "      probe: {success: 'probe_success{check=\"home\"}', interval: 1m, strikes: 2}\n"
        "  - name: good\n    objective: 75\n    sli:\n      ratio: {good: 'y{code!~\"5..\"}', total: y}\n"
    )
    result = _slogen_test(text)
    assert result.exit_code == 0, result.output


# --- found by the long fuzz profile (seed 1) ------------------------------------------------------------------

FUZZ_SLO = """\
apiVersion: slogen/v1
service: shop
{period}slos:
  - name: availability
    objective: 99.9
    sli: {{ratio: {{errors: 'http_requests_total{{job="shop", code=~"5.."}}', total: 'http_requests_total{{job="shop"}}'}}}}
{alerting}"""


def _findings(tmp_path, text):
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    outcome = pipeline.generate([spec])
    return outcome, [f.text() for f in outcome.findings if f.level == "error"]


@pytest.mark.parametrize("period", ["61s", "4m", "5m"])
def test_a_period_within_the_base_window_is_refused_not_a_crash(tmp_path, period):
    """Fuzz seed 1 case 3857: period 61s passed validation and crashed the dashboard renderer (IndexError)."""
    outcome, errors = _findings(tmp_path, FUZZ_SLO.format(period=f"period: {period}\n", alerting=""))
    assert not outcome.ok
    assert any("is not longer than the 5m base window" in e for e in errors), errors


def test_a_window_pair_given_twice_is_refused(tmp_path):
    """Fuzz seed 1 case 269: promtool refused the rules ('1 duplicate rule(s) found')."""
    pair = "{severity: ticket, long: 3d, short: 6h, budget: 50}"
    alerting = f"    alerting: {{windows: [{pair}, {pair}]}}\n"
    outcome, errors = _findings(tmp_path, FUZZ_SLO.format(period="", alerting=alerting))
    assert not outcome.ok
    assert [e.split(": ", 1)[1] for e in errors] == [
        "slos[0].alerting.windows[1]: the ticket pair 3d/6h is given twice; two rules with the same name and labels "
        "are refused by Prometheus: keep one"
    ]


def test_a_misspelt_month_is_refused(tmp_path):
    """Fuzz seed 1 case 2394: `months: [febuary]` validated; amtool refused it."""
    from generator.lint import maintenance_ranges

    assert maintenance_ranges._out_of_range("months", "febuary", "") == (
        "'febuary' is not a month; Alertmanager refuses it. Write one of january, february, march, april, may, june, "
        "july, august, september, october, november, december"
    )
    assert maintenance_ranges._out_of_range("months", "February", "") is None
    assert maintenance_ranges._out_of_range("weekdays", "sundy", "") is not None


def test_control_characters_in_a_key_are_escaped_in_the_finding(tmp_path):
    """Fuzz seed 1 case 183: a DEL in a key reached the finding's path raw."""
    _outcome, errors = _findings(tmp_path, FUZZ_SLO.format(period='"peri\\x7fod": 30d\n', alerting=""))
    assert errors and all(e.isprintable() for e in errors), errors


def test_a_period_beyond_a_year_is_refused(tmp_path):
    """period: 292y validated and generated, and slogen's own tests then failed in promtool (too many samples)."""
    outcome, errors = _findings(tmp_path, FUZZ_SLO.format(period="period: 292y\n", alerting=""))
    assert not outcome.ok
    assert any("is longer than a year" in e for e in errors), errors
    ok, _ = _findings(tmp_path, FUZZ_SLO.format(period="period: 365d\n", alerting=""))
    assert ok.ok
