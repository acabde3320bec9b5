"""slogen's model → OpenSLO v1 documents (`slogen export openslo`): plain data, no I/O.

Per service: one `Service`, and per SLO an `SLI` (Prometheus ratioMetric), an `SLO` that references it, and per
burn-rate pair an `AlertCondition` (kind burnrate) with the `AlertPolicy` that holds it. OpenSLO's published
AlertPolicy schema allows one condition per policy, so each pair is its own policy. The documents validate
against OpenSLO's v1 schema (tests/fixtures/import/openslo/schema) and import back into the same spec.

What OpenSLO cannot hold is returned as a reason per SLO or pair instead of a document: probe and freshness SLIs
(a 0/1 sample per run and a last-success time are not event counters), periods and windows that are not whole
minutes, and calendar periods in an offset that no IANA `Etc/GMT±h` zone names.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..burnrate import BurnWindow
from ..durations import format_number
from ..model import SLO, LatencySLI, RatioSLI, Service
from ..selector import Matcher, Selector

API_VERSION = "openslo/v1"
# Each exported AlertPolicy notifies one of these; where alerts go stays in slogen's `routing`.
TARGETS = {"page": "slogen-page", "ticket": "slogen-ticket"}
# OpenSLO requires a calendar start; this instant begins a week (Monday), a month and a quarter at once.
CALENDAR_START = "2024-01-01 00:00:00"
_CALENDAR_DURATIONS = {"week": "1w", "month": "1M", "quarter": "1Q"}
# OpenSLO's value pattern for labels; values outside it cannot be exported.
_LABEL_VALUE_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


class NotExportable(ValueError):
    """An SLO, a pair or a field that OpenSLO v1 cannot hold; the message says why."""


@dataclass
class Exported:
    documents: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "<service>/<slo>: what was not exported: why"


def service_documents(service: Service) -> Exported:
    exported = Exported()
    meta: dict[str, Any] = {"name": service.name}
    labels = _labels(dict(service.labels), f"{service.name}", exported.skipped)
    if labels:
        meta["labels"] = labels
    spec = {"description": service.description} if service.description else {}
    exported.documents.append(_document("Service", meta, spec))
    for slo in service.slos:
        try:
            exported.documents.extend(_slo_documents(slo, exported.skipped))
        except NotExportable as err:
            exported.skipped.append(f"{slo.service}/{slo.name}: not exported: {err}")
    return exported


def _document(kind: str, metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def _slo_documents(slo: SLO, skipped: list[str]) -> list[dict[str, Any]]:
    sli_name = f"{slo.service}-{slo.name}"
    sli = _document("SLI", {"name": sli_name}, {"ratioMetric": _ratio(slo)})
    spec: dict[str, Any] = {"service": slo.service}
    if slo.description:
        spec["description"] = slo.description
    spec["indicatorRef"] = sli_name
    spec["timeWindow"] = [_time_window(slo)]
    objective: dict[str, Any] = {"target": float(slo.objective_percent / 100)}
    if slo.timeslices is not None:
        spec["budgetingMethod"] = "Timeslices"
        objective["timeSliceTarget"] = float(1 - slo.timeslices.error_ratio_above)
        objective["timeSliceWindow"] = shorthand(slo.timeslices.slice)
    else:
        spec["budgetingMethod"] = "Occurrences"
    spec["objectives"] = [objective]
    alerting: list[dict[str, Any]] = []
    for window in slo.alerting.windows:
        try:
            alerting.extend(_pair(slo, window))
        except NotExportable as err:
            skipped.append(
                f"{slo.service}/{slo.name}: burn-rate pair {window.severity} {window.long}s/{window.short}s: {err}"
            )
    policies = [doc["metadata"]["name"] for doc in alerting if doc["kind"] == "AlertPolicy"]
    if policies:
        spec["alertPolicies"] = policies
    meta: dict[str, Any] = {"name": slo.name}
    labels = _labels(dict(slo.labels), f"{slo.service}/{slo.name}", skipped)
    if labels:
        meta["labels"] = labels
    return [sli, _document("SLO", meta, spec), *alerting]


def _ratio(slo: SLO) -> dict[str, Any]:
    sli = slo.sli
    if isinstance(sli, LatencySLI):  # and ValueSLI: good = the threshold's bucket, total = _count
        histogram = sli.histogram.selector
        le = Matcher("le", "=", format(sli.threshold.normalize(), "f"))
        good = Selector(f"{histogram.metric}_bucket", (*histogram.matchers, le))
        return {
            "counter": True,
            "good": _source(good, slo),
            "total": _source(Selector(f"{histogram.metric}_count", histogram.matchers), slo),
        }
    if isinstance(sli, RatioSLI):
        role, part = ("good", sli.good) if sli.good is not None else ("bad", sli.errors)
        assert part is not None, "a ratio SLI has errors or good"
        return {"counter": True, role: _source(part.selector, slo), "total": _source(sli.total.selector, slo)}
    raise NotExportable(
        f"a {sli.kind} SLI reads a 0/1 sample or a timestamp, not event counters; OpenSLO's ratioMetric needs counters"
    )


def _source(selector: Selector, slo: SLO) -> dict[str, Any]:
    by = f" by ({', '.join(slo.group_by)})" if slo.group_by else ""
    query = f"sum{by} (rate({selector.render()}[5m]))" if by else f"sum(rate({selector.render()}[5m]))"
    return {"metricSource": {"type": "Prometheus", "spec": {"query": query}}}


def _time_window(slo: SLO) -> dict[str, Any]:
    if slo.calendar is None:
        return {"duration": shorthand(slo.period), "isRolling": True}
    zone = iana_zone(slo.calendar.timezone)
    duration = _CALENDAR_DURATIONS[slo.calendar.unit]
    return {"duration": duration, "isRolling": False, "calendar": {"startTime": CALENDAR_START, "timeZone": zone}}


def iana_zone(zone: str) -> str:
    """OpenSLO's timeZone is an IANA name; UTC and whole-hour offsets have fixed `Etc/` ones (POSIX signs:
    Etc/GMT-5 is five hours east)."""
    if zone == "UTC":
        return "Etc/UTC"
    sign, hours, minutes = zone[0], int(zone[1:3]), int(zone[4:6])
    if minutes:
        raise NotExportable(f"the calendar offset {zone} has no fixed IANA zone (Etc/GMT±h covers whole hours only)")
    if hours == 0:
        return "Etc/UTC"
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


def shorthand(seconds: int) -> str:
    """OpenSLO's duration shorthand: one number and one unit of m, h, d (no seconds, no `1h30m`)."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    raise NotExportable(f"{seconds}s is not a whole number of minutes, which OpenSLO durations need")


