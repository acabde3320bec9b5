"""Every dashboard slogen writes, read through Grafana's own dashboard types: the Foundation SDK
(grafana-foundation-sdk, pinned in pyproject.toml) loads the JSON into its dashboard, panel plugin and Prometheus
query models and writes it back. What does not come back is a field Grafana's schema does not have (misspelled,
renamed or from an older Grafana) or a value it reads differently; `schema_differences` names each one by path.

What the SDK adds on the way back (its defaults, such as `repeatDirection: "h"`) is not a loss and is not reported.
The SDK passes a few parts through unread; `schema_differences` reads those itself: panel links and transformations
through the dashboard schema's link and transformation types, and each field override property as the field config
default it overrides. A panel type or query the SDK has no model for is reported, not passed. The SDK copies values
without checking them, so every value is also checked against the type the SDK declares for it (enums included).
"""

import enum
import functools
import json
import re
import sys
import types
import typing
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from grafana_foundation_sdk.cog import runtime as cogruntime
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.cog.plugins import register_default_plugins
from grafana_foundation_sdk.models import dashboard as sdk
from grafanalib import core
from grafanalib._gen import DashboardEncoder

from generator.cli import main
from generator.render import grafana_compat
from tests.generated import generated

ROOT = Path(__file__).parents[1]
COMMITTED = sorted((ROOT / "output" / "grafana" / "dashboards").glob("*.json"))
FIXTURES = Path(__file__).parent / "fixtures"
# Between them every SLI kind (ratio, latency, value, probe, freshness), quantile guard and zero-tolerance alerts,
# time slices and calendar periods.
SLI_FIXTURES = ("checkout", "freshness", "unitless", "quantile_guard", "zero_tolerance", "timeslices", "calendar")
# From the CLI's minimum, 36, to 41 (Grafana 12's); slogen writes the same structure for each.
SCHEMA_VERSIONS = range(36, 42)
# Where Grafana's schema allows null: a threshold step's `value` (minus infinity; the SDK keeps it) and the
# dashboard's `id?: int64 | null` (the SDK writes null as absent). Elsewhere null means: leave the key out.
NULLABLE = "value"
NULL_ALLOWED = {"dashboard.id"}
# The export format's list of data sources to ask for on import: read by Grafana's import, not a dashboard field.
EXPORT_ONLY = {"__inputs"}

Json = Any
register_default_plugins()


# --- the check -----------------------------------------------------------------------------------------


def schema_differences(dashboard: Json) -> list[str]:
    """One line per field Grafana's schema (as the SDK models it) loses, renames or reads differently."""
    ours = {k: v for k, v in dashboard.items() if k not in EXPORT_ONLY}
    loaded = sdk.Dashboard.from_json(_without_nulls(ours))
    found = [*_lost(ours, _as_json(loaded), "dashboard"), *_wrong_values(loaded, "dashboard")]
    found += _unmodelled(loaded)
    for path, panel in _panels(ours):
        found += _raw_parts_lost(panel, path)
    return found


def _as_json(model: object) -> Json:
    return json.loads(json.dumps(model, cls=JSONEncoder))


