"""An SLI that cannot be computed tickets (issue 12), proven in promtool time on rules slogen generates.

The defect: when a deploy drops a latency SLO's threshold bucket, the errors series goes empty, no burn
alert can fire even at 100 % slow requests, and the absent ticket (which watches `_count`) stays quiet.
The same blindness, or a false 100 % outage, comes from a `good` selector that matches nothing, and an
error ratio above 1 from an `errors` selector that is not a subset of `total`.
"""

import textwrap
from pathlib import Path

import yaml

from generator import pipeline, promtool
from generator.targets import prometheus as prometheus_target
from generator.write import render_tree, write
from tests.promtool_harness import counter, generate, run_promtool_test

LATENCY_SPEC = """\
    apiVersion: slogen/v1
    service: shop
    slos:
      - name: checkout-latency
        objective: 99
        sli:
          latency:
            histogram: 'http_request_duration_seconds{job="shop"}'
            threshold: 500ms
"""

GOOD_SPEC = """\
    apiVersion: slogen/v1
    service: shop
    slos:
      - name: checkout-availability
        objective: 99.9
        sli:
          ratio:
            good: 'http_requests_total{job="shop", code=~"2.."}'
            total: 'http_requests_total{job="shop"}'
"""

ERRORS_SPEC = """\
    apiVersion: slogen/v1
    service: shop
    slos:
      - name: pay-availability
        objective: 99.9
        sli:
          ratio:
            errors: 'http_errors_total{job="shop"}'
            total: 'http_requests_total{job="shop", handler="/pay"}'
"""

PER_MINUTE = 1000.0


