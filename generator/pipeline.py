"""load → validate → model → lint → render: the use case every CLI command runs a prefix of."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import lint, model
from .findings import Finding, has_errors
from .load import Document, LoadError, discover, display_name, load
from .render.alertmanager import CONFIG_FILE, SecretInOutput, render_alertmanager, render_route_tests
from .render.dashboards import OVERVIEW_FILE, render_dashboard, render_overview, render_provisioning
from .render.grafana_compat import DEFAULT_SCHEMA_VERSION
from .render.rules import render_rules
from .render.tests import render_tests
from .synth import SynthesisError
from .validate import validate
from .write import OutputFile

RULES_DIR = "prometheus/rules"
TESTS_DIR = "prometheus/tests"
DASHBOARDS_DIR = "grafana/dashboards"
GRAFANA_PROVISIONING = "grafana/provisioning/dashboards.yml"
ALERTMANAGER_DIR = "alertmanager"
ALERTMANAGER_CONFIG = f"{ALERTMANAGER_DIR}/{CONFIG_FILE}"
ROUTE_TESTS = f"{ALERTMANAGER_DIR}/routes.test.yml"


@dataclass(frozen=True)
class RenderOptions:
    """Choices the CLI passes down to renderers (no module-level state)."""

    grafana_schema_version: int = DEFAULT_SCHEMA_VERSION


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    project: model.Project | None = None
    files: list[OutputFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


def _root_for(path: Path, given: list[Path]) -> Path:
    """Jsonnet imports stay inside the directory the user named (or the file's own directory)."""
    for candidate in given:
        if candidate.is_dir() and path.resolve().is_relative_to(candidate.resolve()):
            return candidate
    return path.parent


def load_documents(paths: list[Path]) -> tuple[list[Document], list[Finding]]:
    documents, findings = [], []
    for path in discover(paths):
        display = display_name(path)
        try:
            documents.append(load(path, display, _root_for(path, paths)))
        except LoadError as err:
            findings.append(Finding(err.file or display, err.line, err.column, "(document)", str(err), "load"))
    return documents, findings


def check(paths: list[Path], rules=lint.RULES) -> Outcome:
    """Everything up to the model and its lint findings; no rendering."""
    missing = [p for p in paths if not p.exists()]
    outcome = Outcome([Finding(display_name(p), 1, 1, "(document)", "no such file or directory", "load")
                       for p in missing])
    documents, found = load_documents([p for p in paths if p.exists()])
    outcome.findings.extend(found)
    valid = []
    for document in documents:
        problems = validate(document)
        outcome.findings.extend(problems)
        if not problems:
            valid.append(document)
    outcome.project, problems = model.build(valid)
    outcome.findings.extend(problems)
    outcome.findings.extend(lint.lint(outcome.project, rules))
    outcome.findings.sort()
    return outcome


def generate(paths: list[Path], rules=lint.RULES, options: RenderOptions = RenderOptions(),
             progress: Callable[[Iterable], Iterable] = iter) -> Outcome:
    """`progress` wraps the services as they are rendered (the CLI's progress bar)."""
    outcome = check(paths, rules)
    if not outcome.ok or outcome.project is None:
        return outcome
    for service in progress(outcome.project.services):
        try:
            outcome.files.extend(render_service(service, options))
        except SynthesisError as err:
            first = service.documents[0]
            outcome.findings.append(first.finding(("service",), f"cannot generate tests: {err}", "synthesis"))
    try:
        outcome.files.extend(render_project(outcome.project, options))
    except SecretInOutput as err:
        document = outcome.project.routing_documents[0]
        outcome.findings.append(document.finding(("routing",), f"{err}; use url_file references", "inline-secret"))
    return outcome


def render_project(project: model.Project, options: RenderOptions = RenderOptions()) -> list[OutputFile]:
    """Outputs that span services (fleet dashboard, Alertmanager routing)."""
    files: list[OutputFile] = render_grafana(project, options)
    files.extend(render_routing(project))
    return files


def render_routing(project: model.Project) -> list[OutputFile]:
    if project.routing is None:
        return []
    sources = tuple(sorted({d.file for d in project.routing_documents[:1]} | {f for s in project.services
                                                                              for f in s.spec_files}))
    return [OutputFile(ALERTMANAGER_CONFIG, render_alertmanager(project), sources),
            OutputFile(ROUTE_TESTS, render_route_tests(project), sources)]


def render_grafana(project: model.Project, options: RenderOptions) -> list[OutputFile]:
    """The fleet overview and the file-provisioning config; service dashboards come from render_service."""
    sources = tuple(f for service in project.services for f in service.spec_files)
    return [OutputFile(f"{DASHBOARDS_DIR}/{OVERVIEW_FILE}", render_overview(project, options.grafana_schema_version),
                       sources),
            OutputFile(GRAFANA_PROVISIONING, render_provisioning(), sources)]


def render_service(service: model.Service, options: RenderOptions = RenderOptions()) -> list[OutputFile]:
    rule_file = f"{service.name}.rules.yml"
    return [
        OutputFile(f"{RULES_DIR}/{rule_file}", render_rules(service), service.spec_files),
        OutputFile(f"{TESTS_DIR}/{service.name}.test.yml", render_tests(service, f"../rules/{rule_file}"),
                   service.spec_files),
        OutputFile(f"{DASHBOARDS_DIR}/{service.name}.json",
                   render_dashboard(service, options.grafana_schema_version), service.spec_files),
    ]
