"""Names of everything slogen writes into Prometheus (level:metric:operations), its alert names and the uids of
its Grafana dashboards."""

import hashlib

from .durations import format_duration

PREFIX = "slogen"
PERIOD_RATIO = f"{PREFIX}:sli_error:ratio_period"
PERIOD_BURN = f"{PREFIX}:burn_rate:period"
BUDGET_REMAINING = f"{PREFIX}:error_budget_remaining:ratio"
OBJECTIVE = f"{PREFIX}:objective:ratio"
ERROR_BUDGET = f"{PREFIX}:error_budget:ratio"
PERIOD_SECONDS = f"{PREFIX}:period:seconds"
INFO = f"{PREFIX}:slo:info"
# The label of INFO naming the uid of the SLO's service dashboard: dashboards that serve every SLO link it from there,
# as PromQL cannot hash a long name the way dashboard_uid does.
INFO_DASHBOARD = "dashboard_uid"
# The burn factor of each burn-rate alert (labels severity, long_window, short_window): what dashboards draw as
# thresholds without knowing the SLO.
BURN_THRESHOLD = f"{PREFIX}:burn_rate:threshold"


# The names below end in their window (5m, 1h, 3d); dashboards that serve every SLO match the prefixes.
ERRORS_RATE_PREFIX = f"{PREFIX}:sli_errors:rate"
TOTAL_RATE_PREFIX = f"{PREFIX}:sli_total:rate"
ERROR_RATIO_PREFIX = f"{PREFIX}:sli_error:ratio_rate"


def errors_rate(base_window: int) -> str:
    """Bad events per second over the base window, the only series read from raw data."""
    return f"{ERRORS_RATE_PREFIX}{format_duration(base_window)}"


def total_rate(base_window: int) -> str:
    return f"{TOTAL_RATE_PREFIX}{format_duration(base_window)}"


def error_ratio(window: int) -> str:
    return f"{ERROR_RATIO_PREFIX}{format_duration(window)}"


def window_events(window: int) -> str:
    """Events within `window`: what the min_events guard reads."""
    return f"{PREFIX}:sli_total:increase{format_duration(window)}"


def camel(slug: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in slug.split("-"))


def burn_alert(slo_name: str) -> str:
    return f"{camel(slo_name)}BudgetBurn"


def strike_alert(slo_name: str) -> str:
    return f"{camel(slo_name)}ProbeFailing"


def absent_alert(slo_name: str) -> str:
    return f"{camel(slo_name)}SLIAbsent"


UNCOMPUTABLE_SUFFIX = "SLIUncomputable"


def uncomputable_alert(slo_name: str) -> str:
    return f"{camel(slo_name)}{UNCOMPUTABLE_SUFFIX}"


# Seconds since a freshness SLI's last success (its last_success gauge), for dashboards and people.
FRESHNESS_AGE = f"{PREFIX}:freshness:age_seconds"
# A successes counter tells no age: the successes within `every` instead (0 is stale, once the counter is `every` old).
FRESHNESS_SUCCESSES = f"{PREFIX}:freshness:successes"


def overdue_alert(slo_name: str) -> str:
    """A freshness SLO's alert: rollback-drill → RollbackDrillOverdue."""
    return f"{camel(slo_name)}Overdue"


DASHBOARD_UID_PREFIX = "slogen-"
DASHBOARD_UID_MAX = 40  # Grafana refuses longer uids


def dashboard_uid(service: str) -> str:
    """A service dashboard's uid, `slogen-<service>`; names too long for Grafana's 40 characters keep a prefix plus
    a hash."""
    uid = DASHBOARD_UID_PREFIX + service
    if len(uid) <= DASHBOARD_UID_MAX:
        return uid
    return f"{uid[: DASHBOARD_UID_MAX - 9]}-{hashlib.sha256(service.encode()).hexdigest()[:8]}"
