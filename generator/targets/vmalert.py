"""vmalert rule files (VictoriaMetrics), one per service, and `vmalert -dryRun` to check them.

vmalert 1.79 decodes rule files strictly: a key it does not know (`keep_firing_for`, Thanos'
`partial_response_strategy`) fails the whole file ("unknown fields in rule"). slogen's rules are engine-neutral
PromQL, which MetricsQL reads as the same queries, so the groups are the plain rule files' groups; rendering refuses
a key outside what 1.79 knows, should one ever reach the rules. How MetricsQL's evaluation differs, and what
that means for these rules, is in docs/rules.md (Engines).
"""

import subprocess
from functools import partial
from pathlib import Path

from ..fleet import Fleet
from ..model import Service
from ..render.rules import render_rules
from ..testplan import Outcome, Step
from ..tools import Tool
from ..write import OutputFile
from . import ruler_files
from .base import RenderError, RenderOptions

DIR = "vmalert"
# The keys vmalert 1.79 knows that slogen may write (app/vmalert/config/config.go: Group and Rule).
GROUP_KEYS = frozenset({"name", "interval", "rules", "limit", "concurrency", "labels"})
RULE_KEYS = frozenset({"record", "alert", "expr", "for", "labels", "annotations"})
INSTALL_HINT = (
    "install vmalert: `apt-get install victoria-metrics` (Debian/Ubuntu), or download vmutils from "
    "VictoriaMetrics' releases and set VMALERT=/path/to/vmalert"
)
# Debian's build prints no version (`vmalert -version` is empty), so the minimum is what the checks were run
# with, not a check: `Tool.version()` is not called.
MINIMUM_VERSION = (1, 79)
TIMEOUT_SECONDS = 120
VMALERT = Tool("vmalert", "VMALERT", INSTALL_HINT, MINIMUM_VERSION, TIMEOUT_SECONDS)


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    if options.deploy.get("vmalert") is None:
        return []
    groups = ruler_files.rule_groups(render_rules(service))
    for group in groups:
        for key in sorted(set(group) - GROUP_KEYS) + sorted({k for rule in group["rules"] for k in rule} - RULE_KEYS):
            raise RenderError(
                service.documents[0].finding(
                    ("service",),
                    f"rule group {group['name']!r} has {key!r}, which vmalert 1.79 does not know and refuses",
                    "vmalert",
                )
            )
    return [OutputFile(f"{DIR}/{service.name}.rules.yml", {"groups": groups}, service.spec_files)]


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    return []


def checks(out: Path) -> list[Step]:
    """`vmalert -dryRun` on every vmalert file: it parses them as vmalert loads them (MetricsQL, templates, and
    no key it does not know) without querying anything."""
    files = sorted((out / DIR).glob("*.rules.yml")) if (out / DIR).is_dir() else []
    if not files:
        return []
    return [Step("vmalert", f"-dryRun: {len(files)} file(s)", partial(dry_run, files))]


def dry_run(files: list[Path]) -> Outcome:
    result: subprocess.CompletedProcess[str] = VMALERT.run(["-dryRun", *(f"-rule={path}" for path in files)])
    if result.returncode == 0:
        return Outcome(True, len(files), "")
    # vmalert logs every flag at info level first; the line that says what is wrong is the fatal one.
    output = result.stdout + result.stderr
    fatal = [line for line in output.splitlines() if "\tfatal\t" in line or "\terror\t" in line]
    return Outcome(False, len(files), "\n".join(fatal or [output.strip()]) + "\n")
