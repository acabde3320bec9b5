"""grafanalib 0.7.x, made to emit dashboards Grafana 10.4–12 loads: every workaround for its defects lives here.

The defects (verified against grafanalib 0.7.1):
- `Dashboard.schemaVersion` defaults to 12; callers pass it explicitly (`DEFAULT_SCHEMA_VERSION`).
- Graph, SingleStat and PromGraph are Angular panels (disabled in Grafana 11, removed in 12): `to_dict`
  refuses any panel type outside `PANEL_TYPES`. GaugePanel is not used (it emits no `options.reduceOptions`).
- Stat's default thresholds emit `"steps": ""` and `Threshold` emits the value `"null"`: `panel()` always
  passes explicit `steps()`, and `to_dict` repairs both anyway.
- TimeSeries validates axis limits as int: `panel()` takes float limits and writes them as plain JSON.
- `maxDataPoints` defaults to 100, a coarse 100-point graph: `panel()` unsets it so Grafana sizes it to the panel.
- BarGauge writes the Grafana 6 `options.fieldOptions` layout: `to_dict` moves it to `reduceOptions`/`fieldConfig`.
- Template writes `current: {text: null, value: null}`: `to_dict` writes `{}`, Grafana's "pick the default".
- Target writes `intervalFactor: 2` (half resolution), `step: 10` and a copy of `expr` as `query`: `to_dict`
  drops them.
- Stat shows the word "none" when a query has no data, and panels write `color: null`: fixed here too.
- `Dashboard.to_json_data` prints to stdout when panels and rows are both set: `to_dict` fails on any print.
- It writes fields Grafana's dashboard schema does not have (`_NOT_IN_SCHEMA`: Grafana 6/7 leftovers such as
  `sharedCrosshair`, a table's panel-level `columns`) and `null` for unset ones (`timepicker.nowDelay`, a variable's
  `datasource`): `to_dict` leaves both out. tests/test_grafana_schema.py finds them with Grafana's Foundation SDK.
"""

import contextlib
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, TypeAlias, TypedDict

from grafanalib import core
from grafanalib._gen import DashboardEncoder

from . import DEFAULT_SCHEMA_VERSION as DEFAULT_SCHEMA_VERSION  # what callers pass as grafanalib's schemaVersion

PANEL_TYPES = frozenset({"timeseries", "stat", "table", "bargauge", "state-timeline", "text", "row"})
DATASOURCE_VARIABLE = "datasource"
DATASOURCE = {"type": "prometheus", "uid": "${" + DATASOURCE_VARIABLE + "}"}
_TARGET_NOISE = ("intervalFactor", "step", "target", "metric", "query")
# What grafanalib writes that Grafana's dashboard schema (Foundation SDK 11.5) does not have, by where it sits.
# `__inputs` stays: it is the export format's list of imports, which the grafana-operator target relies on.
_NOT_IN_SCHEMA = {
    "dashboard": ("hideControls", "sharedCrosshair", "style"),
    "variable": ("tagValuesQuery", "tagsQuery", "useTags"),
    "panel": ("editable", "error"),
    "row": ("fieldConfig", "hideTimeOverride", "links", "targets", "transformations", "transparent"),
    "table": ("color", "columns", "fontSize", "mappings"),
}
_BARGAUGE_NOT_IN_SCHEMA = ("showThresholdLabels", "showThresholdMarkers")  # gauge options, not bar gauge ones
# A JSON object of the dashboard as grafanalib serialises it: Grafana's schema, not ours, so left open.
JsonObject: TypeAlias = dict[str, Any]


class ThresholdStep(TypedDict):
    """From `value` up (null: from minus infinity) the panel shows `color`."""

    color: str
    value: float | None


class GrafanalibDefect(RuntimeError):
    """grafanalib produced something Grafana would reject; the message says what."""


def steps(pairs: Iterable[tuple[float | None, str]]) -> list[ThresholdStep]:
    """Threshold steps in Grafana's shape; the first step is the base colour (value null)."""
    found: list[ThresholdStep] = [{"color": color, "value": value} for value, color in pairs]
    if not found:
        found = [{"color": "green", "value": None}]
    found[0]["value"] = None
    return found


def target(expr: str, ref: str, legend: str = "", instant: bool = False) -> core.Target:
    return core.Target(
        expr=expr,
        legendFormat=legend,
        refId=ref,
        instant=instant,
        format="table" if instant else "time_series",
        datasource=DATASOURCE,
    )


