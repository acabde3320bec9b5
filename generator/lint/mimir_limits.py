"""The Mimir target's groups stay within the tenant's ruler limits the `targets.mimir` section names: a group the
ruler would refuse is a finding here, not a failed `mimirtool rules load`."""

from collections.abc import Iterator

from ..deploy import Mimir
from ..findings import Finding
from ..model import Project
from ..targets import mimir

ID = mimir.LINT_ID


def check(project: Project) -> Iterator[Finding]:
    settings = project.deploy.get("mimir")
    if isinstance(settings, Mimir):
        yield from mimir.limit_findings(project, settings)
