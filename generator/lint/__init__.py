"""Semantic checks beyond the schema. One module per rule, each with an ID and a check(project)."""

from collections.abc import Iterator
from typing import Protocol

from ..findings import Finding
from ..model import Project
from . import (
    absent_expect,
    alert_label_value,
    alert_names,
    alert_templates,
    alert_test_series,
    burn_factor_below_one,
    burn_window_degenerate,
    burn_window_unreachable,
    exclusion_names,
    expr_alert_untested,
    freshness_every,
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
    promql_time_zone,
    receiver_shared_url,
    receiver_version,
    reserved_labels,
    routing_escalation,
    routing_rate_limit,
    routing_references,
    routing_single,
    routing_team_unmatched,
    runbook_pages,
    runbook_priorities,
    runbooks_single,
    scope_conflict,
    selector_syntax,
    service_conflict,
    slo_names,
    targets_single,
    timeslices,
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
    freshness_every,
    timeslices,
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
    runbooks_single,
    runbook_pages,
    runbook_priorities,
    mimir_limits,
    routing_references,
    routing_escalation,
    receiver_version,
    receiver_shared_url,
    routing_rate_limit,
    maintenance_ranges,
    exclusion_names,
    promql_time_zone,
    alert_test_series,
    alert_templates,
    alert_label_value,
    operator_namespace,
    absent_expect,
    routing_team_unmatched,
    scope_conflict,
)


def lint(project: Project, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules:
        found.extend(rule.check(project))
    return sorted(set(found))
