"""Alert annotation texts, rendered with jinja2 from the model.

Our templates use [[ ]] delimiters so that Prometheus's own {{ $value }} and {{ $labels.x }} pass
through untouched into the rule file. The same template renders the text promtool should see for a
known alert value (`expected`), so generated tests and rules cannot drift apart.
"""

import re
from decimal import Decimal
from functools import lru_cache
from typing import assert_never

import jinja2

from .. import promtemplate
from ..burnrate import BurnWindow
from ..durations import format_duration, format_number
from ..model import (
    SLO,
    Alert,
    ExprCondition,
    FreshnessSLI,
    LatencySLI,
    ProbeSLI,
    QuantileCondition,
    RatioSLI,
    SLOAlert,
    ZeroToleranceCondition,
)
from ..selector import Matcher

_ENV = jinja2.Environment(
    variable_start_string="[[",
    variable_end_string="]]",
    block_start_string="[%",
    block_end_string="%]",
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    keep_trailing_newline=False,
)

_BURN_SUMMARY = _ENV.from_string(
    "[[ service ]]/[[ name ]][[ where ]] burns its [[ period ]] error budget at [[ value ]]× (fires at [[ factor ]]×)"
)
_BURN_DESCRIPTION = _ENV.from_string(
    "The [[ long ]] and [[ short ]] error ratios of [[ name ]] ([[ objective ]] % over [[ period ]]) are both "
    "above [[ threshold ]] % errors, a [[ factor ]]× burn: when this fires, [[ budget ]] % of the [[ period ]] error "
    "budget has gone within [[ long ]]. Current [[ long ]] burn rate: [[ value ]]×; at this rate the whole budget "
    "lasts [[ exhaustion ]]."
)
_STRIKE_SUMMARY = _ENV.from_string(
    "[[ slo.service ]]/[[ slo.name ]]: probe [[ probe ]] failed [[ strikes ]] runs in a row[[ where ]]"
    "[% if every %] in every [[ every ]][% endif %]"
)
_STRIKE_DESCRIPTION = _ENV.from_string(
    "Every one of the last [[ strikes ]] probe runs ([[ interval ]] apart) failed for [[ probe ]][[ where ]]"
    "[% if every %] in every [[ every ]] that reported within [[ window ]][% endif %]. "
    "The SLO is [[ objective ]] % over [[ period ]]."
    "[% if entry %] [[ priority ]] by sli.probe.priorities[ [[- entry.index -]] ]: [[ match ]]"
    "[% if every %] in every [[ every ]][% endif %].[% elif entries %] [[ priority ]] by alerting.priority: "
    "no entry of sli.probe.priorities matches this series.[% endif %]"
)
_OVERDUE_SUMMARY = _ENV.from_string(
    "[[ slo.service ]]/[[ slo.name ]][[ where ]]: no success [% if age %]for [[ age ]][% else %]within [[ every ]]"
    "[% endif %], due every [[ every ]]"
)
_OVERDUE_DESCRIPTION = _ENV.from_string(
    "[[ selector ]] [% if age %]says the last success was [[ age ]] ago[% else %]has not increased in [[ every ]]"
    "[% endif %]: more than the [[ every ]] [[ slo.name ]] allows. Every minute from now on is bad against its "
    "[[ objective ]] % over [[ period ]]; it resolves with the next success."
)
_ABSENT_SUMMARY = _ENV.from_string("[[ slo.service ]]/[[ slo.name ]][[ where ]]: the SLI's series are missing")
_ABSENT_DESCRIPTION = _ENV.from_string(
    "No samples of [[ selector ]][% if where %] from[[ where ]][% endif %] for [[ absent ]]: the SLO cannot be "
    "measured[% if where %] there[% endif %] and its burn-rate alerts are blind. "
    "Check the exporter, the scrape job and the metric name."
)

