"""Grafana dashboards built with grafanalib: a service overview per service, one SLO detail dashboard for the
whole project, the fleet overview, and the provisioning file.

Model → grafanalib objects → plain dict (through grafana_compat, which owns every grafanalib workaround).
The service overview answers "are we OK?" in one table row per SLO (objective, SLI, budget, burn, time to
exhaustion, alerts) that links each SLO to the detail dashboard and its runbook; the spec's ops rows follow,
collapsed. The detail dashboard shows whichever SLO its variables choose, its objective and burn thresholds read
from the series the rules record, so no dashboard grows a section per SLO.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import attr
from grafanalib import core

from .. import naming
from ..burnrate import PAGE, TICKET
from ..durations import format_number
from ..model import SLO, Service, TimeSlices
from ..model import Panel as SpecPanel
from ..naming import dashboard_uid as dashboard_uid  # docs and serve link service dashboards by it
from ..write import header_text
from . import JSON
from . import grafana_compat as compat
from . import slo_queries as q

OVERVIEW_UID = "slogen_overview"  # "_" never appears in a service slug, so no service dashboard can take it
OVERVIEW_FILE = f"{OVERVIEW_UID}.json"
DETAIL_UID = "slogen_slo_detail"  # like the overview's, no service dashboard can take it
DETAIL_FILE = f"{DETAIL_UID}.json"
RUNBOOK_COLUMN = "Runbook"
TAG = "slogen"
FOLDER = "SLOs"
PROVISIONED_PATH = "/var/lib/grafana/dashboards/slogen"
GRID_WIDTH = 24
STAT_HEIGHT, CHART_HEIGHT, OPS_HEIGHT = 4, 8, 8
TABLE_HEIGHT = 20  # a table of more SLOs scrolls: the overview's layout stays the same for any fleet
OPS_PER_LINE = 4
BURN_UNIT = "suffix:×"
CURRENT_HOUR = 3600  # the window of the bad-slices panel: the Workbook's fastest page window
FIRING_MAPPINGS = [
    {"type": "value", "options": {"0": {"text": "OK", "color": "green", "index": 0}}},
    {"type": "range", "options": {"from": 1, "to": None, "result": {"text": "FIRING", "color": "red", "index": 1}}},
]


@dataclass
class _Grid:
    """Places panels left to right, line by line, so gridPos never overlaps."""

    panels: list[core.Panel] = field(default_factory=list)
    y: int = 0

    def row(self, title: str) -> None:
        self.panels.append(
            core.RowPanel(title=title, maxDataPoints=None, gridPos=core.GridPos(h=1, w=GRID_WIDTH, x=0, y=self.y))
        )
        self.y += 1

    def line(self, height: int, cells: list[tuple[int, core.Panel]]) -> None:
        x = 0
        for width, panel in cells:
            self.panels.append(attr.evolve(panel, gridPos=core.GridPos(h=height, w=width, x=x, y=self.y)))
            x += width
        assert x <= GRID_WIDTH, "a line is wider than the dashboard"
        self.y += height

    def flow(self, height: int, panels: list[core.Panel]) -> None:
        for start in range(0, len(panels), OPS_PER_LINE):
            chunk = panels[start : start + OPS_PER_LINE]
            self.line(height, [(GRID_WIDTH // len(chunk), p) for p in chunk])

    def collapsed_row(self, title: str, height: int, panels: list[core.Panel]) -> None:
        """A row closed when the dashboard opens: Grafana runs its panels' queries only once it is opened. Its
        panels are placed below it as if open; the next row follows it directly."""
        inside = _Grid(y=self.y + 1)
        inside.flow(height, panels)
        self.panels.append(
            core.RowPanel(
                title=title,
                maxDataPoints=None,
                collapsed=True,
                panels=inside.panels,
                gridPos=core.GridPos(h=1, w=GRID_WIDTH, x=0, y=self.y),
            )
        )
        self.y += 1


# --- panel builders ---------------------------------------------------------------------------------


def _targets(queries: list[tuple[str, str]], instant: bool = False) -> list[core.Target]:
    return [compat.target(expr, chr(ord("A") + i), legend, instant) for i, (expr, legend) in enumerate(queries)]


def _stat(
    title: str,
    description: str,
    queries: list[tuple[str, str]],
    unit: str,
    threshold_steps: list[compat.ThresholdStep],
    links: list[JSON] | None = None,
    **kwargs: Any,
) -> core.Panel:
    return compat.panel(
        core.Stat,
        title=title,
        description=description,
        targets=_targets(queries),
        unit=unit,
        threshold_steps=threshold_steps,
        links=links or [],
        graphMode="none",
        reduceCalc="lastNotNull",
        **kwargs,
    )


def _timeseries(
    title: str,
    description: str,
    queries: list[tuple[str, str]],
    unit: str,
    threshold_steps: list[compat.ThresholdStep] | None = None,
    links: list[JSON] | None = None,
    **kwargs: Any,
) -> core.Panel:
    style = "dashed" if threshold_steps else "off"
    return compat.panel(
        core.TimeSeries,
        title=title,
        description=description,
        targets=_targets(queries),
        unit=unit,
        threshold_steps=threshold_steps,
        thresholdsStyleMode=style,
        tooltipMode="multi",
        links=links or [],
        **kwargs,
    )


def _override(name: str, *properties: tuple[str, object]) -> JSON:
    return {
        "matcher": {"id": "byName", "options": name},
        "properties": [{"id": key, "value": value} for key, value in properties],
    }


def _colored(name: str, unit: str, threshold_steps: list[compat.ThresholdStep]) -> JSON:
    return _override(
        name,
        ("unit", unit),
        ("custom.cellOptions", {"type": "color-background"}),
        ("thresholds", {"mode": "absolute", "steps": threshold_steps}),
    )


def _table(
    title: str,
    description: str,
    columns: list[tuple[str, str]],
    keys: list[str],
    hidden: list[str],
    overrides: list[JSON],
    sort_by: str,
    rename: dict[str, str] | None = None,
    **kwargs: Any,
) -> core.Panel:
    """Instant queries merged into one row per key, one column per query, sorted by `sort_by`; `rename` renames
    label columns."""
    order = {key: i for i, key in enumerate(keys)}
    order.update({name: len(keys) + i for i, (name, _expr) in enumerate(columns)})
    order.update({label: len(order) + i for i, label in enumerate(rename or {})})
    transformations = [
        {"id": "merge", "options": {}},
        {
            "id": "organize",
            "options": {
                "excludeByName": {name: True for name in ["Time", *hidden]},
                "renameByName": {
                    **(rename or {}),
                    **{f"Value #{chr(ord('A') + i)}": name for i, (name, _expr) in enumerate(columns)},
                },
                "indexByName": order,
            },
        },
    ]
    return compat.panel(
        core.Table,
        title=title,
        description=description,
        targets=_targets([(expr, "") for _name, expr in columns], instant=True),
        transformations=transformations,
        overrides=overrides,
        sortBy=[core.TableSortByField(displayName=sort_by, desc=False)],
        **kwargs,
    )


# --- thresholds the model decides -------------------------------------------------------------------


def _budget_steps() -> list[compat.ThresholdStep]:
    # Red once the budget is spent (below 0); orange in its last quarter.
    return compat.steps(((None, "red"), (0, "orange"), (0.25, "green")))


# --- what stays per SLO on the service dashboard -----------------------------------------------------


def _timeslices(slo: SLO, timeslices: TimeSlices) -> tuple[core.Panel, core.Panel]:
    """The SLI over each slice against the threshold that makes it bad, and the bad slices of the last hour."""
    size, above = timeslices.slice_text, timeslices.error_ratio_above
    ratio = _timeseries(
        f"Error ratio per {size} slice vs {format_number(above * 100)} %",
        f"The SLI's error ratio over the last {size} at each point; a slice whose ratio ends above the dashed line "
        f"is bad ({timeslices.bad_words(slo.sli)}). A slice without traffic is good.",
        [(q.slice_error_ratio(slo, timeslices), q.group_legend(slo, "error ratio"))],
        "percentunit",
        compat.steps(((None, "green"), (float(above), "red"))),
        minimum=0,
    )
    budget = format_number(Decimal(format(float(slo.error_budget) * slo.period / timeslices.slice, ".4g")))
    bad = _timeseries(
        f"Bad {size} slices in the last hour",
        f"Slices judged bad within the last hour. The {slo.period_name} budget holds {budget} of them.",
        [(q.bad_slices(slo, timeslices, CURRENT_HOUR), q.group_legend(slo, "bad slices"))],
        "short",
        minimum=0,
    )
    return ratio, bad


def _timeslice_panels(slos: list[SLO]) -> list[core.Panel]:
    """A time-slice SLO's slices read raw series with its own threshold, which no variable of the detail dashboard
    can carry: they stay on the service dashboard, in a collapsed row."""
    found: list[core.Panel] = []
    for slo in slos:
        if slo.timeslices is not None:
            ratio, bad = _timeslices(slo, slo.timeslices)
            found.extend(attr.evolve(p, title=f"{slo.name}: {p.title}") for p in (ratio, bad))
    return found


# --- spec-declared ops rows -------------------------------------------------------------------------


def _ops_panel(spec: SpecPanel) -> core.Panel:
    queries = [(expr, legend or "") for expr, legend in spec.queries]
    threshold_steps = compat.steps((float(v), c) for v, c in spec.thresholds) if spec.thresholds else None
    title, description, unit = spec.title, spec.description or "", spec.unit or "short"
    if spec.type == "stat":
        return _stat(title, description, queries, unit, threshold_steps or compat.steps(()))
    if spec.type == "table":
        merge = [{"id": "merge", "options": {}}] if len(queries) > 1 else []
        return compat.panel(
            core.Table,
            title=title,
            description=description,
            unit=unit,
            targets=_targets(queries, instant=True),
            transformations=merge,
            threshold_steps=threshold_steps,
        )
    if spec.type == "bargauge":
        return compat.panel(
            core.BarGauge,
            title=title,
            description=description,
            unit=unit,
            targets=_targets(queries, instant=True),
            threshold_steps=threshold_steps,
            calc="lastNotNull",
            displayMode="gradient",
            min=None,
            max=None,
        )
    return _timeseries(title, description, queries, unit, threshold_steps)


# --- shared by the three dashboards -----------------------------------------------------------------


def _datasource_variable() -> core.Template:
    return core.Template(name=compat.DATASOURCE_VARIABLE, label="Data source", query="prometheus", type="datasource")


def _description(files: tuple[str, ...], text: str) -> str:
    header = header_text(files)
    return f"{header}. {text}".strip() if text else header


def detail_path(service: str, slo: str) -> str:
    """The detail dashboard's path with its service and slo chosen, for links from outside Grafana."""
    return f"/d/{DETAIL_UID}?var-{q.DETAIL_SERVICE}={service}&var-{q.DETAIL_SLO}={slo}"


