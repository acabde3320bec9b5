"""A probe with `strikes` > 1 pages only after that many consecutive failed runs. A burn-rate page pair counts
failed runs, not their order: one run in which every check of a region failed is 3 failed runs of 72 in 6h, a 42×
burn of a 99.9 % budget, so Bookiji's written 6h/30m page pair (30×) paged P0 on it. Refuse the pair; the model drops
it too (SLO.burn_windows), so nothing pages if lint is bypassed.
"""

from collections.abc import Iterator

from ..burnrate import PAGE
from ..findings import Finding
from ..model import ProbeSLI, Project

ID = "probe-page-pair"


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        sli, written = slo.sli, slo.alerting.windows_source
        if written is None or not isinstance(sli, ProbeSLI) or sli.strikes == 1:
            continue  # a probe's default windows hold no page pair; with strikes: 1 its first failure pages anyway
        if not any(window.severity == PAGE for window in slo.alerting.windows):
            continue  # `page: false` dropped them
        spec = written.document.data
        for key in (*written.path, "windows"):
            spec = spec[key]
        for index, window in enumerate(spec):
            if window["severity"] == PAGE:
                yield written.finding(
                    ("windows", index, "severity"),
                    f"the page pair {window['long']}/{window['short']} can page on a single failed run, before the "
                    f"strike alert's {sli.strikes} consecutive failures; make it severity: ticket (the strike alert "
                    "is this probe's page)",
                    ID,
                )
