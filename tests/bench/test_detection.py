"""The pure parts of bench/detection.py: the Workbook maths, the promtool-report parser, the episode maths."""

from decimal import Decimal

import pytest

from bench import detection
from generator.burnrate import WORKBOOK_WINDOWS

PERIOD, BUDGET = 30 * 86400, Decimal("0.001")

# Captured from `promtool test rules` 2.42 on a timeline test (100 % errors from minute 4320), trimmed to two failures.
PROMTOOL_REPORT = r"""Unit Testing:  /tmp/tmpw4969pfm/timeline-1.test.yml
  FAILED:
    expr: "ALERTS{alertstate=\"firing\"}", time: 3d3m,
        exp: nil
        got: {__name__="ALERTS", alertname="AvailabilityBudgetBurn", alertstate="firing", burn_rate="14.4", long_window="1h", priority="P1", service="bench", severity="page", short_window="5m", slo="availability"} 1E+00

    expr: "ALERTS{alertstate=\"firing\"}", time: 3d4h,
        exp: nil
        got: {__name__="ALERTS", alertname="AvailabilityBudgetBurn", alertstate="firing", burn_rate="1", long_window="3d", priority="P2", service="bench", severity="ticket", short_window="6h", slo="availability"} 1E+00, {__name__="ALERTS", alertname="AvailabilityBudgetBurn", alertstate="firing", burn_rate="14.4", long_window="1h", priority="P1", service="bench", severity="page", short_window="5m", slo="availability"} 1E+00, {__name__="ALERTS", alertname="AvailabilityBudgetBurn", alertstate="firing", burn_rate="3", long_window="1d", priority="P2", service="bench", severity="ticket", short_window="2h", slo="availability"} 1E+00, {__name__="ALERTS", alertname="AvailabilityBudgetBurn", alertstate="firing", burn_rate="6", long_window="6h", priority="P1", service="bench", severity="page", short_window="30m", slo="availability"} 1E+00"""


def theory(rate: str, background: str = "0") -> dict[str, dict]:
    rows = detection.theoretical(WORKBOOK_WINDOWS, PERIOD, BUDGET, Decimal(rate), Decimal(background))
    return {row["pair"]: row for row in rows}


def test_workbook_detection_is_factor_times_budget_times_long_window_over_error_rate():
    total = theory("1")
    assert total["1h/5m"]["detection_seconds"] == pytest.approx(51.84)  # 14.4 × 0.001 × 3600 / 1
    assert total["6h/30m"]["detection_seconds"] == pytest.approx(129.6)  # 6 × 0.001 × 21600
    assert total["3d/6h"]["detection_seconds"] == pytest.approx(259.2)
    assert theory("0.02")["1h/5m"]["detection_seconds"] == pytest.approx(2592)  # 43 min 12 s


def test_a_rate_at_or_below_a_pairs_threshold_never_fires_it():
    one_percent = theory("0.01")
    assert one_percent["1h/5m"]["detection_seconds"] is None  # needs more than 1.44 %
    assert one_percent["1h/5m"]["detection_with_background_seconds"] is None
    assert one_percent["6h/30m"]["detection_seconds"] == pytest.approx(0.006 * 21600 / 0.01)
    assert theory("0.0144")["1h/5m"]["detection_seconds"] is None  # exactly at the threshold: `>` is false


def test_workbook_reset_is_the_short_window_and_thresholds_are_the_factor_times_the_budget():
    total = theory("1")
    assert [total[p]["reset_seconds"] for p in ("1h/5m", "6h/30m", "1d/2h", "3d/6h")] == [300, 1800, 7200, 21600]
    assert Decimal(total["1h/5m"]["threshold_ratio"]) == Decimal("0.0144")


def test_background_errors_in_the_long_window_bring_detection_forward():
    assert theory("0.02", "0")["3d/6h"]["detection_with_background_seconds"] == pytest.approx(12960)
    with_background = theory("0.02", "0.0001")["3d/6h"]["detection_with_background_seconds"]
    assert with_background == pytest.approx(259200 * 0.0009 / 0.0199)  # 3 h 15 min 23 s
    assert theory("0.02", "0.002")["3d/6h"]["detection_with_background_seconds"] == 0  # already above


