"""The SLO catalog and runbook pages under output/docs/ (render/docs.py): a plain target, written by every run,
because the pages describe the rules every run writes, whichever system deploys them."""

from ..model import Project, Service
from ..render.docs import (
    INDEX,
    alert_page,
    render_alert,
    render_index,
    render_runbook,
    render_service,
    runbook_page,
    runbook_slugs,
    service_alerts,
    service_page,
)
from ..write import OutputFile
from .base import RenderOptions

DIR = "docs"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    """Service pages read the project's runbooks section, so project_files writes them too."""
    return []


def project_files(project: Project, options: RenderOptions) -> list[OutputFile]:
    runbooks = project.runbooks
    # The runbooks section applies to every service, like routing, so its spec is a source of every page.
    shared = tuple(d.output_name for d in project.runbooks_documents[:1])
    everything = tuple(sorted({*shared, *(f for s in project.services for f in s.spec_files)}))
    files = [OutputFile(f"{DIR}/{INDEX}", render_index(project), everything)]
    for service in project.services:
        sources = tuple(sorted({*shared, *service.spec_files}))
        files.append(OutputFile(f"{DIR}/{service_page(service)}", render_service(service, runbooks), sources))
        files.extend(
            OutputFile(f"{DIR}/{alert_page(service, alert.name)}", render_alert(service, alert, runbooks), sources)
            for alert in service_alerts(service)
        )
    files.extend(
        OutputFile(f"{DIR}/{runbook_page(slug)}", render_runbook(project, slug), everything)
        for slug in runbook_slugs(project)
    )
    return files
