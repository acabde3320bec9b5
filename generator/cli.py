"""The slogen command line: one Click group, one thin function per command.

Each command imports the pipeline stages it runs in its own body, and this module imports only what the options
need: the whole pipeline (the model, every lint rule and target, grafanalib, jsonschema) takes half a second to
import, which `slogen --version`, `--help` and shell completion need not pay. tests/test_cli_startup.py keeps it so.
"""

import errno
import gc
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__, budget, deploy, report
from .durations import parse_duration
from .findings import ERROR, WARNING, Finding
from .render import DEFAULT_SCHEMA_VERSION

if TYPE_CHECKING:
    from . import testplan
    from .cache import Cache
    from .targets import RenderOptions
    from .write import Plan, Tree

DEFAULT_SPECS = Path("slo_specs")
DEFAULT_OUT = Path("output")
DEFAULT_BACKFILL_OUT = Path("backfill")
PROGRESS_MINIMUM = 50  # a bar for a handful of services would only flicker

_T = TypeVar("_T")
_Command = TypeVar("_Command", bound=Callable[..., None])


def _report(findings: list[Finding], output_format: str) -> None:
    click.echo(report.FORMATS[output_format](findings), nl=False)
    errors = sum(f.level == ERROR for f in findings)
    warnings = sum(f.level == WARNING for f in findings)
    if findings and output_format == "text":
        click.echo(f"slogen: {errors} error(s), {warnings} warning(s)", err=True)


def _fail(message: str) -> NoReturn:
    click.echo(f"slogen: {message}", err=True)
    sys.exit(1)


class _UsageLine(click.ClickException):
    """A usage error (exit 2) told in one line: Click's UsageError adds the usage text and a help hint."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"slogen: {self.format_message()}", err=True)


specs_option = click.option(
    "--specs",
    "more_specs",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help=f"Spec file or directory, like a PATH argument; repeatable. Default: {DEFAULT_SPECS}.",
)


def specs_input(command: _Command) -> _Command:
    """PATH arguments and a repeatable --specs, the same in every command that reads specs."""
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")(
        specs_option(command)
    )


def _spec_paths(paths: tuple[Path, ...], more_specs: tuple[Path, ...]) -> list[Path]:
    """A missing path is a usage error (exit 2); a directory without spec files is bad input (exit 1)."""
    from . import inputs
    from .load import has_specs

    given = [*paths, *more_specs]
    for path in given or [DEFAULT_SPECS]:
        if not path.exists():
            default = "" if given else " (the default; name spec files or directories as arguments or with --specs)"
            raise _UsageLine(f"{path}: no such file or directory{default}")
    for path in given or [DEFAULT_SPECS]:
        if path.is_dir() and not has_specs(path):
            _fail(f"no spec files under {path} (looked for {', '.join('*' + s for s in inputs.suffixes())})")
    return given or [DEFAULT_SPECS]


def _existing_out(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    if not value.is_dir():
        raise _UsageLine(f"--out {value}: no such directory; run `slogen generate --out {value}` first")
    return value


out_option = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output directory.",
)
existing_out_option = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    callback=_existing_out,
    help="Output directory, as `slogen generate` wrote it.",
)
prune_option = click.option(
    "--prune",
    is_flag=True,
    help="Own all of the output directory: every file slogen wrote there that this run does not generate goes. "
    "Without it, a run over some of the specs changes only their files.",
)
grafana_schema_option = click.option(
    "--grafana-schema-version",
    type=click.IntRange(min=36),
    default=DEFAULT_SCHEMA_VERSION,
    show_default=True,
    help="schemaVersion written into the Grafana dashboards (39 suits Grafana 10.4/11).",
)


target_option = click.option(
    "--target",
    "targets",
    multiple=True,
    type=click.Choice(deploy.NAMES),
    help="Deploy target to render besides the plain files; repeatable. Default: those the specs' `targets` "
    "section names. prometheus alone: only the plain files.",
)


def run_limits(command: _Command) -> _Command:
    """--max-seconds and --max-memory: one run's limits (budget.py), the same in every command that reads specs."""
    seconds = click.option(
        "--max-seconds",
        type=click.FloatRange(min=0),
        default=budget.SECONDS,
        show_default=True,
        envvar="SLOGEN_MAX_SECONDS",
        help="Stop a run that takes longer than this to read, check and render the specs (0: no limit).",
    )
    memory = click.option(
        "--max-memory",
        type=click.IntRange(min=0),
        default=budget.MEMORY_MIB,
        show_default=True,
        envvar="SLOGEN_MAX_MEMORY",
        metavar="MIB",
        help="Stop a run whose memory, with the processes it starts, exceeds this many MiB (0: no limit).",
    )
    return seconds(memory(command))


