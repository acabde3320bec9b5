"""Pyrra `ServiceLevelObjective` CRDs (pyrra.dev/v1alpha1) → slogen specs, one per Kubernetes namespace.

Pyrra's indicators are series selectors, which slogen's own selector parser reads. What maps:
- `ratio` {errors, total} → a ratio SLI; `latency` {success `X_bucket{le="t"}`, total `X_count`} → a latency SLI
  with threshold t when both read one histogram with the same matchers, else a ratio SLI with `good`/`total`;
  `bool_gauge` (a 0/1 gauge whose failed samples over all samples is Pyrra's error ratio) → a probe SLI, which
  counts the same way (count_over_time − sum_over_time over count_over_time).
- `grouping` → group_by; `target` → objective; `window` → period; `pyrra.dev/`-prefixed labels and annotations
  (the only ones Pyrra puts on its rules) → SLO labels and alert annotations.
- `alerting.burnrates: false` / `disabled: true` → no burn-rate pages or tickets; `absent` (Pyrra's default
  true) → `alerting.absent` over Pyrra's own absent `for` (2m at 28d, scaled with the window).
Left out, each with its reason: `latencyNative`, alert names (slogen names its alerts), dynamic burn rates, the
labels Pyrra copies onto its PrometheusRule, and any field this importer does not know.
"""

import math
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ...burnrate import budget_for
from ...document import Document, SpecPath
from ...durations import format_duration, format_number, parse_duration
from ...naming import absent_alert, burn_alert
from ...selector import Matcher, Selector, SelectorError, parse_selector
from .base import DEFAULT_OPTIONS, Imported, ImportOptions, burn_window, mapping, spec_number

FORMAT = "pyrra"
DESCRIPTION = "a Pyrra ServiceLevelObjective"

API_VERSION = "pyrra.dev/v1alpha1"
KIND = "ServiceLevelObjective"
PROPAGATED = "pyrra.dev/"  # Pyrra's PropagationLabelsPrefix: only these labels/annotations reach its rules
# Pyrra's SLO has no service field; Kubernetes puts an object without a namespace into `default`.
DEFAULT_NAMESPACE = "default"
# A 0/1 gauge is scraped, not run: one probe "run" is taken as a minute of samples (count_over_time counts every
# sample in it, so the failed share is Pyrra's), and three failed minutes in a row page, about when Pyrra's
# 1h/5m pair (14× burn, `for: 2m`) pages on a gauge that went to 0.
GAUGE_INTERVAL = "1m"
GAUGE_STRIKES = 3
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_SPEC_KEYS = {"description", "target", "window", "indicator", "alerting"}
_ALERTING_KEYS = {"disabled", "burnrates", "absent", "name", "absentName", "burnRateType"}


def recognises(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("apiVersion", "")).startswith("pyrra.dev/")


def convert(documents: list[Document], options: ImportOptions = DEFAULT_OPTIONS) -> Imported:
    """`options` is unused: these files carry their own periods."""
    imported = Imported()
    seen: dict[tuple[str, str], str] = {}
    for document in documents:
        for path, item in _objects(document.data):
            _objective(imported, document, path, item, seen)
    return imported


def _objects(data: Any) -> Iterator[tuple[SpecPath, Any]]:
    """The objects of one YAML document: itself, or the items of a Kubernetes List (`kubectl get slo -o yaml`)."""
    if isinstance(data, dict) and isinstance(data.get("items"), list) and str(data.get("kind", "")).endswith("List"):
        for index, item in enumerate(data["items"]):
            yield ("items", index), item
    else:
        yield (), data


def _objective(
    imported: Imported, document: Document, path: SpecPath, item: Any, seen: dict[tuple[str, str], str]
) -> None:
    if not isinstance(item, dict) or item.get("apiVersion") != API_VERSION or item.get("kind") != KIND:
        kind = item.get("kind", "this document") if isinstance(item, dict) else "this document"
        imported.leave_out(document, path, str(kind), f"it is not a Pyrra {KIND} (apiVersion {API_VERSION})")
        return
    metadata = mapping(item.get("metadata"))
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        imported.leave_out(document, (*path, "metadata"), "this ServiceLevelObjective", "it has no metadata.name")
        return
    service = _slug(str(metadata.get("namespace") or DEFAULT_NAMESPACE))
    slo_name = _slug(name)
    where = f"{document.file}:{document.where(path)[0]}"
    if (service, slo_name) in seen:
        why = f"{seen[service, slo_name]} already defines it; Kubernetes keeps one object per namespace and name"
        imported.leave_out(document, (*path, "metadata", "name"), f"SLO {name}", why)
        return
    first = len(imported.left_out)
    slo = _slo(imported, document, path, item, slo_name)
    for index in range(first, len(imported.left_out)):  # what this SLO left out goes into its service's spec
        imported.places[index] = (service, slo_name)
    if slo is None:
        return
    seen[service, slo_name] = where
    spec = imported.specs.setdefault(service, {"apiVersion": "slogen/v1", "service": service, "slos": []})
    spec["slos"].append(slo)


