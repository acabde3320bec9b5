"""A pair whose short window, raised to the base window, reaches its long window tests one window twice.

Written pairs are errors, so the user chooses the fix; default pairs (scaled to a short period, or read at a
sparse probe's interval) are skipped with a warning.
"""

from collections.abc import Iterator

from .. import burnrate
from ..burnrate import BurnWindow
from ..document import SpecPath
from ..durations import format_duration, format_number
from ..findings import WARNING, Finding
from ..model import SLO, ProbeSLI, Project
from ..source import Source

ID = "burn-window-degenerate"


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        written = slo.alerting.windows_source
        for index, window in enumerate(slo.alerting.windows):
            if (written and window.short >= window.long) or not burnrate.degenerate(window, slo.base_window):
                continue  # a written short window that is not shorter as written is window-order's finding
            what = _what(slo, window, written is None)
            if written:
                yield written.finding(
                    ("windows", index, "long"),
                    f"{what}; lengthen long to at least {format_duration(2 * slo.base_window)} or drop the pair",
                    ID,
                )
            else:
                source, path = _default_cause(slo, window)
                yield source.finding(
                    path,
                    f"{what}, so it is skipped; set alerting.windows to choose pairs whose long window is "
                    f"at least {format_duration(2 * slo.base_window)}",
                    ID,
                    level=WARNING,
                )


def _what(slo: SLO, window: BurnWindow, default: bool) -> str:
    sparse = isinstance(slo.sli, ProbeSLI) and slo.base_window > burnrate.BASE_WINDOW
    base = f"{'the probe interval' if sparse else 'the base window'} {format_duration(slo.base_window)}"
    pair = (
        f"the {'default ' if default else ''}{window.severity} pair {format_duration(window.long)}/"
        f"{format_duration(window.short)} ({format_number(window.factor(slo.period))}×)"
    )
    raised = format_duration(max(window.long, slo.base_window))
    reads = (
        f"is shorter than {base}, so both its windows read {raised}"
        if window.long < slo.base_window
        else f"reads its short window as {base}, the length of its long window"
    )
    return (
        f"{pair} {reads}: it would test the {raised} window twice and no longer confirm that the burn is still going on"
    )


def _default_cause(slo: SLO, window: BurnWindow) -> tuple[Source, SpecPath]:
    """Where a default pair's problem comes from: the period that scaled it below the 5m base window, else a
    sparse probe's interval."""
    if not burnrate.degenerate(window, burnrate.BASE_WINDOW):
        return slo.spec, ("sli", "probe", "interval")
    mapping = slo.spec.document.data
    for key in slo.spec.path:
        mapping = mapping[key]
    if "period" in mapping:
        return slo.spec, ("period",)
    return Source(slo.spec.document), ("period",)