@contextmanager
def _within(max_seconds: float, max_memory: int) -> Iterator[None]:
    """The body within one run's limits; a run that breaks one exits 1 with one line naming it."""
    try:
        with budget.limited(budget.RunLimits(max_seconds, max_memory)):
            yield
    except budget.RunLimitExceeded as err:
        _fail(err.message)


# A run holds a large model for its whole length while it makes millions of short-lived, acyclic dicts and lists
# (freed by their reference counts). With Python's defaults (700, 10, 10) the collector runs every 700 of them and
# keeps walking the model: a tenth of a 10k fleet's CPU (docs/benchmarks.md). Forked workers inherit the setting.
GC_THRESHOLDS = (100_000, 20, 100)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="slogen")
def main() -> None:
    """Generate Prometheus rules, promtool tests, Grafana dashboards and Alertmanager routing from SLO specs."""
    gc.set_threshold(*GC_THRESHOLDS)


@main.command()
@specs_input
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(report.FORMATS)),
    default="text",
    show_default=True,
    help="json: one object per finding; github: GitHub Actions annotations; sarif: a SARIF 2.1.0 log "
    "(GitHub code scanning).",
)
@run_limits
def validate(
    paths: tuple[Path, ...], more_specs: tuple[Path, ...], output_format: str, max_seconds: float, max_memory: int
) -> None:
    """Check specs: schema, then semantic lint rules. Exit 1 on any error."""
    from . import pipeline

    specs = _spec_paths(paths, more_specs)
    with _within(max_seconds, max_memory):
        outcome = pipeline.check(specs)
    _report(outcome.findings, output_format)
    if not outcome.ok:
        sys.exit(1)
    if output_format == "text":
        services = len(outcome.project.services) if outcome.project else 0
        slos = sum(len(s.slos) for s in outcome.project.services) if outcome.project else 0
        click.echo(f"slogen: {services} service(s), {slos} SLO(s) valid", err=True)


def _progress(label: str) -> Callable[[Iterable[_T]], Iterator[_T]]:
    """A progress bar on stderr for long runs, only at a terminal: CI logs and captured output stay clean."""

    def wrap(items: Iterable[_T]) -> Iterator[_T]:
        listed = list(items)
        if not sys.stderr.isatty() or len(listed) < PROGRESS_MINIMUM:
            yield from listed
            return
        with click.progressbar(listed, label=label, file=sys.stderr) as bar:
            yield from bar

    return wrap


def _rendered(
    specs: list[Path], out: Path, options: "RenderOptions", limits: budget.RunLimits, cached: "Cache | None"
) -> "Tree":
    """Every file a run over these specs generates into `out`, serialised, within the run's limits; nothing is
    written yet (a run stopped at a limit writes nothing). `cached`: what earlier runs derived from unchanged
    specs (generator/cache.py)."""
    from . import pipeline
    from .write import spec_name

    with _within(limits.seconds, limits.memory_mib):
        outcome, tree = pipeline.generate_tree(
            specs, options, names=lambda spec: spec_name(spec, out), cached=cached, progress=_progress("rendering")
        )
        _report(outcome.findings, "text")
        if not outcome.ok:
            _fail("specs are invalid; nothing was written")
        if cached:
            cached.prune()
        return tree


@contextmanager
def _locked(out: Path, shared: bool = False) -> Iterator[None]:
    """The output directory's lock (write.output_lock); a run that waited too long for it exits 1."""
    from .write import LockTimeout, output_lock

    try:
        with output_lock(out, shared):
            yield
    except LockTimeout as err:
        _fail(str(err))


@contextmanager
def _writing(out: Path) -> Iterator[None]:
    """Writing into `out`: an error of the filesystem (a full disk, a file where a directory must be, no
    permission) exits 1 with one line. Every writer leaves what was there as it was (write.write, write_files)."""
    try:
        yield
    except OSError as err:
        if err.errno in (errno.EEXIST, errno.ENOTDIR) and err.filename:
            reason = f"{err.filename} is not a directory"
        else:
            reason = (err.strerror or str(err)) + (f" ({err.filename})" if err.filename else "")
        _fail(f"cannot write {out}: {reason}; nothing was written")


