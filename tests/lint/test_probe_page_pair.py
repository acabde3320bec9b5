"""Lint rule probe-page-pair (generator/lint/probe_page_pair.py)."""

from generator.findings import ERROR

from .helpers import PROBE, block, check_text, cli, of_rule, only, write

# A probe every 15 minutes (PROBE's 12h interval leaves no room for a page pair within its 1d period).
QUARTER_HOURLY = PROBE.replace("interval: 12h", "interval: 15m").replace("    alerting: {ticket: false}\n", "")
PAGE_PAIR = QUARTER_HOURLY + block(
    """\
    alerting:
      windows:
        - {severity: ticket, long: 12h, short: 1h, budget: 50}
        - {severity: page, long: 6h, short: 30m, budget: 25}
    """,
    4,
)


def test_written_page_pair_of_a_two_strike_probe_is_an_error_at_its_severity():
    finding = only(check_text(PAGE_PAIR), "probe-page-pair")
    assert finding.level == ERROR
    assert finding.text() == (
        "spec.yaml:15:22: slos[0].alerting.windows[1].severity: the page pair 6h/30m can page on a single failed "
        "run, before the strike alert's 2 consecutive failures; make it severity: ticket (the strike alert is this "
        "probe's page)"
    )


def test_the_fix_passes():
    assert check_text(PAGE_PAIR.replace("severity: page", "severity: ticket")) == []


def test_one_strike_probe_may_page_through_a_pair():
    """Its first failed run fires the strike alert: no pair can page before it."""
    assert of_rule(check_text(PAGE_PAIR.replace("strikes: 2", "strikes: 1")), "probe-page-pair") == []


def test_page_false_drops_the_pair_so_nothing_is_reported():
    text = PAGE_PAIR.replace("    alerting:\n", "    alerting:\n      page: false\n")
    assert of_rule(check_text(text), "probe-page-pair") == []


def test_service_wide_page_pair_is_reported_where_it_is_written():
    text = QUARTER_HOURLY.replace(
        "slos:\n", "alerting:\n  windows:\n    - {severity: page, long: 6h, short: 30m, budget: 25}\nslos:\n"
    )
    finding = only(check_text(text), "probe-page-pair")
    assert (finding.line, finding.path) == (5, "alerting.windows[0].severity")


def test_a_page_pair_of_a_two_strike_probe_blocks_generate():
    write("spec.yaml", PAGE_PAIR)
    result = cli("generate", "--specs", "spec.yaml", "--out", "out")
    assert result.exit_code != 0
    assert "can page on a single failed run" in result.stdout
