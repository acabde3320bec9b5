"""Zero-tolerance alerts stay firing until the harm is undone, proven in promtool time on generated rules.

The pilot's double-charge page (`zero_tolerance: {counter: …, window: 10m}`) resolved 10 minutes after the
increase while the counter still read 1: Slack said RESOLVED while a customer was still charged twice. With `open`
(a gauge of cases not yet undone) the page stays firing while a case is open; without it, for `hold` (24h) after the
last increase. tests/fixtures/zero_tolerance.yaml: DoubleChargeOpen has `open`, DoubleChargeHeld is the pilot's
alert as it was written.
"""

import pytest
import yaml

from generator import pipeline
from tests.promtool_harness import FIXTURES, generate, run_promtool_test
from tests.test_periods import validate_generate_test

COUNTER = 'payments_double_charge_total{job="ledger", instance="app-1"}'
LABELS = {"priority": "P0", "service": "ledger", "severity": "page"}
HOLD = 24 * 60  # minutes


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    return generate(FIXTURES / "zero_tolerance.yaml", tmp_path_factory.mktemp("out"))


def open_cases(instance: str, values: str) -> dict:
    return {"series": f'payments_double_charges_open{{job="ledger", instance="{instance}"}}', "values": values}


def firing(alertname: str, minutes: int) -> dict:
    labels = ", ".join(f'{k}="{v}"' for k, v in {**LABELS, "alertname": alertname, "alertstate": "firing"}.items())
    sample = {"labels": f"ALERTS{{{labels}}}", "value": 1}
    return {"expr": _selector(alertname), "eval_time": f"{minutes}m", "exp_samples": [sample]}


def quiet(alertname: str, minutes: int) -> dict:
    return {"expr": _selector(alertname), "eval_time": f"{minutes}m", "exp_samples": []}


def _selector(alertname: str) -> str:
    return f'ALERTS{{alertname="{alertname}", alertstate="firing"}}'


def rule(rules, alertname: str) -> dict:
    document = yaml.safe_load((rules / "ledger.rules.yml").read_text())
    [found] = [r for g in document["groups"] for r in g["rules"] if r.get("alert") == alertname]
    return found


def run(rules, tmp_path, input_series: list[dict], checks: list[dict]) -> None:
    passed, output = run_promtool_test(
        rules, [{"interval": "1m", "input_series": input_series, "promql_expr_test": checks}], tmp_path
    )
    assert passed, output


def test_an_open_case_keeps_the_page_firing_for_hours_and_it_resolves_once_undone(rules, tmp_path):
    """The counter goes 0 → 1 at minute 11 and stays 1; both instances export one open case (the same database
    row) until minute 180, with a restart at minutes 72-79 during which neither exports anything. The counter then
    misses 20 minutes of scrapes: with the 10m window, its return looked like a counter born at 1 and paged."""
    held = "0x10 1x60 _x8 1x100 0x120"  # 0 to 10m, 1 from 11m to 180m (gap 72m-79m), 0 from 181m to 300m
    series = [
        {"series": COUNTER, "values": "0x10 1x188 _x20 1x80"},  # gap 200m-219m
        open_cases("app-1", held),
        open_cases("app-2", held),
    ]
    checks = [
        quiet("DoubleChargeOpen", 10),
        firing("DoubleChargeOpen", 11),
        firing("DoubleChargeOpen", 76),  # the restart: the last case count is kept over the gap
        firing("DoubleChargeOpen", 131),  # 2 hours after the increase the case is still open
        firing("DoubleChargeOpen", 180),
        quiet("DoubleChargeOpen", 181),  # refunded: nothing is open and nothing new happened within 10m
        *(quiet("DoubleChargeOpen", minute) for minute in (220, 225, 229, 300)),
        # Every instance exports the same database count: one case, not two.
        {
            "expr": rule(rules, "DoubleChargeOpen")["expr"],
            "eval_time": "131m",
            "exp_samples": [{"labels": "{}", "value": 1}],
        },
    ]
    run(rules, tmp_path, series, checks)


@pytest.mark.parametrize(
    "values",
    [f"0x10 1x{HOLD + 100}", f"_x11 1x{HOLD + 100}"],
    ids=["counter increases", "counter born at 1"],  # increase() cannot see the first sample of a series
)
def test_without_open_the_page_holds_24h(rules, tmp_path, values):
    """The pilot's alert, unchanged: it resolved at 21m. Prometheus 2 reads closed ranges, Prometheus 3 left-open
    ones, so the checks stay two minutes clear of the 24h boundary."""
    checks = [
        quiet("DoubleChargeHeld", 10),
        firing("DoubleChargeHeld", 11),
        firing("DoubleChargeHeld", 131),
        firing("DoubleChargeHeld", HOLD + 9),
        quiet("DoubleChargeHeld", HOLD + 12),
    ]
    run(rules, tmp_path, [{"series": COUNTER, "values": values}], checks)