def _without_nulls(value: Json) -> Json:
    """The SDK's types have no null (it crashes on `datasource: null`); nulls come back as missing keys."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None or k == NULLABLE}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _lost(ours: Json, theirs: Json, path: str) -> Iterator[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key, value in ours.items():
            if key in theirs:
                yield from _lost(value, theirs[key], f"{path}.{key}")
            elif value is None and f"{path}.{key}" in NULL_ALLOWED:
                continue
            elif value is None:
                yield f"{path}.{key}: null where Grafana's schema has none; leave the key out"
            else:
                yield f"{path}.{key}: not in Grafana's schema (the SDK dropped {_short(value)})"
    elif isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for i, (mine, its) in enumerate(zip(ours, theirs, strict=True)):
            yield from _lost(mine, its, _item(path, i, mine))
    elif ours != theirs or type(ours) is not type(theirs):
        yield f"{path}: we write {_short(ours)}, Grafana's schema reads {_short(theirs)}"


def _item(path: str, index: int, value: Json) -> str:
    title = value.get("title") if isinstance(value, dict) else None
    return f"{path}[{index}]" + (f"({title!r})" if title else "")


def _short(value: Json) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _panels(dashboard: Json) -> Iterator[tuple[str, Json]]:
    for i, panel in enumerate(dashboard.get("panels") or []):
        path = _item("dashboard.panels", i, panel)
        yield path, panel
        for j, inner in enumerate(panel.get("panels") or []):
            yield _item(f"{path}.panels", j, inner), inner


def _unmodelled(loaded: sdk.Dashboard) -> Iterator[str]:
    """Parts the SDK keeps as an opaque bag because it has no model for them: unchecked, so reported."""
    for panel in _sdk_panels(loaded):
        if cogruntime.panelcfg_config(panel.type_val or "") is None:
            yield f"panel {panel.title!r}: type {panel.type_val!r} has no panel model in the SDK; use a core panel"
        for target in panel.targets or []:
            if isinstance(target, cogruntime.UnknownDataquery):
                yield f"panel {panel.title!r}: a target with no Prometheus data source; set the panel's datasource"


def _sdk_panels(loaded: sdk.Dashboard) -> Iterator[sdk.Panel]:
    for panel in loaded.panels or []:
        if isinstance(panel, sdk.RowPanel):
            yield from (p for p in panel.panels if isinstance(p, sdk.Panel))
        else:
            yield panel


def _raw_parts_lost(panel: Json, path: str) -> Iterator[str]:
    """Links, transformations and override properties: the SDK keeps their values as given, so read them here."""
    for i, link in enumerate(panel.get("links") or []):
        yield from _read_as(sdk.DashboardLink, link, _item(f"{path}.links", i, link))
    for i, step in enumerate(panel.get("transformations") or []):
        yield from _read_as(sdk.DataTransformerConfig, step, f"{path}.transformations[{i}]")
    for i, override in enumerate(panel.get("fieldConfig", {}).get("overrides") or []):
        for j, prop in enumerate(override.get("properties") or []):
            yield from _override_lost(panel["type"], prop, f"{path}.fieldConfig.overrides[{i}].properties[{j}]")


def _override_lost(panel_type: str, prop: Json, path: str) -> Iterator[str]:
    """An override property `custom.cellOptions: {...}` is the field config default `custom: {cellOptions: ...}`
    for the matched fields, so it goes through the same field config model as the panel's defaults."""
    as_default: Json = prop["value"]
    for part in reversed(prop["id"].split(".")):
        as_default = {part: as_default}
    probe = {"type": panel_type, "fieldConfig": {"defaults": as_default, "overrides": []}}
    loaded = sdk.Panel.from_json(_without_nulls(probe)).field_config
    assert loaded is not None
    path = f"{path}(id {prop['id']!r})"
    yield from _lost(as_default, _as_json(loaded.defaults), path)
    yield from _wrong_values(loaded.defaults, path)


def _read_as(model: Any, ours: Json, path: str) -> Iterator[str]:
    loaded = model.from_json(_without_nulls(ours))
    yield from _lost(ours, _as_json(loaded), path)
    yield from _wrong_values(loaded, path)


def _wrong_values(model: object, path: str) -> Iterator[str]:
    """Each value the SDK holds, against the type it declares for that attribute (`from_json` does not check)."""
    if isinstance(model, list):
        for i, item in enumerate(model):
            yield from _wrong_values(item, _item(path, i, {"title": getattr(item, "title", None)}))
        return
    if not callable(getattr(model, "to_json", None)) or isinstance(model, cogruntime.UnknownDataquery):
        return
    for name, declared in _declared(type(model)).items():
        value = getattr(model, name, None)
        where = f"{path}.{_json_name(name)}"
        if not _fits(value, declared):
            yield f"{where}: we write {_short(value)}, Grafana's schema wants {_type_name(declared)}"
        else:
            yield from _wrong_values(value, where)


