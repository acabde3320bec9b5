"""Alertmanager routing for the whole project, and amtool routing tests for every alert the rules can fire."""

from ..model import Project, Service
from ..render.alertmanager import CONFIG_FILE, SecretInOutput, render_alertmanager, render_route_tests
from ..write import OutputFile
from .base import RenderError, RenderOptions

DIR = "alertmanager"
CONFIG = f"{DIR}/{CONFIG_FILE}"
ROUTE_TESTS = f"{DIR}/routes.test.yml"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    return []


def project_files(project: Project, options: RenderOptions) -> list[OutputFile]:
    if project.routing is None:
        return []
    routing_spec = project.routing_documents[0]
    sources = tuple(sorted({routing_spec.output_name} | {f for s in project.services for f in s.spec_files}))
    try:
        return [
            OutputFile(CONFIG, render_alertmanager(project), sources),
            OutputFile(ROUTE_TESTS, render_route_tests(project), sources),
        ]
    except SecretInOutput as err:
        raise RenderError(
            routing_spec.finding(("routing",), f"{err}; use url_file references", "inline-secret")
        ) from None
