"""Names of everything slogen writes into Prometheus (level:metric:operations) and its alert names."""

from .durations import format_duration
from .model import SLO, ProbeSLI

PREFIX = "slogen"
PERIOD_RATIO = f"{PREFIX}:sli_error:ratio_period"
PERIOD_BURN = f"{PREFIX}:burn_rate:period"
BUDGET_REMAINING = f"{PREFIX}:error_budget_remaining:ratio"
OBJECTIVE = f"{PREFIX}:objective:ratio"
ERROR_BUDGET = f"{PREFIX}:error_budget:ratio"
PERIOD_SECONDS = f"{PREFIX}:period:seconds"
INFO = f"{PREFIX}:slo:info"


def errors_rate(slo: SLO) -> str:
    """Bad events per second over the base window, the only series read from raw data."""
    return f"{PREFIX}:sli_errors:rate{format_duration(slo.base_window)}"


def total_rate(slo: SLO) -> str:
    return f"{PREFIX}:sli_total:rate{format_duration(slo.base_window)}"


def error_ratio(window: int) -> str:
    return f"{PREFIX}:sli_error:ratio_rate{format_duration(window)}"


def burn_rate(window: int) -> str:
    return f"{PREFIX}:burn_rate:rate{format_duration(window)}"


def camel(slug: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in slug.split("-"))


def burn_alert(slo: SLO) -> str:
    return f"{camel(slo.name)}BudgetBurn"


def strike_alert(slo: SLO) -> str:
    return f"{camel(slo.name)}ProbeFailing"


def absent_alert(slo: SLO) -> str:
    return f"{camel(slo.name)}SLIAbsent"


def slo_alert_names(slo: SLO) -> tuple[str, ...]:
    names = [burn_alert(slo), absent_alert(slo)]
    if isinstance(slo.sli, ProbeSLI):
        names.append(strike_alert(slo))
    return tuple(names)
