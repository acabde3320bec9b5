"""Reads the PromQL OpenSLO users write for one event counter back into a slogen selector and group_by.

OpenSLO's Prometheus `query` is full PromQL, evaluated by whichever tool reads the SLO; slogen takes a series
selector and writes its own `sum by (group_by) (rate(<selector>[window]))` per window. So a query converts when it
is one counter, summed or not: `sum(rate(sel[5m]))`, `sum by (route) (increase(sel[1h]))`, `sum(rate(sel[5m])) by
(route)`, `sel`. Its range does not matter (slogen sets each window's own), and Sloth's `{{.window}}` is accepted.
Anything else is refused with the reason. Parsed with promql-parser, as sloth_promql does for Sloth's stricter
`[{{.window}}]` form.
"""

from dataclasses import dataclass
from typing import Any

import promql_parser

from ...selector import SelectorError, parse_selector
from .sloth_promql import WINDOW, describe, is_node, unwrap

_COUNTER_FUNCTIONS = ("rate", "irate", "increase")
_SHAPE = "one counter: `sum(rate(<selector>[<range>]))`, optionally `by (…)`, or the bare selector"


class ShapeError(ValueError):
    """A query that is not one counter; the message says what slogen needs instead."""


@dataclass(frozen=True)
class Counter:
    selector: str  # a series selector as slogen writes it
    group_by: tuple[str, ...]


def counter(query: str) -> Counter:
    """The counter a query reads and the labels it sums by. Raises ShapeError for any other shape."""
    return _counter(_parse(query))


def ratio_of_counters(query: str) -> tuple[Counter, Counter]:
    """`<counter> / <counter>`, each side a shape `counter` reads: an OpenSLO raw ratio that slogen can count
    itself. Raises ShapeError for anything else (a recorded ratio, a ratio of gauges)."""
    expr = _parse(query)
    if not (is_node(expr, "BinaryExpr") and str(expr.op) == "/"):
        raise ShapeError(
            f"it is {describe(expr)}, not a ratio of two counters: `sum(rate(<a>[…])) / sum(rate(<b>[…]))`; a "
            "precomputed ratio cannot be summed over slogen's windows: give the counters it is computed from"
        )
    return _counter(unwrap(expr.lhs)), _counter(unwrap(expr.rhs))


def _parse(query: str) -> Any:
    try:
        return unwrap(promql_parser.parse(WINDOW.sub("5m", query)))
    except ValueError as err:
        raise ShapeError(f"it is not valid PromQL ({err})") from None


def _counter(expr: Any) -> Counter:
    group_by: tuple[str, ...] = ()
    if is_node(expr, "AggregateExpr"):
        if str(expr.op) != "sum" or expr.param is not None:
            raise ShapeError(f"it is {describe(expr)}, not {_SHAPE}")
        if expr.modifier is not None:
            if str(expr.modifier.type).endswith("Without"):
                raise ShapeError("`sum without (…)` keeps every other label; slogen needs the labels to keep (`by`)")
            group_by = tuple(expr.modifier.labels)
        expr = unwrap(expr.expr)
    return Counter(_selector(expr), group_by)


def _selector(expr: Any) -> str:
    if is_node(expr, "Call") and expr.func.name in _COUNTER_FUNCTIONS and is_node(expr.args[0], "MatrixSelector"):
        expr = expr.args[0].vector_selector
    if not is_node(expr, "VectorSelector"):
        raise ShapeError(f"it is {describe(expr)}, not {_SHAPE}")
    if expr.offset is not None or expr.at is not None:
        raise ShapeError("it reads the counter with `offset` or `@`; slogen's windows end now")
    try:
        return parse_selector(str(expr)).render()
    except SelectorError as err:
        raise ShapeError(f"slogen cannot write its selector `{expr}` ({err})") from None