def rules_for(tmp_path: Path, spec_text: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    spec = tmp_path / "spec.yaml"
    spec.write_text(textwrap.dedent(spec_text), encoding="utf-8")
    return generate(spec, tmp_path / "out")


def assert_passes(result: tuple[bool, str]) -> None:
    passed, output = result
    assert passed, output


def uncomputable(slo: str, state: str | None = "firing") -> str:
    name = "".join(part.capitalize() for part in slo.split("-")) + "SLIUncomputable"
    inner = f'alertname="{name}", service="shop", slo="{slo}"'
    if state:
        inner += f', alertstate="{state}"'
    return f"ALERTS{{{inner}}}"


def ticket(slo: str) -> dict:
    """The ticket's ALERTS sample: a P2 ticket that names the SLO."""
    name = "".join(part.capitalize() for part in slo.split("-")) + "SLIUncomputable"
    labels = (
        f'ALERTS{{alertname="{name}", alertstate="firing", priority="P2", service="shop", '
        f'severity="ticket", slo="{slo}"}}'
    )
    return {"labels": labels, "value": 1}


def fires(slo: str, minute: int) -> dict:
    return {"expr": uncomputable(slo), "eval_time": f"{minute}m", "exp_samples": [ticket(slo)]}


def quiet(expr: str, minute: int) -> dict:
    return {"expr": expr, "eval_time": f"{minute}m", "exp_samples": []}


def scenario(series: list[dict], checks: list[dict]) -> list[dict]:
    return [{"interval": "1m", "input_series": series, "promql_expr_test": checks}]


def rule(rules_dir: Path, alertname: str) -> dict:
    for path in rules_dir.glob("*.yml"):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for found in group["rules"]:
                if found.get("alert") == alertname:
                    return found
    raise AssertionError(f"no rule {alertname}")


def histogram(fast_until: int, minutes: int, buckets_after: tuple[str, ...] = ("1", "+Inf")) -> list[dict]:
    """All requests fast (under 250ms) until `fast_until`; then a deploy drops the 0.25 and 0.5 buckets and
    every request is slow (between 0.5s and 1s)."""
    every = counter([PER_MINUTE] * minutes)
    dropped = counter([PER_MINUTE] * fast_until) + " stale"
    metric = "http_request_duration_seconds"
    series = [{"series": f'{metric}_bucket{{job="shop", le="{le}"}}', "values": dropped} for le in ("0.25", "0.5")]
    series += [{"series": f'{metric}_bucket{{job="shop", le="{le}"}}', "values": every} for le in buckets_after]
    series.append({"series": f'{metric}_count{{job="shop"}}', "values": every})
    return series


def test_a_latency_slo_whose_threshold_bucket_disappears_tickets(tmp_path):
    """The reported defect: 100 % slow requests after the deploy, and only this ticket can say so."""
    rules = rules_for(tmp_path, LATENCY_SPEC)
    slo = "checkout-latency"
    checks = [quiet(f'ALERTS{{slo="{slo}"}}', minute) for minute in (30, 60)]
    checks += [fires(slo, 90), fires(slo, 120)]
    assert_passes(run_promtool_test(rules, scenario(histogram(60, 120), checks), tmp_path))
    annotations = rule(rules, "CheckoutLatencySLIUncomputable")["annotations"]
    text = annotations["summary"] + annotations["description"]
    assert 'http_request_duration_seconds_bucket{job="shop", le="0.5"}' in text
    assert "checkout-latency" in annotations["summary"]


def test_a_good_selector_that_matches_nothing_tickets(tmp_path):
    """A deploy renames the label the good selector reads (code → status): good matches nothing while the
    total flows, so every request counts as bad. The SLO pages as a total outage; the ticket says why."""
    rules = rules_for(tmp_path, GOOD_SPEC)
    slo = "checkout-availability"
    before = counter([PER_MINUTE] * 30) + " stale"
    after = "_x30 " + counter([PER_MINUTE] * 60)
    series = [
        {"series": 'http_requests_total{job="shop", code="200"}', "values": before},
        {"series": 'http_requests_total{job="shop", status="200"}', "values": after},
    ]
    checks = [quiet(f'ALERTS{{slo="{slo}"}}', minute) for minute in (10, 29)]
    checks += [fires(slo, 55), fires(slo, 90)]
    assert_passes(run_promtool_test(rules, scenario(series, checks), tmp_path))
    annotations = rule(rules, "CheckoutAvailabilitySLIUncomputable")["annotations"]
    assert 'http_requests_total{job="shop", code=~"2.."}' in annotations["description"]


def test_an_errors_selector_that_is_not_a_subset_of_total_tickets(tmp_path):
    """errors counts every handler, total only /pay: the error ratio is 1.5, which no SLI can be."""
    rules = rules_for(tmp_path, ERRORS_SPEC)
    slo = "pay-availability"
    series = [
        {"series": 'http_requests_total{job="shop", handler="/pay"}', "values": counter([20.0] * 40)},
        {"series": 'http_errors_total{job="shop", handler="/search"}', "values": counter([30.0] * 40)},
    ]
    assert_passes(run_promtool_test(rules, scenario(series, [fires(slo, 20), fires(slo, 40)]), tmp_path))
    annotations = rule(rules, "PayAvailabilitySLIUncomputable")["annotations"]
    assert 'http_errors_total{job="shop"}' in annotations["description"]


def test_a_good_selector_that_is_not_a_subset_of_total_tickets(tmp_path):
    """good counts every handler's 200s, total only /pay: good above total clamps the errors to zero, so the
    SLO reads 100 % good whatever /pay does (here every /pay request fails)."""
    rules = rules_for(
        tmp_path,
        """\
        apiVersion: slogen/v1
        service: shop
        slos:
          - name: pay-availability
            objective: 99.9
            sli:
              ratio:
                good: 'http_requests_total{job="shop", code="200"}'
                total: 'http_requests_total{job="shop", handler="/pay"}'
        """,
    )
    slo = "pay-availability"
    series = [
        {"series": 'http_requests_total{job="shop", handler="/pay", code="500"}', "values": counter([10.0] * 40)},
        {"series": 'http_requests_total{job="shop", handler="/search", code="200"}', "values": counter([30.0] * 40)},
    ]
    assert_passes(run_promtool_test(rules, scenario(series, [fires(slo, 20), fires(slo, 40)]), tmp_path))


def test_an_error_counter_that_was_never_incremented_does_not_ticket(tmp_path):
    """No error yet, so no http_errors_total series at all: the SLI is 0 % errors, not uncomputable."""
    rules = rules_for(tmp_path, ERRORS_SPEC)
    series = [{"series": 'http_requests_total{job="shop", handler="/pay"}', "values": counter([20.0] * 60)}]
    checks = [quiet('ALERTS{slo="pay-availability"}', minute) for minute in (1, 10, 30, 60)]
    assert_passes(run_promtool_test(rules, scenario(series, checks), tmp_path))


def test_a_real_outage_pages_but_is_not_uncomputable(tmp_path):
    """Every request fails (good stays flat) or is slow (the threshold bucket stays flat): both SLIs are
    computable and burn; neither may claim its SLI is broken, not even as pending."""
    good_rules = rules_for(tmp_path / "good", GOOD_SPEC)
    series = [
        {"series": 'http_requests_total{job="shop", code="200"}', "values": counter([0.0] * 60)},
        {"series": 'http_requests_total{job="shop", code="500"}', "values": counter([PER_MINUTE] * 60)},
    ]
    checks = [quiet(uncomputable("checkout-availability", None), minute) for minute in (1, 10, 30, 60)]
    checks.append(
        {
            "expr": 'count(ALERTS{slo="checkout-availability", alertstate="firing", severity="page"})',
            "eval_time": "30m",
            "exp_samples": [{"labels": "{}", "value": 2}],
        }
    )
    assert_passes(run_promtool_test(good_rules, scenario(series, checks), tmp_path / "good"))

    latency_rules = rules_for(tmp_path / "latency", LATENCY_SPEC)
    flat = counter([0.0] * 60)
    every = counter([PER_MINUTE] * 60)
    metric = "http_request_duration_seconds"
    series = [{"series": f'{metric}_bucket{{job="shop", le="{le}"}}', "values": flat} for le in ("0.25", "0.5")]
    series += [{"series": f'{metric}_bucket{{job="shop", le="{le}"}}', "values": every} for le in ("1", "+Inf")]
    series.append({"series": f'{metric}_count{{job="shop"}}', "values": every})
    checks = [quiet(uncomputable("checkout-latency", None), minute) for minute in (1, 10, 30, 60)]
    assert_passes(run_promtool_test(latency_rules, scenario(series, checks), tmp_path / "latency"))


def test_a_threshold_bucket_missing_for_a_few_minutes_does_not_ticket(tmp_path):
    """Seven minutes without the bucket (an exporter hiccup) must not ticket: the alert waits ten."""
    rules = rules_for(tmp_path, LATENCY_SPEC)
    every = counter([PER_MINUTE] * 60)
    values = every.split()
    gappy = " ".join(values[:20] + ["_"] * 7 + values[27:])
    metric = "http_request_duration_seconds"
    series = [{"series": f'{metric}_bucket{{job="shop", le="{le}"}}', "values": gappy} for le in ("0.5",)]
    series += [{"series": f'{metric}_bucket{{job="shop", le="{le}"}}', "values": every} for le in ("1", "+Inf")]
    series.append({"series": f'{metric}_count{{job="shop"}}', "values": every})
    checks = [quiet(uncomputable("checkout-latency"), minute) for minute in range(20, 45)]
    checks.append(quiet(uncomputable("checkout-latency", None), 50))
    assert_passes(run_promtool_test(rules, scenario(series, checks), tmp_path))


# --- which SLOs get the ticket (the model decides; every renderer reads SLO.alerts) ----------------------


def uncomputable_alerts(tmp_path: Path, alerting: str, slos: str) -> dict[str, list]:
    """{slo name: its uncomputable alerts} for a service `shop` with `alerting` as service-wide defaults."""
    spec = tmp_path / "shop.yaml"
    text = (
        "apiVersion: slogen/v1\nservice: shop\n" + alerting + "slos:\n" + textwrap.indent(textwrap.dedent(slos), "  ")
    )
    spec.write_text(text, encoding="utf-8")
    outcome = pipeline.check([spec])
    assert outcome.ok and outcome.project is not None, [f.text() for f in outcome.findings]
    return {s.name: [a for a in s.alerts if a.kind == "uncomputable"] for s in outcome.project.slos()}


SLOS = """\
    - name: latency
      objective: 99
      sli: {latency: {histogram: 'h{job="shop"}', threshold: 1s}}
    - name: good
      objective: 99
      sli: {ratio: {good: 'x_total{code="200"}', total: x_total}}
    - name: narrowed
      objective: 99
      sli: {ratio: {errors: 'x_total{job="shop", code=~"5.."}', total: 'x_total{job="shop", code!="429"}'}}
    - name: wider
      objective: 99
      sli: {ratio: {errors: 'x_total{code=~"5.."}', total: 'x_total{handler="/pay"}'}}
    - name: counters
      objective: 99
      sli: {ratio: {errors: errors_total, total: requests_total}}
    - name: probe
      objective: 99
      sli: {probe: {success: 'probe_success{job="p"}', interval: 1m}}
      alerting: {uncomputable: true}
"""


def test_ratio_and_latency_slos_ticket_by_default_unless_errors_only_narrow_total(tmp_path):
    found = uncomputable_alerts(tmp_path, "", SLOS)
    assert {name: [a.name for a in alerts] for name, alerts in found.items()} == {
        "latency": ["LatencySLIUncomputable"],
        "good": ["GoodSLIUncomputable"],
        "narrowed": [],  # no series is counted as an error without counting in the total: it could never fire
        "wider": ["WiderSLIUncomputable"],
        "counters": ["CountersSLIUncomputable"],
        "probe": [],  # failures and runs come from one series
    }
    [alert] = found["latency"]
    assert (alert.for_, dict(alert.labels)) == (
        600,
        {"priority": "P2", "service": "shop", "severity": "ticket", "slo": "latency"},
    )


def test_uncomputable_false_turns_it_off_service_wide_or_per_slo(tmp_path):
    off = uncomputable_alerts(tmp_path, "alerting: {uncomputable: false}\n", SLOS)
    assert not any(off.values())
    per_slo = """\
        - name: latency
          objective: 99
          sli: {latency: {histogram: 'h{job="shop"}', threshold: 1s}}
          alerting: {uncomputable: true}
        - name: good
          objective: 99
          sli: {ratio: {good: 'x_total{code="200"}', total: x_total}}
    """
    found = uncomputable_alerts(tmp_path, "alerting: {uncomputable: false}\n", per_slo)
    assert {name: len(alerts) for name, alerts in found.items()} == {"latency": 1, "good": 0}


# --- the generated promtool tests prove the ticket for every kind of SLI it covers --------------------------

EVERY_KIND = """\
    apiVersion: slogen/v1
    service: shop
    slos:
      - name: latency
        objective: 99
        group_by: [route]
        sli: {latency: {histogram: 'http_request_duration_seconds{job="shop"}', threshold: 1s}}
      - name: good-same-metric
        objective: 99.9
        sli: {ratio: {good: 'http_requests_total{job="shop", code=~"2.."}', total: 'http_requests_total{job="shop"}'}}
      - name: good-bucket
        objective: 95
        sli: {ratio: {good: 'cls_bucket{job="shop", le="0.1"}', total: 'cls_count{job="shop"}'}}
      - name: good-other-family
        objective: 99.9
        sli: {ratio: {good: 'orders_ok_total{job="shop"}', total: 'orders_total{job="shop"}'}}
      - name: errors-other-metric
        objective: 99.9
        sli: {ratio: {errors: 'http_errors_total{job="shop"}', total: 'http_requests_total{job="shop"}'}}
      - name: errors-wider
        objective: 99.9
        sli: {ratio: {errors: 'calls_total{code=~"5.."}', total: 'calls_total{handler="/pay"}'}}
      - name: errors-in-another-group
        objective: 99.9
        group_by: [handler]
        sli: {ratio: {errors: 'calls_total{code=~"5.."}', total: 'calls_total{handler=~"/pay|/cart"}'}}
"""


def test_generated_tests_prove_the_ticket_fires_when_broken_and_stays_quiet_when_healthy(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(textwrap.dedent(EVERY_KIND), encoding="utf-8")
    outcome = pipeline.generate([spec])
    assert outcome.ok, [f.text() for f in outcome.findings]
    write(tmp_path / "out", render_tree(outcome.files))
    [tests] = (tmp_path / "out" / prometheus_target.TESTS_DIR).glob("*.yml")
    names = [t["name"] for t in yaml.safe_load(tests.read_text())["tests"] if "SLI can be computed" in t["name"]]
    assert [name.split(":")[0] for name in names] == [
        "latency",
        "good-same-metric",
        "good-bucket",
        "good-other-family",
        "errors-other-metric",
        "errors-wider",
        "errors-in-another-group",
    ]
    passed, output = promtool.test_rules([tests])
    assert passed, output
