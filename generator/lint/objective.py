"""Every SLO has a usable target: an objective below 100 % and, for latency, a threshold."""

from ..model import SLO, LatencySLI, Project

ID = "slo-target"


def check(project: Project):
    checked: set[tuple] = set()
    for slo in project.slos():
        key = (slo.spec.document.file, slo.spec.path)
        if key not in checked:  # percentile variants share one spec mapping: check it once
            checked.add(key)
            yield from _check_slo(slo)


def _check_slo(slo: SLO):
    spec = _spec(slo)
    has_percentiles = "percentiles" in spec
    if has_percentiles and "objective" in spec:
        yield slo.spec.finding(("objective",), "objective and percentiles both given; percentiles set their own "
                               "objectives (p95 → 95 %), so drop objective", ID)
    elif not has_percentiles and "objective" not in spec:
        yield slo.spec.finding(("objective",), "missing objective; give the target as a percent, such as "
                               "objective: 99.9", ID)
    elif slo.objective_percent == 100:
        yield slo.spec.finding(("objective",), "objective 100 leaves a zero error budget, so burn rates are "
                               "undefined; use a zero_tolerance alert for events that must never happen", ID)
    if isinstance(slo.sli, LatencySLI):
        latency = spec["sli"]["latency"]
        if not has_percentiles and "threshold" not in latency:
            yield slo.spec.finding(("sli", "latency"), "missing threshold; give sli.latency.threshold (such as "
                                   "250ms) or percentiles such as {p95: 700ms}", ID)
        if has_percentiles and "threshold" in latency:
            yield slo.spec.finding(("sli", "latency", "threshold"), "threshold and percentiles both given; "
                                   "percentiles carry their own thresholds, so drop threshold", ID)
    elif has_percentiles:
        yield slo.spec.finding(("percentiles",), f"percentiles need a latency sli; use objective for "
                               f"{slo.sli.kind} SLIs", ID)


def _spec(slo: SLO) -> dict:
    data = slo.spec.document.data
    for key in slo.spec.path:
        data = data[key]
    return data
