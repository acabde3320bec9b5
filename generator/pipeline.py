"""load → validate → model → lint → render: the use case every CLI command runs a prefix of."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from . import lint, model
from .document import Document, LoadError, display_name
from .findings import Finding, has_errors
from .lint import inline_secret
from .load import discover, load
from .targets import TARGETS, RenderError, RenderOptions
from .validate import validate
from .write import OutputFile

Subject = TypeVar("Subject", model.Service, model.Project)
SpecNames = Callable[[Path], str]  # a spec file → its name in the outputs (write.spec_name)
DEFAULT_OPTIONS = RenderOptions()  # frozen, so one instance can safely be every call's default


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


def load_documents(paths: list[Path], names: SpecNames | None = None) -> tuple[list[Document], list[Finding]]:
    documents: list[Document] = []
    findings: list[Finding] = []
    for path in discover(paths):
        display = display_name(path)
        try:
            document = load(path, display, _root_for(path, paths))
            documents.append(replace(document, origin=names(path)) if names else document)
        except LoadError as err:
            findings.append(Finding(err.file or display, err.line, err.column, "(document)", str(err), "load"))
    return documents, findings


def check(paths: list[Path], rules: tuple[lint.Rule, ...] = lint.RULES, names: SpecNames | None = None) -> Outcome:
    """Everything up to the model and its lint findings; no rendering."""
    missing = [p for p in paths if not p.exists()]
    outcome = Outcome(
        [Finding(display_name(p), 1, 1, "(document)", "no such file or directory", "load") for p in missing]
    )
    documents, found = load_documents([p for p in paths if p.exists()], names)
    outcome.findings.extend(found)
    valid: list[Document] = []
    invalid: list[Document] = []
    for document in documents:
        problems = validate(document)
        outcome.findings.extend(problems)
        (invalid if problems else valid).append(document)
    if inline_secret in rules:  # the model, and so every lint rule, sees only schema-valid documents
        outcome.findings.extend(inline_secret.check_documents(invalid))
    outcome.project, problems = model.build(valid)
    outcome.findings.extend(problems)
    outcome.findings.extend(lint.lint(outcome.project, rules))
    outcome.findings.sort()
    return outcome


def generate(
    paths: list[Path],
    rules: tuple[lint.Rule, ...] = lint.RULES,
    options: RenderOptions = DEFAULT_OPTIONS,
    progress: Callable[[Iterable[model.Service]], Iterable[model.Service]] = iter,
    names: SpecNames | None = None,
) -> Outcome:
    """`progress` wraps the services as they are rendered (the CLI's progress bar); `names` names the specs in
    the outputs (default: as messages name them, relative to the working directory)."""
    outcome = check(paths, rules, names)
    project = outcome.project
    if not outcome.ok or project is None:
        return outcome
    options = replace(options, deploy=project.deploy.selected(options.targets))
    for service in progress(project.services):
        for target in TARGETS:
            _collect(outcome, target.service_files, service, options)
    for target in TARGETS:
        _collect(outcome, target.project_files, project, options)
    return outcome


def _collect(
    outcome: Outcome,
    render: Callable[[Subject, RenderOptions], list[OutputFile]],
    subject: Subject,
    options: RenderOptions,
) -> None:
    """A target's files, or its finding when it cannot render."""
    try:
        outcome.files.extend(render(subject, options))
    except RenderError as err:
        outcome.findings.append(err.finding)