_UNCOMPUTABLE_LATENCY_SUMMARY = _ENV.from_string(
    '[[ slo.service ]]/[[ slo.name ]][[ where ]]: SLI cannot be computed, histogram bucket le="[[ le ]]" is missing'
)
_UNCOMPUTABLE_LATENCY_DESCRIPTION = _ENV.from_string(
    "[[ count ]] [[ flow ]], but [[ bucket ]] has no series, so [[ slo.name ]] cannot tell "
    "[[ events ]] under [[ threshold ]] from [[ bad ]]: it records no error ratio and its burn-rate alerts stay "
    "silent however [[ worse ]] the service gets. A deploy that changed the histogram's buckets usually causes this. "
    "Check which buckets are exported now (count by (le) ([[ buckets ]])) and restore the bucket "
    'le="[[ le ]]", or set the SLO\'s threshold to a bucket that exists.'
)
_UNCOMPUTABLE_GOOD_SUMMARY = _ENV.from_string(
    "[[ slo.service ]]/[[ slo.name ]][[ where ]]: SLI cannot be computed, its good selector matches nothing"
    "[% if superset %] or more than total[% endif %]"
)
_UNCOMPUTABLE_GOOD_DESCRIPTION = _ENV.from_string(
    "[[ total ]] counts [[ value ]] events/s, but the good selector [[ good ]] matches no series"
    "[% if superset %] or has counted more events than total[% endif %]. With no good series [[ slo.name ]] "
    "counts every event as bad and burns as in a total outage (unless nothing has succeeded since the service "
    "started)[% if superset %]; with good above total it counts no errors and its burn-rate alerts stay "
    "silent[% endif %]. Check that the metric and labels of the good selector are still what the service "
    "exports (a renamed metric or label, a bucket le that moved), and that good selects a subset of total: "
    "the same series plus a narrower matcher."
)
_UNCOMPUTABLE_ERRORS_SUMMARY = _ENV.from_string(
    "[[ slo.service ]]/[[ slo.name ]][[ where ]]: SLI cannot be computed, its errors selector counts more than total"
)
_UNCOMPUTABLE_ERRORS_DESCRIPTION = _ENV.from_string(
    "The errors selector [[ errors ]] counts [[ percentage ]] of the events of the total selector [[ total ]] "
    "(+Inf%: errors where total has no series). An error ratio above 100 % means errors are not a subset of "
    "total, so the burn rates of [[ slo.name ]] are wrong. Check that errors selects total's metric with every "
    'one of total\'s label matchers (job, handler, route) plus a narrower one, such as code=~"5..".'
)

# How a zero-tolerance alert clears, said after the spec's own description: a page that resolves does not mean
# the harm was undone unless open says so.
_ZERO_TOLERANCE_CLEARS_OPEN = _ENV.from_string(
    "Stays firing while [[ open ]] > 0: it clears when every case is undone and no new one has appeared "
    "within [[ window ]]."
)
_ZERO_TOLERANCE_CLEARS_HOLD = _ENV.from_string(
    "Stays firing for [[ hold ]] after the last increase of [[ counter ]], whether or not the harm was undone: "
    "when it resolves, only the [[ hold ]] has passed."
)


class Values:
    """The dynamic parts of an annotation: Prometheus template text, or the text for a known value."""

    def __init__(self, value: float | None = None, labels: dict[str, str] | None = None):
        self.known, self.labels = value is not None, labels or {}
        self._value = value

    def value(self) -> str:
        if self._value is None:
            return "{{ $value | humanize }}"
        return promtemplate.humanize(self._value)

    def duration(self) -> str:
        if self._value is None:
            return "{{ $value | humanizeDuration }}"
        return promtemplate.humanize_duration(self._value)

    def percentage(self) -> str:
        if self._value is None:
            return "{{ $value | humanizePercentage }}"
        return promtemplate.humanize_percentage(self._value)

    def exhaustion(self, period: int) -> str:
        if self._value is None:
            query = f'printf "{period} / %f" $value | query'
            return "{{ with " + query + " }}{{ . | first | value | humanizeDuration }}{{ end }}"
        return promtemplate.humanize_duration(period / float(f"{self._value:f}"))

    def label(self, name: str) -> str:
        return self.labels.get(name, "") if self.known else "{{ $labels." + name + " }}"

    def literal(self, text: str) -> str:
        """Text from the spec (a selector, a label value) as Prometheus must print it: a `{{` in it would start a
        template action, so the rule writes it as one that prints `{{`; a known value is the printed text itself."""
        return text if self.known else text.replace("{{", '{{ "{{" }}')

    def template(self, text: str) -> str | None:
        """A label or annotation the spec wrote, a Prometheus template: as written for the rule; for a known value
        the text Prometheus prints, or None where that cannot be predicted (promtemplate.expand)."""
        return promtemplate.expand(text, self.labels, self._value) if self.known else text


