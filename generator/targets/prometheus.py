"""Prometheus rule files and the promtool unit tests that prove them, one pair per service."""

from ..model import Project, Service
from ..render.promtool_tests import render_tests
from ..render.rules import render_rules
from ..synth import SynthesisError
from ..write import OutputFile
from .base import RenderError, RenderOptions

RULES_DIR = "prometheus/rules"
TESTS_DIR = "prometheus/tests"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    rule_file = f"{service.name}.rules.yml"
    try:
        tests = render_tests(service, f"../rules/{rule_file}")
    except SynthesisError as err:
        raise RenderError(
            service.documents[0].finding(("service",), f"cannot generate tests: {err}", "synthesis")
        ) from None
    return [
        OutputFile(f"{RULES_DIR}/{rule_file}", render_rules(service), service.spec_files),
        OutputFile(f"{TESTS_DIR}/{service.name}.test.yml", tests, service.spec_files),
    ]


def project_files(project: Project, options: RenderOptions) -> list[OutputFile]:
    return []