def _slug(name: str) -> str:
    """A Kubernetes name (DNS subdomain: may hold dots) as a slogen slug: dots become dashes."""
    slug = re.sub(r"[^a-z0-9-]", "-", name.lower())
    return slug if slug[:1].isalpha() else f"slo-{slug}"


def _slo(
    imported: Imported, document: Document, path: SpecPath, item: dict[str, Any], name: str
) -> dict[str, Any] | None:
    spec = item.get("spec")
    if not isinstance(spec, dict):
        imported.leave_out(document, path, f"SLO {name}", "it has no spec")
        return None
    here = (*path, "spec")
    objective = _objective_percent(imported, document, here, spec.get("target"), name)
    period = _period(imported, document, here, spec.get("window"), name)
    sli = _indicator(imported, document, (*here, "indicator"), spec.get("indicator"), name)
    if objective is None or period is None or sli is None:
        return None
    kind, body, group_by = sli
    slo: dict[str, Any] = {"name": name}
    if spec.get("description"):
        slo["description"] = str(spec["description"])
    slo["objective"] = objective
    slo["period"] = period
    labels = _propagated(imported, document, path, item, "labels")
    _operator_labels(imported, document, (*path, "metadata", "labels"), item)
    if labels:
        slo["labels"] = labels
    if group_by:
        slo["group_by"] = group_by
    slo["sli"] = {kind: body}
    alerting = _alerting(imported, document, path, item, name, parse_duration(period))
    if kind == "probe":
        # A probe pages on its strikes (GAUGE_STRIKES); Pyrra's 1h/5m and 6h/30m pairs would page on one failed
        # minute, so a probe keeps slogen's pairs, which tickets for probes.
        alerting.pop("windows", None)
    if alerting:
        slo["alerting"] = alerting
    for key in sorted(set(spec) - _SPEC_KEYS):
        imported.leave_out(document, (*here, key), f"spec.{key}", _unknown_reason(key))
    return slo


def _unknown_reason(key: str) -> str:
    if key == "partial_response_strategy":
        return "Thanos Ruler's partial-response strategy belongs to the rule group, which slogen's thanos target writes"
    return "slogen's Pyrra importer does not know this field; carry its meaning over by hand"


def _objective_percent(imported: Imported, document: Document, path: SpecPath, target: Any, name: str) -> Any:
    try:
        percent = Decimal(str(target).strip())
    except InvalidOperation:
        imported.leave_out(document, (*path, "target"), f"SLO {name}", f"target {target!r} is not a percent")
        return None
    if not 1 <= percent < 100:
        why = (
            "a 100 % target leaves no error budget to burn; watch the errors with a zero_tolerance alert"
            if percent >= 100
            else f"target {target} is {target} %; Pyrra warns it was probably meant as"
            f" {format_number(percent * 100)} (write the percent)"
        )
        imported.leave_out(document, (*path, "target"), f"SLO {name}", why)
        return None
    return spec_number(percent)


def _period(imported: Imported, document: Document, path: SpecPath, window: Any, name: str) -> str | None:
    try:
        return format_duration(parse_duration(str(window)))
    except ValueError as err:
        imported.leave_out(document, (*path, "window"), f"SLO {name}", f"window: {err}")
        return None


