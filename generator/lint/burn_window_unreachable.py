"""A burn-rate pair whose threshold is at or above 100 % errors can never fire: warn, and skip it."""

from collections.abc import Iterator

from .. import burnrate
from ..document import SpecPath
from ..durations import format_duration, format_number
from ..findings import Finding
from ..model import SLO, Project
from ..source import Source

ID = "burn-window-unreachable"


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        if not 0 < slo.error_budget < 1:
            continue  # a missing or 100 % objective is slo-target's finding; nothing to add here
        for index, written in enumerate(slo.alerting.windows):
            if burnrate.degenerate(written, slo.base_window):
                continue  # skipped for that already (burn-window-degenerate)
            window = burnrate.raised(written, slo.base_window)  # as the rules would compute it
            ratio = burnrate.threshold_ratio(window, slo.period, slo.error_budget)
            if ratio < 1:
                continue
            message = (
                f"the {window.severity} pair {format_duration(window.long)}/{format_duration(window.short)} "
                f"needs a {format_number(window.factor(slo.period))}× burn, which is "
                f"{format_number(ratio * 100)} % errors for a {format_number(slo.objective_percent)} % "
                "objective: it can never fire and is skipped; set alerting.windows for this SLO"
            )
            yield _at_window(slo, index).finding(_window_path(slo, index), message, ID, level="warning")


def _at_window(slo: SLO, index: int) -> Source:
    """Custom windows are reported where they are written; the Workbook defaults at the objective."""
    return slo.alerting.windows_source or slo.spec


def _window_path(slo: SLO, index: int) -> SpecPath:
    return ("windows", index) if slo.alerting.windows_source else ("objective",)
