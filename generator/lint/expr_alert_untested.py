"""An expr alert without a test block cannot be proven to fire; slogen synthesises the other kinds."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import ExprCondition, Project

ID = "expr-alert-untested"


def check(project: Project) -> Iterator[Finding]:
    for alert in project.alerts():
        if isinstance(alert.condition, ExprCondition) and alert.test is None:
            yield alert.source.finding(
                ("expr",),
                f"alert {alert.name} has no test block, so the generated "
                "promtool tests cannot prove it fires; add test: "
                "{series: [...], holds_from: ...}",
                ID,
                level="warning",
            )