def _detail_url(service: str, slo: str) -> str:
    """The detail dashboard with its service and slo chosen, the time range and data source kept."""
    return detail_path(service, slo) + "&${__url_time_range}&${" + compat.DATASOURCE_VARIABLE + ":queryparam}"


def lowest_page_burn(slos: Iterable[SLO]) -> float | None:
    """The lowest burn rate any of these SLOs pages at: where an SLO table's burn column turns red."""
    return min((float(w.factor(s.period)) for s in slos for w in s.burn_windows if w.severity == PAGE), default=None)


def _slo_table(title: str, lowest_page: float | None, scope: q.Scope, link_services: bool) -> core.Panel:
    """One row per SLO of `scope`, worst budget first, in one panel however many SLOs there are. Each SLO opens the
    detail dashboard with that SLO chosen and its runbook; `link_services` makes each service open its dashboard.
    The burn rate turns red at `lowest_page` (lowest_page_burn)."""
    columns = list(q.table_columns(scope))
    objective, sli, remaining, burn, exhaustion, alerts = (name for name, _expr in columns)
    burn_pairs: list[tuple[float | None, str]] = [(None, "green"), (1, "orange")]
    if lowest_page is not None and lowest_page > 1:
        burn_pairs.append((lowest_page, "red"))
    detail = _detail_url("${__data.fields.service}", "${__data.fields.slo}")
    overrides = [
        _override(objective, ("unit", "percentunit")),
        _override(sli, ("unit", "percentunit"), ("decimals", 3)),
        _colored(remaining, "percentunit", _budget_steps()),
        _colored(burn, BURN_UNIT, compat.steps(burn_pairs)),
        _override(exhaustion, ("unit", "s"), ("noValue", "not burning")),
        _colored(alerts, "none", compat.steps(((None, "green"), (1, "red")))),
        _override(
            "slo", ("links", [{"title": "Open ${__data.fields.slo} in the SLO detail dashboard", "url": detail}])
        ),
        _override(
            RUNBOOK_COLUMN,
            ("links", [{"title": "Open the runbook", "url": "${__value.raw}", "targetBlank": True}]),
        ),
    ]
    if link_services:
        uid = "${__data.fields." + naming.INFO_DASHBOARD + "}"
        url = f"/d/{uid}?${{__url_time_range}}&${{{compat.DATASOURCE_VARIABLE}:queryparam}}"
        overrides.append(
            _override("service", ("links", [{"title": "Open the ${__data.fields.service} SLO dashboard", "url": url}]))
        )
    return _table(
        title,
        "Every SLO, worst error budget first; click a column header to sort by it (budget left, burn rate). "
        "An SLO's name opens its detail dashboard.",
        columns,
        ["service", "slo"],
        [naming.INFO_DASHBOARD],
        overrides,
        remaining,
        rename={q.RUNBOOK: RUNBOOK_COLUMN},
    )


