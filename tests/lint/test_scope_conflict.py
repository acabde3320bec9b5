"""Lint rule scope-conflict (generator/lint/scope_conflict.py): a selector of a scoped service that matches a scope
label another way reads series outside the scope."""

from .helpers import VALID, at, block, check_text, only


def test_a_selector_that_matches_the_scope_label_otherwise_is_an_error():
    text = "scope: {env: pilot}\n" + VALID.replace("total: x", 'total: x{env="launch"}')
    finding = only(check_text(text), "scope-conflict")
    assert (at(finding), finding.path) == ("spec.yaml:10:16", "slos[0].sli.ratio.total")
    assert finding.message == (
        'selector x{env="launch"} matches env="launch", but the service\'s scope is env="pilot": it would read '
        'series outside the scope; drop the matcher (the scope adds env="pilot") or change the scope'
    )


def test_an_expr_alert_reading_another_scope_is_an_error_at_its_expr():
    text = (
        "scope: {env: pilot}\n"
        + VALID
        + block(
            """\
        alerts:
          - name: QueueDeep
            expr: max(q{env!="pilot"}) > 1
            severity: ticket
        """,
            0,
        )
    )
    [finding] = [f for f in check_text(text) if f.rule == "scope-conflict"]
    assert finding.path == "alerts[0].expr"


def test_the_same_matcher_as_the_scope_passes():
    text = "scope: {env: pilot}\n" + VALID.replace("total: x", 'total: x{env="pilot"}')
    assert [f for f in check_text(text) if f.rule == "scope-conflict"] == []