def panel(
    cls: type[core.Panel],
    *,
    unit: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    soft_max: float | None = None,
    no_value: str | None = None,
    threshold_steps: list[ThresholdStep] | None = None,
    extra: JsonObject | None = None,
    **kwargs: Any,
) -> core.Panel:
    """Build a grafanalib panel with our defaults: datasource by uid, free maxDataPoints, explicit thresholds,
    and unit/limits written as plain JSON (so float limits pass)."""
    defaults: dict[str, Any] = {}
    if unit is not None:
        defaults["unit"] = unit
    if minimum is not None:
        defaults["min"] = minimum
    if maximum is not None:
        defaults["max"] = maximum
    if no_value is not None:
        defaults["noValue"] = no_value
    if soft_max is not None:
        defaults["custom"] = {"axisSoftMax": soft_max}
    extra_json: JsonObject = {"fieldConfig": {"defaults": defaults}} if defaults else {}
    for key, value in (extra or {}).items():
        extra_json[key] = value
    if cls is core.Stat:
        kwargs.setdefault("noValue", "No data")  # grafanalib's default shows the word "none"
    return cls(
        dataSource=DATASOURCE,
        maxDataPoints=None,
        thresholds=threshold_steps or steps(()),
        extraJson=extra_json or None,
        **kwargs,
    )


def _panels(panels: list[JsonObject]) -> Iterator[JsonObject]:
    for found in panels:
        yield found
        yield from _panels(found.get("panels") or [])


def _repair_thresholds(found: JsonObject) -> None:
    thresholds = found.get("fieldConfig", {}).get("defaults", {}).get("thresholds")
    if thresholds is None:
        return
    if not thresholds.get("steps"):
        thresholds["steps"] = steps(())
    for step in thresholds["steps"]:
        if step.get("value") == "null":
            step["value"] = None
        for key in ("op", "yaxis", "line", "index"):
            step.pop(key, None)


def _repair_bargauge(found: JsonObject) -> None:
    options = found["options"]
    legacy = options.pop("fieldOptions", None)
    if legacy is None:
        return
    options["reduceOptions"] = {"calcs": legacy["calcs"], "fields": "", "values": legacy["values"]}
    defaults = found.setdefault("fieldConfig", {}).setdefault("defaults", {})
    for key in ("decimals", "min", "max", "unit"):
        if legacy["defaults"].get(key) is not None:
            defaults.setdefault(key, legacy["defaults"][key])


def _drop_null_keys(found: JsonObject, keep: tuple[str, ...] = ()) -> None:
    for key in [k for k, v in found.items() if v is None and k not in keep]:
        del found[key]  # grafanalib writes every unset option as null; Grafana's schema expects the key absent


def _drop_keys(found: JsonObject, keys: Iterable[str]) -> None:
    for key in keys:
        found.pop(key, None)


def _repair_panel(found: JsonObject) -> None:
    if found.get("type") not in PANEL_TYPES:
        raise GrafanalibDefect(
            f"panel {found.get('title')!r} has type {found.get('type')!r}; Grafana 11 disables "
            f"Angular panels, so only {', '.join(sorted(PANEL_TYPES))} are emitted"
        )
    if found["type"] == "bargauge":
        _repair_bargauge(found)
        _drop_keys(found["options"], _BARGAUGE_NOT_IN_SCHEMA)
    if found["type"] == "table" and (found.get("mappings") or found.get("columns")):
        raise GrafanalibDefect(
            f"table {found.get('title')!r} sets grafanalib's Table(mappings=/columns=), which Grafana 8+ ignores; "
            "put value mappings in fieldConfig.defaults.mappings (panel(extra=...)) instead"
        )
    _repair_thresholds(found)
    _drop_keys(found, _NOT_IN_SCHEMA["panel"] + _NOT_IN_SCHEMA.get(found["type"], ()))
    defaults = found.get("fieldConfig", {}).get("defaults", {})
    _drop_null_keys(defaults)
    _drop_null_keys(defaults.get("custom", {}))
    _drop_null_keys(found)
    for each in found.get("targets") or []:
        for key in _TARGET_NOISE:
            each.pop(key, None)


def to_dict(dashboard: core.Dashboard) -> JsonObject:
    """Serialise with grafanalib's encoder (sorted keys), then repair the known defects."""
    if dashboard.rows:
        raise GrafanalibDefect("dashboards use panels with row panels, never legacy rows")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        text = json.dumps(dashboard.auto_panel_ids().to_json_data(), cls=DashboardEncoder, sort_keys=True)
    if printed.getvalue():
        raise GrafanalibDefect(f"grafanalib warned while serialising: {printed.getvalue().strip()}")
    data: JsonObject = json.loads(text)
    data.pop("rows", None)
    _drop_keys(data, _NOT_IN_SCHEMA["dashboard"])
    _drop_null_keys(data, keep=("id",))  # `id?: int64 | null` in Grafana's schema; null: import as a new one
    _drop_null_keys(data.get("timepicker", {}))
    for variable in data["templating"]["list"]:
        if variable.get("current", {}).get("value") is None:
            variable["current"] = {}  # grafanalib writes text/value null; {} lets Grafana pick the default
        _drop_keys(variable, _NOT_IN_SCHEMA["variable"])
        _drop_null_keys(variable)
    for found in _panels(data["panels"]):
        _repair_panel(found)
    return data
