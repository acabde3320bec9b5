"""Grafana dashboards built with grafanalib: one per service, a fleet overview, and the provisioning file.

Model → grafanalib objects → plain dict (through grafana_compat, which owns every grafanalib workaround).
A service dashboard answers, top to bottom: are we OK (the SLO table and alert counts), then per SLO how
fast are we burning and since when (headline stats, burn per alert window, alert timeline), and what to
read next (runbook links on every headline panel). The spec's own rows (ops panels) follow.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import attr
from grafanalib import core

from .. import naming
from ..burnrate import PAGE, TICKET
from ..durations import format_duration, format_number
from ..model import SLO, FreshnessSLI, LatencySLI, Project, Service, TimeSlices
from ..model import Panel as SpecPanel
from ..write import header_text
from . import JSON
from . import grafana_compat as compat
from . import slo_queries as q

UID_PREFIX = "slogen-"
UID_MAX = 40  # Grafana refuses longer uids
OVERVIEW_UID = "slogen_overview"  # "_" never appears in a service slug, so no service dashboard can take it
OVERVIEW_FILE = f"{OVERVIEW_UID}.json"
TAG = "slogen"
FOLDER = "SLOs"
PROVISIONED_PATH = "/var/lib/grafana/dashboards/slogen"
GRID_WIDTH = 24
STAT_HEIGHT, CHART_HEIGHT, OPS_HEIGHT = 4, 8, 8
OPS_PER_LINE = 4
BURN_UNIT = "suffix:×"
CURRENT_HOUR = 3600  # the window of the bad-slices panel: the Workbook's fastest page window
FIRING_MAPPINGS = [
    {"type": "value", "options": {"0": {"text": "OK", "color": "green", "index": 0}}},
    {"type": "range", "options": {"from": 1, "to": None, "result": {"text": "FIRING", "color": "red", "index": 1}}},
]


def dashboard_uid(service: str) -> str:
    """`slogen-<service>`; names too long for Grafana's 40 characters keep a prefix plus a hash."""
    uid = UID_PREFIX + service
    if len(uid) <= UID_MAX:
        return uid
    return f"{uid[: UID_MAX - 9]}-{hashlib.sha256(service.encode()).hexdigest()[:8]}"


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
    **kwargs: Any,
) -> core.Panel:
    """Instant queries merged into one row per key, one column per query, sorted by `sort_by`."""
    order = {key: i for i, key in enumerate(keys)}
    order.update({name: len(keys) + i for i, (name, _expr) in enumerate(columns)})
    transformations = [
        {"id": "merge", "options": {}},
        {
            "id": "organize",
            "options": {
                "excludeByName": {name: True for name in ["Time", *hidden]},
                "renameByName": {f"Value #{chr(ord('A') + i)}": name for i, (name, _expr) in enumerate(columns)},
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


def _places(percent: Decimal) -> int:
    exponent = percent.normalize().as_tuple().exponent
    assert isinstance(exponent, int), "objectives are finite numbers"
    return max(0, -exponent)


def _budget_steps() -> list[compat.ThresholdStep]:
    # Red once the budget is spent (below 0); orange in its last quarter.
    return compat.steps(((None, "red"), (0, "orange"), (0.25, "green")))


def _alert_factors(slo: SLO) -> list[tuple[float, str]]:
    """(burn factor, colour) of every alert window, page red and ticket orange, ascending."""
    found: dict[float, str] = {}
    for window in slo.burn_windows:
        factor = float(window.factor(slo.period))
        if found.get(factor) != "red":
            found[factor] = "red" if window.severity == PAGE else "orange"
    return sorted(found.items())


def _burn_steps(slo: SLO) -> list[compat.ThresholdStep]:
    """Green below 1× (the budget lasts the period), orange above, red from the first page threshold."""
    pages = [float(w.factor(slo.period)) for w in slo.burn_windows if w.severity == PAGE]
    red = min(pages) if pages else None
    pairs: list[tuple[float | None, str]] = [(None, "green")]
    if red is None or red > 1:
        pairs.append((1, "orange"))
    if red is not None:
        pairs.append((red, "red"))
    return compat.steps(pairs)


def _exhaustion_steps(slo: SLO) -> list[compat.ThresholdStep]:
    # Red when the budget would be gone within a tenth of the period, orange within the period.
    return compat.steps(((None, "red"), (slo.period / 10, "orange"), (slo.period, "green")))


def _runbook_links(slo: SLO) -> list[JSON]:
    if not slo.alerting.runbook:
        return []
    return [{"title": f"Runbook: {slo.name}", "url": slo.alerting.runbook, "targetBlank": True}]


# --- one SLO ----------------------------------------------------------------------------------------


def _slo_title(slo: SLO) -> str:
    per = f", per {', '.join(slo.group_by)}" if slo.group_by else ""
    over = f"per {slo.period_name}" if slo.calendar else f"over {slo.period_text}"
    return f"{slo.name}: {format_number(slo.objective_percent)} % {over}{per}"


def _whose_budget(slo: SLO) -> str:
    """`the 30d`, or `this month's` (calendar: the budget since the month's start)."""
    return f"{slo.period_label}'s" if slo.calendar else f"the {slo.period_text}"


def _nominal(slo: SLO) -> str:
    """A calendar period's burn rates are relative to its nominal length (docs/rules.md, "Calendar periods")."""
    return f" (a {slo.calendar.unit}'s nominal length)" if slo.calendar else ""


def _headline(slo: SLO) -> list[tuple[int, core.Panel]]:
    links, places = _runbook_links(slo), _places(slo.objective_percent)
    worst = f" (worst {', '.join(slo.group_by)})" if slo.group_by else ""
    now = q.current_window_text(slo)
    return [
        (
            3,
            _stat(
                "Objective",
                slo.description or f"{slo.sli.kind} SLI",
                [(q.objective(slo), "")],
                "percentunit",
                compat.steps(((None, "text"),)),
                links,
                decimals=places,
                colorMode="none",
            ),
        ),
        (
            4,
            _stat(
                f"SLI ({slo.period_label}){worst}",
                f"Good events over the {slo.period_span}; red below the objective.",
                [(q.period_sli(slo), "")],
                "percentunit",
                compat.steps(((None, "red"), (float(slo.objective), "green"))),
                links,
                decimals=places + 1,
            ),
        ),
        (
            4,
            _stat(
                f"Error budget remaining{worst}",
                f"Share of {_whose_budget(slo)} error budget still unspent; red below 0 (SLO breached).",
                [(q.budget_remaining(slo), "")],
                "percentunit",
                _budget_steps(),
                links,
                decimals=1,
                colorMode="background",
            ),
        ),
        (
            3,
            _stat(
                f"Burn rate ({now})",
                f"Error ratio over {now} ÷ error budget: 1× spends the budget exactly in "
                f"{slo.period_text}{_nominal(slo)}; red from the first page threshold.",
                [(q.current_burn(slo), "")],
                BURN_UNIT,
                _burn_steps(slo),
                links,
                decimals=2,
            ),
        ),
        (
            4,
            _stat(
                "Budget exhausted in",
                f"Remaining budget ÷ the {now} burn rate: when the budget runs out if the current burn continues.",
                [(q.exhaustion(slo), "")],
                "s",
                _exhaustion_steps(slo),
                links,
                noValue="not burning",
                decimals=1,
            ),
        ),
        (
            6,
            _stat(
                "Alerts",
                "Burn-rate, probe and absence alerts of this SLO that are firing now, by severity.",
                [(q.alerts_firing(slo, PAGE), PAGE), (q.alerts_firing(slo, TICKET), TICKET)],
                "none",
                compat.steps(((None, "green"), (1, "red"))),
                links,
                mappings=FIRING_MAPPINGS,
                colorMode="background",
                textMode="value_and_name",
            ),
        ),
    ]


def _charts(slo: SLO) -> list[tuple[int, core.Panel]]:
    links, base = _runbook_links(slo), slo.ratio_windows[0]
    sli = _timeseries(
        "SLI vs objective",
        "SLI over the shortest recorded window and over the period, against the objective.",
        [
            (q.window_sli(slo, base), q.group_legend(slo, f"SLI {format_duration(base)}")),
            (q.period_sli_series(slo), q.group_legend(slo, f"SLI {slo.period_label}")),
            (q.objective(slo), "objective"),
        ],
        "percentunit",
        links=links,
    )
    burndown = _timeseries(
        f"Error budget burn-down ({slo.period_label})",
        "Budget left over the whole period; below 0 the SLO is breached.",
        [(q.remaining_series(slo), q.group_legend(slo, "budget remaining"))],
        "percentunit",
        compat.steps(((None, "red"), (0, "green"))),
        links,
        # A calendar period's longest length, so the chart shows where the budget became whole again.
        timeFrom=format_duration(slo.calendar.longest) if slo.calendar else slo.period_text,
    )
    windows = sorted({w for pair in slo.burn_windows for w in (pair.long, pair.short)}) or [slo.current_window or base]
    factors = _alert_factors(slo)
    burn = _timeseries(
        "Burn rate per alert window",
        "Dashed lines: the page (red) and ticket (orange) burn "
        "thresholds; an alert fires when its long and short window are both above its line.",
        [(q.window_burn(slo, w), q.group_legend(slo, format_duration(w))) for w in windows],
        BURN_UNIT,
        compat.steps([(None, "transparent"), *factors]),
        links,
        minimum=0,
        soft_max=factors[-1][0] if factors else None,
    )
    return [(8, sli), (8, burndown), (8, burn)]


def _details(slo: SLO) -> list[tuple[int, core.Panel]]:
    errors, total = q.events(slo)
    traffic = _timeseries(
        "Events and errors",
        f"Events and bad events per second over the base window ({format_duration(slo.base_window)}).",
        [(total, q.group_legend(slo, "events/s")), (errors, q.group_legend(slo, "errors/s"))],
        q.event_unit(slo),
    )
    timeline = compat.panel(
        core.StateTimeline,
        title="Alert timeline",
        description="Since when each alert of this SLO has been firing.",
        targets=_targets([(q.alert_states(slo), q.group_legend(slo, "{{alertname}} {{severity}}"))]),
        mappings=[{"type": "value", "options": {"1": {"text": "firing", "color": "red"}}}],
        no_value="no alert fired in this range",
    )
    if isinstance(slo.sli, FreshnessSLI):
        return [(8, traffic), (8, _freshness(slo, slo.sli)), (8, timeline)]
    if slo.timeslices is not None:
        # Its events are evaluations, so "Events and errors" would chart 1s and 0s: show the slices instead.
        ratio, bad = _timeslices(slo, slo.timeslices)
        if isinstance(slo.sli, LatencySLI):
            return [(6, ratio), (6, bad), (6, _latency(slo, slo.sli)), (6, timeline)]
        return [(8, ratio), (8, bad), (8, timeline)]
    if not isinstance(slo.sli, LatencySLI):
        return [(12, traffic), (12, timeline)]
    return [(8, traffic), (8, _latency(slo, slo.sli)), (8, timeline)]


def _latency(slo: SLO, sli: LatencySLI) -> core.Panel:
    return _timeseries(
        f"Latency percentiles vs {format_number(sli.threshold)} s threshold"
        if sli.kind == "latency"
        else f"Percentiles vs {sli.threshold_text} threshold",
        "Percentiles of the SLI's histogram; the dashed line is the SLO threshold.",
        [
            (q.latency_quantile(slo, quantile), q.group_legend(slo, f"p{format_number(Decimal(quantile) * 100)}"))
            for quantile in q.latency_quantiles(slo)
        ],
        "s" if sli.kind == "latency" else "none",
        compat.steps(((None, "green"), (float(sli.threshold), "red"))),
    )


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


def _freshness(slo: SLO, sli: FreshnessSLI) -> core.Panel:
    """The age against `every` (a counter: its successes within `every`, stale at 0), where the overdue alert fires."""
    query, unit = q.freshness(slo)
    every = format_duration(sli.every)
    if sli.last_success is not None:
        return _timeseries(
            f"Time since last success vs every {every}",
            f"Seconds since the last success; above the dashed line ({every}) the SLO is stale and "
            f"{naming.overdue_alert(slo.name)} fires.",
            [(query, q.group_legend(slo, "age"))],
            unit,
            compat.steps(((None, "green"), (float(sli.every), "red"))),
            minimum=0,
        )
    return _timeseries(
        f"Successes within {every}",
        f"Successes counted within the last {every}; at 0 (once the counter is {every} old) the SLO is stale and "
        f"{naming.overdue_alert(slo.name)} fires.",
        [(query, q.group_legend(slo, f"successes in {every}"))],
        unit,
        compat.steps(((None, "red"), (1, "green"))),
        minimum=0,
    )


def _breakdown(slo: SLO) -> core.Panel:
    columns = list(q.breakdown(slo))
    sli, remaining, burn = (name for name, _expr in columns)
    places = _places(slo.objective_percent)
    overrides = [
        _override(sli, ("unit", "percentunit"), ("decimals", places + 1)),
        _colored(remaining, "percentunit", _budget_steps()),
        _colored(burn, BURN_UNIT, _burn_steps(slo)),
    ]
    return _table(
        f"By {', '.join(slo.group_by)}",
        "Every group of this SLO, worst budget first.",
        columns,
        list(slo.group_by),
        [],
        overrides,
        remaining,
    )


def _slo_section(grid: _Grid, slo: SLO) -> None:
    grid.row(_slo_title(slo))
    grid.line(STAT_HEIGHT, _headline(slo))
    grid.line(CHART_HEIGHT, _charts(slo))
    grid.line(CHART_HEIGHT, _details(slo))
    if slo.group_by:
        grid.line(CHART_HEIGHT, [(GRID_WIDTH, _breakdown(slo))])


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


# --- dashboards -------------------------------------------------------------------------------------


def _datasource_variable() -> core.Template:
    return core.Template(name=compat.DATASOURCE_VARIABLE, label="Data source", query="prometheus", type="datasource")


def _description(files: tuple[str, ...], text: str) -> str:
    header = header_text(files)
    return f"{header}. {text}".strip() if text else header


def _slo_table(title: str, slos: list[SLO], link: bool) -> core.Panel:
    """The fleet table: one row per SLO, worst budget first; `link` makes each SLO open its service dashboard."""
    uids = {slo.service: dashboard_uid(slo.service) for slo in slos}
    columns = [(name, q.fleet_query(column, slos, uids)) for name, column in q.FLEET_COLUMNS]
    objective, sli, remaining, burn, exhaustion, alerts = (name for name, _column in q.FLEET_COLUMNS)
    pages = [float(w.factor(s.period)) for s in slos for w in s.burn_windows if w.severity == PAGE]
    burn_pairs: list[tuple[float | None, str]] = [(None, "green"), (1, "orange")]
    if pages and min(pages) > 1:
        burn_pairs.append((min(pages), "red"))
    overrides = [
        _override(objective, ("unit", "percentunit")),
        _override(sli, ("unit", "percentunit"), ("decimals", 3)),
        _colored(remaining, "percentunit", _budget_steps()),
        _colored(burn, BURN_UNIT, compat.steps(burn_pairs)),
        _override(exhaustion, ("unit", "s"), ("noValue", "not burning")),
        _colored(alerts, "none", compat.steps(((None, "green"), (1, "red")))),
    ]
    if link:
        url = "/d/${__data.fields.dashboard}?${__url_time_range}&${" + compat.DATASOURCE_VARIABLE + ":queryparam}"
        overrides.append(
            _override("slo", ("links", [{"title": "Open the ${__data.fields.service} SLO dashboard", "url": url}]))
        )
    return _table(
        title,
        "Every SLO, worst error budget first; click a column header to sort by it (budget left, burn rate).",
        columns,
        ["service", "slo"],
        ["dashboard"],
        overrides,
        remaining,
    )


def _dashboard(
    title: str,
    uid: str,
    description: str,
    tags: list[str],
    panels: list[core.Panel],
    links: list[core.DashboardLink],
    schema_version: int,
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
            templating=core.Templating([_datasource_variable()]),
            time=core.Time("now-24h", "now"),
            timezone="browser",
            refresh="1m",
            graphTooltip=core.GRAPH_TOOLTIP_MODE_SHARED_CROSSHAIR,
            editable=False,
        )
    )


def _service_links(service: Service) -> list[core.DashboardLink]:
    links = [
        core.DashboardLink(type="link", title="SLO fleet overview", uri=f"/d/{OVERVIEW_UID}", includeVars=True),
        core.DashboardLink(type="dashboards", title="SLO dashboards", tags=[TAG], asDropdown=True, includeVars=True),
    ]
    runbooks = sorted(
        {s.alerting.runbook for s in service.slos if s.alerting.runbook}
        | {a.runbook for a in service.alerts if a.runbook}
    )
    links.extend(
        core.DashboardLink(
            type="link",
            title=f"Runbook: {url.rstrip('/').rsplit('/', 1)[-1]}",
            uri=url,
            icon="doc",
            targetBlank=True,
            keepTime=False,
        )
        for url in runbooks
    )
    return links


def render_dashboard(service: Service, schema_version: int = compat.DEFAULT_SCHEMA_VERSION) -> JSON:
    grid = _Grid()
    if service.slos:
        grid.row("Are we OK?")
        slos = list(service.slos)
        grid.line(max(CHART_HEIGHT, 4 + len(slos)), [(GRID_WIDTH, _slo_table(f"{service.name} SLOs", slos, False))])
    for slo in service.slos:
        _slo_section(grid, slo)
    for row in service.dashboard_rows:
        grid.row(row.title)
        grid.flow(OPS_HEIGHT, [_ops_panel(p) for p in row.panels])
    return _dashboard(
        f"SLOs: {service.name}",
        dashboard_uid(service.name),
        _description(service.spec_files, service.description),
        [TAG, service.name],
        grid.panels,
        _service_links(service),
        schema_version,
    )


def render_overview(project: Project, schema_version: int = compat.DEFAULT_SCHEMA_VERSION) -> JSON:
    slos = list(project.slos())
    services = "|".join(s.name for s in project.services)
    grid = _Grid()

    def firing(severity: str) -> str:
        alerts = q.ql.matchers(("alertstate", "=", "firing"), ("service", "=~", services), ("severity", "=", severity))
        return q.ql.or_zero(q.ql.aggregate("count", "ALERTS" + alerts))

    grid.line(
        STAT_HEIGHT,
        [
            (
                6,
                _stat(
                    "SLOs out of budget",
                    "SLOs whose error budget for the period is spent (any group).",
                    [(q.fleet_count(slos, q.budget_remaining_of, "< 0"), "")],
                    "none",
                    compat.steps(((None, "green"), (1, "red"))),
                    colorMode="background",
                ),
            ),
            (
                6,
                _stat(
                    "SLOs burning too fast (1h)",
                    "SLOs spending their budget faster than it lasts the period.",
                    [(q.fleet_count(slos, q.burn, "> 1"), "")],
                    "none",
                    compat.steps(((None, "green"), (1, "orange"))),
                    colorMode="background",
                ),
            ),
            (
                12,
                _stat(
                    "Alerts firing",
                    "Every alert of these services that is firing now, by severity.",
                    [(firing(PAGE), PAGE), (firing(TICKET), TICKET)],
                    "none",
                    compat.steps(((None, "green"), (1, "red"))),
                    mappings=FIRING_MAPPINGS,
                    colorMode="background",
                    textMode="value_and_name",
                ),
            ),
        ],
    )
    if slos:
        grid.line(max(CHART_HEIGHT, 4 + len(slos)), [(GRID_WIDTH, _slo_table("Every SLO", slos, True))])
    links = [
        core.DashboardLink(type="link", title=f"SLOs: {s.name}", uri=f"/d/{dashboard_uid(s.name)}", includeVars=True)
        for s in project.services
    ]
    files = tuple(f for s in project.services for f in s.spec_files)
    return _dashboard(
        "SLOs: fleet overview",
        OVERVIEW_UID,
        _description(files, "Every SLO of every service."),
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
