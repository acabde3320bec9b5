"""A latency SLI or quantile alert names its histogram by its base name, not by one of its series.

slogen appends `_bucket` and `_count` itself, so `x_bucket{…}` would read `x_bucket_bucket`, a series that does not
exist: the SLI would measure nothing. Declared `histograms` keys are base names too, or the bucket check never
finds them.
"""

from collections.abc import Iterator

from ..findings import Finding
from ..model import LatencySLI, Project, QuantileCondition, SelectorField
from ..source import Source

ID = "histogram-suffix"
SERIES_SUFFIXES = ("_bucket", "_count", "_sum")


def series_suffix(metric: str) -> str | None:
    """The histogram series suffix a metric name ends with, if any."""
    return next((s for s in SERIES_SUFFIXES if metric.endswith(s) and len(metric) > len(s)), None)


def check(project: Project) -> Iterator[Finding]:
    for field in _histograms(project):
        if field.parsed is not None:
            yield from _finding(field.parsed.metric, field.source)
    for service in project.services:
        for document in service.documents:
            for metric in document.data.get("histograms", {}):
                yield from _finding(metric, Source(document, ("histograms", metric)))


def _histograms(project: Project) -> Iterator[SelectorField]:
    for slo in project.slos():
        if isinstance(slo.sli, LatencySLI):
            yield slo.sli.histogram
    for alert in project.alerts():
        if isinstance(alert.condition, QuantileCondition):
            yield alert.condition.histogram


def _finding(metric: str, source: Source) -> Iterator[Finding]:
    suffix = series_suffix(metric)
    if suffix:
        yield source.finding(
            (),
            f"{metric} is a series of the histogram, not its name; slogen adds _bucket and _count itself: "
            f"name the histogram without {suffix}: {metric.removesuffix(suffix)}",
            ID,
        )