def _fleet_stats(scope: q.Scope) -> list[tuple[int, core.Panel]]:
    """How many SLOs of `scope` are out of budget and burning too fast, and the alerts firing."""

    def count(title: str, description: str, query: str, colour: str) -> core.Panel:
        steps = compat.steps(((None, "green"), (1, colour)))
        return _stat(title, description, [(query, "")], "none", steps, colorMode="background")

    return [
        (
            6,
            count(
                "SLOs out of budget",
                "SLOs whose error budget for the period is spent (any group).",
                q.slos_out_of_budget(scope),
                "red",
            ),
        ),
        (
            6,
            count(
                "SLOs burning too fast (1h)",
                "SLOs spending their budget faster than it lasts the period.",
                q.slos_burning(scope),
                "orange",
            ),
        ),
        (
            12,
            _stat(
                "Alerts firing",
                "Every alert firing now (SLO and symptom alerts of the services that have SLOs), by severity.",
                [(q.alerts_firing(scope, PAGE), PAGE), (q.alerts_firing(scope, TICKET), TICKET)],
                "none",
                compat.steps(((None, "green"), (1, "red"))),
                mappings=FIRING_MAPPINGS,
                colorMode="background",
                textMode="value_and_name",
            ),
        ),
    ]


def _dashboard(
    title: str,
    uid: str,
    description: str,
    tags: list[str],
    panels: list[core.Panel],
    links: list[core.DashboardLink],
    schema_version: int,
    variables: list[core.Template] | None = None,
) -> JSON:
    return compat.to_dict(
        core.Dashboard(
            title=title,
            uid=uid,
            description=description,
            tags=tags,
            panels=panels,
            links=links,
            schemaVersion=schema_version,
            templating=core.Templating([_datasource_variable(), *(variables or [])]),
            time=core.Time("now-24h", "now"),
            timezone="browser",
            refresh="1m",
            graphTooltip=core.GRAPH_TOOLTIP_MODE_SHARED_CROSSHAIR,
            editable=False,
        )
    )


