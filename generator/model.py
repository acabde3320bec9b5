"""The one model every renderer reads: services, SLOs, SLIs, burn windows and symptom alerts.

Built from schema-valid documents. Everything a renderer needs (windows, thresholds, names) is a
property here, so renderers ask the model and never recompute or read specs.
"""

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from functools import cached_property
from typing import Any, ClassVar, Literal, TypeVar, assert_never

from . import burnrate, naming, routing, synth
from .burnrate import PAGE, TICKET, BurnWindow
from .calendar_periods import Calendar
from .deploy import NOWHERE, Deploy
from .deploy import build as build_deploy
from .document import Document, Spec, SpecPath
from .durations import format_duration, format_number, parse_duration, parse_latency
from .findings import Finding
from .routing import MaintenanceWindow, Routing
from .runbooks import Runbooks
from .runbooks import build as build_runbooks
from .selector import Matcher, Selector, SelectorError, parse_selector, parse_series, with_matchers
from .source import Source, SpecError

DEFAULT_PERIOD = "30d"
DEFAULT_PAGE_PRIORITY = "P1"
TICKET_PRIORITY = "P2"
DEFAULT_STRIKES = 1
# An uncomputable SLI tickets once it has stayed so this long: a restart or a scrape gap that briefly
# leaves one series without samples must not ticket.
UNCOMPUTABLE_FOR = 600
CURRENT_WINDOW = 3600  # "burning now" on dashboards: the Workbook's fastest page window
# A time-slice SLO records one verdict per evaluation of its SLI rule group (render/rules.SLI_INTERVAL), so that
# interval is its base window: the 5m burn windows then sum five verdicts.
TIMESLICE_EVALUATION = 60
# A zero-tolerance alert with `open` fires on an increase within this window until `open` counts the new case;
# without `open` it holds this long after the last increase: a day's shifts see it, whoever acted on it or not.
ZERO_TOLERANCE_WINDOW = "10m"
ZERO_TOLERANCE_HOLD = "24h"
# A counter series is taken for born (above 0, where increase() cannot see its first event) when it has no sample
# in the hold before this one, or in this long before it if the hold is shorter: a scrape gap shorter than that
# does not look like a birth (a 10m window took a 20-minute gap for one and paged).
ZERO_TOLERANCE_UNSEEN = 3600


@dataclass(frozen=True)
class SelectorField:
    """A selector as written plus its parse, so a bad selector is a lint finding, not a crash."""

    text: str
    source: Source
    parsed: Selector | None = None
    error: SelectorError | None = None

    @property
    def selector(self) -> Selector:
        assert self.parsed is not None, "renderers run only on specs without selector errors"
        return self.parsed

    def scoped(self, scope: tuple[Matcher, ...]) -> "SelectorField":
        """With the service's scope matchers added, but on labels the selector already matches (lint rule
        scope-conflict names those that match another value)."""
        if self.parsed is None or not scope:
            return self
        extra = tuple(m for m in scope if all(m.label != mine.label for mine in self.parsed.matchers))
        return replace(self, parsed=Selector(self.parsed.metric, self.parsed.matchers + extra))


def _duration(source: Source, path: SpecPath, text: str, allow_zero: bool = False) -> int:
    try:
        return parse_duration(text, allow_zero)
    except ValueError as err:
        raise SpecError(source, path, f"{err}") from None


def _selector(text: str, source: Source) -> SelectorField:
    try:
        return SelectorField(text, source, parsed=parse_selector(text))
    except SelectorError as err:
        return SelectorField(text, source, error=err)


# --- SLIs: a new kind is one class here, one case in _sli, and the renderers whose output truly differs --


@dataclass(frozen=True)
class RatioSLI:
    """Bad (or good) events over all events, from counters. Exactly one of errors and good is set."""

    total: SelectorField
    errors: SelectorField | None = None
    good: SelectorField | None = None
    kind: ClassVar[str] = "ratio"

    @property
    def selectors(self) -> tuple[SelectorField, ...]:
        return tuple(f for f in (self.total, self.errors, self.good) if f is not None)

    @property
    def presence_parts(self) -> tuple[Selector, str]:
        """The series whose absence means the SLI cannot be measured: its selector and metric suffix."""
        return self.total.selector, ""

    @property
    def presence(self) -> str:
        return self.total.selector.render()

    @property
    def good_shares_total_family(self) -> bool:
        """Whether good and total read one metric family (the same metric, or a histogram's `_bucket` and
        `_count`): then the exporter writes them in one scrape, and good's counters can only exceed total's
        when good is not a subset of total."""
        if self.good is None or self.good.parsed is None or self.total.parsed is None:
            return False
        good, total = self.good.parsed.metric, self.total.parsed.metric
        return good == total or (good.endswith("_bucket") and total == good.removesuffix("_bucket") + "_count")

    @cached_property  # a search that fails for most SLIs (the exception is not cached by synth), asked every render
    def errors_can_exceed_total(self) -> bool:
        """Whether a series could count as an error without counting in the total: then the errors are not a
        subset of the total and the error ratio can pass 1. False when errors only narrows total (same metric,
        stricter matchers, as far as slogen can construct a series that tells them apart) or for `good`."""
        if self.errors is None or self.errors.parsed is None or self.total.parsed is None:
            return False
        errors, total = self.errors.parsed, self.total.parsed
        if errors.metric == total.metric and set(total.matchers) <= set(errors.matchers):
            return False  # errors adds matchers to total's: whatever it selects, total selects (no search needed)
        try:
            synth.series_labels((errors,), (total,))
        except synth.SynthesisError:
            return False
        return True


@dataclass(frozen=True)
class LatencySLI:
    """Requests slower than `threshold` are bad, counted from a histogram's buckets."""

    histogram: SelectorField
    threshold: Decimal  # seconds
    kind: ClassVar[str] = "latency"
    unit: ClassVar[str] = "s"  # of the threshold and the buckets, as texts and lint findings print them
    threshold_field: ClassVar[str] = "threshold"  # the spec field that holds the threshold
    events: ClassVar[str] = "requests"

    @property
    def selectors(self) -> tuple[SelectorField, ...]:
        return (self.histogram,)

    @property
    def threshold_text(self) -> str:
        return f"{format_number(self.threshold)}{self.unit}"

    @property
    def good_words(self) -> str:
        """Which events are good, for alert texts: those at or under the threshold."""
        return f"requests faster than {self.threshold_text}"

    @property
    def bad_words(self) -> str:
        return "slower ones"

    @property
    def presence_parts(self) -> tuple[Selector, str]:
        return self.histogram.selector, "_count"

    @property
    def presence(self) -> str:
        return self.histogram.selector.render("_count")


