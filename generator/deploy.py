"""Where the output is deployed: the project-wide `targets` section (next to `routing`) and the CLI's --target.

The plain files (Prometheus rules and their promtool tests, Grafana file provisioning, alertmanager.yml) are
always written: they are what `slogen test` proves. Each deploy target packages the same rules and dashboards
for one system: Kubernetes objects for the prometheus-operator and for Grafana's sidecar or operator, rule
namespaces for Mimir, rule files for Thanos Ruler and vmalert."""

from collections.abc import Callable
from dataclasses import dataclass, field

from .document import Document, Spec

Pairs = tuple[tuple[str, str], ...]

DEFAULT_NAMESPACE = "monitoring"
# kube-prometheus-stack's Grafana sidecar looks for this label (its values.yaml: grafana.sidecar.dashboards.label
# and labelValue). Neither it nor the grafana chart sets sidecar.dashboards.folderAnnotation (null), so the sidecar
# (kiwigrid/k8s-sidecar src/sidecar.py) reads the folder from its own default annotation, below.
SIDECAR_LABEL = ("grafana_dashboard", "1")
SIDECAR_FOLDER_ANNOTATION = "k8s-sidecar-target-directory"
DASHBOARD_FOLDER = "SLOs"
# grafana-operator's own examples select Grafana instances by this label.
OPERATOR_INSTANCE_SELECTOR: Pairs = (("dashboards", "grafana"),)
# Mimir's defaults (pkg/util/validation/limits.go): -ruler.max-rules-per-rule-group, -ruler.max-rule-groups-per-tenant.
MIMIR_MAX_RULES_PER_GROUP = 20
MIMIR_MAX_RULE_GROUPS_PER_TENANT = 70
SECRET_KEY = "url"


@dataclass(frozen=True)
class SecretRef:
    """A key of a Kubernetes Secret that holds a receiver's URL; the URL itself never reaches the output."""

    name: str
    key: str = SECRET_KEY


@dataclass(frozen=True)
class PrometheusOperator:
    namespace: str = DEFAULT_NAMESPACE
    labels: Pairs = ()  # on every object: what the Prometheus' ruleSelector / Alertmanager's config selector match
    annotations: Pairs = ()
    secrets: tuple[tuple[str, SecretRef], ...] = ()  # receiver name → its URL's Secret key; default secret_for

    def secret_for(self, receiver: str) -> SecretRef:
        return dict(self.secrets).get(receiver, SecretRef(f"slogen-{receiver}"))


@dataclass(frozen=True)
class GrafanaSidecar:
    namespace: str = DEFAULT_NAMESPACE
    label: tuple[str, str] = SIDECAR_LABEL
    folder_annotation: str = SIDECAR_FOLDER_ANNOTATION
    folder: str = DASHBOARD_FOLDER
    labels: Pairs = ()
    annotations: Pairs = ()


@dataclass(frozen=True)
class GrafanaOperator:
    namespace: str = DEFAULT_NAMESPACE
    instance_selector: Pairs = OPERATOR_INSTANCE_SELECTOR
    folder: str = DASHBOARD_FOLDER
    labels: Pairs = ()
    annotations: Pairs = ()


@dataclass(frozen=True)
class Mimir:
    tenant: str | None = None
    max_rules_per_group: int = MIMIR_MAX_RULES_PER_GROUP
    max_rule_groups_per_tenant: int = MIMIR_MAX_RULE_GROUPS_PER_TENANT
    source_tenants: tuple[str, ...] = ()  # federated rule groups: read these tenants, write to `tenant`


@dataclass(frozen=True)
class Thanos:
    partial_response_strategy: str = "abort"  # "warn": evaluate on what the reachable stores return


@dataclass(frozen=True)
class VMAlert:
    pass


TargetSettings = PrometheusOperator | GrafanaSidecar | GrafanaOperator | Mimir | Thanos | VMAlert

