"""promtool tests for calendar periods and budget exclusions: model → plain data.

promtool's clock starts at 1970-01-01T00:00Z, so a week boundary comes after 4 days and a month boundary after 31:
evaluated every minute that is minutes of promtool time, as every group of the rule file is evaluated at each tick
(a calendar period's rule among them, with its subqueries). So these tests run in files of their own at a
coarser tick, and their input changes only between ticks: every base rate a tick records is wholly healthy or wholly
failing, which makes the coarse evaluation exact.
"""

from dataclasses import dataclass
from decimal import Decimal

from .. import naming
from ..calendar_periods import parse_offset, window_covers
from ..durations import format_duration
from ..model import SLO, FreshnessSLI, LatencySLI, ProbeSLI, RatioSLI, Service
from ..routing import MaintenanceWindow
from ..synth import series_labels, series_text
from . import JSON
from .promtool_tests import TRAFFIC_PER_MINUTE, Phase, _group_labels, ql_series, traffic

# Ticks of the calendar tests: a week's boundary is 96 hourly evaluations away, a month's 124 six-hourly ones.
CALENDAR_TICK = {"week": 3600, "month": 6 * 3600}
# A budget exclusion's test looks for the first occurrence within this long after promtool's start.
EXCLUSION_HORIZON = 8 * 86400
EDGE = 600  # errors this long either side of each exclusion edge (a probe: one interval)


@dataclass(frozen=True)
class Spell:
    """Seconds [start, end) during which every event fails."""

    start: int
    end: int


def render_period_tests(service: Service, rule_file: str) -> list[tuple[SLO, str, JSON]]:
    """(SLO, file suffix, test document) for each calendar SLO whose boundary a test can reach, and for the first SLO
    of each set of budget exclusions (and base window) that occurs within EXCLUSION_HORIZON."""
    documents, excluded = [], set()
    for slo in service.slos:
        if isinstance(slo.sli, FreshnessSLI):
            continue  # its events are evaluation seconds, not input series: render_freshness_tests covers it
        calendar = calendar_tests(slo, service)
        if calendar:
            documents.append((slo, "calendar", _document(rule_file, calendar_tick(slo), calendar)))
        # Every SLO with the same exclusions and base window wraps its base rates in the same predicate: one
        # test of it each, since each runs days of promtool time over every rule of the file.
        kind = (tuple(w.name for w in slo.exclusions), slo.base_window)
        exclusion = exclusion_tests(slo, service) if kind not in excluded else []
        if exclusion:
            excluded.add(kind)
            documents.append((slo, "exclusion", _document(rule_file, slo.base_window, exclusion)))
    return documents


def _document(rule_file: str, tick: int, tests: list[JSON]) -> JSON:
    return {"rule_files": [rule_file], "evaluation_interval": format_duration(tick), "tests": tests}


def first_boundary(slo: SLO) -> int | None:
    """The first calendar boundary after promtool's start: Monday 1970-01-05 or 1970-02-01, in the SLO's zone;
    None for a quarter (90 days of evaluations)."""
    calendar = slo.calendar
    if calendar is None or calendar.unit not in CALENDAR_TICK or calendar.offset is None:
        return None
    local = 4 * 86400 if calendar.unit == "week" else 31 * 86400
    return local - calendar.offset


def calendar_tick(slo: SLO) -> int:
    """CALENDAR_TICK, or the largest divisor of it on which the boundary and the base window both fall (a +05:30
    zone moves the boundary off the hour)."""
    boundary = first_boundary(slo)
    assert slo.calendar is not None and boundary is not None
    tick = CALENDAR_TICK[slo.calendar.unit]
    while boundary % tick or tick % slo.base_window:
        tick -= slo.base_window
    return tick


def calendar_tests(slo: SLO, service: Service) -> list[JSON]:
    """Errors two ticks before the boundary lower budget remaining; after it, budget remaining is 1 again. An outage
    that straddles the boundary keeps the rolling windows (and so the burn alerts) burning across it.

    The budget is read two ticks after the boundary: promtool evaluates the groups in no fixed order, so at the first
    tick the period group may run before the tick's base rate is recorded, and the new period has no sample yet."""
    boundary = first_boundary(slo)
    if boundary is None:
        return []
    assert slo.calendar is not None
    tick, mine = calendar_tick(slo), slo.identity
    remaining = ql_series(naming.BUDGET_REMAINING, mine)
    unit = slo.calendar.unit
    before = Spell(boundary - 2 * tick - 3600, boundary - 2 * tick)
    tests = [
        {
            "name": f"{slo.service}/{slo.name}: errors before the {unit} boundary spend the budget; "
            "it is whole again right after the boundary",
            "interval": format_duration(_input_interval(slo)),
            "input_series": _input(slo, service, [before], boundary + 2 * tick),
            "promql_expr_test": [
                _count(f"{remaining} < 1", boundary - tick, 1),
                _count(f"{remaining} == 1", boundary + 2 * tick, 1),
            ],
        }
    ]
    # The shortest long window is wholly failing one tick after the boundary, so its pair fires.
    shortest = min((w.long for w in slo.burn_windows), default=slo.base_window)
    straddle = Spell(boundary - max(shortest, tick) - 1800, boundary + tick + 1800)
    ratio = ql_series(naming.error_ratio(shortest), mine)
    checks = [_count(f"{ratio} == 1", boundary + tick, 1), _count(f"{remaining} < 1", boundary + 2 * tick, 1)]
    if slo.burn_windows and not slo.alerting.min_events:
        # A sparse tick records too few base rates for the min_events guard's count; the ratio check covers it.
        burning = '{alertstate="firing", alertname="' + naming.burn_alert(slo.name) + '", ' + _labels(mine) + "}"
        checks.append(_count(f"ALERTS{burning}", boundary + tick, None))
    tests.append(
        {
            "name": f"{slo.service}/{slo.name}: an outage across the {unit} boundary keeps burning; the new "
            f"{unit}'s budget counts it from the boundary",
            "interval": format_duration(_input_interval(slo)),
            "input_series": _input(slo, service, [straddle], boundary + 2 * tick),
            "promql_expr_test": checks,
        }
    )
    return tests


