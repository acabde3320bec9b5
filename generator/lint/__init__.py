"""Semantic checks beyond the schema. One module per rule, each with an ID and a check(project)."""

from collections.abc import Iterator
from typing import Protocol

from ..findings import Finding
from ..fleet import Fleet, PartMaker
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


class FleetRule(Rule, Protocol):
    """A rule that compares services: check_fleet finds, from each service's summary (generator/fleet.py), what
    check finds from their models."""

    def check_fleet(self, fleet: Fleet) -> Iterator[Finding]: ...


# Rules that compare services with each other (the first alert of each priority, the tenant's total of rule groups).
# Every other rule's findings about a service are in that service's specs and depend on nothing but the service and
# the project's sections (routing, targets, runbooks), so a run can keep them for a service whose specs did not change
# (pipeline._lint). A new rule that reads more than one service belongs here.
FLEET_RULES: tuple[FleetRule, ...] = (runbook_priorities, mimir_limits)
SERVICE_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule not in FLEET_RULES)
# Rules whose check_fleet reads a part of their own (the mimir target makes mimir-limits' part).
PART_MAKERS: tuple[PartMaker, ...] = (runbook_priorities,)


def lint(project: Project, rules: tuple[Rule, ...] = RULES) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules:
        found.extend(rule.check(project))
    return sorted(set(found))
