"""load → validate → model → lint → render: the use case every CLI command runs a prefix of."""

import json
import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from . import cache, inputs, lint, model
from .cache import Cache
from .document import Document, LoadError, display_name
from .findings import Finding, has_errors
from .lint import inline_secret
from .load import MAX_SPEC_BYTES, discover, load
from .targets import TARGETS, RenderError, RenderOptions
from .validate import validate
from .write import OutputFile, SerialisedFile, serialise, serialise_all, tree_of

Subject = TypeVar("Subject", model.Service, model.Project)
SpecNames = Callable[[Path], str]  # a spec file → its name in the outputs (write.spec_name)
DEFAULT_OPTIONS = RenderOptions()  # frozen, so one instance can safely be every call's default
# Services a run must render before worker processes pay: the bench fleet renders about 15 services a second on
# one core, and workers spend about 15 % more CPU in all (forking, sending the bytes back) besides starting up.
WORKERS_FROM = 64
MAX_WORKERS = 4
CHUNKS_PER_WORKER = 8  # small enough that one slow chunk does not leave the other cores idle at the end


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


def check(
    paths: list[Path],
    rules: tuple[lint.Rule, ...] = lint.RULES,
    names: SpecNames | None = None,
    cached: Cache | None = None,
) -> Outcome:
    """Everything up to the model and its lint findings; no rendering. With a cache, a YAML spec whose bytes and
    names an earlier run saw is not parsed or validated again: both depend on nothing but those and slogen itself.
    The model and lint always see every document, because lint's rules compare services with each other."""
    missing = [p for p in paths if not p.exists()]
    outcome = Outcome(
        [Finding(display_name(p), 1, 1, "(document)", "no such file or directory", "load") for p in missing]
    )
    present = [p for p in paths if p.exists()]
    valid: list[Document] = []
    invalid: list[Document] = []
    for path in discover(present):
        document, problems = _read(path, present, names, cached)
        outcome.findings.extend(problems)
        if document is not None:
            (invalid if problems else valid).append(document)
    if inline_secret in rules:  # the model, and so every lint rule, sees only schema-valid documents
        outcome.findings.extend(inline_secret.check_documents(invalid))
    outcome.project, problems = model.build(valid)
    outcome.findings.extend(problems)
    outcome.findings.extend(lint.lint(outcome.project, rules))
    outcome.findings.sort()
    return outcome


def _read(
    path: Path, given: list[Path], names: SpecNames | None, cached: Cache | None
) -> tuple[Document | None, list[Finding]]:
    """One spec file: its document (None when it cannot be loaded) and its load or schema findings."""
    display = display_name(path)
    origin = names(path) if names else ""
    root = _root_for(path, given)
    key = _document_key(path, display, origin, root) if cached else None
    if cached and key:
        hit = cache.document_from(cached.get("documents", key), display, origin)
        if hit:
            return hit
    try:
        document = load(path, display, root)
    except LoadError as err:
        return None, [Finding(err.file or display, err.line, err.column, "(document)", str(err), "load")]
    document = replace(document, origin=origin) if origin else document
    problems = validate(document)
    if cached and key and key == _document_key(path, display, origin, root):  # the file did not change meanwhile
        cached.put("documents", key, cache.document_entry(document, problems))
    return document, problems


def _document_key(path: Path, display: str, origin: str, root: Path) -> str | None:
    """What a YAML spec's document and schema findings depend on; None for what the cache leaves to load(): a
    Jsonnet spec (its imports are other files), a file outside its root, above the size limit or unreadable."""
    loader = inputs.loader_for(path)
    if loader not in (None, inputs.yaml_spec.load) or not path.resolve().is_relative_to(root.resolve()):
        return None
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_SPEC_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_SPEC_BYTES:
        return None
    return cache.digest(cache.slogen_digest(), "document", display, origin, raw)


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
    options = project_options(options, project)
    for service in progress(project.services):
        for target in TARGETS:
            _collect(outcome, target.service_files, service, options)
    for target in TARGETS:
        _collect(outcome, target.project_files, project, options)
    return outcome