def _where(slo: SLO, values: Values, extra: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> str:
    names = tuple(name for name in slo.group_by + extra if name not in exclude)
    return "".join(f" {name}={values.label(name)}" for name in names) if names else ""


# A fleet's burn alerts differ in their SLO's and service's names, labels and value far more often than in their
# numbers: the templates are rendered once per distinct set of numbers, with markers for the rest that each call
# fills in, in one pass. Only the markers hold a NUL: the rest of the template's output is its own text, numbers
# and the period's name.
_SERVICE, _NAME, _WHERE, _VALUE, _EXHAUSTION = "\0service\0", "\0name\0", "\0where\0", "\0value\0", "\0exhaustion\0"
_MARKER_SPLIT = re.compile("(\0[a-z]+\0)")


def burn(slo: SLO, window: BurnWindow, values: Values) -> dict[str, str]:
    texts = _burn_texts(slo.period_name, slo.period, slo.objective_percent, slo.error_budget, window)
    filled = {
        _SERVICE: slo.service,
        _NAME: slo.name,
        _WHERE: _where(slo, values),
        _VALUE: values.value(),
        _EXHAUSTION: values.exhaustion(slo.period),
    }
    return {key: "".join([filled.get(part, part) for part in parts]) for key, parts in texts}


@lru_cache(maxsize=1024)
def _burn_texts(
    period_name: str, period: int, objective_percent: Decimal, error_budget: Decimal, window: BurnWindow
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each text, split at its markers: the markers stand alone among its parts. Keyed by what its numbers
    depend on; equal objectives spelled differently (99.9, 99.90) share an entry, as format_number spells them
    alike."""
    factor = window.factor(period)
    common = dict(
        period=period_name,
        factor=format_number(factor),
        long=format_duration(window.long),
        short=format_duration(window.short),
        objective=format_number(objective_percent),
        threshold=format_number(factor * error_budget * 100),
        budget=format_number(window.budget * 100),
        service=_SERVICE,
        name=_NAME,
        where=_WHERE,
        value=_VALUE,
        exhaustion=_EXHAUSTION,
    )
    return tuple(
        (key, tuple(part for part in _MARKER_SPLIT.split(template.render(common)) if part))
        for key, template in (("summary", _BURN_SUMMARY), ("description", _BURN_DESCRIPTION))
    )


def strike(slo: SLO, alert: SLOAlert, values: Values) -> dict[str, str]:
    """Which probe failed where, and which `priorities` entry gave the alert its priority."""
    sli, entry = slo.sli, alert.entry
    assert isinstance(sli, ProbeSLI)
    every = entry.in_every if entry else None
    match = dict(entry.match) if entry else {}
    probe = values.literal(match.get("check", sli.check_name))
    if entry is None and any("check" in dict(e.match) for e in sli.priorities):
        probe = values.label("check")  # a check no entry names: which one is the news
    common = dict(
        slo=slo,
        probe=probe,
        strikes=sli.strikes,
        interval=format_duration(sli.interval),
        where=_where(slo, values, exclude=(every,) if every else ()),
        every=every,
        window=format_duration(slo.strike_window),
        objective=format_number(slo.objective_percent),
        period=slo.period_name,
        entry=entry,
        entries=sli.priorities,
        priority=dict(alert.labels)["priority"],
        match=values.literal(", ".join(f"{label}={value}" for label, value in match.items())),
    )
    return {"summary": _STRIKE_SUMMARY.render(common), "description": _STRIKE_DESCRIPTION.render(common)}


def overdue(slo: SLO, values: Values) -> dict[str, str]:
    """How long since the last success (the gauge's $value is the age; the counter's says only "within every")."""
    sli = slo.sli
    assert isinstance(sli, FreshnessSLI)
    common = dict(
        slo=slo,
        where=_where(slo, values),
        every=format_duration(sli.every),
        age=values.duration() if sli.last_success is not None else None,
        selector=values.literal(sli.presence),
        objective=format_number(slo.objective_percent),
        period=slo.period_name,
    )
    return {"summary": _OVERDUE_SUMMARY.render(common), "description": _OVERDUE_DESCRIPTION.render(common)}


def absent(slo: SLO, selector: str, duration: int, values: Values) -> dict[str, str]:
    """Per expected group (alerting.absent.expect), the ticket names the silent group."""
    expect = tuple(label for label, _values in slo.alerting.absent_expect)
    where = "".join(f" {name}={values.label(name)}" for name in expect)
    common = dict(slo=slo, selector=selector, absent=format_duration(duration), where=where)
    return {"summary": _ABSENT_SUMMARY.render(common), "description": _ABSENT_DESCRIPTION.render(common)}


def uncomputable(slo: SLO, values: Values) -> dict[str, str]:
    """What is missing, in words: the threshold bucket, the good selector, or errors that total does not count."""
    sli, where = slo.sli, _where(slo, values)
    if isinstance(sli, LatencySLI):
        histogram, le = sli.histogram.selector, format_number(sli.threshold)
        common = dict(
            slo=slo,
            where=where,
            le=le,
            # A time-slice SLO's alert value is the judged series (1), not a rate.
            flow=f"counts {values.value()} {sli.events}/s"
            if slo.timeslices is None
            else f"has samples in the last {slo.timeslices.slice_text} slice",
            count=values.literal(histogram.render("_count")),
            bucket=values.literal(histogram.render("_bucket", (Matcher("le", "=", le),))),
            buckets=values.literal(histogram.render("_bucket")),
            threshold=sli.threshold_text,
            events=sli.events,
            bad=sli.bad_words,
            worse="slow" if sli.kind == "latency" else "bad",
        )
        return {
            "summary": _UNCOMPUTABLE_LATENCY_SUMMARY.render(common),
            "description": _UNCOMPUTABLE_LATENCY_DESCRIPTION.render(common),
        }
    assert isinstance(sli, RatioSLI), "model.SLO.can_be_uncomputable: probes never are"
    total = values.literal(sli.total.selector.render())
    if sli.good is not None:
        common = dict(
            slo=slo,
            where=where,
            total=total,
            good=values.literal(sli.good.selector.render()),
            value=values.value(),
            superset=sli.good_shares_total_family,
        )
        return {
            "summary": _UNCOMPUTABLE_GOOD_SUMMARY.render(common),
            "description": _UNCOMPUTABLE_GOOD_DESCRIPTION.render(common),
        }
    assert sli.errors is not None, "the schema requires errors or good"
    common = dict(
        slo=slo,
        where=where,
        total=total,
        errors=values.literal(sli.errors.selector.render()),
        percentage=values.percentage(),
    )
    return {
        "summary": _UNCOMPUTABLE_ERRORS_SUMMARY.render(common),
        "description": _UNCOMPUTABLE_ERRORS_DESCRIPTION.render(common),
    }


def slo_alert(slo: SLO, alert: SLOAlert, service_dashboard: str | None, values: Values) -> dict[str, str | None]:
    """Every annotation of one of the SLO's alerts; `values` fills in what promtool should see (None: a text of the
    spec's whose expansion cannot be predicted)."""
    written = links(slo.alerting.runbook, slo.alerting.dashboard or service_dashboard)
    if alert.kind == "burn":
        assert alert.window is not None
        found = burn(slo, alert.window, values)
        written.update(slo.alerting.annotations)
    elif alert.kind == "strike":
        found = strike(slo, alert, values)
        written.update(slo.alerting.annotations)
    elif alert.kind == "overdue":
        found = overdue(slo, values)
        written.update(slo.alerting.annotations)
    elif alert.kind == "absent":
        assert slo.alerting.absent is not None
        found = absent(slo, values.literal(slo.sli.presence), slo.alerting.absent, values)
    elif alert.kind == "uncomputable":
        found = uncomputable(slo, values)
    else:
        assert_never(alert.kind)
    return dict(sorted({**found, **{key: values.template(text) for key, text in written.items()}}.items()))


def symptom_summary(alert: Alert) -> str:
    condition = alert.condition
    if alert.summary:
        return alert.summary
    if isinstance(condition, ExprCondition):
        return f"{alert.service}: {alert.name}"
    if isinstance(condition, QuantileCondition):
        return (
            f"p{format_number(condition.q * 100)} of {condition.histogram.selector.metric} is "
            f"{{{{ $value | humanizeDuration }}}}, above {format_number(condition.above)}s"
        )
    if isinstance(condition, ZeroToleranceCondition):
        increased = f"{condition.counter.selector.metric} increased: {{{{ $value | humanize }}}}"
        if condition.open is None:
            return f"{increased} event(s) within {format_duration(condition.hold)} that must never happen"
        return f"{increased} case(s) not yet undone"
    assert_never(condition)


def symptom_description(alert: Alert) -> str | None:
    """The spec's description; a zero-tolerance alert's then says how the alert clears."""
    condition = alert.condition
    if not isinstance(condition, ZeroToleranceCondition):
        return alert.description
    hold = format_duration(condition.hold)
    if condition.open is None:
        clears = _ZERO_TOLERANCE_CLEARS_HOLD.render(hold=hold, counter=condition.counter.text)
    else:
        clears = _ZERO_TOLERANCE_CLEARS_OPEN.render(open=condition.open.text, window=hold)
    given = (alert.description or "").rstrip()
    if given and not given.endswith((".", "!", "?")):
        given += "."
    return f"{given} {clears}".lstrip()


def symptom(alert: Alert, service_dashboard: str | None) -> dict[str, str]:
    found = {"summary": symptom_summary(alert), **links(alert.runbook, alert.dashboard or service_dashboard)}
    description = symptom_description(alert)
    if description:
        found["description"] = description
    found.update(alert.annotations)
    return dict(sorted(found.items()))


def links(runbook: str | None, dashboard: str | None) -> dict[str, str]:
    found = {}
    if runbook:
        found["runbook_url"] = runbook
    if dashboard:
        found["dashboard"] = dashboard
    return found
