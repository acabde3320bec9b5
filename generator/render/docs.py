"""The SLO catalog and runbook pages: model → Markdown text, through the jinja2 templates beside this module.

Every number and query comes from where the other outputs get it: each alert's expr, `for` and annotations from
the rule renderer (render/rules.py), the burn pairs' detection times from `slogen explain` (explain.py), the
priorities' times and the runbook text from the spec's `runbooks` section. An SLI kind this module has no words
for is shown by its fields, so a new kind renders rather than fails.

Layout under output/docs/: index.md; services/<service>.md, the catalog of one service; services/<service>/<Alert>.md,
one page per alert the rules can fire; runbooks/<page>.md, one per runbook page the specs name or write, which is
what `<runbooks.base_url><page>` serves.
"""

import dataclasses
import html
import posixpath
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

import jinja2

from .. import explain
from ..burnrate import BurnWindow, raised
from ..durations import format_duration, format_number
from ..fleet import ServiceSummary
from ..model import (
    SLO,
    Alert,
    QuantileCondition,
    SelectorField,
    Service,
    SLOAlert,
    ZeroToleranceCondition,
)
from ..runbooks import PAGES_DIR, PriorityTimes, Runbooks
from . import JSON
from .dashboards import DETAIL_FILE, dashboard_uid, detail_path
from .rules import Rule, slo_alert_rule, symptom_alert

INDEX = "index.md"
SERVICES_DIR = "services"
# SLI fields that hold seconds and read best as durations; any other int is shown as it is.
_DURATION_FIELDS = frozenset({"interval", "max_age", "every", "window", "age"})
_BACKTICKS = re.compile(r"`+")


def service_page(service: Service | ServiceSummary) -> str:
    return f"{SERVICES_DIR}/{service.name}.md"


def alert_page(service: Service, alert_name: str) -> str:
    return f"{SERVICES_DIR}/{service.name}/{alert_name}.md"


def runbook_page(slug: str) -> str:
    return f"{PAGES_DIR}/{slug}.md"


@dataclass(frozen=True)
class Variant:
    """One rule of an alert: alerts of one name differ by severity, priority, burn pair or probe entry."""

    labels: dict[str, str]
    expr: str
    for_: str | None
    words: str | None  # when it fires, in words
    numbers: explain.PairNumbers | None  # burn pairs only


@dataclass(frozen=True)
class AlertDoc:
    name: str
    kind: str
    slo: SLO | None
    variants: tuple[Variant, ...]
    annotations: dict[str, str]  # the first rule's: summary, description, runbook_url, dashboard, …

    @property
    def priorities(self) -> tuple[str, ...]:
        return tuple(sorted({v.labels["priority"] for v in self.variants if "priority" in v.labels}))

    @property
    def severities(self) -> tuple[str, ...]:
        return tuple(sorted({v.labels["severity"] for v in self.variants if "severity" in v.labels}))

    @property
    def runbook_url(self) -> str | None:
        return self.annotations.get("runbook_url")


# The service's catalog page lists what each alert page then shows: both read one rendering of the rules. Callers
# only read the result.
@lru_cache(maxsize=16)
def service_alerts(service: Service) -> tuple[AlertDoc, ...]:
    """Every alert name the service's rules can fire, in rule order, each with its rules as render_rules writes
    them."""
    found: list[AlertDoc] = []
    for slo in service.slos:
        by_name: dict[str, list[tuple[SLOAlert, Rule]]] = {}
        for alert in slo.alerts:
            by_name.setdefault(alert.name, []).append((alert, slo_alert_rule(slo, alert, service)))
        for name, rules in by_name.items():
            variants = tuple(_slo_variant(slo, alert, rule) for alert, rule in rules)
            found.append(AlertDoc(name, rules[0][0].kind, slo, variants, _annotations(rules[0][1])))
    for symptom in service.alerts:
        rule = symptom_alert(symptom, service)
        variant = Variant(_labels(rule), str(rule["expr"]), _for(rule), _symptom_words(symptom), None)
        found.append(AlertDoc(symptom.name, symptom.condition.kind, None, (variant,), _annotations(rule)))
    return tuple(found)


def alert_count(service: Service) -> int:
    """len(service_alerts(service)), without rendering the rules: one per distinct alert name of each SLO, one per
    symptom alert. The index counts every service's alerts, so a run after a one-spec change would otherwise render
    every service's rules again."""
    return sum(len({alert.name for alert in slo.alerts}) for slo in service.slos) + len(service.alerts)


def _slo_variant(slo: SLO, alert: SLOAlert, rule: Rule) -> Variant:
    numbers = explain.pair_numbers(slo, alert.window) if alert.window is not None else None
    words = explain.alert_words(slo, alert)
    if numbers is not None:
        words = (
            f"the error ratio over {numbers.pair.replace('/', ' and over ')} is above {numbers.fires_at} "
            f"({numbers.burn} the rate that spends exactly the error budget over {slo.period_text})"
        )
    return Variant(_labels(rule), str(rule["expr"]), _for(rule), words, numbers)