def generate_tree(
    paths: list[Path],
    options: RenderOptions = DEFAULT_OPTIONS,
    names: SpecNames | None = None,
    cached: Cache | None = None,
    progress: Callable[[Iterable[model.Service]], Iterable[model.Service]] = iter,
) -> tuple[Outcome, dict[str, bytes]]:
    """generate() serialised into the tree the writer writes (write.tree_of), empty when the specs are invalid.
    With a cache, a service whose documents, options and slogen are those of an earlier run gets that run's
    bytes: its files are a function of them alone (targets' service_files), so the tree is the one a full run
    makes. Files spanning services (the overview, routing, the docs index) are rendered every run."""
    outcome = check(paths, lint.RULES, names, cached)
    project = outcome.project
    if not outcome.ok or project is None:
        return outcome, {}
    options = project_options(options, project)
    options_key = cache.digest(repr(options))
    keys = {s.name: _service_key(s, options_key) for s in project.services} if cached else {}
    found = {name: cache.files_from(cached.get("services", key)) for name, key in keys.items()} if cached else {}
    by_name = {name: files for name, files in found.items() if files is not None}
    misses = [s for s in project.services if s.name not in by_name]
    for service, (serialised, problems) in zip(misses, _render_services(misses, options, progress), strict=True):
        by_name[service.name] = serialised
        outcome.findings.extend(problems)
        if cached and not problems:
            cached.put("services", keys[service.name], cache.files_entry(serialised))
    files = [file for s in project.services for file in by_name[s.name]]
    rendered = Outcome()
    for target in TARGETS:
        _collect(rendered, target.project_files, project, options)
    outcome.findings.extend(rendered.findings)
    files.extend(_serialised(rendered.files, cached))
    return outcome, tree_of(files)


def project_options(options: RenderOptions, project: model.Project) -> RenderOptions:
    """The options every target renders with: the CLI's, plus what the specs say for the whole project."""
    return replace(options, deploy=project.deploy.selected(options.targets), runbooks=project.runbooks)


def _render_services(
    services: list[model.Service],
    options: RenderOptions,
    progress: Callable[[Iterable[model.Service]], Iterable[model.Service]] = iter,
) -> list[tuple[list[SerialisedFile], list[Finding]]]:
    """Each service's files, serialised, with its render findings, in the services' order. From WORKERS_FROM
    services on, worker processes share the work, one per core: forked, each inherits the model and the options,
    so only the bytes travel back. Leaving the pool ends its workers, also when the run is stopped at a limit."""
    workers = _idle_cores()
    if workers < 2 or len(services) < WORKERS_FROM:
        return [_render_service(service, options) for service in progress(services)]
    chunk = max(1, len(services) // (workers * CHUNKS_PER_WORKER))
    with multiprocessing.get_context("fork").Pool(workers, _adopt, (services, options)) as pool:
        return pool.map(_render_adopted, range(len(services)), chunksize=chunk)


def _idle_cores() -> int:
    """The cores this run can have: its own, plus those the load average leaves idle. Forking costs about 15 %
    more CPU in all, so on a machine whose cores are all busy (a shared CI runner) workers only slow the run."""
    cores = len(os.sched_getaffinity(0))
    idle = cores - max(os.getloadavg()[0], 1.0)  # this run itself is one of the processes the load counts
    return max(1, min(cores, MAX_WORKERS, 1 + round(idle)))


def _render_service(service: model.Service, options: RenderOptions) -> tuple[list[SerialisedFile], list[Finding]]:
    rendered = Outcome()
    for target in TARGETS:
        _collect(rendered, target.service_files, service, options)
    return serialise_all(rendered.files), rendered.findings


# A worker's services and options, set once as it starts. Forked, it inherits them from the run rather than
# receiving them pickled, which for a fleet would cost more than rendering.
_adopted: list[tuple[list[model.Service], RenderOptions]] = []


def _adopt(services: list[model.Service], options: RenderOptions) -> None:
    _adopted[:] = [(services, options)]


def _render_adopted(index: int) -> tuple[list[SerialisedFile], list[Finding]]:
    services, options = _adopted[0]
    return _render_service(services[index], options)


def _serialised(files: list[OutputFile], cached: Cache | None) -> list[SerialisedFile]:
    """Files spanning services, serialised; the bytes from the cache when the same data was serialised before.
    The data's repr is its key: exact for the plain data renderers return (it tells 1 from "1", a tuple from a list,
    and keeps the key order YAML keeps), and far cheaper than PyYAML's representer for a fleet's routing tests."""
    if cached is None:
        return serialise_all(files)
    serialised = []
    for file in files:
        key = cache.digest(cache.slogen_digest(), "file", file.path, repr(file.sources), repr(file.data))
        hit = cached.get("files", key)
        if isinstance(hit, str):
            serialised.append(SerialisedFile(file.path, hit.encode("utf-8"), file.sources))
            continue
        content = serialise(file)
        cached.put("files", key, content.decode("utf-8"))
        serialised.append(SerialisedFile(file.path, content, file.sources))
    return serialised


def _service_key(service: model.Service, options_key: str) -> str:
    """What a service's files depend on: its documents (model.build makes a Service from them alone), the options
    and slogen itself (within the documents' digest)."""
    parts = [
        part
        for document in service.documents
        for part in (document.file, document.output_name, json.dumps(document.data, ensure_ascii=False))
    ]
    return cache.digest(cache.slogen_digest(), "service", options_key, *parts)


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
