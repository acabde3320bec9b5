"""load → validate → model → lint → render: the use case every CLI command runs a prefix of."""

import functools
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from . import cache, fleet, inputs, lint, model, targets, workers
from .cache import Cache
from .document import Document, LoadError, display_name
from .findings import Finding, has_errors
from .lint import inline_secret
from .load import MAX_SPEC_BYTES, discover, load, read_bounded
from .targets import RenderError, RenderOptions, all_targets
from .validate import validate
from .write import OutputFile, SerialisedFile, Tree, serialise, serialise_all, tree_of

Subject = TypeVar("Subject", model.Service, fleet.Fleet)
SpecNames = Callable[[Path], str]  # a spec file → its name in the outputs (write.spec_name)
DEFAULT_OPTIONS = RenderOptions()  # frozen, so one instance can safely be every call's default
# Services a run must render before worker processes pay: the bench fleet renders about 15 services a second on
# one core, and workers spend about 15 % more CPU in all (forking, sending the bytes back) besides starting up.
WORKERS_FROM = 64


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
    return _resolved_root(path.resolve(), path, _roots(given))[0]


Roots = list[tuple[Path, Path]]  # the directories a run was given, each with its resolved path


def _roots(given: list[Path]) -> Roots:
    return [(candidate, candidate.resolve()) for candidate in given if candidate.is_dir()]


def _resolved_root(real: Path, path: Path, roots: Roots) -> tuple[Path, Path]:
    """_root_for `path`, whose resolved path is `real`, and that root resolved."""
    for candidate, resolved in roots:
        if real.is_relative_to(resolved):
            return candidate, resolved
    return path.parent, path.parent.resolve()


def check(paths: list[Path], rules: tuple[lint.Rule, ...] = lint.RULES, names: SpecNames | None = None) -> Outcome:
    """Everything up to the model and its lint findings; no rendering."""
    missing = [p for p in paths if not p.exists()]
    outcome = Outcome(
        [Finding(display_name(p), 1, 1, "(document)", "no such file or directory", "load") for p in missing]
    )
    present = [p for p in paths if p.exists()]
    valid: list[Document] = []
    invalid: list[Document] = []
    for document, problems, _key in _read_all(list(discover(present)), present, names, None):
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


_Read = tuple[Document | None, list[Finding], str | None]
# YAML spec files a run must load and check before worker processes pay: one takes about 6 ms on one core, and its
# document travels back pickled in a tenth of that.
READERS_FROM = 64


def _read(path: Path, given: list[Path], names: SpecNames | None, cached: Cache | None) -> _Read:
    """One spec file: its document (None when it cannot be loaded), its load or schema findings, and the digest of
    its bytes and names when the cache keeps its document (_document_key)."""
    return _read_all([path], given, names, cached)[0]


def _read_all(
    paths: list[Path],
    given: list[Path],
    names: SpecNames | None,
    cached: Cache | None,
    keys: list[str | None] | None = None,
) -> list[_Read]:
    """_read of each path, in order; `keys` are their _document_keys where the caller has them. The YAML specs the
    cache lacks are loaded, checked and kept in the cache in worker processes when there are READERS_FROM of them
    (a Jsonnet spec's document holds a function, which does not pickle, and its evaluation runs in a process of its
    own anyway)."""
    if keys is None:
        roots = _roots(given)
        keys = [_document_key(path, roots, names) if cached else None for path in paths]
    reads: list[_Read | None] = [
        (*hit, key) if cached and key and (hit := _cached_document(cached, path, names, key)) else None
        for path, key in zip(paths, keys, strict=True)
    ]
    missing = [index for index, read in enumerate(reads) if read is None]
    shared = [index for index in missing if inputs.loader_for(paths[index]) in (None, inputs.yaml_spec.load)]
    read_missing = functools.partial(_read_missing, given=given, names=names, cached=cached)
    count = workers.count(len(shared), READERS_FROM)
    shared_items = [(paths[i], keys[i]) for i in shared]
    loaded = dict(zip(shared, workers.forked_map(read_missing, shared_items, count), strict=True))
    for index in missing:
        read = loaded[index] if index in loaded else read_missing((paths[index], keys[index]))
        if cached and read[2]:
            cached.keep("documents", read[2])  # written by a worker process, whose record of it ended with it
        reads[index] = read
    return [read for read in reads if read is not None]


