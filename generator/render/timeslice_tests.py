"""promtool tests for time-slice SLOs (budgeting.timeslices): model → plain data.

A slice is judged by rate() over its own samples, so these tests feed samples every INPUT_STEP, four to a minute,
and change the traffic only at slice boundaries (promtool's clock starts at 0, a boundary of every slice). Each
test is one document of its own, evaluated every minute like the SLI rule group.
"""

from decimal import Decimal

from .. import burnrate, naming
from ..burnrate import PAGE
from ..durations import format_duration, format_number
from ..model import SLO, Service, TimeSlices
from ..promql import PROMETHEUS
from . import JSON
from .promtool_tests import STEP, Phase, _alerts_selector, traffic

INPUT_STEP = 15  # seconds between input samples: a 1m slice holds four
EVENTS_PER_STEP = Decimal(250)  # 1000 events a minute
LEAD = 2  # healthy slices before anything happens, so every rate has its samples


def render_timeslice_tests(service: Service, rule_file: str) -> list[tuple[SLO, JSON]]:
    """One test document per time-slice SLO."""
    documents = []
    for slo in service.slos:
        if slo.timeslices is not None:
            tests = [*_threshold_tests(slo, service), _outage_cost_test(slo, service), *_page_tests(slo, service)]
            documents.append(
                (slo, {"rule_files": [rule_file], "evaluation_interval": format_duration(STEP), "tests": tests})
            )
    return documents


def _slices(slo: SLO) -> TimeSlices:
    assert slo.timeslices is not None
    return slo.timeslices


def _steps(slo: SLO, slices: int) -> int:
    return slices * _slices(slo).slice // INPUT_STEP


def _series(slo: SLO, name: str) -> str:
    return PROMETHEUS.series(name, slo.identity)


def _value(expr: str, at: int, value: float) -> JSON:
    """`sum(expr)` at `at` seconds: summed, so the check does not depend on the group's labels."""
    return {"expr": f"sum({expr})", "eval_time": format_duration(at), "exp_samples": [{"labels": "{}", "value": value}]}


def _input(
    slo: SLO, service: Service, ratios: list[Decimal], rate: Decimal = EVENTS_PER_STEP, lead: int = LEAD
) -> list[JSON]:
    """Input series with one error ratio per slice, `ratios` after `lead` healthy slices, then healthy for a day."""
    per_slice = [Decimal(0)] * lead + ratios
    phases = [Phase(_steps(slo, 1), ratio) for ratio in per_slice]
    phases.append(Phase(86400 // INPUT_STEP, Decimal(0)))
    return traffic(slo, service, phases, rate)


def _document(slo: SLO, name: str, series: list[JSON], checks: list[JSON]) -> JSON:
    return {
        "name": f"{slo.service}/{slo.name}: {name}",
        "interval": format_duration(INPUT_STEP),
        "input_series": series,
        "promql_expr_test": checks,
    }


def _verdict_at(slo: SLO, index: int) -> int:
    """Seconds at which slice `index` (counted from 0 at promtool's start) has been judged: its end."""
    return (index + 1) * _slices(slo).slice


def _threshold_tests(slo: SLO, service: Service) -> list[JSON]:
    """A slice just over the threshold is bad and one just under is good; a slice without traffic is good and
    counted (the judged series reads 1)."""
    above = _slices(slo).error_ratio_above
    margin = min(above, 1 - above) / 10 or Decimal("0.001")
    over, under = above + margin, max(above - margin, Decimal(0))
    bad, judged = _series(slo, naming.errors_rate(slo.base_window)), _series(slo, naming.total_rate(slo.base_window))
    slice_text = _slices(slo).slice_text
    return [
        _document(
            slo,
            f"a {slice_text} slice at {format_number(over * 100)} % errors is bad, one at "
            f"{format_number(under * 100)} % good",
            _input(slo, service, [over, under]),
            [
                _value(bad, _verdict_at(slo, LEAD), 1),
                _value(judged, _verdict_at(slo, LEAD), 1),
                _value(bad, _verdict_at(slo, LEAD + 1), 0),
            ],
        ),
        _document(
            slo,
            f"a {slice_text} slice without traffic is good, and counted",
            _input(slo, service, [Decimal(1)], rate=Decimal(0)),
            [_value(bad, _verdict_at(slo, LEAD), 0), _value(judged, _verdict_at(slo, LEAD), 1)],
        ),
    ]


def _outage_cost_test(slo: SLO, service: Service) -> JSON:
    """A total outage of N slices costs N slices: N × slice of bad time in every window that holds it."""
    timeslices = _slices(slo)
    count = 3
    bad = _series(slo, naming.errors_rate(slo.base_window))
    readings = timeslices.slice // STEP  # evaluations that read each verdict
    after = _verdict_at(slo, LEAD + count) + 2 * timeslices.slice
    return _document(
        slo,
        f"an outage of {format_duration(count * timeslices.slice)} costs {count} slices",
        _input(slo, service, [Decimal(1)] * count),
        [_value(f"sum_over_time({bad}[1d]) / {readings}", after, count)],
    )


def _page_tests(slo: SLO, service: Service) -> list[JSON]:
    """The fewest bad slices in a row that page by the Workbook's pairs (burnrate.slices_to_fire) page, by the
    last evaluation that reads one of them; one fewer never pages. The bad slices come after the longest page
    window of healthy ones, so every window is full, as in a running Prometheus. Nothing when no page pair can
    fire that way."""
    timeslices = _slices(slo)
    pairs = [pair for pair in slo.burn_windows if pair.severity == PAGE]
    needed = [
        k
        for pair in pairs
        if (k := burnrate.slices_to_fire(pair, slo.period, slo.error_budget, timeslices.slice, STEP)) is not None
    ]
    if not needed:
        return []
    k = min(needed)
    lead = max(pair.long for pair in pairs) // timeslices.slice + LEAD
    pages = _alerts_selector(alertstate="firing", severity=PAGE, **slo.identity)
    last = _verdict_at(slo, lead + k - 1) + timeslices.slice - STEP  # the last evaluation reading a bad verdict
    tests = [
        _document(
            slo,
            f"{k} bad {timeslices.slice_text} slice{'s' if k > 1 else ''} in a row page "
            f"({format_number(Decimal(k * timeslices.slice) / 60)} bad minutes of a "
            f"{format_number(slo.error_budget * slo.period / 60)}-minute budget)",
            _input(slo, service, [Decimal(1)] * k, lead=lead),
            [_value(f"clamp_max(count({pages}), 1)", last, 1)],
        )
    ]
    fewer = k - 1
    quiet = all(
        (burnrate.slices_to_fire(pair, slo.period, slo.error_budget, timeslices.slice, STEP, closed=False) or k) > fewer
        for pair in pairs
    )
    if fewer and quiet:
        start = _verdict_at(slo, lead)
        checks = [
            {"expr": pages, "eval_time": format_duration(at), "exp_samples": []}
            for at in range(start, start + fewer * timeslices.slice + 15 * STEP, STEP)
        ]
        tests.append(
            _document(
                slo,
                f"{fewer} bad {timeslices.slice_text} slice{'s' if fewer > 1 else ''} in a row never page",
                _input(slo, service, [Decimal(1)] * fewer, lead=lead),
                checks,
            )
        )
    return tests
