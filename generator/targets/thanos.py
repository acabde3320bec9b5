"""Thanos Ruler rule files: Prometheus rule groups, each with the `partial_response_strategy` the settings name.

Thanos reads the key per group and evaluates each group with a query function of that strategy; an empty or
missing key means abort for rules (thanos-io/thanos pkg/rules/manager.go, configRuleAdapter and Manager.Update;
the values are those of storepb.PartialResponseStrategy, matched case-insensitively: warn, abort).

The Ruler evaluates through a Thanos Query endpoint and stores what it records in its own TSDB (or remote-writes
it): every rule that reads a series recorded by another rule (the window ratios read slogen:sli_*:rate5m, the
budget and the alerts read the ratios) finds it only when that Query also queries the Ruler, as a store or through
where the Ruler writes (docs/rules.md, Engines).
"""

from pathlib import Path
from typing import Any

from ..deploy import Thanos
from ..fleet import Fleet
from ..model import Service
from ..render.rules import render_rules
from ..testplan import Step
from ..write import OutputFile
from . import ruler_files
from .base import RenderOptions

DIR = "thanos"
TARGET_FIELDS = ("partial_response_strategy",)
STRATEGIES = ("abort", "warn")


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    settings = options.deploy.get("thanos")
    if not isinstance(settings, Thanos):
        return []
    groups = [
        {**group, "partial_response_strategy": settings.partial_response_strategy}
        for group in ruler_files.rule_groups(render_rules(service))
    ]
    return [OutputFile(f"{DIR}/{service.name}.rules.yml", {"groups": groups}, service.spec_files)]


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    return []


def checks(out: Path) -> list[Step]:
    """`promtool check rules` on every file without `partial_response_strategy`, and that key checked here."""
    return ruler_files.steps(out / DIR, "*.rules.yml", TARGET_FIELDS, _problems)


def _problems(document: dict[str, Any]) -> list[str]:
    problems = [f"unknown top-level key {key!r} (Thanos reads groups)" for key in document if key != "groups"]
    for group in document["groups"]:
        strategy = group.get("partial_response_strategy") if isinstance(group, dict) else None
        if not isinstance(strategy, str) or strategy.lower() not in STRATEGIES:
            name = group.get("name") if isinstance(group, dict) else None
            problems.append(f"group {name!r}: partial_response_strategy must be abort or warn, not {strategy!r}")
    return problems