def _labels(rule: Rule) -> dict[str, str]:
    labels = rule.get("labels") or {}
    assert isinstance(labels, dict)
    return {str(k): str(v) for k, v in labels.items()}


def _annotations(rule: Rule) -> dict[str, str]:
    annotations = rule.get("annotations") or {}
    assert isinstance(annotations, dict)
    return {str(k): str(v) for k, v in annotations.items()}


def _for(rule: Rule) -> str | None:
    return str(rule["for"]) if "for" in rule else None


def _symptom_words(alert: Alert) -> str | None:
    """The condition of a quantile or zero-tolerance alert in words; an expr alert's is its expression."""
    condition = alert.condition
    if isinstance(condition, QuantileCondition):
        return (
            f"the {format_number(condition.q * 100)}th percentile of `{condition.histogram.text}` over "
            f"{format_duration(condition.window)}{_per(condition.group_by)} is above {format_number(condition.above)}s"
        )
    if isinstance(condition, ZeroToleranceCondition):
        return f"`{condition.counter.text}` increased{_per(condition.group_by)}"
    return None


def _per(labels: tuple[str, ...]) -> str:
    return f", per {', '.join(labels)}" if labels else ""


def sli_fields(slo: SLO) -> list[tuple[str, str]]:
    """The SLI's fields as (name, Markdown): selectors as written, numbers, durations. Read from the dataclass, so
    an SLI kind added later shows its fields without a change here."""
    found = []
    for f in dataclasses.fields(slo.sli):
        value = getattr(slo.sli, f.name)
        if isinstance(value, SelectorField):
            found.append((f.name, code(value.text)))
        elif isinstance(value, Decimal):
            found.append((f.name, format_number(value)))
        elif isinstance(value, int) and not isinstance(value, bool):
            found.append((f.name, format_duration(value) if f.name in _DURATION_FIELDS and value > 0 else str(value)))
        elif isinstance(value, str):
            found.append((f.name, code(value)))
    if slo.timeslices:  # budgeting, not a field of the SLI, but it changes what the SLI counts
        timeslices = slo.timeslices
        found.append(("counted in", f"{timeslices.slice_text} slices, bad when {timeslices.bad_words(slo.sli)}"))
    return found


@dataclass(frozen=True)
class SLOSection:
    """What the catalog page shows of one SLO besides its model, worked out before the template runs: a call from a
    template costs jinja2's checks of what the callee takes, and a fleet's pages make hundreds of thousands."""

    slo: SLO
    sli: list[tuple[str, str]]  # sli_fields
    budget: str
    pairs: list[tuple[BurnWindow, explain.PairNumbers]]
    skipped: list[tuple[BurnWindow, str]]  # the pairs not generated, and why
    alerts: list[tuple[str, str]]  # the SLO's alert pages: name, link


def render_service(service: Service, runbooks: Runbooks | None) -> str:
    """The catalog page of one service: its SLOs with their SLIs, objectives, burn pairs and alerts."""
    alerts = service_alerts(service)
    page = service_page(service)
    return _template("service.md.j2").render(
        service=service,
        alerts=alerts,
        sections=[_slo_section(slo, alerts, service, page) for slo in service.slos],
        runbooks=runbooks,
        page=page,
        owner_labels=dict(service.labels),
        dashboard_uid=dashboard_uid(service.name),
        error_ratios=explain.ERROR_RATIOS,
    )


def _slo_section(slo: SLO, alerts: tuple[AlertDoc, ...], service: Service, page: str) -> SLOSection:
    skipped = [(w, reason) for w in slo.alerting.windows if (reason := slo.skip_reason(raised(w, slo.base_window)))]
    return SLOSection(
        slo,
        sli_fields(slo),
        explain.budget_text(slo),
        [(pair, explain.pair_numbers(slo, pair)) for pair in slo.burn_windows],
        skipped,
        [(a.name, relative(alert_page(service, a.name), page)) for a in alerts if a.slo and a.slo.name == slo.name],
    )


def render_alert(service: Service, alert: AlertDoc, runbooks: Runbooks | None) -> str:
    # Values, not calls from the template, as for SLOSection: there is a page for every alert of a fleet.
    slug = runbooks.slug(alert.runbook_url) if runbooks else None
    page = alert_page(service, alert.name)
    return _template("alert.md.j2").render(
        service=service,
        alert=alert,
        service_link=relative(service_page(service), page),
        summary=alert.annotations.get("summary"),
        description=alert.annotations.get("description"),
        dashboard=alert.annotations.get("dashboard"),
        sli=sli_fields(alert.slo) if alert.slo else [],
        slug=slug,
        runbook_link=relative(runbook_page(slug), page) if slug else None,
        runbook=runbooks.page(slug) if runbooks and slug else None,
        times=[_times(runbooks, p) for p in alert.priorities],
        dashboard_uid=dashboard_uid(service.name),
        detail=(detail_path(service.name, alert.slo.name), DETAIL_FILE) if alert.slo else None,
        error_ratios=explain.ERROR_RATIOS,
    )