@functools.cache
def _declared(model: type) -> dict[str, Any]:
    return typing.get_type_hints(model, vars(sys.modules[model.__module__]))


def _fits(value: Any, declared: Any) -> bool:
    if declared is Any or declared is object:
        return True
    if typing.get_origin(declared) in (typing.Union, types.UnionType):
        return any(_fits(value, option) for option in typing.get_args(declared))
    if typing.get_origin(declared) is list:
        return isinstance(value, list) and all(_fits(v, typing.get_args(declared)[0]) for v in value)
    if typing.get_origin(declared) is dict:
        return isinstance(value, dict)
    if typing.get_origin(declared) is typing.Literal:
        return value in typing.get_args(declared)
    if not isinstance(declared, type):
        return True
    if issubclass(declared, enum.Enum):
        return value in {member.value for member in declared}
    if isinstance(value, bool):
        return declared is bool
    if declared is float:
        return isinstance(value, int | float)
    # A part the SDK keeps as given (panel links, transformations) is still a dict here; _raw_parts_lost reads it.
    return isinstance(value, declared) or (isinstance(value, dict) and hasattr(declared, "from_json"))


def _json_name(attribute: str) -> str:
    """The SDK's attribute name as the JSON key: `grid_pos` is `gridPos`, `id_val` is `id`."""
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), attribute.removesuffix("_val"))


PLAIN = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def _type_name(declared: Any) -> str:
    options = [option for option in typing.get_args(declared) if option is not type(None)]
    if typing.get_origin(declared) in (typing.Union, types.UnionType) and len(options) == 1:
        return _type_name(options[0])
    if isinstance(declared, type) and issubclass(declared, enum.Enum):
        return "one of " + ", ".join(json.dumps(member.value) for member in declared)
    return PLAIN.get(declared) or re.sub(r"\b[\w.]+\.(\w+)", r"\1", str(declared)).replace("typing.", "")


def assert_grafana_reads_all_of(dashboard: Json, name: str) -> None:
    found = schema_differences(dashboard)
    if found:
        pytest.fail(f"{name}: {len(found)} field(s) Grafana's schema does not read as written:\n" + "\n".join(found))


# --- what slogen generates ------------------------------------------------------------------------------


def test_the_sdk_is_the_pinned_release_for_our_default_schema_version():
    """11.5 is the newest SDK whose dashboard kind is at schemaVersion 39; 11.6 moves to 41."""
    assert metadata.version("grafana-foundation-sdk") == "1769699452!11.5.0"
    assert sdk.Dashboard().schema_version == grafana_compat.DEFAULT_SCHEMA_VERSION == 39


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_every_committed_dashboard_round_trips_through_grafanas_schema(path):
    assert_grafana_reads_all_of(json.loads(path.read_text()), path.name)


def test_there_are_committed_dashboards_to_check():
    assert COMMITTED


def dashboards_of(fixture: str) -> dict[str, Json]:
    outcome = generated(FIXTURES / f"{fixture}.yaml")
    found = {f.path: f.data for f in outcome.files if f.path.startswith("grafana/dashboards/")}
    assert found, f"{fixture}.yaml generated no dashboards"
    return found


@pytest.mark.parametrize("fixture", SLI_FIXTURES)
def test_dashboards_for_every_sli_kind_round_trip_through_grafanas_schema(fixture):
    for path, dashboard in dashboards_of(fixture).items():
        # Through JSON as the writer writes it, so tuples and the like are what Grafana would read.
        assert_grafana_reads_all_of(json.loads(json.dumps(dashboard)), f"{fixture}.yaml → {path}")


@pytest.mark.parametrize("version", SCHEMA_VERSIONS)
def test_each_grafana_schema_version_round_trips(version, tmp_path):
    spec = str(FIXTURES / "checkout.yaml")
    run = CliRunner().invoke(
        main, ["generate", "--specs", spec, "--out", str(tmp_path), "--grafana-schema-version", str(version)]
    )
    assert run.exit_code == 0, run.output
    written = sorted((tmp_path / "grafana" / "dashboards").glob("*.json"))
    assert written
    for path in written:
        dashboard = json.loads(path.read_text())
        assert dashboard["schemaVersion"] == version
        assert_grafana_reads_all_of(dashboard, f"--grafana-schema-version {version}: {path.name}")


