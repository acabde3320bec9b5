"""Sloth (github.com/slok/sloth) → slogen specs: `prometheus/v1` files and the `PrometheusServiceLevel` CRD.

Sloth's SLIs are full PromQL with a `{{.window}}` placeholder; slogen's are series selectors it rates itself. The
shapes that say "a ratio of two summed counters" convert exactly (sloth_promql reads them); a plugin, a subquery,
or any other expression is left out with the reason. Sloth's alert name and its page/ticket-only labels,
annotations and `for:` have no slogen field: they are left out, so nothing is dropped silently.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ... import burnrate
from ...document import Document, SpecPath
from ...durations import format_duration, parse_duration
from ...naming import burn_alert
from .base import DEFAULT_OPTIONS, Imported, ImportOptions, burn_window
from .sloth_promql import Counters, QueryError, error_ratio, events

FORMAT = "sloth"
DESCRIPTION = "a Sloth SLO spec"

PROMETHEUS_V1 = "prometheus/v1"
CRD_API = "sloth.slok.dev/v1"
CRD_KIND = "PrometheusServiceLevel"
WINDOWS_KIND = "AlertWindows"
WINDOWS_V1 = "alertWindows/v1"  # the older plain form of a window catalog, as Sloth's built-in ones are written
DEFAULT_PERIOD = 30 * 86400
# Sloth's built-in catalogs (internal/alert/windows/google-28d.yaml, google-30d.yaml) are the SRE Workbook's
# table at 28d and 30d. At 30d that is slogen's default. At 28d Sloth keeps the budget shares, which makes its
# 3d/6h ticket a 0.93× burn that cannot exhaust the budget within the period (slogen refuses such a pair), so
# the import leaves 28d to slogen's default, which keeps the 30d burn factors; docs/migrating-from-sloth.md.
RUNBOOK_ANNOTATIONS = ("runbook", "runbook_url")  # Sloth users' spellings; slogen writes runbook_url itself
_NO_PLUGINS = "slogen has no plugin hook: a Sloth plugin is Go code run inside Sloth"
_SERVICE_KEYS = {"version", "service", "labels", "slos"}
_SLO_KEYS = {"name", "objective", "description", "labels", "sli", "alerting"}
_ALERTING_KEYS = {"name", "labels", "annotations", "page_alert", "ticket_alert"}


def recognises(data: Any) -> bool:
    return isinstance(data, dict) and (data.get("version") == PROMETHEUS_V1 or data.get("apiVersion") == CRD_API)


def convert(documents: list[Document], options: ImportOptions = DEFAULT_OPTIONS) -> Imported:
    """Sloth gives every SLO the period of its --default-slo-period flag (30d unless set) and the burn windows
    of the AlertWindows catalog for that period; both are applied to every service imported."""
    imported = Imported()
    catalogs: dict[int, _Catalog] = {}
    for document in documents:
        if _is_catalog(document.data):
            _catalog(_Source(document, imported), catalogs)
        else:
            _document(_Source(document, imported))
    period = options.default_period or DEFAULT_PERIOD
    _apply_period(imported, period, catalogs)
    return imported


@dataclass
class _Source:
    """One document being imported, and the service it declares once that is known."""

    document: Document
    imported: Imported
    service: str = ""

    def leave_out(self, path: SpecPath, what: str, why: str, slo: str = "") -> None:
        self.imported.leave_out(self.document, path, what, why, self.service, slo)


def _key(mapping: dict[str, Any], snake: str) -> str | None:
    """The key as the file spells it: `prometheus/v1` uses snake_case, the CRD camelCase; Sloth's own examples
    mix them (raw-home-wifi.yml writes `errorRatioQuery` in a prometheus/v1 file), so both are read in both."""
    head, *rest = snake.split("_")
    for spelling in (snake, head + "".join(part.title() for part in rest)):
        if spelling in mapping:
            return spelling
    return None


def _get(mapping: dict[str, Any], snake: str) -> Any:
    key = _key(mapping, snake)
    return mapping[key] if key is not None else None


def _snake(key: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in key)


def _document(source: _Source) -> None:
    data = source.document.data
    if isinstance(data, dict) and data.get("version") == PROMETHEUS_V1:
        _service(source, (), data)
    elif isinstance(data, dict) and data.get("apiVersion") == CRD_API and data.get("kind") == CRD_KIND:
        spec = data.get("spec")
        if isinstance(spec, dict):
            _service(source, ("spec",), spec)
        else:
            source.leave_out(("spec",), "this PrometheusServiceLevel", "it has no `spec` mapping")
    else:
        source.leave_out(
            (),
            "this document",
            f'it is neither a Sloth `version: "{PROMETHEUS_V1}"` spec nor an `apiVersion: {CRD_API}` '
            f"`kind: {CRD_KIND}`; for OpenSLO files use `slogen import openslo`",
        )


def _is_catalog(data: Any) -> bool:
    return isinstance(data, dict) and (
        (data.get("apiVersion") == CRD_API and data.get("kind") == WINDOWS_KIND) or data.get("version") == WINDOWS_V1
    )


@dataclass
class _Catalog:
    source: _Source
    period_path: SpecPath
    windows: list[dict[str, Any]]


def _catalog(source: _Source, catalogs: dict[int, _Catalog]) -> None:
    """An AlertWindows document → slogen `alerting.windows`, by its sloPeriod in seconds."""
    data = source.document.data
    root: SpecPath = ("spec",) if "spec" in data else ()
    spec = data.get("spec") if root else data
    if not isinstance(spec, dict):
        source.leave_out(root, "this AlertWindows", "it has no `spec` mapping")
        return
    try:
        period = _duration(spec, (*root, "sloPeriod"), spec.get("sloPeriod"))
        windows = [
            _catalog_window(spec, root, severity, speed)
            for severity in ("page", "ticket")
            for speed in ("quick", "slow")
        ]
    except _LeftOut as left:
        source.leave_out(left.path, "this AlertWindows", str(left))
        return
    catalogs[period] = _Catalog(source, (*root, "sloPeriod"), windows)


def _catalog_window(spec: dict[str, Any], root: SpecPath, severity: str, speed: str) -> dict[str, Any]:
    path = (*root, severity, speed)
    windows = spec.get(severity)
    window = windows.get(speed) if isinstance(windows, dict) else None
    if not isinstance(window, dict):
        raise _LeftOut(path, f"it has no `{severity}.{speed}` window")
    budget = window.get("errorBudgetPercent")
    try:
        percent = Decimal(str(budget))
    except InvalidOperation:
        percent = Decimal(0)
    if isinstance(budget, bool) or not 0 < percent <= 100:
        raise _LeftOut((*path, "errorBudgetPercent"), f"errorBudgetPercent {budget!r} is not a percent in (0, 100]")
    long = _duration(window, (*path, "longWindow"), window.get("longWindow"))
    short = _duration(window, (*path, "shortWindow"), window.get("shortWindow"))
    return burn_window(severity, long, short, percent)


def _duration(mapping: dict[str, Any], path: SpecPath, value: Any) -> int:
    try:
        return parse_duration(str(value))
    except ValueError as err:
        raise _LeftOut(path, f"{path[-1]} {value!r}: {err}") from None


def _apply_period(imported: Imported, period: int, catalogs: dict[int, _Catalog]) -> None:
    """Sloth's period and the catalog Sloth would pick for it, written only where they differ from what slogen
    does unwritten (a 30d period and the Workbook pairs)."""
    windows = catalogs[period].windows if period in catalogs else None
    if windows is not None and windows == _slogen_defaults(period):
        windows = None
    for spec in imported.specs.values():
        if period != DEFAULT_PERIOD:
            spec["period"] = format_duration(period)
        for slo in spec.get("slos", []):
            alerting = slo.get("alerting", {})
            if windows is not None and (alerting.get("page", True) or alerting.get("ticket", True)):
                slo["alerting"] = {**alerting, "windows": [dict(window) for window in windows]}
    for unused in sorted(set(catalogs) - {period}):
        catalogs[unused].source.leave_out(
            catalogs[unused].period_path,
            f"the AlertWindows for a {format_duration(unused)} period",
            f"the SLOs' period is {format_duration(period)}, so Sloth would not use it either; "
            f"pass --default-slo-period {format_duration(unused)} if that is what you gave Sloth",
        )


def _slogen_defaults(period: int) -> list[dict[str, Any]]:
    return [
        burn_window(window.severity, window.long, window.short, window.budget * 100)
        for window in burnrate.default_windows(period)
    ]


def _service(source: _Source, root: SpecPath, data: dict[str, Any]) -> None:
    name = data.get("service")
    if not isinstance(name, str) or not name:
        source.leave_out((*root, "service"), "this service level", "it names no `service`")
        return
    source.service = name
    labels = data.get("labels") or {}
    spec = source.imported.specs.setdefault(name, {"apiVersion": "slogen/v1", "service": name, "labels": labels})
    spec.setdefault("slos", [])
    if labels and spec["labels"] != labels:
        source.leave_out(
            (*root, "labels"),
            f"service {name}'s labels",
            "another document of the same service sets different labels; slogen has one label set per service",
        )
    for key in data:
        if _snake(key) not in _SERVICE_KEYS:
            why = _NO_PLUGINS if "plugin" in key else f"slogen has no equivalent of Sloth's service-level `{key}`"
            source.leave_out((*root, key), f"`{key}`", why)
    slos = data.get("slos")
    for index, slo in enumerate(slos if isinstance(slos, list) else []):
        converted = _slo(source, (*root, "slos", index), slo)
        if converted is not None:
            spec["slos"].append(converted)


def _slo(source: _Source, path: SpecPath, slo: Any) -> dict[str, Any] | None:
    if not isinstance(slo, dict) or not isinstance(slo.get("name"), str):
        source.leave_out(path, "this SLO", "it has no `name`")
        return None
    name = slo["name"]
    sli = _sli(source, (*path, "sli"), slo.get("sli"), name)
    if sli is None:
        return None
    counters, group_by = sli
    result: dict[str, Any] = {"name": name}
    if slo.get("description"):
        result["description"] = slo["description"]
    result["objective"] = slo.get("objective")
    if slo.get("labels"):
        result["labels"] = slo["labels"]
    if group_by:
        result["group_by"] = list(group_by)
    result["sli"] = {"ratio": counters}
    for key in slo:
        if key not in _SLO_KEYS:
            why = _NO_PLUGINS if "plugin" in key else f"slogen has no equivalent of Sloth's SLO field `{key}`"
            source.leave_out((*path, key), f"SLO {name}'s `{key}`", why, name)
    alerting = slo.get("alerting")
    if isinstance(alerting, dict):
        converted = _alerting(source, (*path, "alerting"), alerting, name)
        if converted:
            result["alerting"] = converted
    return result


def _sli(source: _Source, path: SpecPath, sli: Any, slo: str) -> tuple[dict[str, str], tuple[str, ...]] | None:
    """The ratio SLI and group_by of a Sloth SLI, or None (left out, with why) when it is not one slogen reads."""
    what = f"SLO {slo}"
    if not isinstance(sli, dict):
        source.leave_out(path, what, "it has no `sli`", slo)
        return None
    if "plugin" in sli:
        source.leave_out((*path, "plugin"), what, f"its SLI is a plugin; {_NO_PLUGINS}", slo)
        return None
    try:
        if isinstance(sli.get("events"), dict):
            counters = _events((*path, "events"), sli["events"])
        elif isinstance(sli.get("raw"), dict):
            counters = _raw((*path, "raw"), sli["raw"])
        else:
            source.leave_out(path, what, "its SLI is neither `events` nor `raw`", slo)
            return None
    except _LeftOut as left:
        source.leave_out(left.path, what, str(left), slo)
        return None
    return counters.ratio(), counters.group_by


class _LeftOut(Exception):
    def __init__(self, path: SpecPath, why: str):
        super().__init__(why)
        self.path = path


def _events(path: SpecPath, sli: dict[str, Any]) -> Counters:
    keys = {name: _key(sli, name) for name in ("error_query", "total_query")}
    for name, key in keys.items():
        if key is None:
            raise _LeftOut(path, f"its events SLI has no `{name}`")
    error_key, total_key = str(keys["error_query"]), str(keys["total_query"])
    try:
        return events(str(sli[error_key]), str(sli[total_key]))
    except QueryError as err:
        raise _LeftOut((*path, error_key if err.side == "error" else total_key), str(err)) from None


def _raw(path: SpecPath, sli: dict[str, Any]) -> Counters:
    key = _key(sli, "error_ratio_query")
    if key is None:
        raise _LeftOut(path, "its raw SLI has no `error_ratio_query`")
    try:
        return error_ratio(str(sli[key]))
    except QueryError as err:
        raise _LeftOut((*path, key), str(err)) from None


def _alerting(source: _Source, path: SpecPath, alerting: dict[str, Any], slo: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if alerting.get("name"):
        source.leave_out(
            (*path, "name"),
            f"alert name {alerting['name']}",
            f"slogen names SLO {slo}'s burn-rate alerts {burn_alert(slo)} (page and ticket, told apart by the "
            "`severity` label); change Alertmanager routes and silences that match the old `alertname`",
            slo,
        )
    if alerting.get("labels"):
        result["labels"] = dict(alerting["labels"])
    annotations = dict(alerting.get("annotations") or {})
    for spelling in RUNBOOK_ANNOTATIONS:
        runbook = annotations.get(spelling, "")
        if isinstance(runbook, str) and runbook.startswith(("https://", "http://")):
            result["runbook"] = annotations.pop(spelling)
            break
    if annotations:
        result["annotations"] = annotations
    for severity, sloth_key in (("page", "page_alert"), ("ticket", "ticket_alert")):
        key = _key(alerting, sloth_key)
        if key is not None and isinstance(alerting[key], dict):
            result.update(_severity(source, (*path, key), alerting[key], severity, slo))
    for key in alerting:
        if _snake(key) not in _ALERTING_KEYS:
            source.leave_out(
                (*path, key), f"SLO {slo}'s alerting `{key}`", "slogen has no equivalent alerting field", slo
            )
    return result


def _severity(source: _Source, path: SpecPath, alert: dict[str, Any], severity: str, slo: str) -> dict[str, Any]:
    """Sloth's page_alert/ticket_alert: `disable` maps to slogen's page/ticket switch; the rest has no field,
    because slogen's labels and annotations apply to all of an SLO's alerts alike."""
    result = {severity: False} if alert.get("disable") is True else {}
    for key, value in alert.items():
        if key == "disable" or value in ({}, None, False):
            continue
        if key == "labels":
            why = (
                f"slogen sets `severity: {severity}` and `priority` on its {severity} alerts and has no labels for "
                f'one severity only; route {severity}s by `severity="{severity}"` in slogen\'s `routing` instead'
            )
        elif key == "for":
            why = "slogen's burn-rate alerts have no `for:`: the short window of each pair already confirms the burn"
        else:
            why = f"slogen's alert annotations and fields apply to the page and the ticket alike, not to {severity}s"
        source.leave_out((*path, key), f"SLO {slo}'s {severity} alert `{key}`", why, slo)
    return result
