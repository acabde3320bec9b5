"""A burn-rate pair whose threshold is at or above 100 % errors can never fire: warn, and skip it."""

from .. import burnrate
from ..durations import format_duration, format_number
from ..model import Project

ID = "burn-window-unreachable"


def check(project: Project):
    for slo in project.slos():
        if slo.error_budget <= 0:
            continue
        for index, window in enumerate(slo.alerting.windows):
            ratio = burnrate.threshold_ratio(window, slo.period, slo.error_budget)
            if ratio >= 1:
                factor = format_number(window.factor(slo.period))
                yield slo.alerting.windows_source.finding(
                    ("windows", index) if slo.alerting.windows_source is not slo.source else ("objective",),
                    f"the {window.severity} pair {format_duration(window.long)}/{format_duration(window.short)} needs a "
                    f"{factor}× burn, which is {format_number(ratio * 100)} % errors for a {slo.objective_percent} % "
                    "objective: it can never fire and is skipped; set alerting.windows for this SLO",
                    ID, level="warning")