def _link(title: str, uri: str, **kwargs: Any) -> core.DashboardLink:
    return core.DashboardLink(type="link", title=title, uri=uri, **kwargs)


def _slo_dashboards(**kwargs: Any) -> core.DashboardLink:
    """A dropdown of every dashboard slogen wrote (by its tag): one link, however many services."""
    return core.DashboardLink(type="dashboards", title="SLO dashboards", tags=[TAG], asDropdown=True, **kwargs)


def _runbook_link(title: str, url: str) -> core.DashboardLink:
    return _link(title, url, icon="doc", targetBlank=True, keepTime=False)


# --- the service overview ---------------------------------------------------------------------------


def _service_links(service: Service) -> list[core.DashboardLink]:
    links = [
        _link("SLO fleet overview", f"/d/{OVERVIEW_UID}", includeVars=True),
        _link(
            "SLO detail",
            f"/d/{DETAIL_UID}?var-{q.DETAIL_SERVICE}={service.name}&${{{compat.DATASOURCE_VARIABLE}:queryparam}}",
        ),
        _slo_dashboards(includeVars=True),
    ]
    runbooks = sorted(
        {s.alerting.runbook for s in service.slos if s.alerting.runbook}
        | {a.runbook for a in service.alerts if a.runbook}
    )
    links.extend(_runbook_link(f"Runbook: {url.rstrip('/').rsplit('/', 1)[-1]}", url) for url in runbooks)
    return links