# --- grafana_compat: what grafanalib writes outside the schema is left out, whichever panels a dashboard uses


def grafanalib_dashboard(*panels: core.Panel) -> core.Dashboard:
    for y, panel in enumerate(panels):
        panel.gridPos = core.GridPos(h=1, w=24, x=0, y=y)
    return core.Dashboard(title="t", uid="u", schemaVersion=39, panels=list(panels))


def every_panel_type() -> list[core.Panel]:
    target = grafana_compat.target("up", "A")
    built = [
        grafana_compat.panel(cls, title=cls.__name__, targets=[target])
        for cls in (core.TimeSeries, core.Stat, core.Table, core.BarGauge, core.StateTimeline)
    ]
    return [core.RowPanel(title="row", maxDataPoints=None), *built, core.Text(title="text", content="x")]


def test_every_panel_type_we_emit_is_one_grafanalib_writes_outside_the_schema_and_compat_repairs():
    emitted = {p.to_json_data()["type"] for p in every_panel_type()}
    assert emitted == grafana_compat.PANEL_TYPES
    raw = json.loads(json.dumps(grafanalib_dashboard(*every_panel_type()).to_json_data(), cls=DashboardEncoder))
    raw.pop("rows")
    assert any(".editable: not in Grafana's schema" in f for f in schema_differences(raw))  # the defect
    assert_grafana_reads_all_of(grafana_compat.to_dict(grafanalib_dashboard(*every_panel_type())), "every panel type")


def test_compat_refuses_table_options_grafana_ignores_rather_than_dropping_them():
    table = grafana_compat.panel(core.Table, title="T", mappings=[{"type": "value", "options": {}}])
    with pytest.raises(grafana_compat.GrafanalibDefect, match=r"'T' sets grafanalib's Table\(mappings=/columns=\)"):
        grafana_compat.to_dict(grafanalib_dashboard(table))


# --- the check finds what Grafana would not read ----------------------------------------------------------


