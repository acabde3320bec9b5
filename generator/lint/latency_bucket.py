"""A latency threshold must be a bucket boundary of its histogram when the spec declares the buckets.

Between boundaries Prometheus has no count of requests under the threshold; the SLI would silently
measure the next boundary instead.
"""

from collections.abc import Iterator

from ..durations import format_number
from ..findings import Finding
from ..model import LatencySLI, Project

ID = "latency-bucket"


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        buckets = dict(service.histograms)
        for slo in service.slos:
            if not isinstance(slo.sli, LatencySLI) or slo.sli.histogram.parsed is None or not slo.sli.threshold:
                continue
            declared = buckets.get(slo.sli.histogram.parsed.metric)
            if declared is not None and slo.sli.threshold not in declared:
                listed = ", ".join(f"{format_number(b)}s" for b in declared)
                yield slo.source.finding(
                    () if "percentiles" in slo.source.path else ("sli", "latency", "threshold"),
                    f"threshold {format_number(slo.sli.threshold)}s is not a bucket boundary of "
                    f"{slo.sli.histogram.parsed.metric} ({listed}); pick one of them or add the bucket",
                    ID,
                )
