"""The one model every renderer reads: services, SLOs, SLIs, burn windows and symptom alerts.

Built from schema-valid documents. Everything a renderer needs (windows, thresholds, names) is a
property here, so renderers ask the model and never recompute or read specs.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from typing import TYPE_CHECKING, Iterator

from . import burnrate
from .burnrate import BurnWindow
from .durations import format_duration, parse_duration, parse_latency
from .load import Document
from .selector import Selector, SelectorError, parse_selector

if TYPE_CHECKING:
    from .routing import Routing

DEFAULT_PERIOD = "30d"
DEFAULT_PAGE_PRIORITY = "P1"
TICKET_PRIORITY = "P2"
DEFAULT_STRIKES = 1
CURRENT_WINDOW = 3600  # "burning now" on dashboards: the Workbook's fastest page window


@dataclass(frozen=True)
class Source:
    """Where a model object was declared, so lint rules can point at the spec line."""

    document: Document = field(compare=False, repr=False)
    path: tuple = ()

    def finding(self, sub: tuple, message: str, rule: str, level: str = "error"):
        return self.document.finding(self.path + sub, message, rule, level)


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


class SpecError(ValueError):
    """A schema-valid value the model cannot use (such as `period: 0s`), with its position."""

    def __init__(self, source: Source, path: tuple, message: str):
        super().__init__(message)
        self.source, self.path = source, path

    def finding(self):
        return self.source.finding(self.path, f"{self}", "duration")


def _duration(source: Source, path: tuple, text: str, allow_zero: bool = False) -> int:
    try:
        return parse_duration(text, allow_zero)
    except ValueError as err:
        raise SpecError(source, path, f"{err}") from None


def _selector(text: str, source: Source) -> SelectorField:
    try:
        return SelectorField(text, source, parsed=parse_selector(text))
    except SelectorError as err:
        return SelectorField(text, source, error=err)


@dataclass(frozen=True)
class RatioSLI:
    total: SelectorField
    errors: SelectorField | None = None
    good: SelectorField | None = None
    kind: str = "ratio"


@dataclass(frozen=True)
class LatencySLI:
    histogram: SelectorField
    threshold: Decimal  # seconds
    kind: str = "latency"


@dataclass(frozen=True)
class ProbeSLI:
    success: SelectorField
    interval: int
    strikes: int
    kind: str = "probe"


SLI = RatioSLI | LatencySLI | ProbeSLI


@dataclass(frozen=True)
class SLOAlerting:
    windows: tuple[BurnWindow, ...]
    windows_source: Source | None  # None: the Workbook defaults, written nowhere in the spec
    priority: str = DEFAULT_PAGE_PRIORITY
    runbook: str | None = None
    dashboard: str | None = None
    min_events: int | None = None
    absent: int | None = None
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()


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

    @property
    def objective(self) -> Decimal:
        return self.objective_percent / 100

    @property
    def error_budget(self) -> Decimal:
        return (100 - self.objective_percent) / 100

    @property
    def base_window(self) -> int:
        """The one window read from raw series: 5m, or one probe interval when probes are sparser."""
        if isinstance(self.sli, ProbeSLI):
            return max(burnrate.BASE_WINDOW, self.sli.interval)
        return burnrate.BASE_WINDOW

    def effective(self, window: int) -> int:
        """Windows shorter than the base window cannot be computed; they read the base window instead."""
        return max(window, self.base_window)

    @cached_property  # every renderer asks, for every rule, alert and panel
    def burn_windows(self) -> tuple[BurnWindow, ...]:
        """Alerting pairs that can fire (threshold below 100 % errors), with windows raised to the base."""
        usable = []
        for window in self.alerting.windows:
            if burnrate.threshold_ratio(window, self.period, self.error_budget) >= 1:
                continue
            usable.append(BurnWindow(window.severity, self.effective(window.long), self.effective(window.short), window.budget))
        return tuple(usable)

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


@dataclass(frozen=True)
class ExprCondition:
    expr: str
    kind: str = "expr"


@dataclass(frozen=True)
class QuantileCondition:
    histogram: SelectorField
    q: Decimal
    above: Decimal
    window: int
    group_by: tuple[str, ...]
    kind: str = "quantile"


@dataclass(frozen=True)
class ZeroToleranceCondition:
    counter: SelectorField
    window: int
    group_by: tuple[str, ...]
    kind: str = "zero_tolerance"


@dataclass(frozen=True)
class AlertTest:
    """Input series for an expr alert's generated test, and when its condition starts to hold."""

    interval: int
    series: tuple[tuple[str, str], ...]
    holds_from: int


@dataclass(frozen=True)
class Alert:
    service: str
    name: str
    condition: ExprCondition | QuantileCondition | ZeroToleranceCondition
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

    @property
    def spec_files(self) -> tuple[str, ...]:
        return tuple(d.file for d in self.documents)


