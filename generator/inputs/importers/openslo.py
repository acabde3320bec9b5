"""OpenSLO v1 (and the v1alpha that Sloth reads) → slogen specs.

One OpenSLO object per document (the import loader splits `---` streams). SLOs are grouped by `spec.service`;
SLIs come inline (`indicator`) or by name (`indicatorRef`); burn-rate AlertConditions, inline or referenced from
the SLO's AlertPolicies, become the SLO's `alerting.windows`. Each objective of an SLO becomes one slogen SLO (the
objectives of one OpenSLO SLO share its SLI and window, as slogen's percentile variants do). Queries must be
Prometheus counters in a shape promql_shapes reads; everything else is left out with its reason.
"""

import copy
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ...burnrate import clean_duration
from ...calendar_periods import parse_offset, zone_advice
from ...document import Document, SpecPath
from ...durations import format_duration, format_number
from ...selector import Selector, parse_selector
from .base import DEFAULT_OPTIONS, Imported, ImportOptions, burn_window, mapping, spec_number
from .promql_shapes import ShapeError, counter, ratio_of_counters

FORMAT = "openslo"
DESCRIPTION = "an OpenSLO document"

V1, V1ALPHA = "openslo/v1", "openslo/v1alpha"
# The notification targets `slogen export openslo` names: routing stays in slogen's `routing`, so an import
# of slogen's own export has nothing to report about them.
EXPORTED_TARGETS = ("slogen-page", "slogen-ticket")

