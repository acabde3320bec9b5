"""With the prometheus-operator target, the `namespace` label of every alert belongs to the AlertmanagerConfig.

The operator makes an AlertmanagerConfig's routes match only alerts whose `namespace` label is the object's own
namespace (pkg/alertmanager/amcfg.go, namespaceEnforcer), so the PrometheusRules set `namespace` on every alerting
rule (targets/prometheus_operator.py). A spec that groups by `namespace`, or sets it as a label, would have its value
overwritten by that rule label: series from different namespaces would merge into one alert without a word.
"""

from collections.abc import Iterator

from ..document import Document, SpecPath
from ..findings import Finding
from ..model import Project

ID = "operator-namespace-label"
LABEL = "namespace"
TARGET = "prometheus-operator"


def check(project: Project) -> Iterator[Finding]:
    if project.deploy.get(TARGET) is None:
        return  # --target prometheus-operator alone: the target refuses the first of these itself (findings)
    for service in project.services:
        yield from findings(service.documents)


def findings(documents: tuple[Document, ...]) -> Iterator[Finding]:
    for document in documents:
        for path, at_key in _uses(document):
            yield document.finding(
                path,
                "the prometheus-operator target sets label namespace on every alert to the AlertmanagerConfig's "
                "namespace, since the operator routes only alerts of that namespace; this value would be "
                "overwritten, so rename the label (for example to exported_namespace, or k8s_namespace via "
                "relabelling)",
                ID,
                at_key=at_key,
            )


def _uses(document: Document) -> Iterator[tuple[SpecPath, bool]]:
    """Where the spec groups alerts by `namespace` or labels them with it: (path, whether the path ends at a key)."""
    data = document.data
    yield from _in_labels(data.get("labels", {}), ("labels",))
    yield from _in_labels(data.get("alerting", {}).get("labels", {}), ("alerting", "labels"))
    for index, slo in enumerate(data.get("slos", [])):
        yield from _in_group_by(slo.get("group_by", []), ("slos", index, "group_by"))
        yield from _in_labels(slo.get("labels", {}), ("slos", index, "labels"))
        yield from _in_labels(slo.get("alerting", {}).get("labels", {}), ("slos", index, "alerting", "labels"))
    for index, alert in enumerate(data.get("alerts", [])):
        yield from _in_labels(alert.get("labels", {}), ("alerts", index, "labels"))
        for kind in ("quantile", "zero_tolerance"):
            group_by = alert.get(kind, {}).get("group_by", [])
            yield from _in_group_by(group_by, ("alerts", index, kind, "group_by"))


def _in_labels(labels: dict[str, str], path: SpecPath) -> Iterator[tuple[SpecPath, bool]]:
    if LABEL in labels:
        yield (*path, LABEL), True


def _in_group_by(group_by: list[str], path: SpecPath) -> Iterator[tuple[SpecPath, bool]]:
    if LABEL in group_by:
        yield (*path, group_by.index(LABEL)), False
