"""Alertmanager routing for the whole project, and amtool routing tests for every alert the rules can fire."""

from ..fleet import Fleet, Part
from ..model import Project, Service
from ..render import alertmanager
from ..render.alertmanager import CONFIG_FILE, SecretInOutput, render_alertmanager, render_route_tests
from ..write import OutputFile
from .base import RenderError, RenderOptions

NAME = "alertmanager"
DIR = "alertmanager"
CONFIG = f"{DIR}/{CONFIG_FILE}"
ROUTE_TESTS = f"{DIR}/routes.test.yml"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    return []


def service_part(service: Service, sections: Project, options: RenderOptions) -> Part:
    return alertmanager.service_part(service, sections.routing)


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    routing = fleet.sections.routing
    if routing is None:
        return []
    routing_spec = fleet.sections.routing_documents[0]
    sources = tuple(sorted({routing_spec.output_name, *fleet.spec_files}))
    parts = [part for _service, part in fleet.parts(NAME)]
    try:
        return [
            OutputFile(CONFIG, render_alertmanager(routing, parts), sources),
            OutputFile(ROUTE_TESTS, render_route_tests(routing, parts), sources),
        ]
    except SecretInOutput as err:
        raise RenderError(
            routing_spec.finding(("routing",), f"{err}; use url_file references", "inline-secret")
        ) from None
