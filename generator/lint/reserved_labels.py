"""Labels that slogen sets itself cannot be set in a spec: slogen's value would overwrite the spec's without a word.

Which labels depends on where a spec's labels go (model.py): service `labels` onto every rule, SLO `labels` onto the
SLO's recorded series (SLO.series_labels, and slogen:slo:info), `alerting.labels` onto the SLO's alerts
(SLO._alert_labels), an alert's `labels` onto that alert (Alert.rule_labels). Prometheus sets alertname itself, and
keeps every name starting with __ for its own use.
"""

from collections.abc import Iterator

from .. import naming
from ..document import Document, Spec, SpecPath
from ..findings import Finding
from ..model import Project

ID = "reserved-label"

SLO_ALERT = ("service", "slo", "severity", "priority", "alertname", "long_window", "short_window", "burn_rate")
SYMPTOM = ("service", "severity", "priority", "alertname")
SLO_SERIES = (
    "service",
    "slo",
    "description",
    "objective",
    "period",
    "sli",
    "runbook_url",
    "sli_histogram",
    "sli_threshold",
    naming.INFO_DASHBOARD,
)
EVERY_RULE = tuple(dict.fromkeys(SLO_ALERT + SYMPTOM + SLO_SERIES))

_SET_TO = {
    "slo": "each SLO's name",
    "severity": "each alert's severity, page or ticket",
    "priority": "each alert's priority",
    "alertname": "the alert's name",
    "long_window": "the long window of each burn-rate alert",
    "short_window": "the short window of each burn-rate alert",
    "burn_rate": "the burn factor of each burn-rate alert",
    "description": "the SLO's description, on slogen:slo:info",
    "objective": "the SLO's objective, on slogen:slo:info",
    "period": "the SLO's period, on slogen:slo:info",
    "sli": "the SLI kind (ratio, latency, value, probe or freshness), on slogen:slo:info",
    "runbook_url": "alerting.runbook, on slogen:slo:info",
    "sli_histogram": "a latency or value SLI's bucket selector, on slogen:slo:info",
    "sli_threshold": "a latency or value SLI's threshold, on slogen:slo:info",
    naming.INFO_DASHBOARD: "the uid of the service's dashboard, on slogen:slo:info",
}
_SLO_ALERT_SET_TO = {
    "severity": "page or ticket, from each burn window (absent and uncomputable tickets are ticket)",
    "priority": "alerting.priority on pages (default P1), P2 on tickets",
}
_SYMPTOM_SET_TO = {
    "severity": "the alert's severity",
    "priority": "the alert's priority (default P1 on pages, P2 on tickets)",
}


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        for document in service.documents:
            yield from _document(document, service.name)


def _document(document: Document, service: str) -> Iterator[Finding]:
    data = document.data
    common = {**_SET_TO, "service": f"the spec's service, {service}"}
    yield from _labels(document, ("labels",), data.get("labels", {}), EVERY_RULE, common)
    alerting = {**common, **_SLO_ALERT_SET_TO}
    yield from _labels(document, ("alerting", "labels"), _alerting_labels(data), SLO_ALERT, alerting)
    for index, slo in enumerate(data.get("slos", [])):
        name = slo["name"] + ("-<percentile>" if "percentiles" in slo else "")
        own = {"slo": f"the SLO's name, {name}"}
        yield from _labels(document, ("slos", index, "labels"), slo.get("labels", {}), SLO_SERIES, {**common, **own})
        path = ("slos", index, "alerting", "labels")
        yield from _labels(document, path, _alerting_labels(slo), SLO_ALERT, {**alerting, **own})
    symptom = {**common, **_SYMPTOM_SET_TO}
    for index, alert in enumerate(data.get("alerts", [])):
        yield from _labels(document, ("alerts", index, "labels"), alert.get("labels", {}), SYMPTOM, symptom)


def _alerting_labels(spec: Spec) -> dict[str, str]:
    labels: dict[str, str] = spec.get("alerting", {}).get("labels", {})
    return labels


def _labels(
    document: Document, path: SpecPath, labels: dict[str, str], reserved: tuple[str, ...], set_to: dict[str, str]
) -> Iterator[Finding]:
    for label in labels:
        if label.startswith("__"):
            yield document.finding(
                (*path, label),
                f"label {label} is reserved: Prometheus keeps names starting with __ for its own use "
                "(promtool refuses __name__ on a rule); rename it without the leading underscores",
                ID,
                at_key=True,
            )
        elif label in reserved:
            yield document.finding(
                (*path, label),
                f"label {label} is reserved: slogen sets it to {set_to[label]}; remove it",
                ID,
                at_key=True,
            )