_SHORTHAND = re.compile(r"^([1-9][0-9]*)([smhdwMQY])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_CALENDAR_UNITS = {"M": "month", "w": "week", "Q": "quarter"}
_V1ALPHA_UNITS = {
    "Second": "s",
    "Minute": "m",
    "Hour": "h",
    "Day": "d",
    "Week": "w",
    "Month": "M",
    "Quarter": "Q",
    "Year": "Y",
}
_NOMINAL = {"month": 30 * 86400, "week": 7 * 86400, "quarter": 90 * 86400}  # as slogen's calendar periods
_ETC_GMT = re.compile(r"^Etc/GMT([+-])([0-9]{1,2})$")
_PAGE = ("page", "critical", "high", "p0", "p1")
_TICKET = ("ticket", "warning", "medium", "low", "info", "p2", "p3")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class _Skip(Exception):
    """An item that cannot be imported: (document, path, what, why) for Imported.leave_out."""

    def __init__(self, document: Document, path: SpecPath, what: str, why: str):
        super().__init__(why)
        self.args4 = (document, path, what, why)


@dataclass
class _Object:
    document: Document
    path: SpecPath  # of the object within its document (inline conditions sit inside a policy)
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(mapping(self.data.get("metadata")).get("name", ""))

    @property
    def spec(self) -> dict[str, Any]:
        return mapping(self.data.get("spec"))


@dataclass
class _Index:
    by_kind: dict[str, dict[str, _Object]] = field(default_factory=dict)

    def add(self, kind: str, item: _Object) -> None:
        self.by_kind.setdefault(kind, {}).setdefault(item.name, item)

    def get(self, kind: str, name: str) -> _Object | None:
        return self.by_kind.get(kind, {}).get(name)


def recognises(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("apiVersion", "")).startswith("openslo/")


def convert(documents: list[Document], options: ImportOptions = DEFAULT_OPTIONS) -> Imported:
    """`options` is unused: these files carry their own periods."""
    imported = Imported()
    index = _Index()
    slos: list[_Object] = []
    for document in documents:
        data = document.data
        if not isinstance(data, dict) or data.get("apiVersion") not in (V1, V1ALPHA):
            version = data.get("apiVersion") if isinstance(data, dict) else None
            imported.leave_out(document, ("apiVersion",), f"a document of apiVersion {version!r}", "not OpenSLO v1")
            continue
        item = _Object(document, (), data)
        kind = str(data.get("kind"))
        if kind == "SLO":
            slos.append(item)
        elif kind in ("SLI", "AlertPolicy", "AlertCondition", "Service", "DataSource"):
            index.add(kind, item)
        elif kind == "AlertNotificationTarget":
            imported.leave_out(document, ("kind",), f"AlertNotificationTarget {item.name!r}", _ROUTING)
        else:
            imported.leave_out(document, ("kind",), f"kind {kind!r}", "not an OpenSLO v1 kind slogen reads")
    for service in index.by_kind.get("Service", {}).values():
        spec = _service_spec(imported, _slug(service.name))
        description = service.spec.get("description") or mapping(service.data.get("metadata")).get("displayName")
        if description:
            spec["description"] = str(description)
        _labels_into(imported, service, spec)
    for slo in slos:
        _slo(imported, index, slo)
    for spec in imported.specs.values():
        if "slos" not in spec:
            spec["slos"] = []
    return imported


_ROUTING = "where alerts go is slogen's `routing` (slo_specs/README.md §5): write the receiver there"


def _service_spec(imported: Imported, service: str) -> dict[str, Any]:
    return imported.specs.setdefault(service, {"apiVersion": "slogen/v1", "service": service})


def _slo(imported: Imported, index: _Index, slo: _Object) -> None:
    spec = slo.spec
    name = _slug(slo.name)
    try:
        if slo.data.get("apiVersion") == V1ALPHA:
            spec = _from_v1alpha(slo)
        service = _slug(str(spec.get("service") or "")) or name
        shared = None if "indicator" not in spec and "indicatorRef" not in spec else _indicator(index, slo, spec)
        period, nominal = _period(slo, spec)
        windows = _windows(imported, index, slo, spec, nominal)
        objectives = spec.get("objectives")
        if not isinstance(objectives, list) or not objectives:
            raise _Skip(slo.document, ("spec", "objectives"), f"SLO {slo.name!r}", "it has no objectives")
    except _Skip as skip:
        imported.leave_out(*skip.args4)
        return
    base: dict[str, Any] = {"name": name}
    description = spec.get("description") or mapping(slo.data.get("metadata")).get("displayName")
    if description:
        base["description"] = str(description)
    if period is not None:
        base["period"] = period
    labels = _labels(imported, slo)
    if labels:
        base["labels"] = labels
    target = _service_spec(imported, service)
    taken = {existing["name"] for existing in target.setdefault("slos", [])}
    for number, objective in enumerate(objectives):
        path = ("spec", "objectives", number)
        objective = mapping(objective)
        titled = _slug(str(objective.get("displayName") or ""))
        suffix = "" if len(objectives) == 1 else "-" + (titled or str(number + 1))
        try:
            # v1alpha gives each objective its own ratioMetrics (Sloth's latency example: one per bucket)
            sli, group_by = shared or _indicator(index, slo, {"indicator": objective.get("indicator")})
            converted = _objective(slo, spec, path, objective, {**base, "name": name + suffix})
        except _Skip as skip:
            imported.leave_out(*skip.args4)
            continue
        if converted["name"] in taken:
            why = "the service already has an SLO of that name"
            imported.leave_out(slo.document, path, f"objective {converted['name']!r}", why)
            continue
        taken.add(converted["name"])
        if group_by:
            converted["group_by"] = list(group_by)
        converted["sli"] = sli
        if windows:
            converted["alerting"] = {"windows": windows}
        target["slos"].append(copy.deepcopy(converted))  # objectives share an SLI: no YAML anchors


def _objective(
    slo: _Object, spec: dict[str, Any], path: SpecPath, objective: dict[str, Any], out: dict[str, Any]
) -> dict[str, Any]:
    doc = slo.document
    if "targetPercent" in objective:
        percent = _decimal(doc, (*path, "targetPercent"), objective["targetPercent"])
    elif "target" in objective:
        percent = _decimal(doc, (*path, "target"), objective["target"]) * 100
    else:
        raise _Skip(doc, path, f"objective of SLO {slo.name!r}", "it has neither target nor targetPercent")
    if not 0 < percent < 100:
        raise _Skip(doc, path, f"objective {format_number(percent)} %", "slogen objectives are above 0 and below 100 %")
    # `value` (with `op`) is a threshold metric's; OpenSLO's own ratio examples write `op: gt` alone, which says
    # nothing a ratio objective does not already mean, so only `value` is refused.
    if "value" in objective:
        raise _Skip(
            doc,
            (*path, "value"),
            f"objective of SLO {slo.name!r} with value {objective['value']!r}",
            "op and value belong to a threshold metric, which slogen does not import",
        )
    result = {**out, "objective": spec_number(percent)}
    method = spec.get("budgetingMethod", "Occurrences")
    if method == "Timeslices":
        result["budgeting"] = {"timeslices": _timeslices(doc, path, objective)}
    elif method != "Occurrences":
        why = (
            "slogen's time slices judge each slice by its error ratio (Timeslices); a ratio of good slices over all "
            "slices weighted by traffic has no slogen form"
            if method == "RatioTimeslices"
            else "slogen knows Occurrences (events) and Timeslices"
        )
        raise _Skip(doc, ("spec", "budgetingMethod"), f"budgetingMethod {method!r} of SLO {slo.name!r}", why)
    return result


def _timeslices(doc: Document, path: SpecPath, objective: dict[str, Any]) -> dict[str, Any]:
    window, target = objective.get("timeSliceWindow"), objective.get("timeSliceTarget")
    if window is None or target is None:
        raise _Skip(doc, path, "a Timeslices objective", "it needs timeSliceWindow and timeSliceTarget")
    seconds = (
        int(window)
        if isinstance(window, int | float) and not isinstance(window, bool)
        else _seconds(doc, (*path, "timeSliceWindow"), window)
    )
    above = 1 - _decimal(doc, (*path, "timeSliceTarget"), target)
    return {"slice": format_duration(seconds), "bad_when": {"error_ratio_above": spec_number(above)}}


def _indicator(index: _Index, slo: _Object, spec: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    doc = slo.document
    if "indicator" in spec:
        path: SpecPath = ("spec", "indicator", "spec")
        owner, body = slo, mapping(mapping(spec["indicator"]).get("spec"))
    elif "indicatorRef" in spec:
        found = index.get("SLI", str(spec["indicatorRef"]))
        if found is None:
            raise _Skip(
                doc,
                ("spec", "indicatorRef"),
                f"SLO {slo.name!r}",
                f"no SLI named {spec['indicatorRef']!r} among the files given",
            )
        owner, path, body = found, ("spec",), found.spec
    else:
        raise _Skip(doc, ("spec",), f"SLO {slo.name!r}", "it has neither indicator nor indicatorRef")
    if "thresholdMetric" in body:
        raise _Skip(
            owner.document,
            (*path, "thresholdMetric"),
            f"thresholdMetric of SLO {slo.name!r}",
            "a threshold metric compares one precomputed series (a percentile, a gauge) with a value; slogen counts "
            "events: write a latency SLI over the histogram (README §1.4)",
        )
    ratio = body.get("ratioMetric")
    if not isinstance(ratio, dict):
        raise _Skip(owner.document, path, f"indicator of SLO {slo.name!r}", "it has no ratioMetric")
    return _ratio(index, owner.document, (*path, "ratioMetric"), ratio, slo.name)


def _ratio(
    index: _Index, doc: Document, path: SpecPath, ratio: dict[str, Any], name: str
) -> tuple[dict[str, Any], tuple[str, ...]]:
    if "raw" in ratio:
        return _raw(index, doc, path, ratio, name)
    role = "good" if "good" in ratio else "bad" if "bad" in ratio else None
    if role is None or "total" not in ratio:
        raise _Skip(doc, path, f"ratioMetric of SLO {name!r}", "it needs total and one of good or bad")
    if ratio.get("counter") is False:
        raise _Skip(
            doc,
            (*path, "counter"),
            f"ratioMetric of SLO {name!r} with counter: false",
            "slogen's ratio SLIs read counters",
        )
    part = _query(index, doc, (*path, role), ratio[role])
    total = _query(index, doc, (*path, "total"), ratio["total"])
    if part.group_by != total.group_by:
        raise _Skip(
            doc,
            path,
            f"ratioMetric of SLO {name!r}",
            f"{role} sums by {list(part.group_by)} but total by {list(total.group_by)}",
        )
    if role == "good":
        latency = _latency(part.selector, total.selector)
        if latency:
            return latency, total.group_by
    return {"ratio": {"errors" if role == "bad" else "good": part.selector, "total": total.selector}}, total.group_by


def _raw(
    index: _Index, doc: Document, path: SpecPath, ratio: dict[str, Any], name: str
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A raw ratio whose query divides two counters is the ratio SLI of those counters: `rawType: failure` reads
    errors over total, `success` good over total."""
    role = {"failure": "errors", "success": "good"}.get(str(ratio.get("rawType")))
    if role is None:
        raise _Skip(doc, (*path, "rawType"), f"raw ratio of SLO {name!r}", "rawType must be failure or success")
    query = _source_query(index, doc, (*path, "raw"), ratio["raw"])
    try:
        part, total = ratio_of_counters(query)
    except ShapeError as err:
        raise _Skip(
            doc, (*path, "raw", "metricSource", "spec", "query"), f"raw ratio {query.strip()!r}", str(err)
        ) from None
    if part.group_by != total.group_by:
        raise _Skip(
            doc,
            (*path, "raw"),
            f"raw ratio of SLO {name!r}",
            f"it sums by {list(part.group_by)} over {list(total.group_by)}",
        )
    return {"ratio": {role: part.selector, "total": total.selector}}, total.group_by


def _latency(good: str, total: str) -> dict[str, Any] | None:
    """`x_seconds_bucket{le="0.4", …}` over `x_seconds_count{…}` (the same other matchers) is slogen's latency
    SLI: the same series, and the threshold gets bucket checks and the latency dashboard."""
    bucket, count = parse_selector(good), parse_selector(total)
    base = bucket.metric.removesuffix("_bucket")
    le = [m for m in bucket.matchers if m.label == "le"]
    rest = {m for m in bucket.matchers if m.label != "le"}
    if not (base.endswith("_seconds") and bucket.metric.endswith("_bucket") and count.metric == base + "_count"):
        return None
    if len(le) != 1 or le[0].op != "=" or rest != set(count.matchers):
        return None
    try:
        seconds = Decimal(le[0].value)
    except InvalidOperation:
        return None
    histogram = Selector(base, count.matchers).render()
    millis = seconds * 1000
    threshold = (
        f"{format_number(millis)}ms"
        if seconds < 1 and millis == millis.to_integral_value()
        else f"{format_number(seconds)}s"
    )
    return {"latency": {"histogram": histogram, "threshold": threshold}}


def _query(index: _Index, doc: Document, path: SpecPath, metric: Any) -> Any:
    query = _source_query(index, doc, path, metric)
    try:
        return counter(query)
    except ShapeError as err:
        raise _Skip(doc, (*path, "metricSource", "spec", "query"), f"query {query.strip()!r}", str(err)) from None


def _source_query(index: _Index, doc: Document, path: SpecPath, metric: Any) -> str:
    """The PromQL of a Prometheus metric source, inline or by metricSourceRef."""
    source = mapping(mapping(metric).get("metricSource"))
    kind = source.get("type")
    if kind is None and "metricSourceRef" in source:
        found = index.get("DataSource", str(source["metricSourceRef"]))
        kind = found.spec.get("type") if found else None
    if str(kind).lower() != "prometheus":
        raise _Skip(
            doc, (*path, "metricSource", "type"), f"metric source of type {kind!r}", "slogen reads Prometheus only"
        )
    query = mapping(source.get("spec")).get("query")
    if not isinstance(query, str):
        raise _Skip(doc, (*path, "metricSource", "spec"), "a Prometheus metric source", "it has no spec.query")
    return query


def _period(slo: _Object, spec: dict[str, Any]) -> tuple[Any, int]:
    """slogen's period (None: the 30d default) and its nominal length in seconds, for burn factors."""
    doc, windows = slo.document, spec.get("timeWindow")
    if windows is None:
        return None, 30 * 86400
    if not isinstance(windows, list) or len(windows) != 1:
        raise _Skip(doc, ("spec", "timeWindow"), f"timeWindow of SLO {slo.name!r}", "give exactly one time window")
    path = ("spec", "timeWindow", 0)
    window = mapping(windows[0])
    duration = str(window.get("duration", ""))
    if window.get("isRolling", True) is not False:
        seconds = _seconds(doc, (*path, "duration"), duration)
        return format_duration(seconds), seconds
    unit = _CALENDAR_UNITS.get(duration[-1:]) if duration[:-1] == "1" else None
    if unit is None:
        why = "slogen's calendar periods are 1w, 1M and 1Q" + (
            " (1m is one minute; a month is 1M)" if duration == "1m" else ""
        )
        raise _Skip(doc, (*path, "duration"), f"calendar window {duration!r} of SLO {slo.name!r}", why)
    calendar = mapping(window.get("calendar"))
    zone = _zone(doc, (*path, "calendar", "timeZone"), str(calendar.get("timeZone", "UTC")), slo.name)
    _start(doc, (*path, "calendar", "startTime"), calendar.get("startTime"), unit, slo.name)
    period: dict[str, Any] = {"calendar": unit}
    if zone != "UTC":
        period["timezone"] = zone
    return period, _NOMINAL[unit]


def _zone(doc: Document, path: SpecPath, zone: str, name: str) -> str:
    if zone in ("UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z"):
        return "UTC"
    gmt = _ETC_GMT.match(zone)
    if gmt:  # POSIX signs: Etc/GMT-5 is five hours east of Greenwich
        hours = int(gmt.group(2))
        return "UTC" if hours == 0 else f"{'-' if gmt.group(1) == '+' else '+'}{hours:02d}:00"
    if parse_offset(zone) is not None:
        return zone
    raise _Skip(
        doc,
        path,
        f"time zone {zone!r} of SLO {name!r}",
        "PromQL's time functions read UTC only, so slogen's calendar periods take UTC or a fixed offset such as "
        f"+05:30; a zone with daylight saving time has no fixed offset ({zone_advice(zone)})",
    )


def _start(doc: Document, path: SpecPath, start: Any, unit: str, name: str) -> None:
    """slogen's calendar periods begin at each week's, month's or quarter's start; so must OpenSLO's startTime."""
    if start is None:
        return
    try:
        moment = datetime.strptime(str(start), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise _Skip(doc, path, f"startTime {start!r} of SLO {name!r}", "not YYYY-MM-DD hh:mm:ss") from None
    aligned = moment.time() == datetime.min.time() and (
        moment.weekday() == 0 if unit == "week" else moment.day == 1 and (unit == "month" or moment.month % 3 == 1)
    )
    if not aligned:
        raise _Skip(
            doc,
            path,
            f"startTime {start!r} of SLO {name!r}",
            f"slogen's {unit}s start at 00:00 on the first day of the {unit} (weeks: Monday); a period that starts "
            "elsewhere would count a different budget",
        )


def _windows(
    imported: Imported, index: _Index, slo: _Object, spec: dict[str, Any], period: int
) -> list[dict[str, Any]]:
    windows = []
    for number, policy_ref in enumerate(spec.get("alertPolicies") or []):
        path = ("spec", "alertPolicies", number)
        if isinstance(policy_ref, str):
            policy = index.get("AlertPolicy", policy_ref)
            if policy is None:
                imported.leave_out(
                    slo.document,
                    path,
                    f"alert policy {policy_ref!r}",
                    "no AlertPolicy of that name among the files given",
                )
                continue
        else:
            policy = _Object(slo.document, path, mapping(policy_ref))
        windows.extend(_policy(imported, index, policy, period))
    return windows


def _policy(imported: Imported, index: _Index, policy: _Object, period: int) -> list[dict[str, Any]]:
    doc, spec = policy.document, policy.spec
    for number, target in enumerate(spec.get("notificationTargets") or []):
        ref = mapping(target).get("targetRef")
        if ref not in EXPORTED_TARGETS:
            imported.leave_out(
                doc,
                (*policy.path, "spec", "notificationTargets", number),
                f"notification target {ref or 'inline'!r}",
                _ROUTING,
            )
    windows = []
    for number, entry in enumerate(spec.get("conditions") or []):
        path = (*policy.path, "spec", "conditions", number)
        entry = mapping(entry)
        if "conditionRef" in entry:
            condition = index.get("AlertCondition", str(entry["conditionRef"]))
            if condition is None:
                imported.leave_out(
                    doc,
                    path,
                    f"alert condition {entry['conditionRef']!r}",
                    "no AlertCondition of that name among the files given",
                )
                continue
        else:
            condition = _Object(doc, path, entry)
        try:
            windows.append(_condition(condition, period))
        except _Skip as skip:
            imported.leave_out(*skip.args4)
    return windows


def _condition(condition: _Object, period: int) -> dict[str, Any]:
    doc, path, spec = condition.document, (*condition.path, "spec"), condition.spec
    rule = mapping(spec.get("condition"))
    if rule.get("kind") != "burnrate":
        raise _Skip(
            doc,
            (*path, "condition", "kind"),
            f"alert condition {condition.name!r} of kind {rule.get('kind')!r}",
            "slogen alerts on burn rates only",
        )
    severity = str(spec.get("severity", "")).lower()
    if severity not in _PAGE + _TICKET:
        raise _Skip(
            doc,
            (*path, "severity"),
            f"severity {spec.get('severity')!r} of alert condition {condition.name!r}",
            "slogen pages or tickets: use page/critical or ticket/warning",
        )
    long = _seconds(doc, (*path, "condition", "lookbackWindow"), rule.get("lookbackWindow"))
    after = rule.get("alertAfter")
    # The burn must still be on over `alertAfter`: slogen's short window. Without a usable one, the Workbook's
    # long/12 (SRE Workbook ch. 5: a short window 1/12 of the long one).
    short = _seconds(doc, (*path, "condition", "alertAfter"), after) if after is not None else 0
    if not 0 < short < long:
        short = clean_duration(Fraction(long, 12))
    factor = _decimal(doc, (*path, "condition", "threshold"), rule.get("threshold"))
    budget = Decimal(format(factor * long / period * 100, ".6g"))
    return burn_window("page" if severity in _PAGE else "ticket", long, short, budget)


def _from_v1alpha(slo: _Object) -> dict[str, Any]:
    """v1alpha's SLO (objectives carry ratioMetrics, timeWindows count units) in v1's shape, same paths where
    the fields match; items only v1alpha has keep their own paths through _Skip."""
    spec, doc = slo.spec, slo.document
    out: dict[str, Any] = {key: spec[key] for key in ("service", "description", "budgetingMethod") if key in spec}
    windows = spec.get("timeWindows") or []
    if windows:
        window = mapping(windows[0])
        unit = _V1ALPHA_UNITS.get(str(window.get("unit")))
        if unit is None or not isinstance(window.get("count"), int):
            raise _Skip(
                doc,
                ("spec", "timeWindows", 0),
                f"timeWindow of SLO {slo.name!r}",
                "needs unit (Day, Week, Month…) and count",
            )
        out["timeWindow"] = [{**window, "duration": f"{window['count']}{unit}"}]
    objectives = []
    for number, objective in enumerate(spec.get("objectives") or []):
        objective = mapping(objective)
        metrics = mapping(objective.get("ratioMetrics"))
        if not metrics:
            raise _Skip(doc, ("spec", "objectives", number), f"objective of SLO {slo.name!r}", "it has no ratioMetrics")
        ratio = {role: _v1alpha_metric(metrics[role]) for role in ("good", "bad", "total") if role in metrics}
        kept = ("displayName", "target", "timeSliceTarget", "timeSliceWindow")
        objectives.append(
            {**{key: objective[key] for key in kept if key in objective}, "indicator": {"spec": {"ratioMetric": ratio}}}
        )
    out["objectives"] = objectives
    return out


def _v1alpha_metric(metric: Any) -> dict[str, Any]:
    metric = mapping(metric)
    return {"metricSource": {"type": metric.get("source"), "spec": {"query": metric.get("query")}}}


def _labels(imported: Imported, item: _Object) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, value in mapping(mapping(item.data.get("metadata")).get("labels")).items():
        if isinstance(value, str) and _LABEL.match(str(key)):
            labels[str(key)] = value
        else:
            imported.leave_out(
                item.document,
                ("metadata", "labels", key),
                f"label {key!r}",
                "slogen labels are Prometheus label names with one string value",
            )
    return labels


def _labels_into(imported: Imported, item: _Object, spec: dict[str, Any]) -> None:
    labels = _labels(imported, item)
    if labels:
        spec["labels"] = {**spec.get("labels", {}), **labels}


def _seconds(doc: Document, path: SpecPath, text: Any) -> int:
    match = _SHORTHAND.match(str(text))
    if match is None or match.group(2) not in _UNIT_SECONDS:
        raise _Skip(
            doc, path, f"duration {text!r}", "slogen needs a fixed length in s, m, h, d or w (a month or a year varies)"
        )
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def _decimal(doc: Document, path: SpecPath, value: Any) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        return Decimal(str(value))
    except InvalidOperation:
        raise _Skip(doc, path, f"value {value!r}", "not a number") from None


def _slug(name: str) -> str:
    """OpenSLO names allow dots, slashes and capitals; slogen's service and SLO names are slugs."""
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)
    return slug if not slug or slug[0].isalpha() else f"x-{slug}"
