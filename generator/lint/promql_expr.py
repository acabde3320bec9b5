"""Free-form PromQL (expr alerts, dashboard queries) parses, checked by promtool and reported at the spec line."""

from collections.abc import Iterator

from .. import promtool
from ..document import SpecPath
from ..findings import Finding
from ..model import ExprCondition, Project
from ..source import Source

ID = "promql-expr"


def check(project: Project) -> Iterator[Finding]:
    expressions: list[tuple[str, Source, SpecPath]] = []
    for alert in project.alerts():
        if isinstance(alert.condition, ExprCondition):
            expressions.append((alert.condition.expr, alert.source, ("expr",)))
    for service in project.services:
        for row in service.dashboard_rows:
            for panel in row.panels:
                for index, (expr, _legend) in enumerate(panel.queries):
                    expressions.append(
                        (promtool.substitute_grafana_variables(expr), panel.source, ("queries", index, "expr"))
                    )
    if not expressions:
        return
    try:
        errors = promtool.check_expressions([expr for expr, _source, _path in expressions])
    except promtool.PromtoolMissing as err:
        yield expressions[0][1].finding(expressions[0][2], str(err), ID)
        return
    for index, message in errors.items():
        _expr, source, path = expressions[index]
        yield source.finding(path, f"PromQL does not parse: {message}", ID)
