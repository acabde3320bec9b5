"""Findings as the reader wants them: text, JSON lines, GitHub Actions workflow commands or a SARIF 2.1.0 log.

Formats only: detection lives in validate.py, model.py and lint/, and none of them knows these exist.
"""

import json
from collections.abc import Callable
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from . import __version__
from .findings import WARNING, Finding

# The SARIF 2.1.0 schema in oasis-tcs/sarif-spec (its $id); tests/test_report.py validates against a copy.
SARIF_SCHEMA = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"

# Rules that are stages rather than lint modules (a lint module's docstring describes it).
STAGE_RULES = {
    "load": "A spec file is readable, well-formed and safe YAML or Jsonnet.",
    "schema": "A spec matches slogen's JSON Schema (generator/schema/slogen-v1.schema.json).",
    "duration": "A duration is one Prometheus and the burn-rate maths can use.",
    "synthesis": "slogen can synthesise the promtool tests that prove each alert fires.",
}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(finding: Finding) -> str:
    """A GitHub Actions workflow command: the runner turns it into an annotation on the spec line."""
    command = "warning" if finding.level == WARNING else "error"
    properties = {"file": finding.file, "line": finding.line, "col": finding.column, "title": finding.rule}
    joined = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
    return f"::{command} {joined}::{_escape_data(f'{finding.path}: {finding.message}')}"


def rule_descriptions() -> dict[str, str]:
    """Every rule ID slogen reports, with one sentence on what it checks."""
    from . import lint  # every rule, and the model: only SARIF's rule list needs them, not each start of the CLI

    described = dict(STAGE_RULES)
    for rule in lint.RULES:
        doc = (rule.__doc__ or rule.ID).strip()
        described[rule.ID] = " ".join(doc.split("\n\n")[0].split())
    return described


def sarif(findings: list[Finding]) -> dict[str, Any]:
    """One SARIF run: slogen as the driver with its rules, and a result at the spec line for each finding."""
    described = rule_descriptions()
    ids = sorted(set(described) | {f.rule for f in findings})
    index = {rule: i for i, rule in enumerate(ids)}
    rules = [{"id": rule, "shortDescription": {"text": described.get(rule, rule)}} for rule in ids]
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": "warning" if f.level == WARNING else "error",
            "message": {"text": f"{f.path}: {f.message}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(PurePath(f.file).as_posix())},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    driver = {"name": "slogen", "version": __version__, "rules": rules}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}


def _lines(render: Callable[[Finding], str]) -> Callable[[list[Finding]], str]:
    return lambda findings: "".join(render(f) + "\n" for f in findings)


FORMATS: dict[str, Callable[[list[Finding]], str]] = {
    "text": _lines(Finding.text),
    "json": _lines(Finding.as_json),
    "github": _lines(github),
    "sarif": lambda findings: json.dumps(sarif(findings), indent=2, ensure_ascii=False) + "\n",
}