@dataclass(frozen=True)
class ValueSLI(LatencySLI):
    """Observations of a unitless histogram (a layout-shift score) at or below `threshold` are good. Counted like a
    latency from the threshold's bucket, so every latency rule, test and bucket check applies; only the unit the
    texts print differs."""

    kind: ClassVar[str] = "value"
    unit: ClassVar[str] = ""
    threshold_field: ClassVar[str] = "below"
    events: ClassVar[str] = "observations"

    @property
    def good_words(self) -> str:
        return f"observations at or below {self.threshold_text}"

    @property
    def bad_words(self) -> str:
        return "larger ones"


@dataclass(frozen=True)
class ProbePriority:
    """One entry of a probe's `priorities`: the failing series it matches and the priority of their strike alert.

    Without `in_every` it alerts per series. With it, per group of `group()` labels, and only when every matched
    series of the group that reported within the strike window struck: in every region, from every checker.
    """

    index: int  # in sli.probe.priorities
    match: tuple[tuple[str, str], ...]
    priority: str
    in_every: str | None = None

    @property
    def severity(self) -> str:
        """P2 is a ticket, as every ticket in slogen is P2; P0 and P1 page."""
        return TICKET if self.priority == TICKET_PRIORITY else PAGE

    @property
    def matchers(self) -> tuple[Matcher, ...]:
        return tuple(Matcher(label, "=", value) for label, value in self.match)

    def matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(label, "") == value for label, value in self.match)

    def covers(self, other: "ProbePriority") -> bool:
        """Whether every series `other` matches, this entry matches too."""
        return set(self.match) <= set(other.match)

    def contradicts(self, other: "ProbePriority") -> bool:
        """Whether no series can match both: they ask one label for two values."""
        theirs = dict(other.match)
        return any(theirs.get(label, value) != value for label, value in self.match)

    def group(self, group_by: tuple[str, ...]) -> tuple[str, ...]:
        """The labels an `in_every` entry's alert carries: the match labels, then the SLO's other group_by labels.
        Named, not `without`: checkers in two regions may differ in labels such as `instance`."""
        keys = tuple(label for label, _value in self.match)
        return keys + tuple(label for label in group_by if label != self.in_every and label not in keys)


@dataclass(frozen=True)
class ProbeSLI:
    """Synthetic check runs that export 1 (passed) or 0 (failed) every `interval`."""

    success: SelectorField
    interval: int
    strikes: int
    priorities: tuple[ProbePriority, ...] = ()
    kind: ClassVar[str] = "probe"

    @property
    def selectors(self) -> tuple[SelectorField, ...]:
        return (self.success,)

    @property
    def presence_parts(self) -> tuple[Selector, str]:
        return self.success.selector, ""

    @property
    def presence(self) -> str:
        return self.success.selector.render()

    def earlier(self, entry: ProbePriority | None) -> tuple[ProbePriority, ...]:
        """The entries before `entry` (before none: all of them, for the series no entry matches) that can take a
        series `entry` matches. Left out: entries whose match contradicts entry's, and `in_every` entries whose
        series an earlier per-series entry already takes."""
        before = self.priorities[: entry.index] if entry else self.priorities
        before = tuple(e for e in before if entry is None or not e.contradicts(entry))
        per_series = [e for e in before if e.in_every is None]
        return tuple(e for e in before if e.in_every is None or not any(p.covers(e) for p in per_series))

    @property
    def check_name(self) -> str:
        """What the alert texts call the probe: its `check` label, else its metric."""
        selector = self.success.selector
        return selector.label_equalities().get("check", selector.metric)


@dataclass(frozen=True)
class FreshnessSLI:
    """Something succeeded at least every `every`: from a gauge holding the unix time of the last success, or
    from a counter of successes (exactly one is set). Its events are the seconds of evaluation time, bad while
    the last success is more than `every` ago, so the budget counts stale minutes."""

    every: int
    last_success: SelectorField | None = None
    successes: SelectorField | None = None
    kind: ClassVar[str] = "freshness"

    @property
    def source_field(self) -> SelectorField:
        field_ = self.last_success or self.successes
        assert field_ is not None, "the schema requires last_success or successes"
        return field_

    @property
    def selectors(self) -> tuple[SelectorField, ...]:
        return (self.source_field,)

    @property
    def presence_parts(self) -> tuple[Selector, str]:
        return self.source_field.selector, ""

    @property
    def presence(self) -> str:
        return self.source_field.selector.render()


SLI = RatioSLI | LatencySLI | ProbeSLI | FreshnessSLI


@dataclass(frozen=True)
class TimeSlices:
    """`budgeting: {timeslices}` (OpenSLO's Timeslices): the SLI is judged per clock-aligned slice, a slice is bad
    when its error ratio is above `error_ratio_above`, and the objective counts good slices. The `quantile` form
    (latency SLIs) is the same test: p95 above 2s is more than 5 % of requests slower than 2s, exactly so when 2s
    is a bucket boundary, which latency-bucket checks."""

    slice: int  # seconds; OpenSLO's timeSliceWindow
    error_ratio_above: Decimal  # OpenSLO's timeSliceTarget is 1 - this
    source: Source  # the `timeslices` mapping
    quantile: Decimal | None = None  # the quantile form, as written, for texts

    @property
    def slice_text(self) -> str:
        return format_duration(self.slice)

    def bad_words(self, sli: "SLI") -> str:
        """When a slice is bad, for texts: `its error ratio is above 1 %`, or `its p95 is above 2s`."""
        if self.quantile is not None and isinstance(sli, LatencySLI):
            return f"its p{format_number(self.quantile * 100)} is above {sli.threshold_text}"
        return f"its error ratio is above {format_number(self.error_ratio_above * 100)} %"


@dataclass(frozen=True)
class SLOAlerting:
    windows: tuple[BurnWindow, ...]
    windows_source: Source | None  # None: the Workbook defaults, written nowhere in the spec
    priority: str = DEFAULT_PAGE_PRIORITY
    runbook: str | None = None
    dashboard: str | None = None
    min_events: int | None = None
    absent: int | None = None
    # `absent: {expect}`: the group_by labels and the values each must have; () for a bare duration.
    absent_expect: tuple[tuple[str, tuple[str, ...]], ...] = ()
    absent_source: Source | None = None  # the mapping that holds `absent`: the SLO's alerting or the service's
    uncomputable: bool = True
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()


AlertKind = Literal["burn", "strike", "overdue", "absent", "uncomputable"]