@dataclass(frozen=True)
class Project:
    services: tuple[Service, ...]
    routing: "Routing | None" = None
    routing_documents: tuple[Document, ...] = field(default=(), compare=False)

    def slos(self) -> Iterator[SLO]:
        for service in self.services:
            yield from service.slos

    def alerts(self) -> Iterator[Alert]:
        for service in self.services:
            yield from service.alerts


def build(documents: list[Document]) -> tuple[Project, list]:
    """Group schema-valid documents by service (a service may span files) and build the model.

    Returns the project and findings for values the schema accepts but the model cannot use.
    """
    by_service: dict[str, list[Document]] = {}
    for document in documents:
        by_service.setdefault(document.data["service"], []).append(document)
    findings: list = []
    services = tuple(_service(name, docs, findings) for name, docs in sorted(by_service.items()))
    from . import routing  # routing builds on Source, defined here

    routing_docs = tuple(d for d in documents if "routing" in d.data)
    built = None
    if routing_docs:
        try:
            built = routing.build(routing_docs[0].data["routing"], Source(routing_docs[0], ("routing",)))
        except SpecError as err:
            findings.append(err.finding())
    return Project(services, built, routing_docs), findings


def _pairs(mapping: dict | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((mapping or {}).items()))


def _service(name: str, documents: list[Document], findings: list) -> Service:
    first = documents[0].data
    labels = _pairs(first.get("labels"))
    slos: list[SLO] = []
    alerts: list[Alert] = []
    histograms: dict[str, tuple[Decimal, ...]] = {}
    rows: list[DashboardRow] = []
    for document in documents:
        data = document.data
        try:
            defaults = data.get("alerting", {})
            period = _duration(Source(document), ("period",), data.get("period", DEFAULT_PERIOD))
            for index, spec in enumerate(data.get("slos", [])):
                slos.extend(_slos(name, spec, Source(document, ("slos", index)), period, defaults))
            for index, spec in enumerate(data.get("alerts", [])):
                alerts.append(_alert(name, spec, Source(document, ("alerts", index))))
        except SpecError as err:
            findings.append(err.finding())
            continue
        for metric, buckets in data.get("histograms", {}).items():
            histograms[metric] = tuple(sorted(parse_latency(b) for b in buckets))
        for index, row in enumerate(data.get("dashboard", {}).get("rows", [])):
            rows.append(_row(row, Source(document, ("dashboard", "rows", index))))
    dashboard_url = next((d.data["dashboard"]["url"] for d in documents if "url" in d.data.get("dashboard", {})), None)
    return Service(name, first.get("description", ""), labels, tuple(slos), tuple(alerts),
                   tuple(sorted(histograms.items())), dashboard_url, tuple(rows), tuple(documents))


def _windows(specs: list[dict], source: Source) -> tuple[BurnWindow, ...]:
    return tuple(BurnWindow(w["severity"], _duration(source, ("windows", i, "long"), w["long"]),
                            _duration(source, ("windows", i, "short"), w["short"]), Decimal(str(w["budget"])) / 100)
                 for i, w in enumerate(specs))


def _alerting(spec: dict, defaults: dict, sli: SLI, source: Source) -> SLOAlerting:
    merged = {**defaults, **spec}
    merged["labels"] = {**defaults.get("labels", {}), **spec.get("labels", {})}
    merged["annotations"] = {**defaults.get("annotations", {}), **spec.get("annotations", {})}
    windows_source: Source | None
    if "windows" in merged:
        windows_source = source if "windows" in spec else Source(source.document, ("alerting",))
        windows = _windows(merged["windows"], windows_source)
    elif isinstance(sli, ProbeSLI):
        # A probe pages through its strike alert: one failed run in an hour is already a 14.4× burn at
        # 99.9 %, so Workbook page pairs would page on every single failure and defeat the strike rule.
        windows = tuple(w for w in burnrate.WORKBOOK_WINDOWS if w.severity == burnrate.TICKET)
        windows_source = None
    else:
        windows, windows_source = burnrate.WORKBOOK_WINDOWS, None
    windows = tuple(w for w in windows if merged.get(w.severity, True))
    absent_source = source if "absent" in spec else Source(source.document, ("alerting",))
    return SLOAlerting(
        windows=windows, windows_source=windows_source,
        priority=merged.get("priority", DEFAULT_PAGE_PRIORITY), runbook=merged.get("runbook"),
        dashboard=merged.get("dashboard"), min_events=merged.get("min_events"),
        absent=_duration(absent_source, ("absent",), merged["absent"]) if "absent" in merged else None,
        labels=_pairs(merged["labels"]), annotations=_pairs(merged["annotations"]),
    )


