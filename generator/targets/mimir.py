"""Mimir (and Cortex) rule namespaces: one file per service in the format `mimirtool rules load` takes.

A file is one namespace: `namespace: <service>` and the service's `groups:` (grafana/mimir
pkg/mimirtool/rules/rules.go, RuleNamespace; parser.go decodes with KnownFields(true), so no other top-level key
is allowed, and the tenant is mimirtool's `--id`, not part of the file). Each group is a Prometheus rule group
plus Mimir's `source_tenants` (federated rule groups: the vendored prometheus model/rulefmt/rulefmt.go, RuleGroup).

The ruler refuses a group above -ruler.max-rules-per-rule-group and a tenant above
-ruler.max-rule-groups-per-tenant (pkg/ruler/api.go, CreateRuleGroup), so symptom alerts are split into groups
of the tenant's size, and an SLO group that cannot be split, or one group too many, is a finding
(`limit_findings`, lint rule mimir-limits) rather than a failed load.
"""

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..deploy import Mimir
from ..findings import Finding
from ..fleet import Fleet, Part
from ..lint.mimir_limits import ID as LINT_ID
from ..model import Project, Service
from ..render.rules import render_rules, slo_group_name
from ..testplan import Step
from ..write import OutputFile
from . import ruler_files
from .base import RenderError, RenderOptions

NAME = "mimir"
DIR = "mimir"
TARGET_FIELDS = ("source_tenants",)  # the group key Mimir adds to Prometheus' rule format
TENANT = re.compile(r"^[a-zA-Z0-9!._*'()-]{1,150}$")  # Mimir's tenant IDs (as in the schema)


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    settings = options.deploy.get("mimir")
    if not isinstance(settings, Mimir):
        return []
    namespace = {"namespace": service.name, "groups": groups(service, settings)}
    return [OutputFile(f"{DIR}/{service.name}.yaml", namespace, service.spec_files)]


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    """No file of its own. When `--target mimir` chose the target and no `targets` section configures it, lint
    did not check the limits (it checks the specs' settings): check them here, with the defaults."""
    settings = options.deploy.get("mimir")
    if isinstance(settings, Mimir) and fleet.sections.deploy.get("mimir") is None:
        for finding in limit_findings(fleet, settings):
            raise RenderError(finding)
    return []


def service_part(service: Service, sections: Project, options: RenderOptions) -> Part:
    """What the tenant's limits read of a service (limit_findings): how many rule groups it has, and its SLO groups
    above the rules-per-group limit. None when no Mimir settings apply: the specs' or else --target's."""
    settings = sections.deploy.get("mimir") or options.deploy.get("mimir")
    if not isinstance(settings, Mimir):
        return None
    slos = {slo_group_name(service, slo, part): slo for slo in service.slos for part in ("", "period")}
    service_groups = groups(service, settings)
    oversize = []
    for group in service_groups:
        size, name = len(group["rules"]), group["name"]
        if size > settings.max_rules_per_group and name in slos:
            finding = slos[name].source.finding(
                (),
                f"Mimir rule group {name!r} has {size} rules, more than targets.mimir.max_rules_per_group "
                f"({settings.max_rules_per_group}); its recording rules read one another, so slogen does not "
                f"split it: raise the tenant's ruler_max_rules_per_rule_group (-ruler.max-rules-per-rule-group) "
                f"to at least {size} and set max_rules_per_group to match",
                LINT_ID,
            )
            oversize.append(list(dataclasses.astuple(finding)))
    return {"groups": len(service_groups), "oversize": oversize}


def groups(service: Service, settings: Mimir) -> list[dict[str, Any]]:
    """The service's rule groups, symptom alerts split by the tenant's limit, each federated when configured."""
    rendered = ruler_files.rule_groups(render_rules(service, max_rules_per_group=settings.max_rules_per_group))
    if not settings.source_tenants:
        return rendered
    return [{**group, "source_tenants": list(settings.source_tenants)} for group in rendered]


def limit_findings(fleet: Fleet, settings: Mimir) -> Iterator[Finding]:
    """An SLO group above the tenant's rules-per-group limit (its recording rules read one another, so it is
    not split), and the project's groups together above the tenant's groups limit."""
    total = 0
    for _service, part in fleet.parts(NAME):
        total += part["groups"]
        yield from (Finding(*fields) for fields in part["oversize"])
    if total > settings.max_rule_groups_per_tenant and fleet.services:
        tenant = f" for tenant {settings.tenant!r}" if settings.tenant else ""
        message = (
            f"the Mimir rule groups of every service add up to {total}, more than targets.mimir."
            f"max_rule_groups_per_tenant ({settings.max_rule_groups_per_tenant}), and the ruler refuses the rest: "
            f"raise ruler_max_rule_groups_per_tenant (-ruler.max-rule-groups-per-tenant){tenant} to at least "
            f"{total} plus the groups the tenant holds besides slogen's, and set max_rule_groups_per_tenant to match"
        )
        at = ("targets", "mimir", "max_rule_groups_per_tenant")
        documents = fleet.sections.deploy.documents
        yield (
            documents[0].finding(at, message, LINT_ID) if documents else fleet.services[0].finding(at, message, LINT_ID)
        )


def checks(out: Path, settings: Mimir | None = None) -> list[Step]:
    """`promtool check rules` on every namespace without `source_tenants`, and a check of what promtool cannot
    see: the namespace, the federated tenants, and (given the settings) the tenant's limits."""
    return ruler_files.steps(
        out / DIR,
        "*.yaml",
        TARGET_FIELDS,
        lambda document: _problems(document, settings),
        settings.max_rule_groups_per_tenant if settings else None,
    )


def _problems(document: dict[str, Any], settings: Mimir | None) -> list[str]:
    problems = [
        f"unknown top-level key {key!r} (mimirtool reads namespace and groups)"
        for key in document
        if key not in ("namespace", "groups")
    ]
    if not isinstance(document.get("namespace"), str) or not document["namespace"]:
        problems.append("no `namespace:`: mimirtool would name the namespace after the file")
    for group in document["groups"]:
        name = group.get("name") if isinstance(group, dict) else None
        tenants = group.get("source_tenants", []) if isinstance(group, dict) else []
        if not isinstance(tenants, list) or not all(isinstance(t, str) and TENANT.match(t) for t in tenants):
            problems.append(f"group {name!r}: source_tenants must be a list of tenant IDs, not {tenants!r}")
        rules = group.get("rules", []) if isinstance(group, dict) else []
        if settings is not None and len(rules) > settings.max_rules_per_group:
            problems.append(
                f"group {name!r}: {len(rules)} rules, above max_rules_per_group ({settings.max_rules_per_group})"
            )
    return problems
