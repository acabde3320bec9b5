"""Lint rule burn-factor-below-one (generator/lint/burn_factor_below_one.py)."""

from generator.findings import ERROR

from .helpers import VALID, block, check_text, cli, of_rule, only, write

WEEK = VALID.replace("service: checkout\n", "service: checkout\nperiod: 7d\n")

BELOW_ONE = WEEK + block(
    """\
    alerting:
      windows:
        - {severity: page, long: 1h, short: 5m, budget: 2}
        - {severity: ticket, long: 3d, short: 6h, budget: 10}
    """,
    4,
)


def test_written_pair_below_1x_is_an_error_at_the_window():
    finding = only(check_text(BELOW_ONE), "burn-factor-below-one")
    assert finding.level == ERROR
    assert finding.text() == (
        "spec.yaml:14:11: slos[0].alerting.windows[1]: the ticket pair 3d/6h burns 10 % of the 7d error budget "
        "within 3d: a 0.233333× burn, which would spend the budget in 30d, so the pair alerts on a burn that cannot "
        "exhaust the budget within the period; raise budget to at least 42.9 (1×) or shorten long to at most 16h48m"
    )


def test_either_fix_passes():
    assert of_rule(check_text(BELOW_ONE.replace("budget: 10}", "budget: 42.9}")), "burn-factor-below-one") == []
    assert of_rule(check_text(BELOW_ONE.replace("long: 3d", "long: 16h48m")), "burn-factor-below-one") == []


def test_exactly_1x_passes():
    assert check_text(BELOW_ONE.replace("long: 3d, short: 6h, budget: 10", "long: 1d, short: 2h, budget: 100")) == []


def test_default_windows_are_never_below_1x_for_a_7d_period():
    assert check_text(WEEK) == []


def test_a_pair_below_1x_blocks_generate():
    write("spec.yaml", BELOW_ONE)
    result = cli("generate", "--specs", "spec.yaml", "--out", "out")
    assert result.exit_code != 0
    assert "0.233333× burn" in result.stdout
