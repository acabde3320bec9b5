"""Dashboards as ConfigMaps that Grafana's dashboard sidecar (kiwigrid/k8s-sidecar, as kube-prometheus-stack and
the grafana chart run it) writes into Grafana's provisioning directory: one per service, the fleet overview and the
SLO detail, under output/kubernetes/grafana-sidecar/, with a kustomization.yaml."""

from functools import partial
from pathlib import Path
from typing import Any

from .. import kubernetes, testplan
from ..deploy import GrafanaSidecar
from ..fleet import Fleet
from ..model import Service
from ..write import OutputFile
from . import grafana_kubernetes as k8s
from .base import RenderOptions

TARGET = "grafana-sidecar"
DIRECTORY = f"kubernetes/{TARGET}"
SUFFIX = ".configmap.yaml"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    settings = _settings(options)
    return [_file(settings, k8s.service_dashboard(service, options))] if settings else []


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    settings = _settings(options)
    return k8s.project_files(fleet, options, TARGET, SUFFIX, partial(_file, settings)) if settings else []


def configmap(dashboard: k8s.Dashboard, settings: GrafanaSidecar) -> k8s.Object:
    """The sidecar writes each data key as a file (the key is its name) into the directory the folder annotation
    names, below its own; Grafana makes that directory a folder when the chart's provider sets
    foldersFromFilesStructure."""
    labels = (kubernetes.MANAGED_BY, *settings.labels, settings.label)
    annotations = (*settings.annotations, (settings.folder_annotation, settings.folder))
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": k8s.metadata(dashboard.name, settings.namespace, labels, annotations),
        "data": {f"{dashboard.stem}.json": dashboard.text},
    }


def _file(settings: GrafanaSidecar, dashboard: k8s.Dashboard) -> OutputFile:
    obj = configmap(dashboard, settings)
    k8s.refuse_oversize(dashboard, "ConfigMap", len(dashboard.text.encode()), "a ConfigMap's data limit")
    return OutputFile(f"{DIRECTORY}/{dashboard.stem}{SUFFIX}", obj, dashboard.sources)


def _settings(options: RenderOptions) -> GrafanaSidecar | None:
    settings = options.deploy.get(TARGET)
    return settings if isinstance(settings, GrafanaSidecar) else None


def embedded(stem: str, obj: k8s.Object) -> dict[str, Any]:
    """A ConfigMap's data keys are the dashboards' file names."""
    return dict(obj.get("data") or {})


def checks(out: Path) -> list[testplan.Step]:
    """For `slogen test`: every ConfigMap under out/kubernetes/grafana-sidecar/ against the vendored schema, and
    each dashboard in it equal to out/grafana/dashboards/<name>.json."""
    return k8s.checks(out, TARGET, SUFFIX, embedded)