def _generate(specs: list[Path], out: Path, options: "RenderOptions", prune: bool, limits: budget.RunLimits) -> "Plan":
    """Render, then plan (write.plan: which files the run owns) and write under the lock, so no other run
    changes the output directory between the two."""
    from . import cache
    from .write import OutputChanged, plan, write

    cached = cache.for_output(out)
    tree = _rendered(specs, out, options, limits, cached)
    with _writing(out), _locked(out):
        try:
            run = write(out, plan(out, tree, specs, prune), locked=True, spare=cached.spare_tree if cached else None)
        except OutputChanged as err:
            _fail(str(err))
        if cached:
            cached.put_written(run)
    if run.cleaned:
        click.echo(
            f"slogen: removed {len(run.cleaned)} leftover(s) of interrupted runs: {', '.join(run.cleaned)}", err=True
        )
    return run


def _report_held(run: "Plan", outcome: str) -> None:
    if run.held:
        outside = ", ".join(sorted({spec for specs in run.held.values() for spec in specs}))
        click.echo(
            f"slogen: {len(run.held)} file(s) also come from specs outside this run ({outside}), so they {outcome}: "
            f"{', '.join(sorted(run.held))}; run `slogen generate` over every spec to update them",
            err=True,
        )


@main.command()
@specs_input
@out_option
@grafana_schema_option
@prune_option
@target_option
@run_limits
def generate(
    paths: tuple[Path, ...],
    more_specs: tuple[Path, ...],
    out: Path,
    grafana_schema_version: int,
    prune: bool,
    targets: tuple[str, ...],
    max_seconds: float,
    max_memory: int,
) -> None:
    """Write rules, tests, dashboards and routing into the output directory, atomically.

    Changes only the files of the given specs, and removes those they no longer generate; --prune removes
    every file slogen wrote that this run does not generate."""
    from .targets import RenderOptions

    options = RenderOptions(grafana_schema_version, targets or None)
    limits = budget.RunLimits(max_seconds, max_memory)
    run = _generate(_spec_paths(paths, more_specs), out, options, prune, limits)
    for path in run.removed:
        click.echo(f"slogen: removed {out / path}", err=True)
    _report_held(run, "were left as they were")
    kept = f"; left {len(run.kept)} file(s) of other specs as they were" if run.kept else ""
    click.echo(f"slogen: wrote {len(run.files)} files to {out}{kept}", err=True)


@main.command()
@specs_input
@existing_out_option
@grafana_schema_option
@prune_option
@target_option
@run_limits
def check(
    paths: tuple[Path, ...],
    more_specs: tuple[Path, ...],
    out: Path,
    grafana_schema_version: int,
    prune: bool,
    targets: tuple[str, ...],
    max_seconds: float,
    max_memory: int,
) -> None:
    """Fail with a diff when the output directory is not what `slogen generate` would write (GitOps drift check)."""
    from . import cache
    from .targets import RenderOptions
    from .write import OutputChanged, drift, plan

    specs = _spec_paths(paths, more_specs)
    options = RenderOptions(grafana_schema_version, targets or None)
    tree = _rendered(specs, out, options, budget.RunLimits(max_seconds, max_memory), cache.for_output(out))
    with _locked(out, shared=True):  # a run writing meanwhile would show as drift
        run = plan(out, tree, specs, prune)
        try:
            differences = drift(out, run)
        except OutputChanged as err:
            _fail(str(err))
    for difference in differences:
        click.echo(difference, nl=False)
    _report_held(run, "were not compared")
    if differences:
        _fail(f"{len(differences)} file(s) in {out} differ from the specs; run `slogen generate`")
    click.echo(f"slogen: {out} matches the specs", err=True)


