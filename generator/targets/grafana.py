"""Grafana dashboards (one per service, the fleet overview and the one SLO detail dashboard) and their
file-provisioning config."""

from ..fleet import Fleet, Part
from ..model import Project, Service
from ..render.dashboards import (
    DETAIL_FILE,
    OVERVIEW_FILE,
    FleetCounts,
    lowest_page_burn,
    render_dashboard,
    render_detail,
    render_overview,
    render_provisioning,
)
from ..write import OutputFile
from .base import RenderOptions

NAME = "grafana"
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


def service_part(service: Service, sections: Project, options: RenderOptions) -> Part:
    return lowest_page_burn(service.slos)


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    sources = fleet.spec_files
    pages = [page for _service, page in fleet.parts(NAME) if page is not None]
    counts = FleetCounts(len(fleet.services), sum(s.slos for s in fleet.services), min(pages, default=None))
    version = options.grafana_schema_version
    return [
        OutputFile(f"{DASHBOARDS_DIR}/{OVERVIEW_FILE}", render_overview(counts, version), sources),
        OutputFile(f"{DASHBOARDS_DIR}/{DETAIL_FILE}", render_detail(counts, version), sources),
        OutputFile(PROVISIONING, render_provisioning(), sources),
    ]
