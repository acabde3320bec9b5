"""PromQL construction: every expression the rules and dashboards write is built here.

Renderers say what they want (a rate over a window, a sum by labels) and this module spells it. A
query engine that needs other spellings (vmalert's MetricsQL, a Mimir tenant's limits) is a PromQL
subclass that overrides the methods whose text differs, passed to the renderers in its place.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .durations import format_duration, format_number
from .selector import Matcher, Selector


@dataclass(frozen=True)
class PromQL:
    """Prometheus 2.x spelling; the base every dialect varies."""

    name: str = "prometheus"

    def matchers(self, *matchers: tuple[str, str, str]) -> str:
        """`{alertname=~"A|B", service="x"}` from (label, operator, value), in the given order."""
        return _matchers_text(matchers)

    def labels(self, labels: dict[str, str]) -> str:
        """`{service="x", slo="y"}`: an exact-match selector body, in the given order, spelled as matchers() spells
        equalities (one cached text per set of labels: the renderers ask for an SLO's identity tens of times)."""
        return _labels_text(tuple(labels.items()))

    def series(self, name: str, labels: dict[str, str]) -> str:
        return name + self.labels(labels)

    def aggregate(self, operator: str, expr: str, by: tuple[str, ...] = ()) -> str:
        return f"{operator} by ({', '.join(by)}) ({expr})" if by else f"{operator}({expr})"

    def sum(self, expr: str, by: tuple[str, ...] = ()) -> str:
        return self.aggregate("sum", expr, by)

    def rate(self, selector: str, window: int | str) -> str:
        """A per-second rate; `window` in seconds, or a Grafana variable such as `$__rate_interval`."""
        span = window if isinstance(window, str) else format_duration(window)
        return f"rate({selector}[{span}])"

    def over_time(self, function: str, expr: str, window: int, offset: int = 0) -> str:
        """sum_over_time, count_over_time, max_over_time, absent_over_time, … over `window`, ending `offset` ago."""
        shifted = f" offset {format_duration(offset)}" if offset else ""
        return f"{function}_over_time({expr}[{format_duration(window)}]{shifted})"

    def increase(self, selector: str, window: int) -> str:
        return f"increase({selector}[{format_duration(window)}])"

    def clamp_min(self, expr: str, minimum: int) -> str:
        return f"clamp_min({expr}, {minimum})"

    def vector(self, value: Decimal | int) -> str:
        return f"vector({format_number(Decimal(value))})"

    def histogram_quantile(self, quantile: str, buckets: str, by: tuple[str, ...]) -> str:
        return f"histogram_quantile({quantile}, {self.aggregate('sum', buckets, ('le', *by))})"

    def on(self, operator: str, labels: tuple[str, ...]) -> str:
        """A binary operator that matches series on `labels` only: `unless on (region)`; `on ()` matches any."""
        return f"{operator} on ({', '.join(labels)})"

    def or_zero(self, expr: str) -> str:
        """A count that reads 0, not "no data", when nothing matches."""
        return f"{expr} or {self.vector(0)}"

    def label_replace(self, expr: str, label: str, value: str) -> str:
        """`expr` with a constant label added."""
        return f'label_replace({expr}, "{label}", "{value}", "", "")'

    def le_matcher(self, threshold: Decimal) -> Matcher:
        """Match the bucket whether the exporter writes le="1" or le="1.0" (Prometheus 3 normalises to the latter)."""
        text = format_number(threshold)
        spellings = {text, text + ".0" if "." not in text else text}
        return Matcher("le", "=~", "|".join(re.escape(s) for s in sorted(spellings)))

    def bucket(self, histogram: Selector, threshold: Decimal) -> str:
        return histogram.render("_bucket", (self.le_matcher(threshold),))

    def selector(self, selector: Selector) -> str:
        """A selector as the spec wrote it, except that `le="1"` also matches the `le="1.0"` spelling: an
        exact bucket match that misses its exporter's spelling reads no good events, only bad ones."""
        matchers = tuple(self._le_tolerant(m) for m in selector.matchers)
        return Selector(selector.metric, matchers).render()

    def _le_tolerant(self, matcher: Matcher) -> Matcher:
        if matcher.label != "le" or matcher.op != "=":
            return matcher
        try:
            bound = Decimal(matcher.value)
        except InvalidOperation:
            return matcher
        return self.le_matcher(bound) if bound.is_finite() else matcher


PROMETHEUS = PromQL()


@lru_cache(maxsize=4096)  # every window's ratio, alert and test of an SLO selects its few series again
def _matchers_text(matchers: tuple[tuple[str, str, str], ...]) -> str:
    return "{" + ", ".join(Matcher(label, op, value).render() for label, op, value in matchers) + "}"


@lru_cache(maxsize=4096)  # keyed by the labels as they are: the SLO's identity, asked for each of its rules
def _labels_text(labels: tuple[tuple[str, str], ...]) -> str:
    return _matchers_text(tuple((key, "=", value) for key, value in labels))