def _indicator(
    imported: Imported, document: Document, path: SpecPath, indicator: Any, name: str
) -> tuple[str, dict[str, Any], list[str]] | None:
    kinds = sorted(indicator) if isinstance(indicator, dict) else []
    if len(kinds) != 1:
        why = "it needs exactly one of ratio, latency, latencyNative or bool_gauge, found " + (
            ", ".join(kinds) or "none"
        )
        imported.leave_out(document, path, f"SLO {name}", why)
        return None
    kind = kinds[0]
    body = mapping(indicator[kind])
    here = (*path, kind)
    sli: tuple[str, dict[str, Any]]
    try:
        if kind == "ratio":
            sli = ("ratio", _ratio(body, here))
        elif kind == "latency":
            sli = _latency(body, here)
        elif kind == "bool_gauge":
            probe: dict[str, Any] = {
                "success": _metric(body, (), here).render(),
                "interval": GAUGE_INTERVAL,
                "strikes": GAUGE_STRIKES,
            }
            sli = ("probe", probe)
        elif kind == "latencyNative":
            raise _Refused(
                here,
                "native-histogram latency SLIs (histogram_fraction) are not supported by slogen yet;"
                " keep this SLO in Pyrra or export a classic histogram (_bucket/_count) for a latency SLI",
            )
        else:
            raise _Refused(here, f"{kind} is not a Pyrra indicator this importer knows")
    except _Refused as refused:
        imported.leave_out(document, refused.path, f"SLO {name}", refused.reason)
        return None
    grouping = body.get("grouping") or []
    return sli[0], sli[1], [str(label) for label in grouping]


class _Refused(Exception):
    def __init__(self, path: SpecPath, reason: str):
        super().__init__(reason)
        self.path, self.reason = path, reason


def _metric(body: dict[str, Any], key: tuple[str, ...], path: SpecPath) -> Selector:
    """The selector of `<key>.metric` (bool_gauge keeps `metric` inline: key ())."""
    query = body
    for part in key:
        query = mapping(query.get(part))
    here = path + key + ("metric",)
    if "matchers" in query:
        raise _Refused(
            path + key + ("matchers",),
            "a separate `matchers` list is not part of Pyrra's v1alpha1 Query"
            " (only `metric`); write the matchers into the metric's selector",
        )
    text = query.get("metric")
    if not isinstance(text, str) or not text.strip():
        raise _Refused(here, "the metric is missing")
    try:
        return parse_selector(text.strip())
    except SelectorError as err:
        raise _Refused(here, f"{text!r} is not a series selector slogen reads: {err}") from None


def _ratio(body: dict[str, Any], path: SpecPath) -> dict[str, str]:
    return {"errors": _metric(body, ("errors",), path).render(), "total": _metric(body, ("total",), path).render()}


def _latency(body: dict[str, Any], path: SpecPath) -> tuple[str, dict[str, Any]]:
    """One histogram with the same matchers on both sides is slogen's latency SLI; anything else keeps Pyrra's
    exact series as a good/total ratio."""
    success, total = _metric(body, ("success",), path), _metric(body, ("total",), path)
    bucket = [m for m in success.matchers if m.label == "le"]
    if len(bucket) != 1 or bucket[0].op != "=":
        raise _Refused(
            (*path, "success", "metric"), 'the success metric needs one le="<seconds>" matcher (Pyrra refuses it too)'
        )
    threshold = _threshold(bucket[0].value)
    if threshold is None:
        raise _Refused((*path, "success", "metric"), f"le={bucket[0].value!r} is not a latency in seconds")
    others = tuple(m for m in success.matchers if m.label != "le")
    base = success.metric.removesuffix("_bucket")
    if success.metric.endswith("_bucket") and total.metric == f"{base}_count" and _same(others, total.matchers):
        return "latency", {"histogram": Selector(base, total.matchers).render(), "threshold": threshold}
    return "ratio", {"good": success.render(), "total": total.render()}


def _same(left: tuple[Matcher, ...], right: tuple[Matcher, ...]) -> bool:
    return sorted(left, key=repr) == sorted(right, key=repr)


def _threshold(le: str) -> str | None:
    try:
        seconds = Decimal(le)
    except InvalidOperation:
        return None
    if not seconds.is_finite() or seconds <= 0:
        return None
    return f"{format_number(seconds * 1000)}ms" if seconds < 1 else f"{format_number(seconds)}s"


def _propagated(
    imported: Imported, document: Document, path: SpecPath, item: dict[str, Any], field: str
) -> dict[str, str]:
    """The `pyrra.dev/`-prefixed entries of metadata.<field>, prefix dropped: what Pyrra puts on its rules."""
    entries = mapping(mapping(item.get("metadata")).get(field))
    carried = {}
    for key, value in entries.items():
        if not key.startswith(PROPAGATED):
            continue
        name = key.removeprefix(PROPAGATED)
        if field == "labels" and not _LABEL_NAME.match(name):
            imported.leave_out(
                document, (*path, "metadata", field, key), f"label {key}", f"{name!r} is not a Prometheus label name"
            )
            continue
        carried[name] = str(value)
    return carried


