"""What every output target shares: the options the CLI passes down and the error a target reports."""

from dataclasses import dataclass

from ..deploy import NOWHERE, Deploy
from ..findings import Finding
from ..render import DEFAULT_SCHEMA_VERSION
from ..runbooks import Runbooks


@dataclass(frozen=True)
class RenderOptions:
    """Choices the CLI passes down to targets (no module-level state)."""

    grafana_schema_version: int = DEFAULT_SCHEMA_VERSION
    targets: tuple[str, ...] | None = None  # --target (deploy.NAMES); None: those the specs' `targets` section names
    deploy: Deploy = NOWHERE  # the targets this run renders, with their settings: set by pipeline.generate
    # The specs' `runbooks` section, which every service's docs pages read: set by pipeline.generate, so a service's
    # files stay a function of the service and the options (what the incremental cache keys them by).
    runbooks: Runbooks | None = None


class RenderError(Exception):
    """A target cannot render valid output for a valid model; the finding says where and why."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding
