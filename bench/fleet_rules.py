"""The same SLOs in slogen's generated rules and in Sloth's shape, with each shape's base recording rules
(what the long windows read) and the values those rules record from the fleet's traffic."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from generator import pipeline
from generator.targets import prometheus as prometheus_target
from generator.write import render_tree, write

from .shapes import sloth
from .traffic import Fleet

BASE_STEP = 300  # the 5m base window both shapes record from


@dataclass(frozen=True)
class RecordedSeries:
    """A base recording rule's output series, with what it records from the fleet's traffic at time t."""

    name: str
    labels: dict
    value: Callable[[float], float]


@dataclass(frozen=True)
class RuleSet:
    name: str  # "slogen", "sloth", "pyrra"
    rule_file: Path
    recorded: tuple[RecordedSeries, ...]  # what its base rules record, written into the history

    def groups(self) -> list[dict]:
        return yaml.safe_load(self.rule_file.read_text())["groups"]


# An SLO as both shapes take it: (name, errors selector, total selector), 99.9 % over 30 days.
SLO = tuple[str, str, str]


def slogen_spec(service: str, slos: list[SLO]) -> dict:
    return {
        "apiVersion": "slogen/v1",
        "service": service,
        "labels": {"team": "bench"},
        "period": "30d",
        "slos": [
            {"name": name, "objective": 99.9, "sli": {"ratio": {"errors": errors, "total": total}}}
            for name, errors, total in slos
        ],
    }


def sloth_spec(service: str, slos: list[SLO]) -> dict:
    return {
        "version": "prometheus/v1",
        "service": service,
        "labels": {"team": "bench"},
        "slos": [
            {
                "name": name,
                "objective": 99.9,
                "sli": {
                    "events": {
                        "error_query": f"sum(rate({errors}[{{{{.window}}}}]))",
                        "total_query": f"sum(rate({total}[{{{{.window}}}}]))",
                    }
                },
                "alerting": {
                    "name": f"{name.capitalize()}HighErrorRate",
                    "page_alert": {"labels": {"severity": "page"}},
                    "ticket_alert": {"labels": {"severity": "ticket"}},
                },
            }
            for name, errors, total in slos
        ],
    }


def slogen_rule_file(service: str, slos: list[SLO], work: Path) -> Path:
    """slogen's generated rules for these SLOs, through the real pipeline and writer."""
    specs = work / f"{service}-specs"
    specs.mkdir(parents=True, exist_ok=True)
    spec = specs / f"{service}.yaml"
    spec.write_text(yaml.safe_dump(slogen_spec(service, slos), sort_keys=False))
    outcome = pipeline.generate([spec])
    if not outcome.ok:
        raise RuntimeError("the bench spec is invalid: " + "; ".join(f.text() for f in outcome.findings))
    out = work / f"{service}-slogen-out"
    write(out, render_tree(outcome.files))
    [rule_file] = sorted((out / prometheus_target.RULES_DIR).glob("*.rules.yml"))
    return rule_file


def sloth_rule_file(service: str, slos: list[SLO], work: Path) -> Path:
    rule_file = work / f"{service}.sloth.rules.yml"
    rule_file.write_text(sloth.dump(sloth.sloth_rules(sloth_spec(service, slos))))
    return rule_file


def rules_by_record(rule_file: Path, records: Iterable[str]) -> list[dict]:
    wanted = set(records)
    return [
        rule
        for group in yaml.safe_load(rule_file.read_text())["groups"]
        for rule in group["rules"]
        if rule.get("record") in wanted
    ]


def base_rule_file(path: Path, rules: list[dict]) -> Path:
    path.write_text(
        yaml.safe_dump(
            {"groups": [{"name": "bench-backfill", "interval": "1m", "rules": rules}]}, sort_keys=False, width=100_000
        )
    )
    return path


SLOGEN_BASE = {"slogen:sli_errors:rate5m": True, "slogen:sli_total:rate5m": False}  # record → errors only
SLOTH_BASE = "slo:sli_error:ratio_rate5m"


def slogen_rule_set(fleet: Fleet, origin: float, work: Path) -> RuleSet:
    rule_file = slogen_rule_file("fleet", fleet.slos(), work)
    rules = rules_by_record(rule_file, SLOGEN_BASE)
    recorded = tuple(
        RecordedSeries(
            rule["record"],
            rule["labels"],
            _rate5m(fleet, _api_index(fleet, rule["labels"]["slo"]), origin, errors_only=SLOGEN_BASE[rule["record"]]),
        )
        for rule in rules
    )
    return RuleSet("slogen", rule_file, recorded)


def sloth_rule_set(fleet: Fleet, origin: float, work: Path) -> RuleSet:
    rule_file = sloth_rule_file("fleet", fleet.slos(), work)
    rules = rules_by_record(rule_file, [SLOTH_BASE])
    recorded = tuple(
        RecordedSeries(
            rule["record"], rule["labels"], _ratio5m(fleet, _api_index(fleet, rule["labels"]["sloth_slo"]), origin)
        )
        for rule in rules
    )
    return RuleSet("sloth", rule_file, recorded)


def _api_index(fleet: Fleet, api: str) -> int:
    [index] = [i for i in range(fleet.apis) if fleet.api(i) == api]
    return index


def _api_series(fleet: Fleet, index: int):
    prefix = f'api="{fleet.api(index)}"'
    return [one for one in fleet.series() if prefix in one.labels]


def _rate5m(fleet: Fleet, index: int, origin: float, errors_only: bool) -> Callable[[float], float]:
    """Exact mean rate over the 5m before t. An API's series share one diurnal shape, so their sum is the
    shape scaled by the sum of their bases: one closed-form evaluation instead of hundreds."""
    series = [one for one in _api_series(fleet, index) if one.error or not errors_only]
    assert len({(one.phase, one.depth) for one in series}) == 1, "an API's series must share one shape"
    unit, scale = replace(series[0], base=1.0), sum(one.base for one in series)
    return lambda t: scale * (unit.count(t, origin) - unit.count(t - BASE_STEP, origin)) / BASE_STEP


def _ratio5m(fleet: Fleet, index: int, origin: float) -> Callable[[float], float]:
    errors, total = _rate5m(fleet, index, origin, True), _rate5m(fleet, index, origin, False)
    return lambda t: errors(t) / total(t)