def render_dashboard(service: Service, schema_version: int = compat.DEFAULT_SCHEMA_VERSION) -> JSON:
    """The service overview: its SLO table (one row each, linking the detail dashboard and the runbook), then the
    rows only some readers open, collapsed so that their queries run when opened: time slices and the spec's ops
    rows."""
    grid = _Grid()
    slos = list(service.slos)
    if slos:
        grid.row("Are we OK?")
        scope = q.service_scope(service.name)
        grid.line(STAT_HEIGHT, _fleet_stats(scope))
        table = _slo_table(f"{service.name} SLOs", lowest_page_burn(slos), scope, False)
        grid.line(min(max(CHART_HEIGHT, 4 + len(slos)), TABLE_HEIGHT), [(GRID_WIDTH, table)])
    slices = _timeslice_panels(slos)
    if slices:
        grid.collapsed_row("Time slices", CHART_HEIGHT, slices)
    for row in service.dashboard_rows:
        grid.collapsed_row(row.title, OPS_HEIGHT, [_ops_panel(p) for p in row.panels])
    return _dashboard(
        f"SLOs: {service.name}",
        dashboard_uid(service.name),
        _description(service.spec_files, service.description),
        [TAG, service.name],
        grid.panels,
        _service_links(service),
        schema_version,
    )


# --- the SLO detail dashboard -----------------------------------------------------------------------


def _query_variable(name: str, label: str, query: str, **kwargs: Any) -> core.Template:
    # Refreshed on time range change too: an SLO added since the page opened appears without a reload.
    return core.Template(
        name=name,
        label=label,
        query=query,
        dataSource=compat.DATASOURCE,
        refresh=core.REFRESH_ON_TIME_RANGE_CHANGE,
        **kwargs,
    )


