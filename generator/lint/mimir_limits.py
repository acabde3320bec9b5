"""The Mimir target's groups stay within the tenant's ruler limits the `targets.mimir` section names: a group the
ruler would refuse is a finding here, not a failed `mimirtool rules load`."""

from collections.abc import Iterator

from .. import fleet
from ..deploy import Mimir
from ..findings import Finding
from ..fleet import Fleet
from ..model import Project
from ..targets.base import RenderOptions

ID = "mimir-limits"


def check(project: Project) -> Iterator[Finding]:
    from ..targets import mimir  # the renderers' imports, only for a run whose specs deploy to Mimir

    yield from check_fleet(fleet.of(project, RenderOptions(), (mimir,)))


def check_fleet(whole: Fleet) -> Iterator[Finding]:
    settings = whole.sections.deploy.get("mimir")
    if isinstance(settings, Mimir):
        from ..targets import mimir

        yield from mimir.limit_findings(whole, settings)