@main.command()
@existing_out_option
def test(out: Path) -> None:
    """Run promtool check/test rules, and amtool check-config and routing tests, on the generated output: side by
    side on every core, each test against only the rules it can observe. Progress goes to stderr."""
    from . import testplan
    from .targets import alertmanager as alertmanager_target
    from .targets import deploy_checks, prometheus

    rule_files = sorted((out / prometheus.RULES_DIR).glob("*.yml"))
    test_files = sorted((out / prometheus.TESTS_DIR).glob("*.yml"))
    if not rule_files:
        _fail(f"no rule files under {out / prometheus.RULES_DIR}; run `slogen generate` first")
    config = out / alertmanager_target.CONFIG
    routed = config.exists()
    workers = os.cpu_count() or 1
    deployed = deploy_checks(out)
    checks = testplan.check_steps(rule_files, config if routed else None) + deployed
    _exit_on_failures(_run_steps("slogen test: checks", checks, workers))
    with tempfile.TemporaryDirectory(prefix="slogen-test-") as tmp:
        routes = out / alertmanager_target.ROUTE_TESTS if routed else None
        results = _run_steps("slogen test", testplan.test_steps(test_files, routes, Path(tmp), workers), workers)
    _exit_on_failures(results)
    click.echo(
        f"slogen test: ok — {len(rule_files)} rule file(s) pass promtool check, "
        f"{testplan.checked(results, 'promtool')} test(s) in {len(test_files)} test file(s) pass promtool test"
    )
    if routed:
        click.echo(
            f"slogen test: ok — {config} passes amtool check-config, {testplan.checked(results, 'amtool')} "
            "alert(s) reach their receivers (amtool config routes test)"
        )
    for step in deployed:
        click.echo(f"slogen test: ok — {step.tool} {step.what}")


def _exit_on_failures(results: "testplan.Results") -> None:
    """Exit 1 if any step failed (promtool's or amtool's), after printing what each failed step said."""
    from . import testplan

    for _step, outcome in results:
        if not outcome.passed:
            click.echo(outcome.report.rstrip("\n"), err=True)
    problems = testplan.failures(results)
    if problems:
        _fail(problems)


def _run_steps(label: str, steps: "list[testplan.Step]", workers: int) -> "testplan.Results":
    """Run steps side by side. Progress on stderr: a bar at a terminal, else one line per finished step (CI)."""
    from . import promtool, testplan

    try:
        if sys.stderr.isatty() and steps:
            with click.progressbar(
                length=len(steps), label=label, file=sys.stderr, item_show_func=lambda what: what
            ) as bar:
                return testplan.run(steps, workers, lambda step, _outcome: bar.update(1, f"{step.tool} {step.what}"))
        count = iter(range(1, len(steps) + 1))
        return testplan.run(steps, workers, lambda step, outcome: _log(label, next(count), len(steps), step, outcome))
    except (promtool.PromtoolMissing, promtool.PromtoolError) as err:  # amtool's are the same classes
        _fail(str(err))


def _log(label: str, number: int, total: int, step: "testplan.Step", outcome: "testplan.Outcome") -> None:
    verdict = "ok" if outcome.passed else "FAILED"
    click.echo(f"{label}: [{number}/{total}] {step.tool} {step.what}: {verdict} ({outcome.seconds:.1f}s)", err=True)


def _time(ctx: click.Context, param: click.Parameter, value: str) -> float:
    """RFC 3339 or unix seconds → unix seconds; anything else is a usage error (exit 2)."""
    from . import backfill

    try:
        return backfill.parse_time(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _prometheus_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not an http:// or https:// URL of the Prometheus API")
    return value


@main.command("backfill")
@click.option(
    "--from",
    "start",
    required=True,
    metavar="TIME",
    callback=_time,
    help="Start of the range: RFC 3339 or unix seconds.",
)
@click.option(
    "--to", "end", required=True, metavar="TIME", callback=_time, help="End of the range: RFC 3339 or unix seconds."
)
@click.option(
    "--url",
    required=True,
    callback=_prometheus_url,
    help="The Prometheus API that holds the raw series, e.g. http://prometheus:9090.",
    metavar="URL",
)
@specs_input
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_BACKFILL_OUT,
    show_default=True,
    help="Where the rule files and blocks go.",
)
def backfill_command(
    start: float, end: float, url: str, paths: tuple[Path, ...], more_specs: tuple[Path, ...], out: Path
) -> None:
    """Rebuild the recorded base rates where Prometheus did not record them (an outage), as TSDB blocks."""
    from . import backfill, pipeline, promtool

    if start >= end:
        raise click.UsageError(
            f"--from ({backfill.format_time(start)}) must be before --to ({backfill.format_time(end)})"
        )
    outcome = pipeline.check(_spec_paths(paths, more_specs))
    _report(outcome.findings, "text")
    if not outcome.ok or outcome.project is None:
        _fail("specs are invalid; nothing was backfilled")
    try:
        result = backfill.run(outcome.project, url, start, end, out)
    except (backfill.BackfillError, promtool.PromtoolMissing, promtool.PromtoolError) as err:
        _fail(str(err))
    click.echo(backfill.report(result), nl=False)