def _detail_variables() -> list[core.Template]:
    """service and slo from the info series; the group as a whole matcher; the chosen SLO's runbook, service dashboard
    uid, histogram and threshold (info labels) hidden, for links and the latency panel."""
    info = q.detail_slo(naming.INFO)
    hidden = {"hide": core.HIDE_VARIABLE}
    return [
        _query_variable(q.DETAIL_SERVICE, "Service", f"label_values({q.detail_info_query()}, service)"),
        _query_variable(q.DETAIL_SLO, "SLO", f"label_values({q.detail_slo_query()}, slo)"),
        _query_variable(
            q.DETAIL_GROUP,
            "Group",
            q.detail_group_query(),
            regex="/\\{(.+)\\}/",
            includeAll=True,
            allValue=q.DETAIL_ALL_GROUPS,
        ),
        _query_variable(q.DETAIL_RUNBOOK, "Runbook", f"label_values({info}, {q.DETAIL_RUNBOOK})", **hidden),
        _query_variable(
            q.DETAIL_DASHBOARD, "Service dashboard", f"label_values({info}, {q.DETAIL_DASHBOARD})", **hidden
        ),
        _query_variable(q.DETAIL_HISTOGRAM, "Histogram", f"label_values({info}, {q.DETAIL_HISTOGRAM})", **hidden),
        _query_variable(q.DETAIL_THRESHOLD, "Threshold", f"label_values({info}, {q.DETAIL_THRESHOLD})", **hidden),
    ]


def _detail_burn_steps() -> list[compat.ThresholdStep]:
    # Orange once the budget would not last the period. The alert thresholds differ per SLO and a stat's colours
    # cannot follow a query, so the burn chart draws them as lines instead.
    return compat.steps(((None, "green"), (1, "orange")))


def _detail_headline() -> list[tuple[int, core.Panel]]:
    value = q.detail_headline()
    text = compat.steps(((None, "text"),))
    return [
        (3, _stat("Objective", "From the SLO's recorded objective.", [(value["objective"], "")], "percentunit", text)),
        (
            4,
            _stat(
                "SLI over the period",
                "Good events over the SLO's period (the worst of the chosen groups).",
                [(value["sli"], "")],
                "percentunit",
                text,
                decimals=3,
            ),
        ),
        (
            4,
            _stat(
                "Error budget remaining",
                "Share of the period's error budget still unspent; red below 0 (SLO breached).",
                [(value["remaining"], "")],
                "percentunit",
                _budget_steps(),
                decimals=1,
                colorMode="background",
            ),
        ),
        (
            3,
            _stat(
                f"Burn rate ({q.DETAIL_BURN_WINDOW})",
                f"Error ratio over {q.DETAIL_BURN_WINDOW} ÷ error budget (the period's burn rate where the period is "
                "1h or less): 1× spends the budget exactly in the period.",
                [(value["burn"], "")],
                BURN_UNIT,
                _detail_burn_steps(),
                decimals=2,
            ),
        ),
        (
            4,
            _stat(
                "Budget exhausted in",
                "Remaining budget ÷ the current burn rate: when the budget runs out if the burn continues.",
                [(value["exhaustion"], "")],
                "s",
                text,
                noValue="not burning",
                decimals=1,
            ),
        ),
        (
            6,
            _stat(
                "Alerts",
                "Alerts of this SLO (and group) firing now, by severity.",
                [(q.detail_firing(PAGE), PAGE), (q.detail_firing(TICKET), TICKET)],
                "none",
                compat.steps(((None, "green"), (1, "red"))),
                mappings=FIRING_MAPPINGS,
                colorMode="background",
                textMode="value_and_name",
            ),
        ),
    ]


def _dashed(ref: str) -> JSON:
    """Draw query `ref` as dashed threshold lines."""
    return {
        "matcher": {"id": "byFrameRefID", "options": ref},
        "properties": [{"id": "custom.lineStyle", "value": {"dash": [10, 10], "fill": "dash"}}],
    }


def _severity_colour(severity: str, colour: str) -> JSON:
    return {
        "matcher": {"id": "byRegexp", "options": f"^{severity} .*"},
        "properties": [{"id": "color", "value": {"fixedColor": colour, "mode": "fixed"}}],
    }


