"""Dashboards as grafana-operator GrafanaDashboard resources (grafana.integreatly.org/v1beta1): one per service
and the shared overview and SLO detail, under output/kubernetes/grafana-operator/, with a kustomization.yaml.

The dashboard goes in spec.json as the plain file holds it. No spec.datasources: the operator replaces each
`${inputName}` in the JSON with a data source name (controllers/content/resolver.go), and slogen's dashboards have
no __inputs; their one `${datasource}` is the dashboard's own data source variable, which a mapping would
hard-wire."""

from functools import partial
from pathlib import Path
from typing import Any

from .. import kubernetes, testplan
from ..deploy import GrafanaOperator
from ..fleet import Fleet
from ..model import Service
from ..write import OutputFile
from . import grafana_kubernetes as k8s
from .base import RenderOptions

TARGET = "grafana-operator"
DIRECTORY = f"kubernetes/{TARGET}"
SUFFIX = ".grafanadashboard.yaml"
API_VERSION = "grafana.integreatly.org/v1beta1"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    settings = _settings(options)
    return [_file(settings, k8s.service_dashboard(service, options))] if settings else []


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    settings = _settings(options)
    return k8s.project_files(fleet, options, TARGET, SUFFIX, partial(_file, settings)) if settings else []


def grafana_dashboard(dashboard: k8s.Dashboard, settings: GrafanaOperator) -> k8s.Object:
    return {
        "apiVersion": API_VERSION,
        "kind": "GrafanaDashboard",
        "metadata": k8s.metadata(
            dashboard.name, settings.namespace, (kubernetes.MANAGED_BY, *settings.labels), settings.annotations
        ),
        "spec": {
            "folder": settings.folder,
            "instanceSelector": {"matchLabels": dict(sorted(settings.instance_selector))},
            "json": dashboard.text,
        },
    }


def _file(settings: GrafanaOperator, dashboard: k8s.Dashboard) -> OutputFile:
    obj = grafana_dashboard(dashboard, settings)
    k8s.refuse_oversize(dashboard, "GrafanaDashboard", k8s.object_bytes(obj), "slogen's limit for one object")
    return OutputFile(f"{DIRECTORY}/{dashboard.stem}{SUFFIX}", obj, dashboard.sources)


def _settings(options: RenderOptions) -> GrafanaOperator | None:
    settings = options.deploy.get(TARGET)
    return settings if isinstance(settings, GrafanaOperator) else None


def embedded(stem: str, obj: k8s.Object) -> dict[str, Any]:
    """<stem>.grafanadashboard.yaml holds <stem>.json in spec.json."""
    return {f"{stem}.json": (obj.get("spec") or {}).get("json")}


def checks(out: Path) -> list[testplan.Step]:
    """For `slogen test`: every GrafanaDashboard under out/kubernetes/grafana-operator/ against the vendored CRD,
    and each dashboard in it equal to out/grafana/dashboards/<name>.json."""
    return k8s.checks(out, TARGET, SUFFIX, embedded)
