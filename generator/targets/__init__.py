"""Output targets. Each module renders the files of one system (Prometheus, Grafana, Alertmanager, and the deploy
targets of generator/deploy.py): `service_files(service, options)` for what each service gets,
`project_files(fleet, options)` for what spans services, from each service's summary (generator/fleet.py) and
the parts of it the target reads (`service_part`, part_makers). A new target is one module here, imported and
named in all_targets or deploy_targets.
"""

from functools import cache
from pathlib import Path
from typing import Protocol

from ..fleet import Fleet, PartMaker
from ..model import Service
from ..testplan import Step
from ..write import OutputFile
from .base import RenderError, RenderOptions


class Target(Protocol):
    """Met by the modules themselves: mypy checks each module's functions against these methods."""

    def service_files(self, service: Service, options: RenderOptions) -> list[OutputFile]: ...

    def project_files(self, fleet: Fleet, options: RenderOptions) -> list[OutputFile]: ...


class DeployTarget(Target, Protocol):
    """A deploy target also checks its own files for `slogen test` (none when the run did not write them)."""

    def checks(self, out: Path) -> list[Step]: ...


# The targets are imported on first use, not with the package: the renderers import grafanalib, jinja2 and
# jsonschema (half a second), which a run that renders nothing never needs: `slogen check` after one spec changed,
# or the run whose changed services a forked worker renders (pipeline._incremental).


@cache
def all_targets() -> tuple[Target, ...]:
    """The plain files, which every run writes, then the deploy targets."""
    from . import alertmanager, docs, grafana, prometheus

    return (prometheus, grafana, alertmanager, docs, *deploy_targets())


@cache
def deploy_targets() -> tuple[DeployTarget, ...]:
    """Packagings of the same rules and dashboards, rendered when the specs' `targets` or --target name them."""
    from . import grafana_operator, grafana_sidecar, mimir, prometheus_operator, thanos, vmalert

    return (mimir, thanos, vmalert, prometheus_operator, grafana_sidecar, grafana_operator)


@cache
def part_makers() -> tuple[PartMaker, ...]:
    """The targets whose project files read something of each service beyond its summary."""
    from . import alertmanager, docs, grafana, mimir, prometheus_operator

    return (grafana, alertmanager, docs, prometheus_operator, mimir)


def deploy_checks(out: Path) -> list[Step]:
    """Every deploy target's checks of the files it wrote under `out`."""
    return [step for target in deploy_targets() for step in target.checks(out)]


__all__ = [
    "DeployTarget",
    "RenderError",
    "RenderOptions",
    "Target",
    "all_targets",
    "deploy_checks",
    "deploy_targets",
    "part_makers",
]
