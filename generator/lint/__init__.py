"""Semantic checks beyond the schema. One module per rule, each with an ID and a check(project)."""

from collections.abc import Iterator
from typing import Protocol

from ..findings import Finding
from ..model import Project
from . import (
    alert_label_value,
    alert_names,
    alert_templates,
    alert_test_series,
    burn_factor_below_one,
    burn_window_degenerate,
    burn_window_unreachable,
    expr_alert_untested,
    histogram_suffix,
    histogram_undeclared,
    inline_secret,
    latency_bucket,
    maintenance_ranges,
    mimir_limits,
    objective,
    operator_namespace,
    probe_page_pair,
    probe_priorities,
    promql_expr,
    receiver_shared_url,
    receiver_version,
    reserved_labels,
    routing_escalation,
    routing_rate_limit,
    routing_references,
    routing_single,
    selector_syntax,
    service_conflict,
    slo_names,
    targets_single,
    windows,
    zero_tolerance_self_resolving,
)


class Rule(Protocol):
    """Met by the rule modules themselves: mypy checks each module's ID and check() against these."""

    ID: str

    def check(self, project: Project) -> Iterator[Finding]: ...


RULES: tuple[Rule, ...] = (
    slo_names,
    alert_names,
    objective,
    windows,
    burn_window_degenerate,
    burn_factor_below_one,
    burn_window_unreachable,
    probe_page_pair,
    probe_priorities,
    selector_syntax,
    histogram_suffix,
    latency_bucket,
    histogram_undeclared,
    service_conflict,
    reserved_labels,
    expr_alert_untested,
    zero_tolerance_self_resolving,
    promql_expr,
    inline_secret,
    routing_single,
    targets_single,
    mimir_limits,
    routing_references,
    routing_escalation,
    receiver_version,
    receiver_shared_url,
    routing_rate_limit,
    maintenance_ranges,
    alert_test_series,
    alert_templates,
    alert_label_value,
    operator_namespace,
)


def lint(project: Project, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules:
        found.extend(rule.check(project))
    return sorted(set(found))
