"""Lint rule zero-tolerance-self-resolving (generator/lint/zero_tolerance_self_resolving.py)."""

from generator.findings import WARNING

from .helpers import BAD_SEVERITY, check_text, cli, of_rule, write

PAGE = BAD_SEVERITY.replace("critical", "page")
RULE = "zero-tolerance-self-resolving"
COUNTER = 'counter: dlq_messages_total{job="checkout"}\n'


def with_field(text: str, field: str) -> str:
    """`text` with one more field in its zero_tolerance mapping."""
    return text.replace(COUNTER, f"{COUNTER}      {field}\n")


def test_a_page_without_open_warns_that_it_resolves_after_its_hold():
    [finding] = check_text(PAGE)
    assert (finding.rule, finding.level) == (RULE, WARNING)
    assert finding.text() == (
        "spec.yaml:7:7: alerts[0].zero_tolerance: warning: alert DLQNotEmpty has no open gauge, so its page resolves "
        "1d after the last increase whether or not the harm was undone; give zero_tolerance.open, a gauge of the "
        "cases not yet undone (such as double charges not yet refunded), and it stays firing until they are"
    )


def test_the_warning_names_the_hold_given():
    [finding] = check_text(with_field(PAGE, "hold: 6h"))
    assert "its page resolves 6h after the last increase" in finding.message


def test_the_warning_keeps_exit_code_0():
    write("spec.yaml", PAGE)
    assert cli("validate", "spec.yaml").exit_code == 0


def test_a_page_with_open_passes():
    assert check_text(with_field(PAGE, 'open: dlq_open{job="checkout"}')) == []


def test_a_ticket_without_open_passes():
    assert of_rule(check_text(BAD_SEVERITY.replace("critical", "ticket")), RULE) == []
