"""What every importer returns: slogen specs as plain data, one per service, and what it could not carry over.

An importer reads other tools' SLO files (already loaded as Documents, so every left-out item has a file:line:col)
and never drops anything silently: an item it cannot map is a LeftOut finding, reported by `slogen import` and
written into the generated spec as a YAML comment.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...document import Document, SpecPath
from ...durations import format_duration
from ...findings import Finding

RULE = "import"


@dataclass(frozen=True)
class ImportOptions:
    """What the source files do not say but the source tool was told on its command line."""

    default_period: int | None = None  # Sloth's --default-slo-period, in seconds; None: the tool's own default


DEFAULT_OPTIONS = ImportOptions()  # frozen, so one instance can be every call's default


@dataclass
class Imported:
    """Specs by service name (each a dict the slogen schema accepts), and the findings for what was left out."""

    specs: dict[str, dict[str, Any]] = field(default_factory=dict)
    left_out: list[Finding] = field(default_factory=list)
    # Where each left-out item's comment goes in the written specs: (service, SLO name or ""), by finding.
    # Items an importer does not place go at the top of every spec written (emit.py).
    places: dict[int, tuple[str, str]] = field(default_factory=dict)

    def leave_out(
        self, document: Document, path: SpecPath, what: str, why: str, service: str = "", slo: str = ""
    ) -> None:
        """`what` (in the source's own words) was not imported, and `why`; the finding points at the source.
        `service` and `slo` name the spec (and the SLO in it) whose comment should carry it, when known."""
        self.left_out.append(document.finding(path, f"{what} was not imported: {why}", RULE, "warning"))
        if service:
            self.places[len(self.left_out) - 1] = (service, slo)


def mapping(value: Any) -> dict[str, Any]:
    """The value if it is a mapping, else an empty one: other tools' files are read leniently, and what is missing
    is reported where it is needed."""
    return value if isinstance(value, dict) else {}


def spec_number(value: Decimal) -> int | float:
    """A number as a person writes it in a spec: 2, not 2.0; 12.5."""
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def burn_window(severity: str, long: int, short: int, budget_percent: Decimal) -> dict[str, Any]:
    """One entry of a spec's `alerting.windows`."""
    return {
        "severity": severity,
        "long": format_duration(long),
        "short": format_duration(short),
        "budget": spec_number(budget_percent),
    }