def _detail_charts() -> list[tuple[int, core.Panel]]:
    sli = _timeseries(
        "SLI vs objective",
        "SLI over 1h and over the period (the worst chosen group), against the recorded objective (dashed).",
        [
            (q.detail_window_sli(3600), "SLI 1h"),
            (q.detail_period_sli(), "SLI over the period"),
            (q.detail_headline()["objective"], "objective"),
        ],
        "percentunit",
        overrides=[_dashed("C")],
    )
    burndown = _timeseries(
        "Error budget remaining",
        "Budget left over the SLO's period (the worst chosen group); below 0 the SLO is breached. Widen the time "
        "range to the period to see where the budget was whole.",
        [(q.detail_headline()["remaining"], "budget remaining")],
        "percentunit",
        compat.steps(((None, "red"), (0, "green"))),
    )
    burn = _timeseries(
        "Burn rate per window vs alert thresholds",
        "Each recorded window's burn rate; dashed: each burn-rate alert's threshold, page red and ticket orange. "
        "An alert fires when its long and short window are both above its line.",
        [
            (q.detail_window_burns(), "{{window}}"),
            (q.detail_burn_thresholds(), "{{severity}} {{long_window}}/{{short_window}}"),
        ],
        BURN_UNIT,
        minimum=0,
        overrides=[_dashed("B"), _severity_colour(PAGE, "red"), _severity_colour(TICKET, "orange")],
    )
    return [(8, sli), (8, burndown), (8, burn)]


def _detail_events() -> list[tuple[int, core.Panel]]:
    errors, total = q.detail_events()
    traffic = _timeseries(
        "Events and errors",
        "Events and bad events per second over the SLO's base window (probe runs, or evaluations of a time-slice "
        "or freshness SLI).",
        [(total, "events/s"), (errors, "errors/s")],
        "short",
    )
    timeline = compat.panel(
        core.StateTimeline,
        title="Alert timeline",
        description="Since when each alert of this SLO has been firing.",
        targets=_targets([(q.detail_alert_states(), "{{alertname}} {{severity}}")]),
        mappings=[{"type": "value", "options": {"1": {"text": "firing", "color": "red"}}}],
        no_value="no alert fired in this range",
    )
    breakdown = q.detail_breakdown()
    sli, remaining, burn = (name for name, _expr in breakdown)
    groups = _table(
        "By group",
        "Every group of the SLO (one row when it has no group_by), worst budget first.",
        list(breakdown),
        [],
        [],
        [
            _override(sli, ("unit", "percentunit"), ("decimals", 3)),
            _colored(remaining, "percentunit", _budget_steps()),
            _colored(burn, BURN_UNIT, _detail_burn_steps()),
        ],
        remaining,
    )
    return [(8, traffic), (8, timeline), (8, groups)]


def _detail_sli_kinds() -> list[core.Panel]:
    """The panels of one SLI kind each; the row is collapsed, as each reads nothing for the other kinds."""
    age, successes = q.detail_freshness()
    freshness = _timeseries(
        "Freshness: age and successes",
        "Freshness SLIs: seconds since the last success (a last_success gauge), or successes within `every` "
        "(a counter; 0 is stale).",
        [(age, "seconds since last success"), (successes, "successes within every")],
        "short",
        minimum=0,
    )
    threshold = f"${q.DETAIL_THRESHOLD}"
    latency = _timeseries(
        f"Percentiles vs the {threshold} threshold",
        "Latency and value SLIs: percentiles of the SLI's histogram, every group together, and the SLO's own "
        "(its objective's); the dashed line is the threshold.",
        [
            *(
                (q.detail_latency_quantile(quantile), f"p{format_number(Decimal(quantile) * 100)}")
                for quantile in q.DETAIL_QUANTILES
            ),
            (q.detail_objective_quantile(), "the SLO's percentile"),
            (f"{q.ql.aggregate('max', q.detail_slo(naming.OBJECTIVE))} * 0 + {threshold}", "threshold"),
        ],
        "none",
        overrides=[_dashed("E")],
    )
    return [latency, freshness]


