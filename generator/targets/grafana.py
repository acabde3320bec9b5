"""Grafana dashboards (one per service, the fleet overview and the one SLO detail dashboard) and their
file-provisioning config."""

from ..model import Project, Service
from ..render.dashboards import (
    DETAIL_FILE,
    OVERVIEW_FILE,
    render_dashboard,
    render_detail,
    render_overview,
    render_provisioning,
)
from ..write import OutputFile
from .base import RenderOptions

DASHBOARDS_DIR = "grafana/dashboards"
PROVISIONING = "grafana/provisioning/dashboards.yml"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    return [
        OutputFile(
            f"{DASHBOARDS_DIR}/{service.name}.json",
            render_dashboard(service, options.grafana_schema_version),
            service.spec_files,
        )
    ]


def project_files(project: Project, options: RenderOptions) -> list[OutputFile]:
    sources = tuple(f for service in project.services for f in service.spec_files)
    return [
        OutputFile(
            f"{DASHBOARDS_DIR}/{OVERVIEW_FILE}", render_overview(project, options.grafana_schema_version), sources
        ),
        OutputFile(f"{DASHBOARDS_DIR}/{DETAIL_FILE}", render_detail(project, options.grafana_schema_version), sources),
        OutputFile(PROVISIONING, render_provisioning(), sources),
    ]
