"""Lint rule window-order (generator/lint/windows.py)."""

from .helpers import PROBE, VALID, at, block, check_text, of_rule, only

WINDOWS = VALID + block(
    """\
    alerting:
      windows:
        - {severity: page, long: 1h, short: 1h, budget: 2}
        - {severity: ticket, long: 60d, short: 6h, budget: 10}
    """,
    4,
)


def test_window_short_not_shorter_than_long():
    finding = next(f for f in of_rule(check_text(WINDOWS), "window-order") if f.path.endswith("short"))
    assert finding.text() == (
        "spec.yaml:12:45: slos[0].alerting.windows[0].short: short window 1h is not shorter "
        "than long window 1h; the short window confirms the burn is still happening, so make "
        "it about 1/12 of the long one"
    )


def test_window_long_exceeds_period():
    finding = next(f for f in of_rule(check_text(WINDOWS), "window-order") if f.path.endswith("long"))
    assert finding.text() == (
        "spec.yaml:13:36: slos[0].alerting.windows[1].long: long window 60d exceeds the SLO "
        "period 30d; use a window within the period"
    )


def test_window_short_longer_than_long():
    text = WINDOWS.replace("short: 1h", "short: 2h").replace("long: 60d", "long: 3d")
    finding = only(check_text(text), "window-order")
    assert at(finding) == "spec.yaml:12:45"
    assert "short window 2h is not shorter than long window 1h" in finding.message


def test_well_ordered_windows_pass():
    assert check_text(WINDOWS.replace("short: 1h", "short: 5m").replace("long: 60d", "long: 3d")) == []


def test_probe_interval_times_strikes_not_shorter_than_period():
    finding = only(check_text(PROBE), "window-order")
    assert finding.text() == (
        "spec.yaml:10:19: slos[0].sli.probe.interval: probe interval × strikes is not shorter "
        "than the period 1d; probe more often or lengthen the period"
    )


def test_probe_interval_that_fits_passes():
    assert check_text(PROBE.replace("interval: 12h", "interval: 15m")) == []
