"""Durations make sense together: short < long ≤ period, and probe intervals fit the period."""

from collections.abc import Iterator

from ..durations import format_duration
from ..findings import Finding
from ..model import ProbeSLI, Project

ID = "window-order"


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        custom = slo.alerting.windows_source
        for index, window in enumerate(slo.alerting.windows):
            if custom and window.short >= window.long:
                yield custom.finding(
                    ("windows", index, "short"),
                    f"short window {format_duration(window.short)} is "
                    f"not shorter than long window {format_duration(window.long)}; the short window "
                    "confirms the burn is still happening, so make it about 1/12 of the long one",
                    ID,
                )
            if window.long > slo.period:
                message = f"long window {format_duration(window.long)} exceeds the SLO period {slo.period_text}; " + (
                    "use a window within the period"
                    if custom
                    else "the default windows need a period of at least 3d, so set alerting.windows"
                )
                yield (
                    custom.finding(("windows", index, "long"), message, ID)
                    if custom
                    else slo.spec.finding(("period",), message, ID)
                )
                if not custom:
                    break  # one finding per SLO for the defaults is enough to act on
        if isinstance(slo.sli, ProbeSLI) and slo.sli.interval * slo.sli.strikes >= slo.period:
            yield slo.spec.finding(
                ("sli", "probe", "interval"),
                "probe interval × strikes is not shorter than "
                f"the period {slo.period_text}; probe more often or lengthen the period",
                ID,
            )