def _read_missing(
    item: tuple[Path, str | None], given: list[Path], names: SpecNames | None, cached: Cache | None
) -> _Read:
    """A spec the cache lacks (its path and _document_key), loaded and checked, and its document kept in the cache
    under that key if the file did not change while it was read."""
    path, key = item
    document, problems = _load_checked(path, given, names)
    if not (cached and key and document is not None and key == _document_key(path, _roots(given), names)):
        return document, problems, None
    cached.put("documents", key, cache.document_entry(document, problems))
    return document, problems, key


def _cached_document(
    cached: Cache, path: Path, names: SpecNames | None, key: str
) -> tuple[Document, list[Finding]] | None:
    return cache.document_from(cached.get("documents", key), display_name(path), names(path) if names else "")


def _load_checked(path: Path, given: list[Path], names: SpecNames | None) -> tuple[Document | None, list[Finding]]:
    display = display_name(path)
    try:
        document = load(path, display, _root_for(path, given))
    except LoadError as err:
        return None, [Finding(err.file or display, err.line, err.column, "(document)", str(err), "load")]
    origin = names(path) if names else ""
    document = replace(document, origin=origin) if origin else document
    return document, validate(document)


def _document_key(path: Path, roots: Roots, names: SpecNames | None) -> str | None:
    """What a YAML spec's document and schema findings depend on; None for what the cache leaves to load(): a
    Jsonnet spec (its imports are other files), a file outside its root (`roots`: _roots of the paths the run was
    given, resolved once by a caller that keys many specs), above the size limit, unreadable or not a regular file
    (a FIFO's or /proc file's size says nothing of what a read gives)."""
    if inputs.loader_for(path) not in (None, inputs.yaml_spec.load):
        return None
    real = path.resolve()
    if not real.is_relative_to(_resolved_root(real, path, roots)[1]):
        return None
    display, origin = display_name(path), names(path) if names else ""
    try:
        with open(path, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return None
            raw = read_bounded(file, MAX_SPEC_BYTES)
    except OSError:
        return None
    if len(raw) > MAX_SPEC_BYTES:
        return None
    return cache.digest(cache.slogen_digest(), "document", display, origin, raw)


OUTLINES = "index-"  # the name of the cache's one entry of outlines, before slogen's digest


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
        for target in all_targets():
            _collect(outcome, target.service_files, service, options)
    whole = fleet_of(project, options)
    for target in all_targets():
        _collect(outcome, target.project_files, whole, options)
    return outcome


def generate_tree(
    paths: list[Path],
    options: RenderOptions = DEFAULT_OPTIONS,
    names: SpecNames | None = None,
    cached: Cache | None = None,
    progress: Callable[[Iterable[model.Service]], Iterable[model.Service]] = iter,
) -> tuple[Outcome, Tree]:
    """generate() serialised into the tree the writer writes (write.tree_of), empty when the specs are invalid.

    With a cache, a service whose specs, the project's sections, the options and slogen itself are an earlier
    run's keeps what that run derived from it: its files (targets' service_files: a function of the service and the
    options), its model and lint findings, and its summary (generator/fleet.py), from which the files spanning
    services are made. Only the other services' models are built, and the tree and the findings are a full run's.
    A spec that cannot be loaded or fails the schema fails the run anyway; such a run finds everything afresh,
    and so does one without a cache (outcome.project is then the whole model; with a cache it is None)."""
    specs = _outlines(paths, names, cached) if cached else None
    if cached and specs is not None:
        try:
            return _incremental(specs, options, cached, progress)
        except OutlineStale:  # a spec changed while the run read it: find everything afresh
            pass
    outcome = check(paths, lint.RULES, names)
    project = outcome.project
    if not outcome.ok or project is None:
        return outcome, {}
    options = project_options(options, project)
    files: list[SerialisedFile] = []
    for serialised, problems in _render_services(list(project.services), options, progress):
        files.extend(serialised)
        outcome.findings.extend(problems)
    files.extend(_project_files(outcome, fleet_of(project, options), options, cached))
    return outcome, tree_of(files)


@dataclass
class _Spec:
    """A spec file as a cached run first sees it: its service, and whether it holds a section of the project; its
    document only once a step needs it."""

    path: Path
    given: list[Path]
    names: SpecNames | None
    digest: str  # its bytes and names (_document_key); for an evaluated spec (Jsonnet) also its data
    service: str
    sections: bool
    document: Document | None = None

    @property
    def output_name(self) -> str:
        return self.names(self.path) if self.names else display_name(self.path)

    def loaded(self, cached: Cache) -> Document:
        if self.document is None:
            document, problems, _key = _read(self.path, self.given, self.names, cached)
            if document is None or problems:  # changed since its outline was made: the next run sees it
                raise OutlineStale(self.path)
            self.document = document
        return self.document


class OutlineStale(Exception):
    """A spec changed while the run read it, so its outline no longer holds."""


def _outlines(paths: list[Path], names: SpecNames | None, cached: Cache) -> list[_Spec] | None:
    """Every spec's outline (its service, and whether it holds a section); None when a path is missing or a spec
    cannot be loaded or fails the schema. The cache keeps the outlines of a run's specs in one entry, by each spec's
    bytes and names: one read, where an entry per spec would cost a thousand on a fleet."""
    if any(not p.exists() for p in paths):
        return None
    index = OUTLINES + cache.slogen_digest()
    known = cached.get("outlines", index)
    known = known if isinstance(known, dict) else {}
    outlines: dict[str, list[object]] = {}
    found = list(discover(paths))
    roots = _roots(paths)  # resolved once: a fleet's thousand specs share them
    keys = [_document_key(path, roots, names) for path in found]
    specs: list[_Spec | None] = []
    for path, key in zip(found, keys, strict=True):
        outline = known.get(key) if key else None
        if key and isinstance(outline, list) and len(outline) == 2:
            cached.keep("documents", key)
            outlines[key] = outline
            specs.append(_Spec(path, paths, names, key, str(outline[0]), bool(outline[1])))
        else:
            specs.append(None)
    unknown = [position for position, spec in enumerate(specs) if spec is None]
    for position, (document, problems, key) in zip(
        unknown, _read_all([found[i] for i in unknown], paths, names, cached, [keys[i] for i in unknown]), strict=True
    ):
        if document is None or problems:
            return None
        service, sections = document.data["service"], any(s in document.data for s in model.SECTIONS)
        if key:
            outlines[key] = [service, sections]
        digest = key or _evaluated_digest(found[position], document)
        specs[position] = _Spec(found[position], paths, names, digest, service, sections, document)
    if outlines != known:
        cached.put("outlines", index, outlines)
    return [spec for spec in specs if spec is not None]


def _evaluated_digest(path: Path, document: Document) -> str:
    """A spec whose document the cache does not keep (Jsonnet: its imports are other files): its data, and its own
    bytes, which its findings' lines and columns come from."""
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""
    data = json.dumps(document.data, ensure_ascii=False)
    return cache.digest(cache.slogen_digest(), "evaluated", document.file, document.output_name, raw, data)


@dataclass(frozen=True)
class _Unit:
    """What a cached run keeps of a service besides its files: its model's and its lint rules' findings (those of
    lint.SERVICE_RULES in its own specs), its summary, and the summary's digest, which the key of what spans
    services reads. The summary is kept in an entry of its own, read only when that key changed: a fleet's
    summaries are 14 MB of JSON (the route tests' cases), which a run after an objective changes never needs."""

    model_findings: list[Finding]
    lint_findings: list[Finding]
    summary_digest: str
    summary: fleet.ServiceSummary | None = None  # None when read from the cache: an entry of its own (_Summaries)

    @property
    def fails(self) -> bool:
        return has_errors([*self.model_findings, *self.lint_findings])

    def entry(self) -> dict[str, object]:
        return {
            "model": cache.findings_entry(self.model_findings),
            "lint": cache.findings_entry(self.lint_findings),
            "summary_digest": self.summary_digest,
        }


def _unit_from(entry: object) -> _Unit | None:
    if not isinstance(entry, dict):
        return None
    model_findings = cache.findings_from(entry.get("model"))
    lint_findings = cache.findings_from(entry.get("lint"))
    summary_digest = entry.get("summary_digest")
    if model_findings is None or lint_findings is None or not isinstance(summary_digest, str):
        return None
    return _Unit(model_findings, lint_findings, summary_digest)


@dataclass
class _Summaries:
    """The fleet of a cached run, made only when a step needs it: each service's summary as its unit holds it
    (built this run) or as the cache does, under the unit's key; `rebuild` builds one the cache lost again."""

    sections: model.Project
    units: dict[str, _Unit]
    keys: dict[str, str]
    rebuild: Callable[[str], fleet.ServiceSummary]
    made: fleet.Fleet | None = None

    def assemble(self, cached: Cache) -> fleet.Fleet:
        if self.made is None:
            self.made = fleet.Fleet(self.sections, tuple(self._summary(n, cached) for n in sorted(self.units)))
        return self.made

    def _summary(self, name: str, cached: Cache) -> fleet.ServiceSummary:
        summary = self.units[name].summary or fleet.from_entry(cached.get("summaries", self.keys[name]))
        return summary or self.rebuild(name)


def _incremental(
    specs: list[_Spec],
    options: RenderOptions,
    cached: Cache,
    progress: Callable[[Iterable[model.Service]], Iterable[model.Service]],
) -> tuple[Outcome, Tree]:
    """generate_tree with every spec valid and outlined: the model of each service the cache misses, the project's
    sections, and the rest from the cache."""
    section_documents = [spec.loaded(cached) for spec in specs if spec.sections]
    sections, section_problems = model.build_sections(section_documents)
    options = project_options(options, sections)
    by_service: dict[str, list[_Spec]] = {}
    for spec in specs:
        by_service.setdefault(spec.service, []).append(spec)
    names = sorted(by_service)
    options_key = cache.digest(repr(options))
    sections_key = _sections_key(section_documents)
    files_keys: dict[str, str] = {}
    unit_keys: dict[str, str] = {}
    for name in names:
        parts = [part for spec in by_service[name] for part in (spec.output_name, spec.digest)]
        files_keys[name] = cache.digest(cache.slogen_digest(), "service", options_key, *parts)
        unit_keys[name] = cache.digest(cache.slogen_digest(), "unit", options_key, sections_key, *parts)
    render_problems: list[Finding] = []
    units = {name: unit for name in names if (unit := _unit_from(cached.get("units", unit_keys[name])))}
    listed = {name: entry for name in names if (entry := cached.get("services", files_keys[name])) is not None}
    # A run that already fails (a section's error, a cached service's) renders nothing; otherwise each service
    # built is rendered along with it, unless its own findings fail the run (a fleet rule may still fail it after).
    render = not has_errors(section_problems) and not any(unit.fails for unit in units.values())
    todo = [name for name in names if name not in units or name not in listed]
    count = workers.count(len(todo), WORKERS_FROM)
    # The services the cache misses are built in worker processes while this one finds the others' files in
    # output/. After one spec changed, a worker imports the renderers and renders it in the time this process takes
    # to check 17,000 files, which needs no renderer. Many services on a busy machine: this process builds them.
    forks = 0 if count == 1 and len(todo) >= WORKERS_FROM else count
    if render and forks > 1:
        all_targets()  # the renderers' imports (0.25 s), made once for the workers to inherit and the run to reuse
    build = functools.partial(
        _build,
        sections=sections,
        options=options,
        by_service=by_service,
        units=units,
        render=render,
        cached=cached,
        keys=(unit_keys, files_keys),
        progress=progress if forks == 0 else iter,
    )
    with workers.forked_map_later(functools.partial(build, found={}), _batches(todo, count), forks) as built:
        found = {
            name: files
            for name, entry in listed.items()
            if name in units and (files := cached.files_listed(entry)) is not None
        }
        batches = built()
    stale = [name for name in listed if name in units and name not in found]  # output/ lost or changed them
    if stale:
        batches.append(build(stale, found=found, progress=progress))
    for batch in batches:
        for name, unit in batch.units.items():
            units[name] = unit
            cached.keep("units", unit_keys[name])  # each kept by the process that built it (_build)
        for name, (serialised, problems) in batch.files.items():
            found[name] = serialised
            render_problems.extend(problems)
            if not problems:
                cached.keep("services", files_keys[name])
    for name in names:
        cached.keep("summaries", unit_keys[name])  # read only when the fleet's key changed (_Summaries)
    whole = _Summaries(
        sections, units, unit_keys, lambda name: _summary_of(build([name], units={}, found={}, render=False), name)
    )
    fleet_key = cache.digest(
        cache.slogen_digest(), "project", options_key, sections_key, *(units[name].summary_digest for name in names)
    )
    outcome = Outcome([*section_problems, *(f for name in names for f in units[name].model_findings)])
    found_by_lint = [f for name in names for f in units[name].lint_findings]
    found_by_lint.extend(lint.lint(sections, lint.SERVICE_RULES))
    found_by_lint.extend(_fleet_findings(whole, cached, fleet_key))
    outcome.findings.extend(sorted(set(found_by_lint)))
    outcome.findings.sort()
    if not outcome.ok:
        return outcome, {}
    outcome.findings.extend(render_problems)
    files = [file for name in names for file in found.get(name, [])]
    files.extend(_kept_project_files(outcome, whole, options, cached, fleet_key))
    return outcome, tree_of(files)


def _fleet_findings(whole: _Summaries, cached: Cache, key: str) -> list[Finding]:
    """The findings of the rules comparing services (lint.FLEET_RULES), as the last run with the same summaries,
    sections and options (`key`) found them; otherwise found, and kept."""
    if (kept := cache.findings_from(cached.get("fleet", key))) is not None:
        return kept
    found = [finding for rule in lint.FLEET_RULES for finding in rule.check_fleet(whole.assemble(cached))]
    cached.put("fleet", key, cache.findings_entry(found))
    return found


def _sections_key(documents: list[Document]) -> str:
    """What a service's findings and summary read of the project's sections: their values, and which files hold them
    (a finding may name one), not the rest of those files, which are services of their own."""
    parts = [
        json.dumps([d.file, d.output_name, {k: d.data[k] for k in model.SECTIONS if k in d.data}], ensure_ascii=False)
        for d in documents
    ]
    return cache.digest(*parts)


@dataclass(frozen=True)
class _Batch:
    """What building a batch of services gave: the units the cache missed, and the serialised files and render
    findings of each service rendered."""

    units: dict[str, _Unit]
    files: dict[str, tuple[list[SerialisedFile], list[Finding]]]


def _summary_of(batch: _Batch, name: str) -> fleet.ServiceSummary:
    summary = batch.units[name].summary
    assert summary is not None, "_build summarises each service it lints"
    return summary


def _batches(names: list[str], count: int) -> list[list[str]]:
    """`names` in batches for `count` workers: one batch for one, so the rules about one service run once (a
    promtool check each); for several, CHUNKS_PER_WORKER batches each, so one slow batch does not leave the other
    cores idle at the end."""
    size = max(1, -(-len(names) // (1 if count == 1 else count * workers.CHUNKS_PER_WORKER)))
    return [names[start : start + size] for start in range(0, len(names), size)]


def _build(
    names: list[str],
    *,
    sections: model.Project,
    options: RenderOptions,
    by_service: dict[str, list[_Spec]],
    units: dict[str, _Unit],
    found: dict[str, list[SerialisedFile]],
    render: bool,
    cached: Cache,
    keys: tuple[dict[str, str], dict[str, str]],
    progress: Callable[[Iterable[model.Service]], Iterable[model.Service]],
) -> _Batch:
    """Build the models of `names`; find the model and lint findings of each service whose unit `units` misses,
    and summarise it; render each service whose files `found` misses, when `render` and its own findings allow.
    The rules about one service run over the batch at once, and each finding goes to the service whose spec
    holds it. Each unit, and each service's files rendered without a finding, are kept in the cache under `keys`
    (units', files'). A worker's share of a run (workers.forked_map_later): it reads only what the run inherited,
    and the run keeps what it returns."""
    built, problems = model.build_services([spec.loaded(cached) for name in names for spec in by_service[name]])
    linted = tuple(service for service in built if service.name not in units)
    owner = {document.file: service.name for service in built for document in service.documents}
    model_findings: dict[str, list[Finding]] = {service.name: [] for service in linted}
    for finding in problems:
        if owner[finding.file] in model_findings:
            model_findings[owner[finding.file]].append(finding)
    lint_findings: dict[str, list[Finding]] = {service.name: [] for service in linted}
    for finding in lint.lint(replace(sections, services=linted), lint.SERVICE_RULES):
        if finding.file in owner:  # elsewhere: a section's finding, which the run over the sections alone makes
            lint_findings[owner[finding.file]].append(finding)
    summaries = {service.name: fleet.summarise(service, sections, options, _part_makers()) for service in linted}
    batch = _Batch(
        {
            name: _Unit(model_findings[name], lint_findings[name], summary.digest(), summary)
            for name, summary in summaries.items()
        },
        {},
    )
    unit_keys, files_keys = keys
    for name, unit in batch.units.items():
        cached.put("units", unit_keys[name], unit.entry())
        cached.put("summaries", unit_keys[name], fleet.entry(summaries[name]))
    for service in progress(built):
        unit = units.get(service.name) or batch.units[service.name]
        if render and service.name not in found and not unit.fails:
            serialised, problems = batch.files[service.name] = _render_service(service, options)
            if not problems:
                cached.put("services", files_keys[service.name], cache.files_entry(serialised))
    return batch


def _project_files(
    outcome: Outcome, whole: fleet.Fleet, options: RenderOptions, cached: Cache | None
) -> list[SerialisedFile]:
    """The files spanning services, serialised; a target that cannot render adds its finding to `outcome`."""
    rendered = Outcome()
    for target in all_targets():
        _collect(rendered, target.project_files, whole, options)
    outcome.findings.extend(rendered.findings)
    return _serialised(rendered.files, cached)


def _kept_project_files(
    outcome: Outcome, whole: _Summaries, options: RenderOptions, cached: Cache, key: str
) -> list[SerialisedFile]:
    """The files spanning services as the last run wrote them, when neither a service's summary nor the sections
    nor the options (`key`: their digests) changed since: after an objective changes, nothing they read does.
    Otherwise rendered, and kept for the next run unless a target could not render."""
    if kept := cached.files("project", key):
        return kept
    earlier = len(outcome.findings)
    files = _project_files(outcome, whole.assemble(cached), options, cached)
    if len(outcome.findings) == earlier:  # every target rendered
        cached.put("project", key, cache.files_entry(files))
    return files


def fleet_of(project: model.Project, options: RenderOptions = DEFAULT_OPTIONS) -> fleet.Fleet:
    """The fleet targets' project_files read, of a project whose every service's model is built, for `options` as
    the targets get them (project_options)."""
    return fleet.of(project, options, _part_makers())


def _part_makers() -> tuple[fleet.PartMaker, ...]:
    return (*targets.part_makers(), *lint.PART_MAKERS)


def project_options(options: RenderOptions, project: model.Project) -> RenderOptions:
    """The options every target renders with: the CLI's, plus what the specs say for the whole project."""
    return replace(options, deploy=project.deploy.selected(options.targets), runbooks=project.runbooks)


def _render_services(
    services: list[model.Service],
    options: RenderOptions,
    progress: Callable[[Iterable[model.Service]], Iterable[model.Service]] = iter,
) -> list[tuple[list[SerialisedFile], list[Finding]]]:
    """Each service's files, serialised, with its render findings, in the services' order; in worker processes
    from WORKERS_FROM services on (workers.forked_map: each inherits the model, and only the bytes travel back)."""
    render = functools.partial(_render_service, options=options)
    return workers.forked_map(render, services, workers.count(len(services), WORKERS_FROM), progress)


def _render_service(service: model.Service, options: RenderOptions) -> tuple[list[SerialisedFile], list[Finding]]:
    rendered = Outcome()
    for target in all_targets():
        _collect(rendered, target.service_files, service, options)
    return serialise_all(rendered.files), rendered.findings


def _serialised(files: list[OutputFile], cached: Cache | None) -> list[SerialisedFile]:
    """Files spanning services, serialised; as output/ holds them (Cache.files) when a run serialised and wrote
    the same data before. The data's repr is its key: exact for the plain data renderers return (it tells 1 from
    "1", a tuple from a list, and keeps the key order YAML keeps), and far cheaper than PyYAML's representer for a
    fleet's routing tests."""
    if cached is None:
        return serialise_all(files)
    serialised = []
    for file in files:
        key = cache.digest(cache.slogen_digest(), "file", file.path, repr(file.sources), repr(file.data))
        if hit := cached.files("files", key):
            serialised.extend(hit)
            continue
        made = SerialisedFile(file.path, serialise(file), file.sources)
        cached.put("files", key, cache.files_entry([made]))
        serialised.append(made)
    return serialised


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
