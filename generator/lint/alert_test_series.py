"""An expr alert's `test.series` are what promtool reads as input series: a series (`metric{label="v"}`, labels with
`=` only) and values in its expanding notation. promtool refuses the whole test file on one bad series, so each is
checked here, at its spec line."""

import re
from collections.abc import Iterator

from ..findings import Finding
from ..model import Project
from ..selector import SelectorError, parse_series

ID = "alert-test-series"

# promtool's series values (promql/parser, 2.42): `_` (no sample) and `stale`, alone or `_` repeated as `_xN`; a
# number, repeated as `axN`; or a start that grows or shrinks by an unsigned step, `a+bxN` and `a-bxN`.
_NUMBER = r"(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[iI][nN][fF]|[nN][aA][nN])"
_VALUE = re.compile(rf"_(?:x[0-9]+)?|stale|[+-]?{_NUMBER}(?:(?:[+-]{_NUMBER})?x[0-9]+)?")
_EXAMPLE = "such as '0+10x30' (0, 10, … 300), '1x5' (1 six times), '_x3' (no sample three times) or 'stale'"


def check(project: Project) -> Iterator[Finding]:
    for alert in project.alerts():
        if alert.test is None:
            continue
        for index, (series, values) in enumerate(alert.test.series):
            at = ("test", "series", index)
            try:
                parse_series(series)
            except SelectorError as err:
                yield alert.source.finding(
                    (*at, "series"), f"invalid series {series!r}: {err} (at character {err.offset + 1})", ID
                )
            bad = next((item for item in values.split() if not _VALUE.fullmatch(item)), None)
            if bad is not None:
                yield alert.source.finding(
                    (*at, "values"), f"promtool cannot read {bad!r} in values {values!r}; give values {_EXAMPLE}", ID
                )