@main.command("explain")
@click.argument("target", required=False, metavar="[SERVICE[/SLO]]")
@specs_option  # the positional argument is the SLO to explain, so specs come by --specs only
@run_limits
def explain_command(target: str | None, more_specs: tuple[Path, ...], max_seconds: float, max_memory: int) -> None:
    """What each SLO's alerts will do: the pairs that fire, at what error ratio, how fast at 100 %, 10 % and
    2 % errors and with how much budget gone, how soon they reset, and what was skipped and why."""
    from . import explain, pipeline

    specs = _spec_paths((), more_specs)
    with _within(max_seconds, max_memory):
        outcome = pipeline.check(specs)
    _report(outcome.findings, "text")
    if not outcome.ok or outcome.project is None:
        _fail("specs are invalid; fix them first")
    try:
        lines = explain.explain(outcome.project, target)
    except explain.UnknownTarget as err:
        raise _UsageLine(str(err)) from None
    click.echo("\n".join(lines))


# slogen init's questions: option → (question, default). No default: required without a terminal.
INIT_QUESTIONS: dict[str, tuple[str, str | None]] = {
    "service": ("Service name (lower-case letters, digits, -)", None),
    "team": ("Team label", "sre"),
    "job": ("Prometheus scrape job of the service", None),
    "requests_metric": ("Request counter (with a `code` label)", "http_requests_total"),
    "duration_metric": ("Request duration histogram (base name)", "http_request_duration_seconds"),
    "objective": ("Availability objective, percent", "99.9"),
    "latency": ("Latency threshold", "300ms"),
    "latency_objective": ("Percent of requests faster than that", "99"),
    "url_file": (
        "File holding the Slack webhook URL on the Alertmanager host (- for no routing)",
        "/etc/alertmanager/secrets/slack-webhook-url",
    ),
    "runbook": ("Runbook URL", "https://runbooks.example.com/"),
}


def _init_option(name: str) -> Callable[[_Command], _Command]:
    question, default = INIT_QUESTIONS[name]
    shown = f" [default: {default}]" if default else " (asked at a terminal; required otherwise)"
    return click.option(f"--{name.replace('_', '-')}", name, default=None, help=f"{question}{shown}.")


def _at_terminal() -> bool:
    return sys.stdin.isatty()


def _answer(name: str, given: str | None, ask: bool) -> str:
    """A flag's value, else the answer to its question at a terminal, else its default."""
    question, default = INIT_QUESTIONS[name]
    if given is not None:
        return given
    if ask:
        return str(click.prompt(question, default=default))
    if default is None:
        raise _UsageLine(f"--{name.replace('_', '-')} is required without a terminal (or without --no-input)")
    return default