def _pair(slo: SLO, window: BurnWindow) -> list[dict[str, Any]]:
    long, short = shorthand(window.long), shorthand(window.short)
    name = f"{slo.service}-{slo.name}-{window.severity}-{long}-{short}"
    factor: Decimal = window.factor(slo.period)
    condition = _document(
        "AlertCondition",
        {"name": name},
        {
            "description": f"{window.severity}: burn {format_number(factor)}× over {long}, still over {short}",
            "severity": window.severity,
            # alertAfter is slogen's short window: the burn must still be on over it (import reads it back).
            "condition": {"kind": "burnrate", "threshold": float(factor), "lookbackWindow": long, "alertAfter": short},
        },
    )
    policy = _document(
        "AlertPolicy",
        {"name": name},
        {
            "alertWhenNoData": False,
            "alertWhenResolved": True,
            "alertWhenBreaching": True,
            "conditions": [{"conditionRef": name}],
            "notificationTargets": [{"targetRef": TARGETS[window.severity]}],
        },
    )
    return [condition, policy]


def _labels(labels: dict[str, str], owner: str, skipped: list[str]) -> dict[str, str]:
    kept = {}
    for key, value in labels.items():
        if value and set(value) <= _LABEL_VALUE_CHARS and value[0].isalnum():
            kept[key] = value
        else:
            skipped.append(f"{owner}: label {key}={value!r}: OpenSLO label values are letters, digits, '.', '_', '-'")
    return kept


def stream_text(documents: list[dict[str, Any]]) -> str:
    """The documents as one YAML stream, in order, keys as written: the same model always gives the same bytes."""
    import yaml

    return yaml.safe_dump_all(documents, sort_keys=False, explicit_start=True, allow_unicode=True, width=100_000)