def service_part(service: Service, runbooks: Runbooks | None) -> JSON:
    """What the docs index and the runbook pages read of one service (targets/docs.py keeps it in the service's
    summary, generator/fleet.py): its alert count, and with a runbooks section every alert with a runbook URL."""
    linked = [
        {
            "name": alert.name,
            "runbook_url": alert.runbook_url,
            "page": alert_page(service, alert.name),
            "severities": list(alert.severities),
            "priorities": list(alert.priorities),
        }
        for alert in (service_alerts(service) if runbooks else ())
        if alert.runbook_url
    ]
    return {"alerts": alert_count(service), "runbook_alerts": linked}


ServiceParts = list[tuple[ServiceSummary, JSON]]  # each service's summary and its service_part


def runbook_slugs(runbooks: Runbooks | None, parts: ServiceParts) -> tuple[str, ...]:
    """Every page the runbooks section writes or an alert's runbook URL names, sorted."""
    if runbooks is None:
        return ()
    named = {runbooks.slug(a["runbook_url"]) for _service, part in parts for a in part["runbook_alerts"]}
    return tuple(sorted({p.slug for p in runbooks.pages} | {s for s in named if s}))


def render_runbook(runbooks: Runbooks, slug: str, parts: ServiceParts) -> str:
    """A runbook page: the spec's text, and every alert that links to it."""
    linked = [
        (service.name, alert)
        for service, part in parts
        for alert in part["runbook_alerts"]
        if runbooks.slug(alert["runbook_url"]) == slug
    ]
    return _template("runbook.md.j2").render(
        slug=slug, runbook=runbooks.page(slug), url=f"{runbooks.base_url}{slug}", linked=linked, page=runbook_page(slug)
    )


def render_index(runbooks: Runbooks | None, parts: ServiceParts) -> str:
    return _template("index.md.j2").render(
        services=[(service, part["alerts"], service_page(service)) for service, part in parts],
        runbooks=runbooks,
        slugs=runbook_slugs(runbooks, parts),
        times=[_times(runbooks, p.priority) for p in runbooks.priorities] if runbooks else [],
    )


def _times(runbooks: Runbooks | None, priority: str) -> tuple[str, PriorityTimes | None]:
    return priority, runbooks.times(priority) if runbooks else None


# --- Markdown escaping: spec text goes into tables, code spans and fenced blocks -----------------------------


def prose(text: str) -> str:
    """Plain spec text (a description) in Markdown: HTML is escaped, so `<id>` shows rather than vanishes."""
    return html.escape(text, quote=False)


def cell(text: str) -> str:
    """Plain text in a table cell: one line, with the column separator escaped."""
    return prose(" ".join(text.split())).replace("|", "\\|")


@lru_cache(maxsize=4096)  # every page quotes the same labels and selectors
def code(text: str) -> str:
    """An inline code span that holds `text` whatever backticks it has (CommonMark: a longer fence)."""
    text = " ".join(text.split())
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def cell_code(text: str) -> str:
    """A code span in a table cell: GitHub's tables split on | even inside code, unless it is escaped."""
    return code(text).replace("|", "\\|")


def fenced(text: str, info: str = "") -> str:
    """A fenced code block longer than any backtick run in `text`."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def relative(target: str, page: str) -> str:
    """The link from `page` to `target`, both plain paths under output/docs/ (no `.` or `..` parts): what
    posixpath.relpath gives, without the two getcwd() calls it makes for every link of a fleet's pages."""
    here, there = posixpath.dirname(page).split("/"), target.split("/")
    if here == [""]:
        return target
    shared = 0
    while shared < min(len(here), len(there)) and here[shared] == there[shared]:
        shared += 1
    return "/".join([".."] * (len(here) - shared) + there[shared:]) or "."


def duration_text(seconds: int) -> str:
    return format_duration(seconds) if seconds else "at once"


def labels_text(labels: dict[str, str], leave_out: tuple[str, ...] = ()) -> str:
    shown = [f"{k}={v}" for k, v in sorted(labels.items()) if k not in leave_out]
    return ", ".join(cell_code(s) for s in shown) if shown else "none"


@cache
def _environment() -> jinja2.Environment:
    # Markdown, not HTML: nothing is escaped by default; the filters above escape where Markdown needs it.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.render", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        prose=prose,
        cell=cell,
        code=code,
        cell_code=cell_code,
        fenced=fenced,
        duration=duration_text,
        labels=labels_text,
        number=format_number,
    )
    environment.globals.update(
        relative=relative,
        service_page=service_page,
        alert_page=alert_page,
        runbook_page=runbook_page,
        sli_fields=sli_fields,
    )
    return environment


@cache  # get_template would check the file's modification time on every page
def _template(name: str) -> jinja2.Template:
    return _environment().get_template(name)
