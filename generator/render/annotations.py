"""Alert annotation texts, rendered with jinja2 from the model.

Our templates use [[ ]] delimiters so that Prometheus's own {{ $value }} and {{ $labels.x }} pass
through untouched into the rule file. The same template renders the text promtool should see for a
known alert value (`expected`), so generated tests and rules cannot drift apart.
"""

import jinja2

from .. import promtemplate
from ..burnrate import BurnWindow
from ..durations import format_duration, format_number
from ..model import SLO

_ENV = jinja2.Environment(variable_start_string="[[", variable_end_string="]]", block_start_string="[%",
                          block_end_string="%]", undefined=jinja2.StrictUndefined, autoescape=False,
                          keep_trailing_newline=False)

_BURN_SUMMARY = _ENV.from_string(
    "[[ slo.service ]]/[[ slo.name ]][[ where ]] burns its [[ period ]] error budget at [[ value ]]× "
    "(fires at [[ factor ]]×)")
_BURN_DESCRIPTION = _ENV.from_string(
    "The [[ long ]] and [[ short ]] error ratios of [[ slo.name ]] ([[ objective ]] % over [[ period ]]) are both "
    "above [[ threshold ]] % errors, a [[ factor ]]× burn: when this fires, [[ budget ]] % of the [[ period ]] error "
    "budget has gone within [[ long ]]. Current [[ long ]] burn rate: [[ value ]]×; at this rate the whole budget "
    "lasts [[ exhaustion ]].")
_STRIKE_SUMMARY = _ENV.from_string(
    "[[ slo.service ]]/[[ slo.name ]]: probe [[ probe ]] failed [[ strikes ]] runs in a row[[ where ]]")
_STRIKE_DESCRIPTION = _ENV.from_string(
    "Every one of the last [[ strikes ]] probe runs ([[ interval ]] apart) failed for [[ probe ]][[ where ]]. "
    "The SLO is [[ objective ]] % over [[ period ]].")
_ABSENT_SUMMARY = _ENV.from_string("[[ slo.service ]]/[[ slo.name ]]: the SLI's series are missing")
_ABSENT_DESCRIPTION = _ENV.from_string(
    "No samples of [[ selector ]] for [[ absent ]]: the SLO cannot be measured and its burn-rate alerts are blind. "
    "Check the exporter, the scrape job and the metric name.")


class Values:
    """The dynamic parts of an annotation: Prometheus template text, or the text for a known value."""

    def __init__(self, value: float | None = None, labels: dict[str, str] | None = None):
        self.known, self.labels = value is not None, labels or {}
        self._value = value

    def value(self) -> str:
        return promtemplate.humanize(self._value) if self.known else "{{ $value | humanize }}"

    def exhaustion(self, period: int) -> str:
        if self.known:
            return promtemplate.humanize_duration(period / float(f"{self._value:f}"))
        return ("{{ with printf \"%d / %%f\" $value | query }}{{ . | first | value | humanizeDuration }}{{ end }}"
                % period)

    def label(self, name: str) -> str:
        return self.labels.get(name, "") if self.known else "{{ $labels.%s }}" % name


def _where(slo: SLO, values: Values, extra: tuple[str, ...] = ()) -> str:
    names = slo.group_by + extra
    return "".join(f" {name}={values.label(name)}" for name in names) if names else ""


def burn(slo: SLO, window: BurnWindow, values: Values) -> dict[str, str]:
    common = dict(
        slo=slo, where=_where(slo, values), period=slo.period_text, factor=format_number(window.factor(slo.period)),
        long=format_duration(window.long), short=format_duration(window.short),
        objective=format_number(slo.objective_percent),
        threshold=format_number(window.factor(slo.period) * slo.error_budget * 100),
        budget=format_number(window.budget * 100), value=values.value(), exhaustion=values.exhaustion(slo.period),
    )
    return {"summary": _BURN_SUMMARY.render(common), "description": _BURN_DESCRIPTION.render(common)}


def strike(slo: SLO, probe: str, strikes: int, interval: int, values: Values) -> dict[str, str]:
    common = dict(slo=slo, probe=probe, strikes=strikes, interval=format_duration(interval),
                  where=_where(slo, values), objective=format_number(slo.objective_percent), period=slo.period_text)
    return {"summary": _STRIKE_SUMMARY.render(common), "description": _STRIKE_DESCRIPTION.render(common)}


def absent(slo: SLO, selector: str, duration: int) -> dict[str, str]:
    common = dict(slo=slo, selector=selector, absent=format_duration(duration))
    return {"summary": _ABSENT_SUMMARY.render(common), "description": _ABSENT_DESCRIPTION.render(common)}


def links(runbook: str | None, dashboard: str | None) -> dict[str, str]:
    found = {}
    if runbook:
        found["runbook_url"] = runbook
    if dashboard:
        found["dashboard"] = dashboard
    return found

