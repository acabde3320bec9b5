"""The SLO catalog and runbook pages under output/docs/ (render/docs.py): a plain target, written by every run,
because the pages describe the rules every run writes, whichever system deploys them."""

from ..fleet import Fleet, Part
from ..model import Project, Service
from ..render import docs
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

NAME = "docs"
DIR = "docs"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    """The service's catalog page and its alerts' pages; they read the project's runbooks section (options)."""
    runbooks = options.runbooks
    # The runbooks section applies to every service, like routing, so its spec is a source of every page.
    shared = (runbooks.source.document.output_name,) if runbooks else ()
    sources = tuple(sorted({*shared, *service.spec_files}))
    return [
        OutputFile(f"{DIR}/{service_page(service)}", render_service(service, runbooks), sources),
        *(
            OutputFile(f"{DIR}/{alert_page(service, alert.name)}", render_alert(service, alert, runbooks), sources)
            for alert in service_alerts(service)
        ),
    ]


def service_part(service: Service, sections: Project, options: RenderOptions) -> Part:
    return docs.service_part(service, options.runbooks)


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    runbooks = options.runbooks
    shared = tuple(d.output_name for d in fleet.sections.runbooks_documents[:1])
    everything = tuple(sorted({*shared, *fleet.spec_files}))
    parts = fleet.parts(NAME)
    files = [OutputFile(f"{DIR}/{INDEX}", render_index(runbooks, parts), everything)]
    if runbooks is not None:
        files.extend(
            OutputFile(f"{DIR}/{runbook_page(slug)}", render_runbook(runbooks, slug, parts), everything)
            for slug in runbook_slugs(runbooks, parts)
        )
    return files