@dataclass(frozen=True)
class SLOAlert:
    """One alert an SLO's rules can fire, with the labels it fires with.

    Rules, promtool tests, Alertmanager route tests and dashboards all read these; none derives its own.
    """

    kind: AlertKind
    name: str
    labels: tuple[tuple[str, str], ...]
    window: BurnWindow | None = None  # burn alerts only
    for_: int = 0  # seconds the condition must hold before the alert fires
    # Strike alerts only: the `priorities` entry whose series the alert covers (None: the series no entry matches),
    # and the entries before it that can take its series, which then are not this alert's (first match wins).
    entry: ProbePriority | None = None
    earlier: tuple[ProbePriority, ...] = ()

    @property
    def severity(self) -> str:
        return dict(self.labels)["severity"]


def _covers(entry: ProbePriority | None, labels: dict[str, str]) -> bool:
    return entry is None or entry.matches(labels)


def priority_for(severity: str, page_priority: str) -> str:
    """Pages carry the priority the spec gives; every ticket is P2 (launch document: "P2 – Feature Issues")."""
    return page_priority if severity == PAGE else TICKET_PRIORITY


def _sorted_labels(labels: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items()))


@dataclass(frozen=True)
class SLO:
    service: str
    name: str
    description: str
    objective_percent: Decimal
    period: int
    sli: SLI
    group_by: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]
    alerting: SLOAlerting
    source: Source  # the SLO's mapping, or its key under `percentiles` for an expanded variant
    spec: Source  # the SLO's mapping in the spec
    service_labels: tuple[tuple[str, str], ...] = ()
    # A calendar-aligned period; `period` is then its nominal length (calendar_periods.NOMINAL), which only the
    # burn-rate arithmetic reads.
    calendar: Calendar | None = None
    # The service's exclusions this SLO applies (all of them unless the SLO's `exclude` names some), and the names
    # its `exclude` gives that the service does not define (lint: exclusion-names), with their index.
    exclusions: tuple[MaintenanceWindow, ...] = ()
    unknown_exclusions: tuple[tuple[int, str], ...] = ()
    # `budgeting: {timeslices}`: the base events are then seconds of evaluation time, bad while the last
    # completed slice was bad (render/rules.timeslice_terms), as a freshness SLI's are while stale.
    timeslices: TimeSlices | None = None

    def __hash__(self) -> int:
        return self._hash

    @cached_property  # renderers cache by SLO; a generated __hash__ walks every field, nested ones too, each time
    def _hash(self) -> int:
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its hash: another process hashes strings with another seed."""
        return {name: value for name, value in self.__dict__.items() if name != "_hash"}

    @property
    def objective(self) -> Decimal:
        return self.objective_percent / 100

    @property
    def error_budget(self) -> Decimal:
        return (100 - self.objective_percent) / 100

    @property
    def identity(self) -> dict[str, str]:
        """The two labels that tell one SLO's series from another's."""
        return {"service": self.service, "slo": self.name}

    @property
    def series_labels(self) -> dict[str, str]:
        """Labels of the SLO's base and period series: the service's, the SLO's, and its identity."""
        return dict(self._series_label_items)

    @cached_property  # read for every rule and test series; each caller gets a dict of its own
    def _series_label_items(self) -> tuple[tuple[str, str], ...]:
        return _sorted_labels({**dict(self.service_labels), **dict(self.labels), **self.identity})

    @property
    def base_window(self) -> int:
        """The one window read from raw series: 5m, or one probe interval when probes are sparser. A time-slice
        SLO's base series are evaluations, each the last completed slice's verdict: one evaluation interval."""
        if self.timeslices is not None:
            return TIMESLICE_EVALUATION
        if isinstance(self.sli, ProbeSLI):
            return max(burnrate.BASE_WINDOW, self.sli.interval)
        return burnrate.BASE_WINDOW

    def effective(self, window: int) -> int:
        """Windows shorter than the base window cannot be computed; they read the base window instead."""
        return max(window, self.base_window)

    @cached_property  # every renderer asks, for every rule, alert and panel
    def burn_windows(self) -> tuple[BurnWindow, ...]:
        """Alerting pairs that are generated, with windows raised to the base window. Left out, each with its lint
        finding: a pair whose short window reaches its long one once raised (burn-window-degenerate), a pair
        below 1× (burn-factor-below-one: it cannot exhaust the budget within the period), a pair whose
        threshold is 100 % errors or more (burn-window-unreachable: it can never fire) and a page pair of a probe
        with strikes > 1 (probe-page-pair: it can page on one failed run)."""
        raised = (burnrate.raised(window, self.base_window) for window in self.alerting.windows)
        return tuple(pair for pair in raised if self.skip_reason(pair) is None)

    def skip_reason(self, pair: BurnWindow) -> str | None:
        """Why a pair (raised to the base window) is not generated, in words; None when it is."""
        if pair.short >= pair.long:
            return "its short window, raised to the base window, is as long as its long one (burn-window-degenerate)"
        if pair.factor(self.period) < 1:
            return "its burn factor is below 1×: it cannot exhaust the budget within the period (burn-factor-below-one)"
        if self._pages_before_strikes(pair):
            return "a page pair could page on one failed probe run, before the strikes (probe-page-pair)"
        if burnrate.threshold_ratio(pair, self.period, self.error_budget) >= 1:
            return "it needs 100 % errors or more, so it can never fire (burn-window-unreachable)"
        return None

    def _pages_before_strikes(self, window: BurnWindow) -> bool:
        """Whether a page pair could page before the strike alert's `strikes` consecutive failed runs."""
        return window.severity == PAGE and isinstance(self.sli, ProbeSLI) and self.sli.strikes > 1

    @cached_property
    def ratio_windows(self) -> tuple[int, ...]:
        """Every window with a recorded error ratio, shortest first: the standard set below the period
        (the period has its own series) plus every window an alert reads, even one as long as the period."""
        wanted = {self.effective(w) for w in burnrate.STANDARD_WINDOWS if self.effective(w) < self.period}
        for window in self.burn_windows:
            wanted.update((window.long, window.short))
        return tuple(sorted(wanted))

    @property
    def current_window(self) -> int | None:
        """The recorded window dashboards show as the current burn rate (1h, or the base window when longer);
        None when that window is not recorded (a period of 1h or less), so dashboards read the period instead."""
        window = self.effective(CURRENT_WINDOW)
        return window if window in self.ratio_windows else None

    @property
    def period_text(self) -> str:
        return format_duration(self.period)

    @property
    def period_name(self) -> str:
        """The period as people read it: `30d`, or `calendar month (UTC)`."""
        return self.calendar.name if self.calendar else self.period_text

    @property
    def period_span(self) -> str:
        """Dashboard wording for the period's extent: `rolling 30d`, or `this calendar month (UTC)`."""
        if self.calendar:
            return f"this {self.calendar.name}"
        return f"rolling {self.period_text}"

    @property
    def period_label(self) -> str:
        """The period in a panel title: `30d`, or `this month` (the budget since the month's start)."""
        return f"this {self.calendar.unit}" if self.calendar else self.period_text

    @property
    def absent_groups(self) -> tuple[dict[str, str], ...]:
        """Each group `alerting.absent.expect` expects, every combination of its values; () without expect."""
        expect = self.alerting.absent_expect
        if not expect:
            return ()
        labels = tuple(label for label, _values in expect)
        combos = itertools.product(*(values for _label, values in expect))
        return tuple(dict(zip(labels, combo, strict=True)) for combo in combos)

    def presence_selectors(self) -> tuple[tuple[dict[str, str], Selector], ...]:
        """What the absence ticket watches (with the suffix of sli.presence_parts): ({}, the SLI's presence
        selector), or per expected group its labels and the selector narrowed to them. absent_over_time() carries a
        selector's equality matchers onto its result, so a silent group's ticket carries the group's labels."""
        selector, _suffix = self.sli.presence_parts
        narrowed = []
        for group in self.absent_groups or ({},):
            extra = tuple(m for m in (Matcher(k, "=", v) for k, v in group.items()) if m not in selector.matchers)
            narrowed.append((group, Selector(selector.metric, selector.matchers + extra)))
        return tuple(narrowed)

    @property
    def strike_window(self) -> int:
        """A probe SLO's strike alert looks back exactly `strikes` runs."""
        assert isinstance(self.sli, ProbeSLI)
        return self.sli.interval * self.sli.strikes

    @cached_property
    def alerts(self) -> tuple[SLOAlert, ...]:
        """Every alert this SLO's rules fire, in rule order: one per burn window, the probe's strike alerts,
        the absence ticket when `alerting.absent` is set, and the uncomputable-SLI ticket unless
        `alerting.uncomputable` is false."""
        found = [
            SLOAlert(
                "burn",
                naming.burn_alert(self.name),
                self._alert_labels(
                    window.severity,
                    {
                        "long_window": format_duration(window.long),
                        "short_window": format_duration(window.short),
                        "burn_rate": format_number(window.factor(self.period)),
                    },
                ),
                window,
            )
            for window in self.burn_windows
        ]
        found.extend(self._strike_alerts())
        if isinstance(self.sli, FreshnessSLI):
            # A stale thing stays stale for hours: the age alert says so the evaluation after `every` has passed,
            # at the SLO's priority (P2 tickets), long before any burn pair could.
            severity = TICKET if self.alerting.priority == TICKET_PRIORITY else PAGE
            found.append(SLOAlert("overdue", naming.overdue_alert(self.name), self._alert_labels(severity)))
        if self.alerting.absent:
            found.append(SLOAlert("absent", naming.absent_alert(self.name), self._alert_labels(TICKET)))
        if self.alerting.uncomputable and self.can_be_uncomputable:
            found.append(
                SLOAlert(
                    "uncomputable",
                    naming.uncomputable_alert(self.name),
                    self._alert_labels(TICKET),
                    for_=UNCOMPUTABLE_FOR,
                )
            )
        return tuple(found)

    def _strike_alerts(self) -> list[SLOAlert]:
        """A probe's strike alerts: one per `priorities` entry, with its priority (P2 tickets) and match labels, then
        one with the SLO's priority for the series no entry matches (a check added later must still alert)."""
        sli = self.sli
        if not isinstance(sli, ProbeSLI):
            return []
        name = naming.strike_alert(self.name)
        found = [
            SLOAlert(
                "strike",
                name,
                self._alert_labels(entry.severity, {**dict(entry.match), "priority": entry.priority}),
                entry=entry,
                earlier=sli.earlier(entry),
            )
            for entry in sli.priorities
        ]
        # The rest strike at the SLO's priority, and a P2 is a ticket here as in the entries.
        rest = TICKET if self.alerting.priority == TICKET_PRIORITY else PAGE
        found.append(
            SLOAlert(
                "strike",
                name,
                self._alert_labels(rest, {"priority": self.alerting.priority}),
                earlier=sli.earlier(None),
            )
        )
        return found

    def strike_firing(self, series: Sequence[tuple[dict[str, str], bool]]) -> list[tuple[SLOAlert, dict[str, str]]]:
        """The strike alerts that fire, each with its series' or group's labels, when each of `series` (its labels,
        whether its last `strikes` runs all failed) reported within the strike window: what the strike rules compute,
        for the generated tests to hold them to. A series is the first entry's that matches it, except that an
        `in_every` entry takes only the series of the groups where it fires."""
        claimed: set[int] = set()
        fired: list[tuple[SLOAlert, dict[str, str]]] = []
        for alert in (a for a in self.alerts if a.kind == "strike"):
            entry = alert.entry
            mine = [i for i, (labels, _struck) in enumerate(series) if i not in claimed and _covers(entry, labels)]
            if entry is None or entry.in_every is None:
                fired.extend((alert, series[i][0]) for i in mine if series[i][1])
                claimed.update(mine)
                continue
            keys = entry.group(self.group_by)
            groups: dict[tuple[str, ...], list[int]] = {}
            for i in mine:
                groups.setdefault(tuple(series[i][0].get(key, "") for key in keys), []).append(i)
            for values, members in groups.items():
                if all(series[i][1] for i in members):
                    fired.append((alert, {key: value for key, value in zip(keys, values, strict=True) if value}))
                    claimed.update(members)
        return fired

    @property
    def can_be_uncomputable(self) -> bool:
        """Whether the series can flow while the SLI cannot be computed from them: a latency histogram without
        its threshold bucket, a `good` selector that matches nothing or more than total, an `errors` selector
        that can count what total does not. A probe's errors and total come from one series, so it cannot."""
        sli = self.sli
        if isinstance(sli, LatencySLI):
            return True
        if isinstance(sli, RatioSLI):
            return sli.good is not None or sli.errors_can_exceed_total
        return False

    def _alert_labels(self, severity: str, extra: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
        return _sorted_labels(
            {
                **dict(self.service_labels),
                **dict(self.alerting.labels),
                **self.identity,
                "severity": severity,
                "priority": priority_for(severity, self.alerting.priority),
                **(extra or {}),
            }
        )


@dataclass(frozen=True)
class ExprCondition:
    expr: str
    kind: ClassVar[str] = "expr"


@dataclass(frozen=True)
class QuantileCondition:
    histogram: SelectorField
    q: Decimal
    above: Decimal
    window: int
    group_by: tuple[str, ...]
    min_events: int | None = None  # requests the window must hold, per group, before the quantile may fire
    kind: ClassVar[str] = "quantile"


@dataclass(frozen=True)
class ZeroToleranceCondition:
    """Fires on any increase of `counter`, or a counter series born above 0, and does not resolve on its own.

    With `open`, a gauge of the cases not yet undone, it stays firing while `open` reads above 0, and `hold` (the
    spec's `window`) only bridges the time until `open` counts a new case. Without `open` it stays firing for `hold`
    (the spec's `hold`) after the last increase, whether or not the harm was undone.
    """

    counter: SelectorField
    open: SelectorField | None
    hold: int
    group_by: tuple[str, ...]
    kind: ClassVar[str] = "zero_tolerance"

    @property
    def self_resolving(self) -> bool:
        """Whether the alert resolves when its hold runs out, not when a person has undone the harm."""
        return self.open is None

    @property
    def unseen(self) -> int:
        """How long a counter series must have had no sample, a hold ago, to be taken for born."""
        return max(self.hold, ZERO_TOLERANCE_UNSEEN)


Condition = ExprCondition | QuantileCondition | ZeroToleranceCondition


@dataclass(frozen=True)
class AlertTest:
    """Input series for an expr alert's generated test, and when its condition starts to hold."""

    interval: int
    series: tuple[tuple[str, str], ...]
    holds_from: int


@dataclass(frozen=True)
class Alert:
    """A symptom alert the spec declares outright (not derived from an SLO)."""

    service: str
    name: str
    condition: Condition
    for_: int
    severity: str
    priority: str
    summary: str | None
    description: str | None
    runbook: str | None
    dashboard: str | None
    labels: tuple[tuple[str, str], ...]
    annotations: tuple[tuple[str, str], ...]
    test: AlertTest | None
    source: Source
    service_labels: tuple[tuple[str, str], ...] = ()

    @property
    def selectors(self) -> tuple[SelectorField, ...]:
        condition = self.condition
        if isinstance(condition, ExprCondition):
            return ()
        if isinstance(condition, QuantileCondition):
            return (condition.histogram,)
        if isinstance(condition, ZeroToleranceCondition):
            return (condition.counter,) if condition.open is None else (condition.counter, condition.open)
        assert_never(condition)

    @property
    def rule_labels(self) -> dict[str, str]:
        """The labels the alert fires with."""
        return dict(
            _sorted_labels(
                {
                    **dict(self.service_labels),
                    **dict(self.labels),
                    "service": self.service,
                    "severity": self.severity,
                    "priority": self.priority,
                }
            )
        )


@dataclass(frozen=True)
class Panel:
    title: str
    type: str
    unit: str | None
    description: str | None
    queries: tuple[tuple[str, str | None], ...]
    thresholds: tuple[tuple[float, str], ...]
    source: Source


@dataclass(frozen=True)
class DashboardRow:
    title: str
    panels: tuple[Panel, ...]


@dataclass(frozen=True)
class Service:
    name: str
    description: str
    labels: tuple[tuple[str, str], ...]
    slos: tuple[SLO, ...]
    alerts: tuple[Alert, ...]
    histograms: tuple[tuple[str, tuple[Decimal, ...]], ...]
    dashboard_url: str | None
    dashboard_rows: tuple[DashboardRow, ...]
    documents: tuple[Document, ...] = field(compare=False)
    exclusions: tuple[MaintenanceWindow, ...] = ()  # budget exclusions; each SLO's are SLO.exclusions
    unitless: frozenset[str] = frozenset()  # histograms whose buckets are declared as numbers, not latencies
    scope: tuple[Matcher, ...] = ()  # `scope`: matchers already added to every selector of the service

    @property
    def spec_files(self) -> tuple[str, ...]:
        return tuple(d.output_name for d in self.documents)

    def alert_labels(self) -> list[tuple[str, dict[str, str]]]:
        """(alert name, labels) of every alert the service's rules can fire, as the rule renderer labels them."""
        found = [(alert.name, dict(alert.labels)) for slo in self.slos for alert in slo.alerts]
        return found + [(alert.name, alert.rule_labels) for alert in self.alerts]


@dataclass(frozen=True)
class Project:
    services: tuple[Service, ...]
    routing: Routing | None = None
    routing_documents: tuple[Document, ...] = field(default=(), compare=False)
    deploy: Deploy = NOWHERE  # the spec's `targets`; Deploy.documents: every spec that has a section
    runbooks: Runbooks | None = None  # the spec's `runbooks` (output/docs/)
    runbooks_documents: tuple[Document, ...] = field(default=(), compare=False)

    def slos(self) -> Iterator[SLO]:
        for service in self.services:
            yield from service.slos

    def alerts(self) -> Iterator[Alert]:
        for service in self.services:
            yield from service.alerts

    def selector_fields(self) -> Iterator[SelectorField]:
        """Every selector the specs wrote, SLIs first."""
        for slo in self.slos():
            yield from slo.sli.selectors
        for alert in self.alerts():
            yield from alert.selectors


# --- building the model from schema-valid documents ----------------------------------------------------


def build(documents: list[Document]) -> tuple[Project, list[Finding]]:
    """Group schema-valid documents by service (a service may span files) and build the model.

    Returns the project and findings for values the schema accepts but the model cannot use. An SLO or
    alert with such a value is left out, so one bad value hides nothing else from lint.
    """
    services, findings = build_services(documents)
    sections, problems = build_sections(documents)
    return replace(sections, services=services), findings + problems


def build_services(documents: list[Document]) -> tuple[tuple[Service, ...], list[Finding]]:
    """The services of these documents, which must hold every document of each (a service may span files)."""
    by_service: dict[str, list[Document]] = {}
    for document in documents:
        by_service.setdefault(document.data["service"], []).append(document)
    findings: list[Finding] = []
    return tuple(_service(name, docs, findings) for name, docs in sorted(by_service.items())), findings


SECTIONS = ("routing", "targets", "runbooks")  # a spec's keys that apply to the whole project


def build_sections(documents: list[Document]) -> tuple[Project, list[Finding]]:
    """The project's sections from the documents that hold one (others are ignored), without any service."""
    findings: list[Finding] = []
    routing_docs = tuple(d for d in documents if "routing" in d.data)
    built = None
    if routing_docs:
        try:
            built = routing.build(routing_docs[0].data["routing"], Source(routing_docs[0], ("routing",)))
        except SpecError as err:
            findings.append(err.finding())
    targets_docs = tuple(d for d in documents if "targets" in d.data)
    targets = build_deploy(targets_docs[0].data["targets"], targets_docs) if targets_docs else NOWHERE
    runbooks_docs = tuple(d for d in documents if "runbooks" in d.data)
    pages = None
    if runbooks_docs:
        try:
            pages = build_runbooks(runbooks_docs[0].data["runbooks"], Source(runbooks_docs[0], ("runbooks",)))
        except SpecError as err:
            findings.append(err.finding())
    return Project((), built, routing_docs, targets, pages, runbooks_docs), findings


def _pairs(mapping: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((mapping or {}).items()))


def _service(name: str, documents: list[Document], findings: list[Finding]) -> Service:
    first = documents[0].data
    labels = _pairs(first.get("labels"))
    slos: list[SLO] = []
    alerts: list[Alert] = []
    histograms: dict[str, tuple[Decimal, ...]] = {}
    unitless: set[str] = set()
    rows: list[DashboardRow] = []
    exclusions = tuple(
        routing.maintenance_window(spec, Source(document, ("exclusions", i)))
        for document in documents
        for i, spec in enumerate(document.data.get("exclusions", []))
    )
    for document in documents:
        data = document.data
        try:
            period = _period(Source(document), data.get("period", DEFAULT_PERIOD))
        except SpecError as err:
            findings.append(err.finding())
            continue
        defaults = data.get("alerting", {})
        for index, spec in enumerate(data.get("slos", [])):
            source = Source(document, ("slos", index))
            try:
                slos.extend(_slos(name, labels, spec, source, period, defaults, exclusions))
            except SpecError as err:
                findings.append(err.finding())
        for index, spec in enumerate(data.get("alerts", [])):
            try:
                alerts.append(_alert(name, labels, spec, Source(document, ("alerts", index))))
            except SpecError as err:
                findings.append(err.finding())
        for metric, buckets in data.get("histograms", {}).items():
            histograms[metric] = tuple(sorted(_bucket(b) for b in buckets))
            if not isinstance(buckets[0], str):  # the schema keeps one list all latencies or all numbers
                unitless.add(metric)
        for index, row in enumerate(data.get("dashboard", {}).get("rows", [])):
            rows.append(_row(row, Source(document, ("dashboard", "rows", index))))
    dashboard_url = next((d.data["dashboard"]["url"] for d in documents if "url" in d.data.get("dashboard", {})), None)
    scope = tuple(Matcher(label, "=", value) for label, value in _pairs(first.get("scope")))
    if scope:
        slos = [replace(slo, sli=_scoped_fields(slo.sli, scope)) for slo in slos]
        alerts = [_scoped_alert(alert, scope) for alert in alerts]
        rows = [_scoped_row(row, scope) for row in rows]
    return Service(
        name,
        first.get("description", ""),
        labels,
        tuple(slos),
        tuple(alerts),
        tuple(sorted(histograms.items())),
        dashboard_url,
        tuple(rows),
        tuple(documents),
        exclusions,
        unitless=frozenset(unitless),
        scope=scope,
    )


# --- a service's `scope`: matchers added to every selector it reads, written or in free PromQL -----------


_D = TypeVar("_D")  # an SLI or alert condition: a frozen dataclass


def _scoped_fields(obj: _D, scope: tuple[Matcher, ...]) -> _D:
    """An SLI or alert condition with the scope added to each of its selector fields, whatever its kind."""
    found: Any = obj
    changes = {f.name: v.scoped(scope) for f in fields(found) if isinstance(v := getattr(found, f.name), SelectorField)}
    return replace(found, **changes)  # type: ignore[no-any-return]


def scoped_expr(expr: str, scope: tuple[Matcher, ...]) -> str:
    """Free PromQL with the scope added to each selector; as written when the scanner cannot read it (lint rule
    promql-expr reports such an expression)."""
    try:
        return with_matchers(expr, scope)
    except SelectorError:
        return expr


def _scoped_series(series: str, scope: tuple[Matcher, ...]) -> str:
    """An expr alert's test input series with the scope's labels, so the scoped expression still reads it."""
    try:
        parsed = parse_series(series)
    except SelectorError:
        return series
    return with_matchers(series, scope) if parsed.metric else series


def _scoped_alert(alert: "Alert", scope: tuple[Matcher, ...]) -> "Alert":
    condition = alert.condition
    if not isinstance(condition, ExprCondition):
        return replace(alert, condition=_scoped_fields(condition, scope))
    test = alert.test
    if test is not None:
        test = replace(test, series=tuple((_scoped_series(s, scope), v) for s, v in test.series))
    return replace(alert, condition=replace(condition, expr=scoped_expr(condition.expr, scope)), test=test)


def _scoped_row(row: "DashboardRow", scope: tuple[Matcher, ...]) -> "DashboardRow":
    panels = tuple(
        replace(panel, queries=tuple((scoped_expr(expr, scope), legend) for expr, legend in panel.queries))
        for panel in row.panels
    )
    return replace(row, panels=panels)


def _bucket(boundary: str | float) -> Decimal:
    """A declared bucket boundary: a latency such as 250ms in seconds, or a unitless number as written."""
    return parse_latency(boundary) if isinstance(boundary, str) else Decimal(str(boundary))


def _windows(specs: list[Spec], source: Source) -> tuple[BurnWindow, ...]:
    return tuple(
        BurnWindow(
            w["severity"],
            _duration(source, ("windows", i, "long"), w["long"]),
            _duration(source, ("windows", i, "short"), w["short"]),
            Decimal(str(w["budget"])) / 100,
        )
        for i, w in enumerate(specs)
    )


def _alerting(spec: Spec, defaults: Spec, sli: SLI, source: Source, period: int) -> SLOAlerting:
    merged = {**defaults, **spec}
    merged["labels"] = {**defaults.get("labels", {}), **spec.get("labels", {})}
    merged["annotations"] = {**defaults.get("annotations", {}), **spec.get("annotations", {})}
    windows_source: Source | None
    if "windows" in merged:
        windows_source = source if "windows" in spec else Source(source.document, ("alerting",))
        windows = _windows(merged["windows"], windows_source)
    elif isinstance(sli, FreshnessSLI):
        # The overdue alert fires the evaluation after `every` passes without a success; a burn pair would only
        # repeat it later (a freshness SLI is stale for hours at a time), so only windows written in the spec count.
        windows, windows_source = (), None
    elif isinstance(sli, ProbeSLI):
        # A probe pages through its strike alert: one failed run in an hour is already a 14.4× burn at
        # 99.9 %, so Workbook page pairs would page on every single failure and defeat the strike rule.
        windows = tuple(w for w in burnrate.default_windows(period) if w.severity == TICKET)
        windows_source = None
    else:
        # The Workbook's pairs scaled to the period, at its burn factors (docs/rules.md, "Other periods").
        windows, windows_source = burnrate.default_windows(period), None
    windows = tuple(w for w in windows if merged.get(w.severity, True))
    absent_source = source if "absent" in spec else Source(source.document, ("alerting",))
    absent = merged.get("absent")
    absent_for = absent["for"] if isinstance(absent, dict) else absent
    absent_path = ("absent", "for") if isinstance(absent, dict) else ("absent",)
    return SLOAlerting(
        windows=windows,
        windows_source=windows_source,
        priority=merged.get("priority", DEFAULT_PAGE_PRIORITY),
        runbook=merged.get("runbook"),
        dashboard=merged.get("dashboard"),
        min_events=merged.get("min_events"),
        absent=_duration(absent_source, absent_path, absent_for) if absent_for is not None else None,
        absent_expect=_expect(absent["expect"]) if isinstance(absent, dict) else (),
        absent_source=absent_source if absent is not None else None,
        uncomputable=merged.get("uncomputable", True),
        labels=_pairs(merged["labels"]),
        annotations=_pairs(merged["annotations"]),
    )


def _expect(spec: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((label, tuple(values)) for label, values in sorted(spec.items()))


def _sli(spec: Spec, source: Source, threshold: Decimal | None) -> SLI:
    kind, body = next(iter(spec.items()))
    at = source.at("sli", kind)
    if kind == "ratio":
        return RatioSLI(
            total=_selector(body["total"], at.at("total")),
            errors=_selector(body["errors"], at.at("errors")) if "errors" in body else None,
            good=_selector(body["good"], at.at("good")) if "good" in body else None,
        )
    if kind == "latency":
        assert threshold is not None, "_targets refuses a latency SLO without a threshold"
        return LatencySLI(_selector(body["histogram"], at.at("histogram")), threshold)
    if kind == "value":
        return ValueSLI(_selector(body["histogram"], at.at("histogram")), Decimal(str(body["below"])))
    if kind == "probe":
        return ProbeSLI(
            _selector(body["success"], at.at("success")),
            _duration(at, ("interval",), body["interval"]),
            body.get("strikes", DEFAULT_STRIKES),
            tuple(
                ProbePriority(index, _pairs(entry["match"]), entry["priority"], entry.get("in_every"))
                for index, entry in enumerate(body.get("priorities", ()))
            ),
        )
    if kind == "freshness":
        return FreshnessSLI(
            _duration(at, ("every",), body["every"]),
            _selector(body["last_success"], at.at("last_success")) if "last_success" in body else None,
            _selector(body["successes"], at.at("successes")) if "successes" in body else None,
        )
    raise AssertionError(f"the schema admits no SLI kind {kind!r}")


TARGET_RULE = "slo-target"


@dataclass(frozen=True)
class _Target:
    """One SLO to build from a spec mapping: the whole SLO, or one entry of its `percentiles`."""

    name: str
    objective: Decimal
    threshold: Decimal | None
    source: Source


def _targets(spec: Spec, source: Source) -> list[_Target]:
    """The objective (and latency threshold) of each SLO the mapping declares.

    Raises SpecError when the mapping gives neither or both of objective and percentiles, or a latency SLI
    without exactly one kind of threshold: without a target there is nothing to burn against. Also when an
    objective or percentile is 1 or less: a fraction where a percent is meant, whose burn rates would be nonsense.
    """
    latency = spec["sli"].get("latency")
    threshold_given = latency is not None and "threshold" in latency
    # The quantile form of time slices carries the latency threshold: `above`.
    above = spec.get("budgeting", {}).get("timeslices", {}).get("bad_when", {}).get("above")
    problem = (
        _timeslice_problem(spec, threshold_given, above)
        or _target_problem(spec, latency is not None, threshold_given or above is not None)
        or _fraction_problem(spec)
    )
    if problem:
        path, message = problem
        raise SpecError(source, path, message, TARGET_RULE)
    if "percentiles" in spec:
        return [
            _Target(
                f"{spec['name']}-{key.replace('.', '-')}",
                Decimal(key[1:]),
                parse_latency(value),
                source.at("percentiles", key),
            )
            for key, value in sorted(spec["percentiles"].items(), key=lambda kv: Decimal(kv[0][1:]))
        ]
    threshold = parse_latency(latency["threshold"]) if threshold_given else None
    if above is not None and latency is not None:
        threshold = parse_latency(above)
    return [_Target(spec["name"], Decimal(str(spec["objective"])), threshold, source)]


def _timeslice_problem(spec: Spec, threshold_given: bool, above: str | None) -> tuple[SpecPath, str] | None:
    if "budgeting" not in spec:
        return None
    if "percentiles" in spec:
        return ("budgeting",), (
            "percentiles set request-based objectives, time slices count good slices: write one SLO with objective "
            "and budgeting.timeslices.bad_when: {quantile: 0.95, above: 2s}"
        )
    if above is not None and threshold_given:
        return ("sli", "latency", "threshold"), (
            "threshold and bad_when.above both given; the quantile form's above is the threshold, so drop threshold"
        )
    return None


def _fraction_problem(spec: Spec) -> tuple[SpecPath, str] | None:
    """An objective or percentile of 1 or less: 0.999 written for 99.9, which slogen would read as 0.999 %."""
    if "objective" in spec:
        value = Decimal(str(spec["objective"]))
        shown = format_number(value)
        fix = (
            f"did you mean {format_number(value * 100)}?"
            if value < 1
            else "give the share of good events, such as 99.9"
        )
        if value <= 1:
            return ("objective",), f"objective {shown} reads as {shown} %, but objective is a percent: {fix}"
    for key in sorted(spec.get("percentiles", {}), key=lambda k: Decimal(k[1:])):
        value = Decimal(key[1:])
        fix = (
            f"did you mean p{format_number(value * 100)}?" if 0 < value < 1 else "name percentiles such as p95 or p99.9"
        )
        if value <= 1:
            return ("percentiles", key), f"percentile {key} sets a {format_number(value)} % objective: {fix}"
    return None


def _target_problem(spec: Spec, is_latency: bool, threshold_given: bool) -> tuple[SpecPath, str] | None:
    has_percentiles = "percentiles" in spec
    if has_percentiles and "objective" in spec:
        return ("objective",), (
            "objective and percentiles both given; percentiles set their own objectives (p95 → 95 %), so drop objective"
        )
    if not has_percentiles and "objective" not in spec:
        return ("objective",), "missing objective; give the target as a percent, such as objective: 99.9"
    if has_percentiles and not is_latency:
        kind = next(iter(spec["sli"]))
        return ("percentiles",), f"percentiles need a latency sli; use objective for {kind} SLIs"
    if is_latency and not has_percentiles and not threshold_given:
        return ("sli", "latency"), (
            "missing threshold; give sli.latency.threshold (such as 250ms) or percentiles such as {p95: 700ms}"
        )
    if has_percentiles and threshold_given:
        return ("sli", "latency", "threshold"), (
            "threshold and percentiles both given; percentiles carry their own thresholds, so drop threshold"
        )
    return None


def _slos(
    service: str,
    service_labels: tuple[tuple[str, str], ...],
    spec: Spec,
    source: Source,
    default_period: "Period",
    defaults: Spec,
    exclusions: tuple[MaintenanceWindow, ...] = (),
) -> list[SLO]:
    """One SLO, or one per entry of the `percentiles` shorthand (pay-latency → pay-latency-p95, …)."""
    period, calendar = _period(source, spec["period"]) if "period" in spec else default_period
    names = spec.get("exclude")
    chosen = exclusions if names is None else tuple(w for w in exclusions if w.name in names)
    known = {w.name for w in exclusions}
    unknown = tuple((i, n) for i, n in enumerate(names or ()) if n not in known)
    slos = []
    timeslices = _timeslices(spec, source)
    for target in _targets(spec, source):
        sli = _sli(spec["sli"], source, target.threshold)
        slos.append(
            SLO(
                service=service,
                name=target.name,
                description=spec.get("description", ""),
                objective_percent=target.objective,
                period=period,
                sli=sli,
                group_by=tuple(spec.get("group_by", ())),
                labels=_pairs(spec.get("labels")),
                alerting=_alerting(spec.get("alerting", {}), defaults, sli, source.at("alerting"), period),
                source=target.source,
                spec=source,
                service_labels=service_labels,
                calendar=calendar,
                exclusions=chosen,
                unknown_exclusions=unknown,
                timeslices=timeslices,
            )
        )
    return slos


TIMESLICES_RULE = "timeslices"


def _timeslices(spec: Spec, source: Source) -> TimeSlices | None:
    """`budgeting.timeslices`, or None. Raises SpecError where a slice cannot be judged: on a probe or freshness
    SLI (their events are runs or time already), or a quantile on anything but a latency SLI."""
    body = spec.get("budgeting", {}).get("timeslices")
    if body is None:
        return None
    at = source.at("budgeting", "timeslices")
    kind = next(iter(spec["sli"]))
    if kind not in ("ratio", "latency"):
        raise SpecError(
            source,
            ("budgeting", "timeslices"),
            f"time slices judge a ratio or latency SLI per slice; a {kind} SLI's events are already "
            + ("probe runs" if kind == "probe" else "evaluation time")
            + ", so drop budgeting",
            TIMESLICES_RULE,
        )
    bad_when = body["bad_when"]
    if "quantile" in bad_when:
        if kind != "latency":
            raise SpecError(
                at,
                ("bad_when", "quantile"),
                "a quantile needs a latency SLI; for a ratio SLI write bad_when: {error_ratio_above: 0.01}",
                TIMESLICES_RULE,
            )
        quantile = Decimal(str(bad_when["quantile"]))
        return TimeSlices(_duration(at, ("slice",), body["slice"]), 1 - quantile, at, quantile)
    return TimeSlices(_duration(at, ("slice",), body["slice"]), Decimal(str(bad_when["error_ratio_above"])), at)


Period = tuple[int, Calendar | None]


def _period(source: Source, value: str | Spec) -> Period:
    """A rolling duration, or a calendar period with its nominal length for the burn-rate arithmetic."""
    if isinstance(value, str):
        return _duration(source, ("period",), value), None
    calendar = Calendar(value["calendar"], value.get("timezone", "UTC"), source.at("period"))
    return calendar.nominal, calendar


def _condition(spec: Spec, source: Source) -> Condition:
    if "expr" in spec:
        return ExprCondition(spec["expr"])
    if "quantile" in spec:
        body = spec["quantile"]
        return QuantileCondition(
            _selector(body["histogram"], source.at("quantile", "histogram")),
            Decimal(str(body["q"])),
            parse_latency(body["above"]),
            _duration(source, ("quantile", "window"), body.get("window", "5m")),
            tuple(body.get("group_by", ())),
            body.get("min_events"),
        )
    body = spec["zero_tolerance"]
    open_ = None
    if "open" in body:
        open_ = _selector(body["open"], source.at("zero_tolerance", "open"))
        hold = _duration(source, ("zero_tolerance", "window"), body.get("window", ZERO_TOLERANCE_WINDOW))
    else:  # `window` has no say here: it made the pilot's page resolve 10 minutes after a double charge
        hold = _duration(source, ("zero_tolerance", "hold"), body.get("hold", ZERO_TOLERANCE_HOLD))
    return ZeroToleranceCondition(
        _selector(body["counter"], source.at("zero_tolerance", "counter")),
        open_,
        hold,
        tuple(body.get("group_by", ())),
    )


def _alert(service: str, service_labels: tuple[tuple[str, str], ...], spec: Spec, source: Source) -> Alert:
    test = None
    if "test" in spec:
        body = spec["test"]
        test = AlertTest(
            _duration(source, ("test", "interval"), body.get("interval", "1m")),
            tuple((s["series"], s["values"]) for s in body["series"]),
            _duration(source, ("test", "holds_from"), body["holds_from"], allow_zero=True),
        )
    severity = spec["severity"]
    return Alert(
        service=service,
        name=spec["name"],
        condition=_condition(spec, source),
        for_=_duration(source, ("for",), spec["for"], allow_zero=True) if "for" in spec else 0,
        severity=severity,
        priority=spec.get("priority", priority_for(severity, DEFAULT_PAGE_PRIORITY)),
        summary=spec.get("summary"),
        description=spec.get("description"),
        runbook=spec.get("runbook"),
        dashboard=spec.get("dashboard"),
        labels=_pairs(spec.get("labels")),
        annotations=_pairs(spec.get("annotations")),
        test=test,
        source=source,
        service_labels=service_labels,
    )


def _row(spec: Spec, source: Source) -> DashboardRow:
    panels = tuple(
        Panel(
            p["title"],
            p.get("type", "timeseries"),
            p.get("unit"),
            p.get("description"),
            tuple((q["expr"], q.get("legend")) for q in p["queries"]),
            tuple((t["value"], t["color"]) for t in p.get("thresholds", [])),
            source.at("panels", i),
        )
        for i, p in enumerate(spec["panels"])
    )
    return DashboardRow(spec["title"], panels)
