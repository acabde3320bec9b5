"""Output targets. Each module renders the files of one system (Prometheus, Grafana, Alertmanager, and the deploy
targets of generator/deploy.py): `service_files(service, options)` for what each service gets,
`project_files(fleet, options)` for what spans services, from each service's summary (generator/fleet.py) and
the parts of it the target reads (`service_part`, PART_MAKERS). A new target is one module here plus one line in
TARGETS or DEPLOY_TARGETS.
"""

from pathlib import Path
from typing import Protocol

from ..fleet import Fleet, PartMaker
from ..model import Service
from ..testplan import Step
from ..write import OutputFile
from . import (
    alertmanager,
    docs,
    grafana,
    grafana_operator,
    grafana_sidecar,
    mimir,
    prometheus,
    prometheus_operator,
    thanos,
    vmalert,
)
from .base import RenderError, RenderOptions


class Target(Protocol):
    """Met by the modules themselves: mypy checks each module's functions against these methods."""

    def service_files(self, service: Service, options: RenderOptions) -> list[OutputFile]: ...

    def project_files(self, fleet: Fleet, options: RenderOptions) -> list[OutputFile]: ...


class DeployTarget(Target, Protocol):
    """A deploy target also checks its own files for `slogen test` (none when the run did not write them)."""

    def checks(self, out: Path) -> list[Step]: ...


# Packagings of the same rules and dashboards, rendered when the specs' `targets` or --target name them.
DEPLOY_TARGETS: tuple[DeployTarget, ...] = (
    mimir,
    thanos,
    vmalert,
    prometheus_operator,
    grafana_sidecar,
    grafana_operator,
)
# The plain files, which every run writes, then the deploy targets.
TARGETS: tuple[Target, ...] = (prometheus, grafana, alertmanager, docs, *DEPLOY_TARGETS)
# The targets whose project files read something of each service beyond its summary.
PART_MAKERS: tuple[PartMaker, ...] = (grafana, alertmanager, docs, prometheus_operator, mimir)


def deploy_checks(out: Path) -> list[Step]:
    """Every deploy target's checks of the files it wrote under `out`."""
    return [step for target in DEPLOY_TARGETS for step in target.checks(out)]


__all__ = ["DEPLOY_TARGETS", "TARGETS", "DeployTarget", "RenderError", "RenderOptions", "Target", "deploy_checks"]
