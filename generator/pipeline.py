"""load → validate → model → lint → render: the use case every CLI command runs a prefix of."""

from dataclasses import dataclass, field
from pathlib import Path

from . import lint, model
from .findings import Finding, has_errors
from .load import Document, LoadError, discover, display_name, load
from .render.rules import render_rules
from .render.tests import render_tests
from .synth import SynthesisError
from .validate import validate
from .write import OutputFile

RULES_DIR = "prometheus/rules"
TESTS_DIR = "prometheus/tests"


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
            findings.append(Finding(display, err.line, err.column, "(document)", str(err), "load"))
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
    outcome.project = model.build(valid)
    outcome.findings.extend(lint.lint(outcome.project, rules))
    outcome.findings.sort()
    return outcome


def generate(paths: list[Path], rules=lint.RULES) -> Outcome:
    outcome = check(paths, rules)
    if not outcome.ok or outcome.project is None:
        return outcome
    for service in outcome.project.services:
        try:
            outcome.files.extend(render_service(service))
        except SynthesisError as err:
            first = service.documents[0]
            outcome.findings.append(first.finding(("service",), f"cannot generate tests: {err}", "synthesis"))
    outcome.files.extend(render_project(outcome.project))
    return outcome


def render_project(project: model.Project) -> list[OutputFile]:
    """Outputs that span services (fleet dashboard, Alertmanager routing)."""
    return []


def render_service(service: model.Service) -> list[OutputFile]:
    rule_file = f"{service.name}.rules.yml"
    return [
        OutputFile(f"{RULES_DIR}/{rule_file}", render_rules(service), service.spec_files),
        OutputFile(f"{TESTS_DIR}/{service.name}.test.yml", render_tests(service, f"../rules/{rule_file}"),
                   service.spec_files),
    ]
