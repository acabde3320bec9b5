"""Durations make sense together: short < long ≤ period, and probe intervals fit the period."""

from ..durations import format_duration
from ..model import ProbeSLI, Project

ID = "window-order"


def check(project: Project):
    for slo in project.slos():
        where = slo.alerting.windows_source
        for index, window in enumerate(slo.alerting.windows):
            at = ("windows", index)
            if window.short >= window.long:
                yield where.finding(at + ("short",), f"short window {format_duration(window.short)} is not shorter "
                                    f"than long window {format_duration(window.long)}; the short window confirms the "
                                    "burn is still happening, so make it about 1/12 of the long one", ID)
            if window.long > slo.period:
                yield where.finding(at + ("long",), f"long window {format_duration(window.long)} exceeds the SLO "
                                    f"period {slo.period_text}; use a window within the period", ID)
        if isinstance(slo.sli, ProbeSLI) and slo.sli.interval * slo.sli.strikes >= slo.period:
            yield slo.source.finding(("sli", "probe", "interval"), "probe interval × strikes is not shorter than "
                                     f"the period {slo.period_text}; probe more often or lengthen the period", ID)
