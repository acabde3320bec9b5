"""SLI and alert selectors are valid PromQL series selectors, reported at the spec's line."""

from ..model import LatencySLI, ProbeSLI, Project, QuantileCondition, RatioSLI, ZeroToleranceCondition

ID = "promql-selector"


def check(project: Project):
    for field in _selector_fields(project):
        if field.error is not None:
            yield field.source.finding((), f"invalid selector {field.text!r}: {field.error} "
                                       f"(at character {field.error.offset + 1})", ID)


def _selector_fields(project: Project):
    for slo in project.slos():
        sli = slo.sli
        if isinstance(sli, RatioSLI):
            yield from (f for f in (sli.errors, sli.good, sli.total) if f is not None)
        elif isinstance(sli, LatencySLI):
            yield sli.histogram
        elif isinstance(sli, ProbeSLI):
            yield sli.success
    for alert in project.alerts():
        if isinstance(alert.condition, QuantileCondition):
            yield alert.condition.histogram
        elif isinstance(alert.condition, ZeroToleranceCondition):
            yield alert.condition.counter
