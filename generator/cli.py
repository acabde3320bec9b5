"""The slogen command line: one Click group, one thin function per command."""

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from . import __version__, amtool, backfill, pipeline, promtool
from .findings import ERROR, WARNING, Finding
from .render.grafana_compat import DEFAULT_SCHEMA_VERSION
from .targets import RenderOptions, prometheus
from .targets import alertmanager as alertmanager_target
from .write import drift, render_tree, write

DEFAULT_SPECS = Path("slo_specs")
DEFAULT_OUT = Path("output")
PROGRESS_MINIMUM = 50  # a bar for a handful of services would only flicker

_T = TypeVar("_T")


def _report(findings: list[Finding], output_format: str) -> None:
    for finding in findings:
        click.echo(finding.as_json() if output_format == "json" else finding.text())
    errors = sum(f.level == ERROR for f in findings)
    warnings = sum(f.level == WARNING for f in findings)
    if findings and output_format == "text":
        click.echo(f"slogen: {errors} error(s), {warnings} warning(s)", err=True)


def _fail(message: str) -> NoReturn:
    click.echo(f"slogen: {message}", err=True)
    sys.exit(1)


specs_option = click.option(
    "--specs", type=click.Path(path_type=Path), default=DEFAULT_SPECS, show_default=True, help="Spec file or directory."
)
out_option = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output directory.",
)
grafana_schema_option = click.option(
    "--grafana-schema-version",
    type=click.IntRange(min=36),
    default=DEFAULT_SCHEMA_VERSION,
    show_default=True,
    help="schemaVersion written into the Grafana dashboards (39 suits Grafana 10.4/11).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="slogen")
def main() -> None:
    """Generate Prometheus rules, promtool tests, Grafana dashboards and Alertmanager routing from SLO specs."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints one object per finding, for CI annotations.",
)
def validate(paths: tuple[Path, ...], output_format: str) -> None:
    """Check specs: schema, then semantic lint rules. Exit 1 on any error."""
    outcome = pipeline.check(list(paths) or [DEFAULT_SPECS])
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


def _generated(specs: Path, grafana_schema_version: int) -> dict[str, bytes]:
    options = RenderOptions(grafana_schema_version=grafana_schema_version)
    outcome = pipeline.generate([specs], options=options, progress=_progress("rendering"))
    _report(outcome.findings, "text")
    if not outcome.ok:
        _fail("specs are invalid; nothing was written")
    return render_tree(outcome.files, progress=_progress("serialising"))


@main.command()
@specs_option
@out_option
@grafana_schema_option
def generate(specs: Path, out: Path, grafana_schema_version: int) -> None:
    """Write rules, tests, dashboards and routing into the output directory, atomically."""
    tree = _generated(specs, grafana_schema_version)
    write(out, tree)
    click.echo(f"slogen: wrote {len(tree)} files to {out}", err=True)


@main.command()
@specs_option
@out_option
@grafana_schema_option
def check(specs: Path, out: Path, grafana_schema_version: int) -> None:
    """Fail with a diff when the output directory is not what the specs generate (GitOps drift check)."""
    differences = drift(out, _generated(specs, grafana_schema_version))
    for difference in differences:
        click.echo(difference, nl=False)
    if differences:
        _fail(f"{len(differences)} file(s) in {out} differ from the specs; run `slogen generate`")
    click.echo(f"slogen: {out} matches the specs", err=True)


@main.command()
@out_option
def test(out: Path) -> None:
    """Run promtool check/test rules, and amtool check-config and routing tests, on the generated output."""
    rule_files = sorted((out / prometheus.RULES_DIR).glob("*.yml"))
    test_files = sorted((out / prometheus.TESTS_DIR).glob("*.yml"))
    if not rule_files:
        _fail(f"no rule files under {out / prometheus.RULES_DIR}; run `slogen generate` first")
    try:
        promtool.version()
        checked, _problems, output = promtool.check_rules(rule_files)
        if not checked:
            click.echo(output, err=True)
            _fail("promtool check rules failed")
        tested, output = promtool.test_rules_in_parallel(test_files, os.cpu_count() or 1)
    except (promtool.PromtoolMissing, promtool.PromtoolError) as err:
        _fail(str(err))
    if not tested:
        click.echo(output, err=True)
        _fail("promtool test rules failed")
    click.echo(
        f"slogen test: ok — {len(rule_files)} rule file(s) pass promtool check, "
        f"{len(test_files)} test file(s) pass promtool test"
    )
    if (out / alertmanager_target.CONFIG).exists():
        _test_alertmanager(out)


def _test_alertmanager(out: Path) -> None:
    config = out / alertmanager_target.CONFIG
    try:
        amtool.version()
        checked, output = amtool.check_config(config)
        if not checked:
            click.echo(output, err=True)
            _fail(f"amtool check-config {config} failed")
        results = amtool.run_route_file(out / alertmanager_target.ROUTE_TESTS)
    except (amtool.AmtoolMissing, amtool.AmtoolError) as err:
        _fail(str(err))
    failed = [r for r in results if not r.passed]
    for result in failed:
        click.echo(f"{out / alertmanager_target.ROUTE_TESTS}: {result.text()}", err=True)
    if failed:
        _fail(f"{len(failed)} of {len(results)} routing test(s) failed")
    click.echo(
        f"slogen test: ok — {config} passes amtool check-config, {len(results)} alert(s) reach their "
        "receivers (amtool config routes test)"
    )


def _time(ctx: click.Context, param: click.Parameter, value: str) -> float:
    """RFC 3339 or unix seconds → unix seconds; anything else is a usage error (exit 2)."""
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
@specs_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=backfill.DEFAULT_OUT,
    show_default=True,
    help="Where the rule files and blocks go.",
)
def backfill_command(start: float, end: float, url: str, specs: Path, out: Path) -> None:
    """Rebuild the recorded base rates where Prometheus did not record them (an outage), as TSDB blocks."""
    if start >= end:
        raise click.UsageError(
            f"--from ({backfill.format_time(start)}) must be before --to ({backfill.format_time(end)})"
        )
    outcome = pipeline.check([specs])
    _report(outcome.findings, "text")
    if not outcome.ok or outcome.project is None:
        _fail("specs are invalid; nothing was backfilled")
    try:
        result = backfill.run(outcome.project, url, start, end, out)
    except (backfill.BackfillError, promtool.PromtoolMissing, promtool.PromtoolError) as err:
        _fail(str(err))
    click.echo(backfill.report(result), nl=False)


@main.command()
def schema() -> None:
    """Print the spec's JSON Schema (also at generator/schema/slogen-v1.schema.json)."""
    from importlib import resources

    from .validate import SCHEMA_FILE

    click.echo(resources.files("generator.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"), nl=False)