def test_parses_the_minutes_and_the_alerts_promtool_reports_firing():
    firing = detection.parse_firing(PROMTOOL_REPORT)
    assert sorted(firing) == [3 * 1440 + 3, 3 * 1440 + 240]  # 3d3m, 3d4h
    assert firing[4323] == [
        {
            "__name__": "ALERTS",
            "alertname": "AvailabilityBudgetBurn",
            "alertstate": "firing",
            "burn_rate": "14.4",
            "long_window": "1h",
            "priority": "P1",
            "service": "bench",
            "severity": "page",
            "short_window": "5m",
            "slo": "availability",
        }
    ]
    pairs = {(a["severity"], a["long_window"], a["short_window"]) for a in firing[4560]}
    assert pairs == {("page", "1h", "5m"), ("page", "6h", "30m"), ("ticket", "1d", "2h"), ("ticket", "3d", "6h")}


def test_a_passing_report_has_no_firing_minutes_and_a_failure_without_alerts_is_an_error():
    assert detection.parse_firing("Unit Testing:  t.yml\n  SUCCESS\n") == {}
    with pytest.raises(ValueError, match="minute 5"):
        detection.parse_firing('  FAILED:\n    expr: "up", time: 5m,\n        exp: nil\n')


def alert(severity: str, long: str, short: str) -> dict[str, str]:
    return {"severity": severity, "long_window": long, "short_window": short}


PAGE_1H, PAGE_6H = alert("page", "1h", "5m"), alert("page", "6h", "30m")
FIRING = {103: [PAGE_1H], 104: [PAGE_1H, PAGE_6H], 105: [PAGE_6H], 130: [PAGE_6H]}


def test_detection_and_reset_are_counted_from_outage_start_and_recovery():
    page = detection.measured(FIRING, 100, 120, 200, detection.of_severity("page"))
    assert page["detection_seconds"] == 180 and page["pairs_first"] == ["1h/5m"]
    assert page["reset_seconds"] == (131 - 120) * 60  # first quiet minute after the last firing one
    six_hours = detection.measured(FIRING, 100, 120, 200, detection.of_pair("6h/30m"))
    assert six_hours["detection_seconds"] == 240 and not six_hours["early"]


def test_an_alert_that_never_fires_or_never_resolves_has_no_time():
    assert detection.measured(FIRING, 100, 120, 200, detection.of_severity("ticket"))["detection_seconds"] is None
    unresolved = detection.measured({150: [PAGE_1H], 200: [PAGE_1H]}, 100, 120, 200, detection.of_severity("page"))
    assert unresolved["reset_seconds"] is None
    early = detection.measured({90: [PAGE_1H]}, 100, 120, 200, detection.of_severity("page"))
    assert early["early"]


def test_the_proof_asserts_quiet_before_detection_the_exact_alerts_at_it_and_quiet_after_reset():
    measured = {
        severity: detection.measured(FIRING, 100, 120, 200, detection.of_severity(severity))
        for severity in detection.SEVERITIES
    }
    checks = detection.boundary_checks(FIRING, measured)
    assert [(c["eval_time"], len(c["exp_samples"])) for c in checks] == [
        ("102m", 0),
        ("103m", 1),
        ("130m", 1),
        ("131m", 0),
    ]
    assert checks[1]["exp_samples"][0]["labels"] == 'ALERTS{long_window="1h", severity="page", short_window="5m"}'
    assert all('severity="page"' in c["expr"] for c in checks)


def test_the_outage_sits_between_history_and_recovery_in_the_input_counters():
    bad, good = detection.input_series(Decimal("0.1"))
    # 600 requests a minute: 0.06 errors a minute for 3 days, 60 for 4 hours, then 0.06 again.
    assert bad["values"] == "0 0.06+0.06x4319 319.2+60x239 14659.26+0.06x389"
    assert good["values"].startswith("0 599.94+599.94x4319 ")
    assert 'code="500"' in bad["series"] and 'code="200"' in good["series"]


@pytest.mark.parametrize(
    "seconds, text",
    [
        (51.84, "52 s"),
        (180, "3 min"),
        (6480, "1 h 48 min"),
        (7440, "2 h 4 min"),
        (11723, "3 h 15 min 23 s"),
        (None, "—"),
    ],
)
def test_duration_text(seconds, text):
    assert detection.duration_text(seconds) == text


def test_the_lag_range_compares_measured_detection_with_the_background_corrected_workbook_time():
    pairs = {"1h/5m": {"detection_seconds": 180}, "6h/30m": {"detection_seconds": None}}
    theory_rows = [
        {"pair": "1h/5m", "detection_with_background_seconds": 51.0},
        {"pair": "6h/30m", "detection_with_background_seconds": 127.0},
    ]
    result = {"rates": [{"theory": theory_rows, "measured": {"pairs": pairs}}]}
    assert detection.lag_range(result) == (129.0, 129.0)  # a pair that never fired has no lag