def test_a_scrape_gap_does_not_look_like_a_counter_born_above_0(rules, tmp_path):
    """The counter reads 1 for days with a 20-minute scrape gap. `c unless c offset 24h` took the series for new
    wherever the gap fell 24h back (it has no sample there) and paged again a day later."""
    series = [{"series": COUNTER, "values": f"0x10 1x100 _x20 1x{HOLD + 200}"}]  # gap at 111m-130m
    checks = [firing("DoubleChargeHeld", 120), quiet("DoubleChargeHeld", HOLD + 12)]
    checks += [quiet("DoubleChargeHeld", HOLD + minute) for minute in (115, 120, 125, 130, 135)]
    run(rules, tmp_path, series, checks)


def test_the_rules_as_generated(rules):
    """Without open, the increase and the birth are held for a day; with open, for its window, and while open's
    last sample (kept over a restart) is above 0. open is aggregated with max, by the counter's group_by. A series
    is born if it had no sample for a day (an hour, for a shorter hold) a hold ago."""
    assert rule(rules, "DoubleChargeHeld")["expr"] == (
        'sum(increase(payments_double_charge_total{job="ledger"}[1d])) > 0\n'
        "or\n"
        'sum(payments_double_charge_total{job="ledger"} unless '
        'last_over_time(payments_double_charge_total{job="ledger"}[1d] offset 1d)) > 0'
    )
    assert rule(rules, "RefundLost")["expr"] == (
        'max by (region) (last_over_time(refunds_lost_open{job="ledger"}[15m])) > 0\n'
        "or\n"
        'sum by (region) (increase(refunds_lost_total{job="ledger"}[15m])) > 0\n'
        "or\n"
        'sum by (region) (refunds_lost_total{job="ledger"} unless '
        'last_over_time(refunds_lost_total{job="ledger"}[1h] offset 15m)) > 0'
    )


def test_the_description_says_how_the_alert_clears_after_the_spec_s_own(rules):
    assert rule(rules, "DoubleChargeOpen")["annotations"] == {
        "description": "A customer was charged twice. Refund the extra charge. Stays firing while "
        'payments_double_charges_open{job="ledger"} > 0: it clears when every case is undone and no new one has '
        "appeared within 10m.",
        "runbook_url": "https://runbooks.example.com/double-charge",
        "summary": "payments_double_charge_total increased: {{ $value | humanize }} case(s) not yet undone",
    }
    assert rule(rules, "DoubleChargeHeld")["annotations"] == {
        "description": 'Stays firing for 1d after the last increase of payments_double_charge_total{job="ledger"}, '
        "whether or not the harm was undone: when it resolves, only the 1d has passed.",
        "summary": "payments_double_charge_total increased: {{ $value | humanize }} event(s) within 1d that must "
        "never happen",
    }


def test_open_and_hold_together_are_refused(tmp_path):
    spec = (FIXTURES / "zero_tolerance.yaml").read_text().replace("window: 15m", "hold: 6h")
    (tmp_path / "spec.yaml").write_text(spec)
    [finding] = [f for f in pipeline.check([tmp_path / "spec.yaml"]).findings if f.level == "error"]
    assert (finding.line, finding.path, finding.message) == (
        25,
        "alerts[2].zero_tolerance",
        "give open or hold, not both: with open the alert stays firing while open is above 0, so drop hold",
    )


def test_validate_generate_and_the_generated_tests_pass(tmp_path, monkeypatch):
    """Each zero-tolerance alert's generated tests run in a file of their own: evaluated every 2h for a 1d hold
    (a dozen evaluations, not 1,500), every 5m for a 10m or 15m window with open (whole minutes, two or more per
    window)."""
    out = validate_generate_test("zero_tolerance.yaml", tmp_path, monkeypatch)
    intervals = {
        path.name: yaml.safe_load(path.read_text())["evaluation_interval"]
        for path in (out / "prometheus/tests").glob("ledger.*.test.yml")
    }
    assert intervals == {
        "ledger.DoubleChargeHeld.test.yml": "2h",
        "ledger.DoubleChargeOpen.test.yml": "5m",
        "ledger.RefundLost.test.yml": "5m",
    }