def _sli(spec: dict, source: Source, threshold: Decimal | None) -> SLI:
    kind, body = next(iter(spec.items()))
    at = Source(source.document, source.path + ("sli", kind))
    field_source = lambda key: Source(source.document, at.path + (key,))  # noqa: E731
    if kind == "ratio":
        return RatioSLI(
            total=_selector(body["total"], field_source("total")),
            errors=_selector(body["errors"], field_source("errors")) if "errors" in body else None,
            good=_selector(body["good"], field_source("good")) if "good" in body else None,
        )
    if kind == "latency":
        return LatencySLI(_selector(body["histogram"], field_source("histogram")), threshold or Decimal(0))
    return ProbeSLI(_selector(body["success"], field_source("success")),
                    _duration(at, ("interval",), body["interval"]), body.get("strikes", DEFAULT_STRIKES))


_PERCENTILE = re.compile(r"^p([0-9.]+)$")


def _slos(service: str, spec: dict, source: Source, default_period: int, defaults: dict) -> list[SLO]:
    """One SLO, or one per entry of the `percentiles` shorthand (pay-latency → pay-latency-p95, …)."""
    period = _duration(source, ("period",), spec["period"]) if "period" in spec else default_period
    latency = spec["sli"].get("latency", {})
    variants: list[tuple[str, Decimal, Decimal | None, Source]] = []
    if "percentiles" in spec:
        for key, value in sorted(spec["percentiles"].items(), key=lambda kv: Decimal(kv[0][1:])):
            percent = Decimal(_PERCENTILE.match(key).group(1))
            variants.append((f"{spec['name']}-{key.replace('.', '-')}", percent, parse_latency(value),
                             Source(source.document, source.path + ("percentiles", key))))
    else:
        threshold = parse_latency(latency["threshold"]) if "threshold" in latency else None
        objective = Decimal(str(spec["objective"])) if "objective" in spec else Decimal(0)
        variants.append((spec["name"], objective, threshold, source))
    slos = []
    for name, objective, threshold, variant_source in variants:
        sli = _sli(spec["sli"], source, threshold)
        slos.append(SLO(
            service=service, name=name, description=spec.get("description", ""), objective_percent=objective,
            period=period, sli=sli, group_by=tuple(spec.get("group_by", ())), labels=_pairs(spec.get("labels")),
            alerting=_alerting(spec.get("alerting", {}), defaults, sli, Source(source.document, source.path + ("alerting",))),
            source=variant_source, spec=source,
        ))
    return slos


def _alert(service: str, spec: dict, source: Source) -> Alert:
    at = lambda *key: Source(source.document, source.path + key)  # noqa: E731
    if "expr" in spec:
        condition = ExprCondition(spec["expr"])
    elif "quantile" in spec:
        body = spec["quantile"]
        condition = QuantileCondition(_selector(body["histogram"], at("quantile", "histogram")), Decimal(str(body["q"])),
                                      parse_latency(body["above"]),
                                      _duration(source, ("quantile", "window"), body.get("window", "5m")),
                                      tuple(body.get("group_by", ())))
    else:
        body = spec["zero_tolerance"]
        condition = ZeroToleranceCondition(_selector(body["counter"], at("zero_tolerance", "counter")),
                                           _duration(source, ("zero_tolerance", "window"), body.get("window", "10m")),
                                           tuple(body.get("group_by", ())))
    test = None
    if "test" in spec:
        body = spec["test"]
        test = AlertTest(_duration(source, ("test", "interval"), body.get("interval", "1m")),
                         tuple((s["series"], s["values"]) for s in body["series"]),
                         _duration(source, ("test", "holds_from"), body["holds_from"], allow_zero=True))
    severity = spec["severity"]
    return Alert(
        service=service, name=spec["name"], condition=condition,
        for_=_duration(source, ("for",), spec["for"], allow_zero=True) if "for" in spec else 0, severity=severity,
        priority=spec.get("priority", DEFAULT_PAGE_PRIORITY if severity == burnrate.PAGE else TICKET_PRIORITY),
        summary=spec.get("summary"), description=spec.get("description"), runbook=spec.get("runbook"),
        dashboard=spec.get("dashboard"), labels=_pairs(spec.get("labels")), annotations=_pairs(spec.get("annotations")),
        test=test, source=source,
    )


def _row(spec: dict, source: Source) -> DashboardRow:
    panels = tuple(
        Panel(p["title"], p.get("type", "timeseries"), p.get("unit"), p.get("description"),
              tuple((q["expr"], q.get("legend")) for q in p["queries"]),
              tuple((t["value"], t["color"]) for t in p.get("thresholds", [])),
              Source(source.document, source.path + ("panels", i)))
        for i, p in enumerate(spec["panels"]))
    return DashboardRow(spec["title"], panels)