def _operator_labels(imported: Imported, document: Document, path: SpecPath, item: dict[str, Any]) -> None:
    entries = mapping(mapping(item.get("metadata")).get("labels"))
    rest = sorted(key for key in entries if not key.startswith(PROPAGATED))
    if rest:
        what = "the label set {" + ", ".join(f"{key}: {entries[key]}" for key in rest) + "}"
        why = (
            "Pyrra copies them onto the PrometheusRule it writes (for a Prometheus's ruleSelector); slogen labels its"
            " PrometheusRules once for the project, in `targets:` (prometheus-operator)"
        )
        imported.leave_out(document, path, what, why)


# Pyrra's multi-window table (slo/rules.go, Windows), as divisors of the SLO window, chosen so a 28d window gets
# the Workbook's 1h/5m, 6h/30m and 1d/2h, and 4d/6h, each rounded to the minute: (severity, long, short, factor).
# Unlike slogen's defaults, the burn factors stay put while the windows stretch with the SLO window, so the
# import writes Pyrra's pairs out and the imported SLO alerts on the burns Pyrra alerted on.
PYRRA_WINDOWS = (
    ("page", 28 * 24, 28 * 24 * 12, 14),
    ("page", 28 * 4, 28 * 24 * 2, 7),
    ("ticket", 28, 28 * 12, 2),
    ("ticket", 7, 28 * 4, 1),
)


def pyrra_windows(period: int) -> list[dict[str, Any]]:
    """Pyrra's four pairs for an SLO window of `period` seconds, as slogen `alerting.windows`. The budget share
    is written to 12 digits so slogen's factor (6 digits) reads back as Pyrra's 14, 7, 2 and 1."""
    windows = []
    for severity, long_divisor, short_divisor, factor in PYRRA_WINDOWS:
        long, short = _to_minute(Fraction(period, long_divisor)), _to_minute(Fraction(period, short_divisor))
        windows.append(burn_window(severity, long, short, budget_for(Decimal(factor), long, period) * 100))
    return windows


def _to_minute(seconds: Fraction) -> int:
    """Go's Duration.Round(time.Minute): half away from zero."""
    return max(60, math.floor(seconds / 60 + Fraction(1, 2)) * 60)


def _alerting(
    imported: Imported,
    document: Document,
    path: SpecPath,
    item: dict[str, Any],
    name: str,
    period: int,
) -> dict[str, Any]:
    source = mapping(item["spec"].get("alerting"))
    here = (*path, "spec", "alerting")
    alerting: dict[str, Any] = {}
    silent = source.get("disabled") is True
    if silent or source.get("burnrates") is False:
        alerting.update(page=False, ticket=False)
    else:
        alerting["windows"] = pyrra_windows(period)
    if not silent and source.get("absent", True) is not False:
        # Pyrra's absent alert waits window/(28·24·30) (2m at 28d) before firing; at least a minute here.
        alerting["absent"] = format_duration(max(60, round(period / (28 * 24 * 30) / 60) * 60))
    for key, alert in (("name", burn_alert(name)), ("absentName", absent_alert(name))):
        if source.get(key):
            why = (
                f"slogen names this alert {alert} (one rule per window pair, told apart by long_window"
                f' and short_window); change Alertmanager routes, inhibitions and silences on alertname="{source[key]}"'
            )
            imported.leave_out(document, (*here, key), f"alert name {source[key]}", why)
    if source.get("burnRateType", "static") != "static":
        why = (
            "slogen's burn-rate pairs have static thresholds, not thresholds scaled by each window's traffic; the SLO"
            " alerts on slogen's default pairs (set alerting.min_events to keep quiet hours from paging)"
        )
        imported.leave_out(document, (*here, "burnRateType"), f"burnRateType {source['burnRateType']}", why)
    for key in sorted(set(source) - _ALERTING_KEYS):
        imported.leave_out(document, (*here, key), f"alerting.{key}", _unknown_reason(key))
    annotations = _propagated(imported, document, path, item, "annotations")
    if annotations:
        alerting["annotations"] = annotations
    return alerting
