"""The model as the catalog lists it: one row per SLO with everything an on-call engineer asks first, and the
server-side filters (service, team, label, free text). Pure data, built once when the server starts."""

from dataclasses import dataclass
from decimal import Decimal

from .. import burnrate, explain, naming
from ..durations import format_duration, format_number
from ..model import SLO, FreshnessSLI, LatencySLI, ProbeSLI, Project, RatioSLI

TEAM_LABEL = "team"


@dataclass(frozen=True)
class Pair:
    """One generated burn-rate pair, with the numbers `slogen explain` prints for it."""

    severity: str
    numbers: explain.PairNumbers
    factor: Decimal  # the burn rate the pair fires at, for the charts' threshold lines
    long_window: str  # as the ALERTS series label it (long_window, short_window)
    short_window: str


@dataclass(frozen=True)
class Entry:
    slo: SLO
    dashboard_url: str | None  # the service's, as its spec gives it
    sli_lines: tuple[str, ...]
    pairs: tuple[Pair, ...]
    skipped: tuple[str, ...]  # pairs the spec asks for that are not generated, with the reason
    labels: tuple[tuple[str, str], ...]  # the service's and the SLO's labels
    search_text: str  # lower-case: what the free-text filter matches
    # What the status of every group reads, computed once: SLO.current_window, each recorded ratio's series name
    # with its window, and the error budget the ratios are divided by.
    current_window: int | None
    ratio_names: dict[str, int]
    error_budget: float

    @property
    def key(self) -> tuple[str, str]:
        return self.slo.service, self.slo.name

    @property
    def team(self) -> str:
        return dict(self.labels).get(TEAM_LABEL, "")

    @property
    def objective(self) -> str:
        return f"{format_number(self.slo.objective_percent)} %"

    @property
    def budget(self) -> str:
        return explain.budget_text(self.slo)

    @property
    def windows(self) -> str:
        return ", ".join(format_duration(w) for w in self.slo.ratio_windows)


@dataclass(frozen=True)
class Catalog:
    entries: tuple[Entry, ...]  # service, then the order of the specs
    by_key: dict[tuple[str, str], Entry]

    def services(self) -> list[str]:
        return sorted({e.slo.service for e in self.entries})

    def teams(self) -> list[str]:
        return sorted({e.team for e in self.entries if e.team})

    def labels(self) -> list[str]:
        """Every `key=value` label of any SLO, for the label filter."""
        return sorted({f"{k}={v}" for e in self.entries for k, v in e.labels})


@dataclass(frozen=True)
class Filters:
    """The catalog and status pages' query parameters. They only select rows here; none reaches PromQL."""

    text: str = ""
    service: str = ""
    team: str = ""
    label: str = ""

    def matches(self, entry: Entry) -> bool:
        if self.service and entry.slo.service != self.service:
            return False
        if self.team and entry.team != self.team:
            return False
        if self.label and self.label not in {f"{k}={v}" for k, v in entry.labels}:
            return False
        return not self.text or self.text.lower() in entry.search_text

    @property
    def active(self) -> bool:
        return bool(self.text or self.service or self.team or self.label)


def build(project: Project) -> Catalog:
    entries = tuple(_entry(slo, service.dashboard_url) for service in project.services for slo in service.slos)
    return Catalog(entries, {e.key: e for e in entries})


def select(catalog: Catalog, filters: Filters) -> list[Entry]:
    return [e for e in catalog.entries if filters.matches(e)]


def _entry(slo: SLO, dashboard_url: str | None) -> Entry:
    labels = tuple(sorted({**dict(slo.service_labels), **dict(slo.labels)}.items()))
    pairs = tuple(
        Pair(
            pair.severity,
            explain.pair_numbers(slo, pair),
            pair.factor(slo.period),
            format_duration(pair.long),
            format_duration(pair.short),
        )
        for pair in slo.burn_windows
    )
    sli_lines = sli_definition(slo)
    words = (slo.service, slo.name, slo.description, *sli_lines, *(f"{k}={v}" for k, v in labels))
    return Entry(
        slo,
        dashboard_url,
        sli_lines,
        pairs,
        _skipped(slo),
        labels,
        " ".join(words).lower(),
        slo.current_window,
        {naming.error_ratio(w): w for w in slo.ratio_windows},
        float(slo.error_budget),
    )


def _skipped(slo: SLO) -> tuple[str, ...]:
    """The pairs the spec asks for that the rules leave out, as `slogen explain` lists them."""
    found = []
    for window in slo.alerting.windows:
        reason = slo.skip_reason(burnrate.raised(window, slo.base_window))
        if reason:
            found.append(f"{window.severity} {format_duration(window.long)}/{format_duration(window.short)}: {reason}")
    return tuple(found)


def sli_definition(slo: SLO) -> tuple[str, ...]:
    """What the SLI counts, line by line, with the selectors as the rules read them (scope included)."""
    sli = slo.sli
    lines: list[str]
    if isinstance(sli, LatencySLI):
        lines = [f"{sli.kind}: {sli.good_words} are good", f"histogram: {sli.histogram.selector.render('_bucket')}"]
    elif isinstance(sli, RatioSLI):
        lines = [f"ratio: total {sli.total.selector.render()}"]
        lines += [f"errors {sli.errors.selector.render()}"] if sli.errors else []
        lines += [f"good {sli.good.selector.render()}"] if sli.good else []
    elif isinstance(sli, ProbeSLI):
        lines = [
            f"probe: {sli.success.selector.render()} (1 passed, 0 failed) every {format_duration(sli.interval)}",
            f"strikes: {sli.strikes} failed run(s) in a row",
        ]
    else:
        assert isinstance(sli, FreshnessSLI)
        field = "last_success" if sli.last_success is not None else "successes"
        lines = [
            f"freshness: a success at least every {format_duration(sli.every)}",
            f"{field}: {sli.source_field.selector.render()}",
        ]
    if slo.timeslices:
        lines.append(f"time slices of {slo.timeslices.slice_text}: a slice is bad when {slo.timeslices.bad_words(sli)}")
    if slo.group_by:
        lines.append(f"per {', '.join(slo.group_by)}")
    return tuple(lines)