def _objective(name: str, text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        raise _UsageLine(f"--{name.replace('_', '-')} {text!r} is not a number") from None


@main.command("init")
@_init_option("service")
@_init_option("team")
@_init_option("job")
@_init_option("requests_metric")
@_init_option("duration_metric")
@_init_option("objective")
@_init_option("latency")
@_init_option("latency_objective")
@_init_option("url_file")
@_init_option("runbook")
@click.option("--no-input", is_flag=True, help="Never ask: take the flags, and the defaults for the rest.")
@click.option(
    "--specs",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_SPECS,
    show_default=True,
    help="Directory the spec goes in.",
)
@out_option
def init_command(no_input: bool, specs: Path, out: Path, **given: str | None) -> None:
    """Start a new team: a spec with an availability and a latency SLO, routing to one receiver, the schema for
    the editor and a make snippet; then validate and generate. Asks for what the flags do not give (at a
    terminal) and never overwrites a file."""
    from . import scaffold
    from .targets import RenderOptions

    ask = not no_input and _at_terminal()
    value = {name: _answer(name, given[name], ask) for name in INIT_QUESTIONS}
    url_file = value["url_file"]
    answers = scaffold.Answers(
        service=value["service"],
        team=value["team"],
        job=value["job"],
        requests_metric=value["requests_metric"],
        duration_metric=value["duration_metric"],
        objective=_objective("objective", value["objective"]),
        latency_threshold=value["latency"],
        latency_objective=_objective("latency_objective", value["latency_objective"]),
        url_file=None if url_file == "-" or _routing_exists(specs) else url_file,
        runbook=value["runbook"],
    )
    problems = scaffold.problems(answers)
    if problems:
        raise _UsageLine("; ".join(problems))
    files = scaffold.files(answers, specs, out)
    spec = next(iter(files))
    if spec.exists():
        _fail(f"{spec} already exists; slogen init never overwrites a file: pick another --service or move it")
    for path, text in files.items():
        if path.exists():  # the schema and make snippet a first `slogen init` wrote: shared, and kept
            click.echo(f"slogen: kept {path} as it is", err=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"slogen: wrote {path}", err=True)
    if url_file != "-" and answers.url_file is None:
        click.echo(f"slogen: left routing out: a spec under {specs} already holds the project's routing", err=True)
    run = _generate([specs], out, RenderOptions(), prune=False, limits=budget.RunLimits())
    click.echo(
        f"slogen: wrote {len(run.files)} files to {out}. Next: `slogen explain {answers.service}`, "
        f"`slogen test --out {out}`, and `include {scaffold.MAKE_SNIPPET}` from your Makefile",
        err=True,
    )


def _routing_exists(specs: Path) -> bool:
    """Whether a spec already under `specs` holds the project's one routing section."""
    from . import pipeline
    from .load import has_specs

    if not specs.is_dir() or not has_specs(specs):
        return False
    project = pipeline.check([specs]).project
    return project is not None and project.routing is not None


@main.group("export")
def export_group() -> None:
    """Write the specs' SLOs in another tool's format."""


@export_group.command("openslo")
@specs_input
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write <service>.openslo.yaml here (default: stdout).",
)
@run_limits
def export_openslo(
    paths: tuple[Path, ...], more_specs: tuple[Path, ...], out: Path | None, max_seconds: float, max_memory: int
) -> None:
    """OpenSLO v1 documents (Service, SLI, SLO, AlertCondition + AlertPolicy per burn-rate pair) for every SLO."""
    from . import pipeline
    from .render import openslo
    from .write import write_files

    specs = _spec_paths(paths, more_specs)
    with _within(max_seconds, max_memory):
        outcome = pipeline.check(specs)
    _report(outcome.findings, "text")
    if not outcome.ok or outcome.project is None:
        _fail("specs are invalid; fix them first")
    texts: dict[str, str] = {}
    for service in outcome.project.services:
        exported = openslo.service_documents(service)
        for reason in exported.skipped:
            click.echo(f"slogen: {reason}", err=True)
        texts[f"{service.name}.openslo.yaml"] = openslo.stream_text(exported.documents)
    if out is None:
        click.echo("".join(texts.values()), nl=False)
    else:
        with _writing(out):
            write_files(out, texts)


def _import_formats() -> list[str]:
    """The importers' formats. Asked for when FORMAT is checked or completed, not by a click.Choice: listing the
    choices when the command is declared would import every importer at each start of slogen."""
    from .inputs import importers

    return sorted(importers.IMPORTERS)


