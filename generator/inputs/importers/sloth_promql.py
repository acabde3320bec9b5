"""Sloth's SLI queries, read back into slogen's ratio SLI: which counters, summed by which labels.

Sloth runs its queries as written, once per window (`{{.window}}`); slogen writes its own `sum by (group_by)
(rate(<selector>[window]))`. So only queries that are exactly that, per side, convert without changing what is
measured:
- events: `error_query` and `total_query` each `sum(rate(<selector>[{{.window}}]))` (or `increase`, whose ratio is
  the same), both summed by the same labels. `error_query` may also be `total - sum(rate(<good>…))`, which is
  slogen's `good`, and may end in `or on() vector(0)`, which slogen already does (a missing error counter is 0).
- raw: `error_ratio_query` as `<errors sum> / <total sum>`, or `1 - (<good sum> / <total sum>)`.
Queries are parsed with promql-parser (the Rust parser Prometheus-compatible tools use), not by pattern.
"""

import re
from dataclasses import dataclass
from typing import Any

import promql_parser

from ...selector import SelectorError, parse_selector

WINDOW = re.compile(r"\{\{\s*\.window\s*\}\}")
# What `{{.window}}` becomes before parsing: a range no one writes, so a fixed range in a query is told apart.
_PLACEHOLDER_SECONDS = 7777777
_COUNTER_FUNCTIONS = ("rate", "increase")
_SHAPE = "`sum(rate(<selector>[{{.window}}]))`, optionally `by (…)`"


class QueryError(ValueError):
    """A query slogen cannot read as counters; `side` is "error" or "total" (which query is at fault)."""

    def __init__(self, message: str, side: str = "error"):
        super().__init__(message)
        self.side = side


@dataclass(frozen=True)
class Sum:
    selector: str  # as slogen writes selectors
    group_by: tuple[str, ...]


@dataclass(frozen=True)
class Counters:
    bad_or_good: str  # "errors" or "good"
    counter: str
    total: str
    group_by: tuple[str, ...]

    def ratio(self) -> dict[str, str]:
        return {self.bad_or_good: self.counter, "total": self.total}


def events(error_query: str, total_query: str) -> Counters:
    total = summed(_parse(total_query, "total"), "total")
    error = _without_zero_fallback(_parse(error_query, "error"))
    if is_node(error, "BinaryExpr") and str(error.op) == "-":
        minuend = summed(error.lhs, "error")
        if minuend != total:
            raise QueryError(
                "it subtracts from a sum that is not `total_query`; slogen reads `total - good` only as "
                "`<total_query> - sum(rate(<good selector>[{{.window}}]))`"
            )
        good = summed(error.rhs, "error")
        return _counters("good", good, total)
    return _counters("errors", summed(error, "error"), total)


def error_ratio(query: str) -> Counters:
    expr = unwrap(_parse(query, "error"))
    kind = "errors"
    if is_node(expr, "BinaryExpr") and str(expr.op) == "-" and is_node(expr.lhs, "NumberLiteral") and expr.lhs.val == 1:
        expr, kind = unwrap(expr.rhs), "good"
    if not (is_node(expr, "BinaryExpr") and str(expr.op) == "/"):
        raise QueryError(
            f"slogen reads a raw error ratio only as `<errors> / <total>` or `1 - (<good> / <total>)`, each side "
            f"{_SHAPE}"
        )
    return _counters(kind, summed(expr.lhs, "error"), summed(expr.rhs, "error"))


def _counters(kind: str, counter: Sum, total: Sum) -> Counters:
    if counter.group_by != total.group_by:
        raise QueryError(
            f"the two sides are summed by different labels ({_by(counter.group_by)} and {_by(total.group_by)}); "
            "slogen sums both by the SLO's one `group_by`"
        )
    return Counters(kind, counter.selector, total.selector, total.group_by)


def _by(labels: tuple[str, ...]) -> str:
    return f"by ({', '.join(labels)})" if labels else "no labels"


def _parse(query: str, side: str) -> Any:
    text = WINDOW.sub(f"{_PLACEHOLDER_SECONDS}s", query)
    if "{{" in text:
        raise QueryError("it uses a Go template value other than {{.window}}, which only Sloth can fill in", side)
    try:
        return promql_parser.parse(text)
    except ValueError as err:
        raise QueryError(f"it is not valid PromQL ({err})", side) from None


def is_node(expr: Any, kind: str) -> bool:
    return type(expr).__name__ == kind


def unwrap(expr: Any) -> Any:
    while is_node(expr, "ParenExpr"):
        expr = expr.expr
    return expr


def _without_zero_fallback(expr: Any) -> Any:
    """`<errors> or on() vector(0)`: Sloth users' guard for an error counter that does not exist yet, which
    slogen's rules already count as 0 (spec reference §1.4)."""
    expr = unwrap(expr)
    if is_node(expr, "BinaryExpr") and str(expr.op).lower() == "or":
        fallback = unwrap(expr.rhs)
        if is_node(fallback, "Call") and fallback.func.name == "vector" and str(fallback.args[0]) in ("0", "0.0"):
            return expr.lhs
    return expr


def summed(expr: Any, side: str) -> Sum:
    """`sum [by (…)] (rate|increase(<selector>[{{.window}}]))`, or QueryError saying what differs."""
    expr = unwrap(expr)
    if not (is_node(expr, "AggregateExpr") and str(expr.op) == "sum" and expr.param is None):
        raise QueryError(f"it is {describe(expr)}, not {_SHAPE}", side)
    labels: tuple[str, ...] = ()
    if expr.modifier is not None:
        if str(expr.modifier.type).endswith("Without"):
            raise QueryError("`sum without (…)` keeps every other label; slogen needs the labels to keep (`by`)", side)
        labels = tuple(expr.modifier.labels)
    inner = unwrap(expr.expr)
    counted = is_node(inner, "Call") and inner.func.name in _COUNTER_FUNCTIONS
    if not (counted and is_node(inner.args[0], "MatrixSelector")):
        raise QueryError(f"it sums {describe(inner)}, not rate() of a counter: {_SHAPE}", side)
    matrix = inner.args[0]
    if matrix.range.total_seconds() != _PLACEHOLDER_SECONDS:
        raise QueryError(
            "its range is fixed instead of `[{{.window}}]`, so every window would read the same range; "
            "slogen sets each window's range itself",
            side,
        )
    vector = matrix.vector_selector
    if vector.offset is not None or vector.at is not None:
        raise QueryError("it reads the counter with `offset` or `@`; slogen's windows end now", side)
    try:
        return Sum(parse_selector(str(vector)).render(), labels)
    except SelectorError as err:
        raise QueryError(f"slogen cannot write its selector `{vector}` ({err})", side) from None


def describe(expr: Any) -> str:
    if is_node(expr, "Call"):
        return f"`{expr.func.name}(…)`"
    if is_node(expr, "AggregateExpr"):
        return f"`{expr.op}(…)`"
    if is_node(expr, "BinaryExpr"):
        return f"an expression with `{expr.op}`"
    if is_node(expr, "SubqueryExpr"):
        return "a subquery (`[…:]`)"
    if is_node(expr, "VectorSelector"):
        return "a bare series (no rate over the window)"
    return "another expression"
