"""The PromQL dashboards read, derived from the model and the recorded series of render/rules.py.

Headline values of a `group_by` SLO show the worst group (lowest budget, fastest burn); the breakdown
panels show every group. Dashboards never read raw series except for latency percentiles.
"""

from .. import naming
from ..durations import format_duration, format_number
from ..model import SLO, LatencySLI, ProbeSLI
from .rules import slo_selector


def _worst(slo: SLO, aggregation: str, expr: str) -> str:
    return f"{aggregation}({expr})" if slo.group_by else expr


def group_legend(slo: SLO, text: str) -> str:
    """`{{region}} text` for grouped SLOs, so every group's line is named."""
    prefix = " ".join(f"{{{{{label}}}}}" for label in slo.group_by)
    return f"{prefix} {text}".strip() if prefix else text


def burn_series(slo: SLO) -> str:
    """The burn-rate series shown as "current": the 1h window, or the period's when 1h is not recorded."""
    window = slo.current_window
    return naming.burn_rate(window) if window else naming.PERIOD_BURN


def current_window_text(slo: SLO) -> str:
    window = slo.current_window
    return format_duration(window) if window else slo.period_text


def objective(slo: SLO) -> str:
    return f"{naming.OBJECTIVE}{slo_selector(slo)}"


def period_sli(slo: SLO) -> str:
    return f"1 - {_worst(slo, 'max', naming.PERIOD_RATIO + slo_selector(slo))}"


def budget_remaining(slo: SLO) -> str:
    return _worst(slo, "min", naming.BUDGET_REMAINING + slo_selector(slo))


def current_burn(slo: SLO) -> str:
    return _worst(slo, "max", burn_series(slo) + slo_selector(slo))


def exhaustion(slo: SLO) -> str:
    """Seconds until the remaining budget is gone at the current burn rate: remaining × period / burn.
    No result while nothing burns (Grafana shows the panel's noValue)."""
    select = slo_selector(slo)
    expr = (f"clamp_min({naming.BUDGET_REMAINING}{select}, 0) * {slo.period} / "
            f"({burn_series(slo)}{select} > 0)")
    return _worst(slo, "min", expr)


def alerts_firing(slo: SLO, severity: str) -> str:
    names = "|".join(naming.slo_alert_names(slo))
    return (f'count(ALERTS{{alertname=~"{names}", alertstate="firing", service="{slo.service}", '
            f'slo="{slo.name}", severity="{severity}"}}) or vector(0)')


def alert_states(slo: SLO) -> str:
    names = "|".join(naming.slo_alert_names(slo))
    by = ", ".join(("alertname", "severity") + slo.group_by)
    return (f'max by ({by}) (ALERTS{{alertname=~"{names}", alertstate="firing", service="{slo.service}", '
            f'slo="{slo.name}"}})')


def window_sli(slo: SLO, window: int) -> str:
    return f"1 - {naming.error_ratio(window)}{slo_selector(slo)}"


def window_burn(slo: SLO, window: int) -> str:
    return f"{naming.burn_rate(window)}{slo_selector(slo)}"


def period_sli_series(slo: SLO) -> str:
    return f"1 - {naming.PERIOD_RATIO}{slo_selector(slo)}"


def remaining_series(slo: SLO) -> str:
    return f"{naming.BUDGET_REMAINING}{slo_selector(slo)}"


def events(slo: SLO) -> tuple[str, str]:
    """(bad events per second, all events per second) over the base window."""
    select = slo_selector(slo)
    return f"{naming.errors_rate(slo)}{select}", f"{naming.total_rate(slo)}{select}"


def event_unit(slo: SLO) -> str:
    return "short" if isinstance(slo.sli, ProbeSLI) else "reqps"


def latency_quantiles(slo: SLO) -> tuple[str, ...]:
    """p50, p90, p99 and the SLO's own percentile, as quantiles of the SLI's histogram."""
    assert isinstance(slo.sli, LatencySLI)
    wanted = sorted({"0.5", "0.9", "0.99", format_number(slo.objective)}, key=float)
    return tuple(wanted)