# Target name (as in the spec and --target) → its settings with defaults. "prometheus" names the plain files,
# which every run writes; it is accepted so that `--target prometheus` alone means "nothing else".
DEFAULTS: dict[str, TargetSettings] = {
    "prometheus-operator": PrometheusOperator(),
    "grafana-sidecar": GrafanaSidecar(),
    "grafana-operator": GrafanaOperator(),
    "mimir": Mimir(),
    "thanos": Thanos(),
    "vmalert": VMAlert(),
}
NAMES: tuple[str, ...] = ("prometheus", *DEFAULTS)


@dataclass(frozen=True)
class Deploy:
    """The targets a run renders, each with its settings (from the specs, else the defaults)."""

    targets: tuple[tuple[str, TargetSettings], ...] = ()
    documents: tuple[Document, ...] = field(default=(), compare=False)

    def get(self, name: str) -> TargetSettings | None:
        return dict(self.targets).get(name)

    def selected(self, names: tuple[str, ...] | None) -> "Deploy":
        """The targets the CLI names (None: those the specs configure), configured as the specs say."""
        if names is None:
            return self
        configured = dict(self.targets)
        chosen = tuple((n, configured.get(n, DEFAULTS[n])) for n in sorted(set(names)) if n in DEFAULTS)
        return Deploy(chosen, self.documents)


NOWHERE = Deploy()  # no deploy target: the plain files only


def build(data: Spec, documents: tuple[Document, ...]) -> Deploy:
    """The `targets` section as the schema accepted it."""
    parsers: dict[str, Callable[[Spec], TargetSettings]] = {
        "prometheus-operator": _prometheus_operator,
        "grafana-sidecar": _grafana_sidecar,
        "grafana-operator": _grafana_operator,
        "mimir": _mimir,
        "thanos": _thanos,
        "vmalert": _vmalert,
    }
    return Deploy(tuple((name, parsers[name](data[name] or {})) for name in sorted(data) if name in parsers), documents)


def _pairs(spec: Spec, key: str) -> Pairs:
    return tuple(sorted((str(k), str(v)) for k, v in spec.get(key, {}).items()))


def _prometheus_operator(spec: Spec) -> PrometheusOperator:
    secrets = spec.get("secrets", {})
    return PrometheusOperator(
        namespace=spec.get("namespace", DEFAULT_NAMESPACE),
        labels=_pairs(spec, "labels"),
        annotations=_pairs(spec, "annotations"),
        secrets=tuple(
            sorted((receiver, SecretRef(ref["name"], ref.get("key", SECRET_KEY))) for receiver, ref in secrets.items())
        ),
    )


def _grafana_sidecar(spec: Spec) -> GrafanaSidecar:
    label = spec.get("label", {})
    return GrafanaSidecar(
        namespace=spec.get("namespace", DEFAULT_NAMESPACE),
        label=(label.get("name", SIDECAR_LABEL[0]), label.get("value", SIDECAR_LABEL[1])),
        folder_annotation=spec.get("folder_annotation", SIDECAR_FOLDER_ANNOTATION),
        folder=spec.get("folder", DASHBOARD_FOLDER),
        labels=_pairs(spec, "labels"),
        annotations=_pairs(spec, "annotations"),
    )


def _grafana_operator(spec: Spec) -> GrafanaOperator:
    return GrafanaOperator(
        namespace=spec.get("namespace", DEFAULT_NAMESPACE),
        instance_selector=_pairs(spec, "instance_selector") or OPERATOR_INSTANCE_SELECTOR,
        folder=spec.get("folder", DASHBOARD_FOLDER),
        labels=_pairs(spec, "labels"),
        annotations=_pairs(spec, "annotations"),
    )


def _mimir(spec: Spec) -> Mimir:
    return Mimir(
        tenant=spec.get("tenant"),
        max_rules_per_group=spec.get("max_rules_per_group", MIMIR_MAX_RULES_PER_GROUP),
        max_rule_groups_per_tenant=spec.get("max_rule_groups_per_tenant", MIMIR_MAX_RULE_GROUPS_PER_TENANT),
        source_tenants=tuple(spec.get("source_tenants", ())),
    )


def _vmalert(spec: Spec) -> VMAlert:
    return VMAlert()


def _thanos(spec: Spec) -> Thanos:
    return Thanos(partial_response_strategy=spec.get("partial_response_strategy", "abort"))