def known_good() -> Json:
    """A small dashboard in Grafana's schema with one of everything the check reads."""
    source = {"type": "prometheus", "uid": "${datasource}"}
    return {
        "uid": "probe",
        "title": "Probe",
        "schemaVersion": 39,
        "links": [{"title": "Runbook", "type": "link", "url": "https://runbooks.example/x", "targetBlank": True}],
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "current": {}}]},
        "panels": [
            {
                "type": "row",
                "title": "Row",
                "collapsed": True,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": 0},
                "panels": [
                    {
                        "type": "timeseries",
                        "title": "Burn rate",
                        "datasource": source,
                        "gridPos": {"h": 8, "w": 12, "x": 0, "y": 1},
                        "targets": [{"expr": "up", "refId": "A", "legendFormat": "{{job}}", "datasource": source}],
                        "links": [{"title": "Detail", "url": "/d/detail"}],
                        "transformations": [{"id": "organize", "options": {"renameByName": {"Value": "Burn"}}}],
                        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}},
                        "fieldConfig": {
                            "defaults": {
                                "unit": "percentunit",
                                "custom": {"axisSoftMax": 1.5, "lineWidth": 1},
                                "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None}]},
                            },
                            "overrides": [
                                {
                                    "matcher": {"id": "byName", "options": "Burn"},
                                    "properties": [
                                        {"id": "custom.lineWidth", "value": 2},
                                        {"id": "unit", "value": "x"},
                                    ],
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def test_a_dashboard_in_grafanas_schema_has_no_differences():
    assert schema_differences(known_good()) == []


def _timeseries(dashboard: Json) -> Json:
    return dashboard["panels"][0]["panels"][0]


WRONG = {
    "misspelled field config key": (
        lambda d: _timeseries(d)["fieldConfig"]["defaults"].update(unti="s"),
        "dashboard.panels[0]('Row').panels[0]('Burn rate').fieldConfig.defaults.unti: not in Grafana's schema",
    ),
    "unknown custom field config of the panel plugin": (
        lambda d: _timeseries(d)["fieldConfig"]["defaults"]["custom"].update(axisSoftMaximum=2),
        "('Burn rate').fieldConfig.defaults.custom.axisSoftMaximum: not in Grafana's schema",
    ),
    "unknown panel option": (
        lambda d: _timeseries(d)["options"]["legend"].update(showLegnd=True),
        "('Burn rate').options.legend.showLegnd: not in Grafana's schema",
    ),
    "renamed target field": (
        lambda d: _timeseries(d)["targets"][0].update(legend=_timeseries(d)["targets"][0].pop("legendFormat")),
        "('Burn rate').targets[0].legend: not in Grafana's schema",
    ),
    "override property the field config does not have": (
        lambda d: _timeseries(d)["fieldConfig"]["overrides"][0]["properties"].append(
            {"id": "custom.width", "value": 3}
        ),
        "properties[2](id 'custom.width').custom.width: not in Grafana's schema",
    ),
    "unknown variable field": (
        lambda d: d["templating"]["list"][0].update(useTags=False),
        "dashboard.templating.list[0].useTags: not in Grafana's schema",
    ),
    "null for an unset field": (
        lambda d: d["templating"]["list"][0].update(datasource=None),
        "dashboard.templating.list[0].datasource: null where Grafana's schema has none",
    ),
    "unknown dashboard link field": (
        lambda d: d["links"][0].update(uri="https://runbooks.example/x"),
        "dashboard.links[0]('Runbook').uri: not in Grafana's schema",
    ),
    "unknown panel link field": (
        lambda d: _timeseries(d)["links"][0].update(newTab=True),
        "('Burn rate').links[0]('Detail').newTab: not in Grafana's schema",
    ),
    "field a row panel does not have": (
        lambda d: d["panels"][0].update(transparent=False),
        "dashboard.panels[0]('Row').transparent: not in Grafana's schema",
    ),
    "Angular panel type": (
        lambda d: _timeseries(d).update(type="graph"),
        "panel 'Burn rate': type 'graph' has no panel model in the SDK",
    ),
    "target without a data source type": (
        lambda d: [_timeseries(d).pop("datasource"), _timeseries(d)["targets"][0].pop("datasource")],
        "panel 'Burn rate': a target with no Prometheus data source",
    ),
    "value outside a panel option's enum": (
        lambda d: _timeseries(d)["options"]["legend"].update(displayMode="lst"),
        '(\'Burn rate\').options.legend.displayMode: we write "lst", Grafana\'s schema wants one of "list", "table", "hidden"',
    ),
    "string where the schema has a number": (
        lambda d: _timeseries(d)["fieldConfig"]["defaults"]["custom"].update(lineWidth="2"),
        "('Burn rate').fieldConfig.defaults.custom.lineWidth: we write \"2\", Grafana's schema wants",
    ),
    "wrong value in an override": (
        lambda d: _timeseries(d)["fieldConfig"]["overrides"][0]["properties"][0].update(value=True),
        "properties[0](id 'custom.lineWidth').custom.lineWidth: we write true",
    ),
    "dashboard value outside its enum": (
        lambda d: d.update(graphTooltip=3),
        "dashboard.graphTooltip: we write 3, Grafana's schema wants",
    ),
    "misspelled dashboard field": (
        lambda d: d.update(refrsh="1m"),
        "dashboard.refrsh: not in Grafana's schema",
    ),
}


@pytest.mark.parametrize("wrong", WRONG, ids=list(WRONG))
def test_the_check_finds_a_field_grafana_does_not_read(wrong):
    dashboard = known_good()
    break_it, expected = WRONG[wrong]
    break_it(dashboard)
    found = schema_differences(dashboard)
    assert len(found) == 1 and expected in found[0], found
