"""A selector of a scoped service (`scope: {env: pilot}`) that already matches a scope label matches it as the scope
does: otherwise the scope is not added there, and the selector reads another stage's series (or none)."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import ExprCondition, Project, Service
from ..selector import Matcher, Selector, SelectorError, selectors_in
from ..source import Source

ID = "scope-conflict"


def _conflicts(selector: Selector, scope: tuple[Matcher, ...]) -> list[tuple[Matcher, Matcher]]:
    return [(mine, m) for m in scope for mine in selector.matchers if mine.label == m.label and mine != m]


def _finding(source: Source, path: tuple[str | int, ...], text: str, mine: Matcher, scope: Matcher) -> Finding:
    return source.finding(
        path,
        f"selector {text} matches {mine.render()}, but the service's scope is {scope.render()}: it would read "
        f"series outside the scope; drop the matcher (the scope adds {scope.render()}) or change the scope",
        ID,
    )


def _in_expr(expr: str) -> tuple[Selector, ...]:
    try:
        return selectors_in(expr)
    except SelectorError:
        return ()  # promql-expr reports it


def _service(service: Service) -> Iterator[Finding]:
    scope = service.scope
    fields = [f for slo in service.slos for f in slo.sli.selectors] + [f for a in service.alerts for f in a.selectors]
    for field in fields:
        if field.parsed is not None:
            for mine, theirs in _conflicts(field.parsed, scope):
                yield _finding(field.source, (), field.text, mine, theirs)
    for alert in service.alerts:
        if isinstance(alert.condition, ExprCondition):
            for selector in _in_expr(alert.condition.expr):
                for mine, theirs in _conflicts(selector, scope):
                    yield _finding(alert.source, ("expr",), selector.render(), mine, theirs)
    for row in service.dashboard_rows:
        for panel in row.panels:
            for index, (expr, _legend) in enumerate(panel.queries):
                for selector in _in_expr(expr):
                    for mine, theirs in _conflicts(selector, scope):
                        yield _finding(panel.source, ("queries", index, "expr"), selector.render(), mine, theirs)


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        if service.scope:
            yield from _service(service)