def _import_format(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if value not in _import_formats():
        raise click.BadParameter(f"{value!r} is not one of {', '.join(map(repr, _import_formats()))}.")
    return value


def _complete_import_format(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return [name for name in _import_formats() if name.startswith(incomplete)]


@main.command("import")
@click.argument("fmt", metavar="FORMAT", callback=_import_format, shell_complete=_complete_import_format)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_SPECS,
    show_default=True,
    help="Directory the specs go in, one <service>.yaml per service.",
)
@click.option("--allow-partial", is_flag=True, help="Exit 0 even when some items were left out (they stay comments).")
@click.option(
    "--default-slo-period",
    metavar="DURATION",
    help="sloth only: the --default-slo-period you ran Sloth with (default 30d); picks the AlertWindows given.",
)
@run_limits
def import_command(
    fmt: str,
    files: tuple[Path, ...],
    out: Path,
    allow_partial: bool,
    default_slo_period: str | None,
    max_seconds: float,
    max_memory: int,
) -> None:
    """Turn another tool's SLO files into slogen specs. Anything that does not map is reported with its
    file:line and kept as a comment in the spec; then the specs are validated as `slogen validate` would."""
    from . import pipeline, scaffold
    from .document import display_name
    from .inputs import importers
    from .inputs.importers import emit as import_emit
    from .inputs.importers import sources as import_sources
    from .schema import SCHEMA_FILE
    from .write import write_files

    options = importers.ImportOptions(_import_period(fmt, default_slo_period))
    with _within(max_seconds, max_memory):
        documents, problems = import_sources.load(list(files))
        if problems:
            _report(problems, "text")
            sys.exit(1)
        imported = importers.IMPORTERS[fmt].convert(documents, options)
        texts = import_emit.render(imported, fmt, [display_name(f) for f in files])
    clash = next((out / name for name in texts if (out / name).exists()), None)
    if clash is not None:
        _fail(f"{clash} already exists; slogen import never overwrites a spec: move it or pick another --out")
    written = dict(texts)
    if texts and not (out / SCHEMA_FILE).exists():  # what the modeline points at, as `slogen init` writes it
        written[SCHEMA_FILE] = scaffold.schema_text()
    with _writing(out):
        write_files(out, written)
    for name in written:
        click.echo(f"slogen: wrote {out / name}", err=True)
    _report(imported.left_out, "text")
    outcome = pipeline.check([out / name for name in texts]) if texts else pipeline.Outcome()
    _report(outcome.findings, "text")
    if not texts or not outcome.ok:
        _fail("nothing was imported" if not texts else "the imported specs are not valid yet; see above")
    if imported.left_out and not allow_partial:
        _fail(
            f"{len(imported.left_out)} item(s) left out (see above and the `left out:` comments); "
            "pass --allow-partial to accept"
        )


def _import_period(fmt: str, period: str | None) -> int | None:
    if period is None:
        return None
    if fmt != "sloth":
        raise click.UsageError(f"--default-slo-period is Sloth's flag; {fmt} files carry their own periods")
    try:
        return parse_duration(period)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--default-slo-period") from None


@main.command()
def schema() -> None:
    """Print the spec's JSON Schema (also at generator/schema/slogen-v1.schema.json)."""
    from .scaffold import schema_text

    click.echo(schema_text(), nl=False)


def _optional_prometheus_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return None if value is None else _prometheus_url(ctx, param, value)


@main.command("serve")
@specs_input
@click.option(
    "--prometheus",
    "prometheus_url",
    callback=_optional_prometheus_url,
    metavar="URL",
    help="The Prometheus that evaluates the generated rules, e.g. http://127.0.0.1:9090. Without it: the catalog only.",
)
@click.option("--grafana", metavar="URL", help="Grafana's base URL, for links to the SLO dashboards.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind. The pages have no login: keep it local, or put a proxy with one in front.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0 picks a free port.")
@run_limits
def serve_command(
    paths: tuple[Path, ...],
    more_specs: tuple[Path, ...],
    prometheus_url: str | None,
    grafana: str | None,
    host: str,
    port: int,
    max_seconds: float,
    max_memory: int,
) -> None:
    """Serve the SLO catalog, live status (with --prometheus) and one page per SLO, read-only, until Ctrl-C."""
    from . import pipeline
    from .serve import app, prometheus, server

    specs = _spec_paths(paths, more_specs)
    with _within(max_seconds, max_memory):  # the limits bound reading the specs, not the hours of serving
        outcome = pipeline.check(specs)
    _report(outcome.findings, "text")
    if not outcome.ok or outcome.project is None:
        _fail("specs are invalid; fix them first")
    source = prometheus.HTTPPrometheus(prometheus_url) if prometheus_url else None
    asgi = app.create_app(outcome.project, app.Settings(source, grafana))
    try:
        sock = server.bind(host, port)
    except server.BindError as err:
        _fail(str(err))
    slos = sum(len(s.slos) for s in outcome.project.services)
    live = f"live from {prometheus_url}" if prometheus_url else "catalog only (no --prometheus)"
    click.echo(f"slogen serve: {server.url_of(sock)}/ ({slos} SLO(s), {live}); Ctrl-C stops it", err=True)
    server.run(asgi, sock)
