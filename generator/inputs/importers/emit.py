"""Imported specs → slogen spec YAML text: one file per service, with the editor schema modeline `slogen init`
writes, and every left-out item as a comment where it belongs. Deterministic: the same import writes the same
bytes."""

from typing import Any

import yaml

from ...findings import Finding
from ...schema import SCHEMA_FILE
from .base import Imported

_WIDTH = 4096  # never fold a long PromQL selector over lines


def file_name(service: str) -> str:
    return f"{service}.yaml"


def render(imported: Imported, fmt: str, sources: list[str]) -> dict[str, str]:
    """Spec text by file name."""
    return {file_name(name): _spec(name, spec, imported, fmt, sources) for name, spec in sorted(imported.specs.items())}


def _spec(service: str, spec: dict[str, Any], imported: Imported, fmt: str, sources: list[str]) -> str:
    notes = _notes(service, imported)
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        f"# Imported by `slogen import {fmt}` from {', '.join(sources)}.",
        "# Check with `slogen validate`; comments starting `left out:` name what this spec does not carry over.",
    ]
    lines += _comments(notes.pop("", []), "")
    head = {key: value for key, value in spec.items() if key != "slos" and value not in ({}, [])}
    lines.append(_dump(head).rstrip("\n"))
    lines.append("slos:" if spec.get("slos") else "slos: []")
    for slo in spec.get("slos", []):
        lines.append(_indent(_dump([slo]).rstrip("\n")))
        lines += _comments(notes.pop(slo["name"], []), "  ")
    for slo_name in sorted(notes):  # SLOs left out whole: their reasons where they would have been
        lines += _comments(notes[slo_name], "  ")
    return "\n".join(lines) + "\n"


def _notes(service: str, imported: Imported) -> dict[str, list[Finding]]:
    """This service's left-out items by SLO name ("" for the service itself and for unplaced items)."""
    notes: dict[str, list[Finding]] = {}
    for index, finding in enumerate(imported.left_out):
        place = imported.places.get(index)
        if place is None or place[0] == service:
            notes.setdefault(place[1] if place else "", []).append(finding)
    return notes


def _comments(findings: list[Finding], indent: str) -> list[str]:
    return [
        f"{indent}# left out: {f.file}:{f.line}:{f.column}: {f.path}: {line}".rstrip()
        for f in findings
        for line in f.message.splitlines() or [""]
    ]


class _Dumper(yaml.SafeDumper):
    """Writes selectors and PromQL in single quotes, as the spec reference asks (§1.1): a `{` in a plain value
    breaks the moment someone edits it into a flow mapping."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "'" if ("{" in value or "}" in value) and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=_WIDTH)


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.splitlines())
