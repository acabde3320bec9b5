"""A histogram threshold (a latency, or a `value` SLI's unitless `below`) must be a bucket boundary of its histogram
when the spec declares the buckets, in the threshold's unit.

Between boundaries Prometheus has no count of observations under the threshold; the SLI would silently
measure the next boundary instead. A latency SLI on buckets declared as numbers, or a value SLI on buckets declared
as latencies, reads one of them in the wrong unit.
"""

from collections.abc import Iterator

from ..durations import format_number
from ..findings import Finding
from ..model import SLO, LatencySLI, Project, ValueSLI

ID = "latency-bucket"


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        buckets = dict(service.histograms)
        for slo in service.slos:
            sli = slo.sli
            if not isinstance(sli, LatencySLI) or sli.histogram.parsed is None or not sli.threshold:
                continue
            metric = sli.histogram.parsed.metric
            declared = buckets.get(metric)
            if declared is None:
                continue
            unit = "" if metric in service.unitless else "s"
            listed = ", ".join(f"{format_number(b)}{unit}" for b in declared)
            if unit != sli.unit:
                yield slo.source.finding(_path(slo, sli), _unit_mismatch(sli, metric, listed), ID)
            elif sli.threshold not in declared:
                yield slo.source.finding(
                    _path(slo, sli),
                    f"threshold {sli.threshold_text} is not a bucket boundary of {metric} ({listed}); "
                    "pick one of them or add the bucket",
                    ID,
                )


def _path(slo: SLO, sli: LatencySLI) -> tuple[str, ...]:
    if "percentiles" in slo.source.path:
        return ()
    if slo.timeslices is not None and slo.timeslices.quantile is not None:  # `above` is the threshold
        return ("budgeting", "timeslices", "bad_when", "above")
    return ("sli", sli.kind, sli.threshold_field)


def _unit_mismatch(sli: LatencySLI, metric: str, listed: str) -> str:
    if isinstance(sli, ValueSLI):
        return (
            f"{metric} is declared with latency buckets ({listed}), but a value SLI reads unitless numbers; "
            "use a latency SLI with a threshold such as 250ms, or declare its buckets as numbers"
        )
    return (
        f"{metric} is declared with unitless buckets ({listed}), but a latency SLI reads seconds; "
        "use a value SLI (sli.value.below), or declare its buckets as latencies such as 250ms"
    )