def first_exclusion(slo: SLO) -> tuple[int, int] | None:
    """[start, end) of the first occurrence of one of the SLO's exclusions after promtool's first hour, when it
    starts within EXCLUSION_HORIZON and both its edges fall on the base window."""
    if not slo.exclusions:
        return None  # most SLOs: no need to walk the horizon minute by minute
    for start in range(3600, EXCLUSION_HORIZON, 60):
        covering = [w for w in slo.exclusions if _covers(w, start)]
        if covering:
            window = covering[0]
            end = start
            while _covers(window, end):
                end += 60
            aligned = start % slo.base_window == 0 and end % slo.base_window == 0
            return (start, end) if aligned and end - start >= 4 * slo.base_window else None
    return None


def _covers(window: MaintenanceWindow, seconds: int) -> bool:
    offset = parse_offset(window.location)
    assert offset is not None, "lint (promql-time-zone) refuses exclusion locations without a fixed offset"
    return window_covers(window, offset, seconds)


def exclusion_tests(slo: SLO, service: Service) -> list[JSON]:
    """Errors for EDGE either side of each edge of the first exclusion, and all through it: the base rates just
    outside count them, the ones inside record nothing, and no burn page fires inside (the errors before it may
    ticket: they are real)."""
    found = first_exclusion(slo)
    if found is None:
        return []
    start, end = found
    base, mine = slo.base_window, slo.identity
    errors = ql_series(naming.errors_rate(base), mine)
    total = ql_series(naming.total_rate(base), mine)
    edge = slo.sli.interval if isinstance(slo.sli, ProbeSLI) else EDGE
    spells = [Spell(start - edge, end + edge)]
    # Burn pages only: a probe's strike alerts read its runs directly, and should (routing decides who hears them).
    pages = (
        '{alertstate="firing", alertname="' + naming.burn_alert(slo.name) + '", severity="page", ' + _labels(mine) + "}"
    )
    return [
        {
            "name": f"{slo.service}/{slo.name}: errors inside the exclusion from {_clock(start)} to {_clock(end)} "
            "do not count; errors just outside do",
            "interval": format_duration(_input_interval(slo)),
            "input_series": _input(slo, service, spells, end + 2 * edge),
            "promql_expr_test": [
                _count(f"{errors} > 0", start, 1),
                {"expr": total, "eval_time": format_duration(start + base), "exp_samples": []},
                {"expr": errors, "eval_time": format_duration(end - base), "exp_samples": []},
                {"expr": total, "eval_time": format_duration(end), "exp_samples": []},
                _count(f"{errors} > 0", end + base, 1),
                {"expr": f"ALERTS{pages}", "eval_time": format_duration(end - base), "exp_samples": []},
            ],
        }
    ]


def _clock(seconds: int) -> str:
    return f"{format_duration(seconds)} (promtool time)"


def _labels(labels: dict[str, str]) -> str:
    return ", ".join(f'{k}="{v}"' for k, v in labels.items())


def _count(expr: str, at: int, value: int | None) -> JSON:
    """How many series `expr` returns at `at`; None: at least one (clamped to 1)."""
    counted = f"count({expr})" if value is not None else f"clamp_max(count({expr}), 1)"
    return {"expr": counted, "eval_time": format_duration(at), "exp_samples": [{"labels": "{}", "value": value or 1}]}


def _input_interval(slo: SLO) -> int:
    return slo.sli.interval if isinstance(slo.sli, ProbeSLI) else 60


def _input(slo: SLO, service: Service, spells: list[Spell], until: int) -> list[JSON]:
    """Input series, healthy but for `spells`, until `until`: counters a minute apart, or probe runs one interval
    apart (a run fails when it lands in a spell)."""
    sli = slo.sli
    if isinstance(sli, ProbeSLI):
        runs = ["0" if any(s.start <= t < s.end for s in spells) else "1" for t in range(0, until + 1, sli.interval)]
        selector = sli.success.selector
        labels = series_labels((selector,), fixed=_group_labels(slo))
        return [{"series": series_text(selector.metric, labels), "values": _run_lengths(runs)}]
    assert isinstance(sli, RatioSLI | LatencySLI)
    phases, cursor = [], 0
    for spell in spells:
        phases += [Phase((spell.start - cursor) // 60, Decimal(0)), Phase((spell.end - spell.start) // 60, Decimal(1))]
        cursor = spell.end
    phases.append(Phase((until - cursor) // 60 + 1, Decimal(0)))
    return traffic(slo, service, [p for p in phases if p.minutes > 0], TRAFFIC_PER_MINUTE)


def _run_lengths(values: list[str]) -> str:
    """promtool's compact form: `1x3` is four 1s."""
    parts, start = [], 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            parts.append(f"{values[start]}x{index - start - 1}")
            start = index
    return " ".join(parts)
