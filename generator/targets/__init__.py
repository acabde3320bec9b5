"""Output targets. Each module renders the files of one system (Prometheus, Grafana, Alertmanager):
`service_files(service, options)` for what each service gets, `project_files(project, options)` for what
spans services. A new target is one module here plus one line in TARGETS.
"""

from typing import Protocol

from ..model import Project, Service
from ..write import OutputFile
from . import alertmanager, grafana, prometheus
from .base import RenderError, RenderOptions


class Target(Protocol):
    """Met by the modules themselves: mypy checks each module's functions against these methods."""

    def service_files(self, service: Service, options: RenderOptions) -> list[OutputFile]: ...

    def project_files(self, project: Project, options: RenderOptions) -> list[OutputFile]: ...


TARGETS: tuple[Target, ...] = (prometheus, grafana, alertmanager)

__all__ = ["TARGETS", "RenderError", "RenderOptions", "Target"]
