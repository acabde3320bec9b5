"""Every SLO has a usable target: an objective below 100 % and, for latency, a threshold."""

from ..model import LatencySLI, Project

ID = "slo-target"


def check(project: Project):
    for service in project.services:
        for slo in service.slos:
            spec = _spec(slo)
            has_percentiles = "percentiles" in spec
            if has_percentiles and "objective" in spec:
                yield slo.source.finding(("objective",), "objective and percentiles both given; percentiles set "
                                         "their own objectives (p95 → 95 %), so drop objective", ID)
            elif not has_percentiles and "objective" not in spec:
                yield slo.source.finding(("objective",), "missing objective; give the target as a percent, such as "
                                         "objective: 99.9", ID)
            elif slo.objective_percent == 100:
                yield slo.source.finding(("objective",), "objective 100 leaves a zero error budget, so burn rates are "
                                         "undefined; use a zero_tolerance alert for events that must never happen", ID)
            if isinstance(slo.sli, LatencySLI):
                if not has_percentiles and "threshold" not in spec["sli"]["latency"]:
                    yield slo.source.finding(("sli", "latency"), "missing threshold; give sli.latency.threshold "
                                             "(such as 250ms) or percentiles such as {p95: 700ms}", ID)
                if has_percentiles and "threshold" in spec["sli"]["latency"]:
                    yield slo.source.finding(("sli", "latency", "threshold"), "threshold and percentiles both "
                                             "given; percentiles carry their own thresholds, so drop threshold", ID)
            elif has_percentiles:
                yield slo.source.finding(("percentiles",), "percentiles need a latency sli; use objective for "
                                         f"{slo.sli.kind} SLIs", ID)


def _spec(slo) -> dict:
    """The SLO's own spec mapping; percentile variants point one level deeper, at their key."""
    path = slo.source.path
    if "percentiles" in path:
        path = path[:path.index("percentiles")]
    data = slo.source.document.data
    for key in path:
        data = data[key]
    return data