def _detail_links() -> list[core.DashboardLink]:
    service = "${" + q.DETAIL_SERVICE + "}"
    return [
        _link("SLO fleet overview", f"/d/{OVERVIEW_UID}", includeVars=False, keepTime=True),
        # The uid comes from the info series: a long service name's uid is cut and hashed (dashboard_uid).
        _link(f"Service dashboard: {service}", "/d/${" + q.DETAIL_DASHBOARD + "}", keepTime=True),
        _slo_dashboards(),
        _runbook_link("Runbook", "${" + q.DETAIL_RUNBOOK + "}"),
    ]


def render_detail(fleet: "FleetCounts", schema_version: int = compat.DEFAULT_SCHEMA_VERSION) -> JSON:
    """One dashboard for every SLO: pick the service, the SLO and a group; objective and thresholds come from the
    series the rules record for that SLO, so this file is the same size for one SLO or ten thousand."""
    grid = _Grid()
    grid.line(STAT_HEIGHT, _detail_headline())
    grid.line(CHART_HEIGHT, _detail_charts())
    grid.line(CHART_HEIGHT, _detail_events())
    grid.collapsed_row("Latency, value and freshness SLIs", CHART_HEIGHT, _detail_sli_kinds())
    return _dashboard(
        "SLOs: SLO detail",
        DETAIL_UID,
        _description((), f"One SLO at a time of {fleet.counted}: choose the service, the SLO and a group."),
        [TAG],
        grid.panels,
        _detail_links(),
        schema_version,
        _detail_variables(),
    )


# --- the fleet overview -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FleetCounts:
    """What the fleet-wide dashboards say of the fleet, which they do not list: how many services and SLOs, and
    where the overview's burn column turns red (lowest_page_burn of every SLO)."""

    services: int
    slos: int
    lowest_page: float | None

    @property
    def counted(self) -> str:
        """What a fleet-wide dashboard's description says instead of naming every spec file: "3 services, 12 SLOs"."""
        return f"{self.services} service{'s' * (self.services != 1)}, {self.slos} SLO{'s' * (self.slos != 1)}"


def render_overview(fleet: FleetCounts, schema_version: int = compat.DEFAULT_SCHEMA_VERSION) -> JSON:
    """Every SLO of every service in one table, and fleet-wide counts: every query reads the series the rules record
    per SLO, so this file is the same size for one SLO or ten thousand (its description counts them)."""
    grid = _Grid()
    grid.line(STAT_HEIGHT, _fleet_stats(q.FLEET))
    if fleet.slos:
        grid.line(TABLE_HEIGHT, [(GRID_WIDTH, _slo_table("Every SLO", fleet.lowest_page, q.FLEET, True))])
    links = [
        _link("SLO detail", f"/d/{DETAIL_UID}", includeVars=True),
        _slo_dashboards(includeVars=True),
    ]
    return _dashboard(
        "SLOs: fleet overview",
        OVERVIEW_UID,
        _description((), f"Every SLO of every service ({fleet.counted}), worst error budget first."),
        [TAG],
        grid.panels,
        links,
        schema_version,
    )


def render_provisioning() -> JSON:
    """Grafana's file provider: mount output/grafana/dashboards at PROVISIONED_PATH."""
    return {
        "apiVersion": 1,
        "providers": [
            {
                "name": "slogen",
                "orgId": 1,
                "folder": FOLDER,
                "folderUid": TAG,
                "type": "file",
                "disableDeletion": True,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 60,
                "options": {"path": PROVISIONED_PATH, "foldersFromFilesStructure": False},
            }
        ],
    }
