"""Durations make sense together: short < long ≤ period, and probe intervals fit the period."""

from collections.abc import Iterator

from ..durations import format_duration
from ..findings import Finding
from ..model import SLO, ProbeSLI, Project

ID = "window-order"
MAX_PERIOD = 365 * 86400  # a 292y period generated tests promtool refused: "too many samples"


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        if slo.period <= slo.base_window:
            yield slo.spec.finding(
                ("period",),
                f"period {slo.period_text} is not longer than the {format_duration(slo.base_window)} base window "
                "every ratio is read from; give a period of an hour or more",
                ID,
            )
            continue
        if slo.period > MAX_PERIOD:
            yield slo.spec.finding(
                ("period",),
                f"period {slo.period_text} is longer than a year; no Prometheus keeps the history it needs, and "
                "promtool cannot even test its rules: give 365d or less",
                ID,
            )
            continue
        yield from _written_windows(slo)
        if isinstance(slo.sli, ProbeSLI) and slo.sli.interval * slo.sli.strikes >= slo.period:
            yield slo.spec.finding(
                ("sli", "probe", "interval"),
                "probe interval × strikes is not shorter than "
                f"the period {slo.period_text}; probe more often or lengthen the period",
                ID,
            )


def _written_windows(slo: SLO) -> Iterator[Finding]:
    """The default windows are scaled to the period (burnrate.default_windows), so only written ones can misfit."""
    custom = slo.alerting.windows_source
    if custom is None:
        return
    seen: set[tuple[str, int, int]] = set()
    for index, window in enumerate(slo.alerting.windows):
        pair = (window.severity, window.long, window.short)
        if pair in seen:
            yield custom.finding(
                ("windows", index),
                f"the {window.severity} pair {format_duration(window.long)}/{format_duration(window.short)} is "
                "given twice; two rules with the same name and labels are refused by Prometheus: keep one",
                ID,
            )
        seen.add(pair)
        if window.short >= window.long:
            yield custom.finding(
                ("windows", index, "short"),
                f"short window {format_duration(window.short)} is "
                f"not shorter than long window {format_duration(window.long)}; the short window "
                "confirms the burn is still happening, so make it about 1/12 of the long one",
                ID,
            )
        if window.long > slo.period:
            yield custom.finding(
                ("windows", index, "long"),
                f"long window {format_duration(window.long)} exceeds the SLO period {slo.period_text}; "
                "use a window within the period",
                ID,
            )
