"""An objective of 100 % leaves no error budget to burn.

The other target problems (no objective, objective and percentiles both, a latency SLI without a
threshold) leave the model nothing to build, so model.build reports them under this rule's ID.
"""

from collections.abc import Iterator

from ..findings import Finding
from ..model import TARGET_RULE, Project

ID = TARGET_RULE


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        if slo.objective_percent == 100:
            yield slo.spec.finding(
                ("objective",),
                "objective 100 leaves a zero error budget, so burn rates are "
                "undefined; use a zero_tolerance alert for events that must never happen",
                ID,
            )