def latency_quantile(slo: SLO, quantile: str) -> str:
    assert isinstance(slo.sli, LatencySLI)
    by = ", ".join(("le",) + slo.group_by)
    buckets = slo.sli.histogram.selector.render("_bucket")
    return f"histogram_quantile({quantile}, sum by ({by}) (rate({buckets}[$__rate_interval])))"


def breakdown(slo: SLO) -> tuple[tuple[str, str], ...]:
    """(column, instant query) per group of a `group_by` SLO: SLI, budget remaining, current burn."""
    by, select = ", ".join(slo.group_by), slo_selector(slo)
    return (
        ("SLI", f"1 - max by ({by}) ({naming.PERIOD_RATIO}{select})"),
        ("Budget remaining", f"min by ({by}) ({naming.BUDGET_REMAINING}{select})"),
        (f"Burn rate ({current_window_text(slo)})", f"max by ({by}) ({burn_series(slo)}{select})"),
    )


# --- fleet overview ---------------------------------------------------------------------------------
# Each column is one instant query over every SLO: one `or` branch per (service, shape) with the SLO names
# as a regex, aggregated to (service, slo) so the columns merge into one row per SLO. label_replace adds
# the service dashboard's uid as a label, which the table's data link reads.

def _fleet_objective(slo: SLO, matchers: str) -> str:
    return f"max by (service, slo) ({naming.OBJECTIVE}{{{matchers}}})"


def _fleet_sli(slo: SLO, matchers: str) -> str:
    return f"1 - max by (service, slo) ({naming.PERIOD_RATIO}{{{matchers}}})"


def _fleet_remaining(slo: SLO, matchers: str) -> str:
    return f"min by (service, slo) ({naming.BUDGET_REMAINING}{{{matchers}}})"


def _fleet_burn(slo: SLO, matchers: str) -> str:
    return f"max by (service, slo) ({burn_series(slo)}{{{matchers}}})"


def _fleet_exhaustion(slo: SLO, matchers: str) -> str:
    return (f"min by (service, slo) (clamp_min({naming.BUDGET_REMAINING}{{{matchers}}}, 0) * {slo.period} / "
            f"({burn_series(slo)}{{{matchers}}} > 0))")


def _fleet_alerts(slo: SLO, matchers: str) -> str:
    return (f'count by (service, slo) (ALERTS{{alertstate="firing", {matchers}}}) '
            f"or 0 * max by (service, slo) ({naming.OBJECTIVE}{{{matchers}}})")


FLEET_COLUMNS = (
    ("Objective", _fleet_objective),
    ("SLI (period)", _fleet_sli),
    ("Budget remaining", _fleet_remaining),
    ("Burn rate (1h)", _fleet_burn),
    ("Budget exhausted in", _fleet_exhaustion),
    ("Alerts firing", _fleet_alerts),
)


def fleet_query(column, slos: list[SLO], uids: dict[str, str]) -> str:
    """One column of the fleet table over `slos`, each row labelled with its service dashboard's uid."""
    groups: dict[tuple[str, str], list[SLO]] = {}
    for slo in slos:
        groups.setdefault((slo.service, column(slo, "")), []).append(slo)
    branches = []
    for (service, _shape), members in groups.items():
        names = "|".join(slo.name for slo in members)
        expr = column(members[0], f'service="{service}", slo=~"{names}"')
        branches.append(f'label_replace({expr}, "dashboard", "{uids[service]}", "", "")')
    return "\nor\n".join(branches)


def fleet_count(slos: list[SLO], series, condition: str) -> str:
    """How many SLOs (any group) have `series(slo)` meeting `condition`, e.g. budget remaining `< 0`."""
    groups: dict[tuple[str, str], list[str]] = {}
    for slo in slos:
        groups.setdefault((slo.service, series(slo)), []).append(slo.name)
    parts = [f'{name}{{service="{service}", slo=~"{"|".join(names)}"}} {condition}'
             for (service, name), names in groups.items()]
    return f"count(count by (service, slo) ({' or '.join(parts)})) or vector(0)"
