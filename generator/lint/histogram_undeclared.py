"""A latency SLI's histogram that `histograms` does not declare, while it declares a close name: most likely a typo
on one side, which silently turns the latency-bucket check off for this SLO."""

import difflib
from collections.abc import Iterator

from ..findings import WARNING, Finding
from ..model import LatencySLI, Project
from .histogram_suffix import series_suffix

ID = "histogram-undeclared"


def check(project: Project) -> Iterator[Finding]:
    for service in project.services:
        declared = [metric for metric, _buckets in service.histograms if not series_suffix(metric)]
        for slo in service.slos:
            if not isinstance(slo.sli, LatencySLI) or slo.sli.histogram.parsed is None:
                continue
            metric = slo.sli.histogram.parsed.metric
            if metric in declared or series_suffix(metric):  # a series suffix is histogram-suffix's finding
                continue
            close = difflib.get_close_matches(metric, declared, n=1)
            if close:
                yield slo.sli.histogram.source.finding(
                    (),
                    f"histogram {metric} is not declared under histograms, so its threshold is not checked against "
                    f"its buckets; did you mean {close[0]}? (if it is another histogram, declare its buckets too)",
                    ID,
                    WARNING,
                )
