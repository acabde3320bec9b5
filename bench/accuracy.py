"""How close each shape's 30d and 3d error ratios come to the exact ratio, on traffic that is uneven on
purpose: a deep diurnal curve with more errors at night, bursts of traffic and errors, and (for the second
SLO) two hours with no traffic at all, inside both windows.

30 days of raw history at 1m go through promtool into blocks; each shape's base rules are backfilled over
them with `promtool tsdb create-blocks-from rules`; then a real Prometheus answers each shape's own window
expressions, read from its rule file, at the end of the history. The reference is `increase()` over the raw
series, in the same Prometheus; the generator's own counts are reported beside it.
"""

import math
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from testing.servers import Prometheus, wait_for, write_yaml

from . import history
from .fleet_rules import SLOGEN_BASE, SLOTH_BASE, base_rule_file, rules_by_record, slogen_rule_file, sloth_rule_file

TITLE = "Accuracy of the long windows"
METRIC = "acc_requests_total"
DAYS = 30
GAP_MINUTES = 120
GOAL = 0.005  # slogen's goal: relative error ≤ 0.5 %
RECORDS_TIMEOUT = 180
SPREAD_STEP = 600
WINDOWS = {
    "30d": ("slogen:sli_error:ratio_period", "slo:sli_error:ratio_rate30d"),
    "3d": ("slogen:sli_error:ratio_rate3d", "slo:sli_error:ratio_rate3d"),
}


@dataclass(frozen=True)
class Traffic:
    """Per-minute request and error counts of one SLO; counters are their running sums."""

    name: str
    requests: list[int]
    errors: list[int]


def uneven(minutes: int, seed: int, gap: range = range(0)) -> tuple[list[int], list[int]]:
    rng = random.Random(seed)
    requests, errors = [], []
    for minute in range(minutes):
        diurnal = 1 + 0.9 * math.cos(2 * math.pi * minute / 1440)  # the trough is 5 % of the peak
        ratio = 0.0004 if diurnal > 0.5 else 0.002  # night traffic is small and fails more
        load = 600 * diurnal
        if rng.random() < 0.01:  # a burst: 3× traffic, 5 % errors
            load, ratio = load * 3, 0.05
        count = 0 if minute in gap else round(load)
        requests.append(count)
        errors.append(round(count * ratio + rng.random() - 0.5) if count else 0)
    return requests, errors


def slos(minutes: int, end_minute_gap: int) -> list[Traffic]:
    gap = range(minutes - end_minute_gap, minutes - end_minute_gap + GAP_MINUTES)
    return [Traffic("uneven", *uneven(minutes, seed=1)), Traffic("gap", *uneven(minutes, seed=2, gap=gap))]


def selectors(name: str) -> tuple[str, str, str]:
    return name, f'{METRIC}{{job="acc", slo_name="{name}", code="500"}}', f'{METRIC}{{job="acc", slo_name="{name}"}}'


def run(work: Path) -> dict:
    end = int(time.time()) // 3600 * 3600 - 3600
    minutes = DAYS * 1440 + 60  # an hour more than the period, so the first 30d window is full of data
    start = end - minutes * 60
    traffic = slos(minutes, end_minute_gap=36 * 60)  # the gap ends 34 h before the end: inside 3d and 30d
    shape_slos = [selectors(t.name) for t in traffic]
    slogen_file = slogen_rule_file("accuracy", shape_slos, work)
    sloth_file = sloth_rule_file("accuracy", shape_slos, work)

    raw = work / "accuracy.om"
    rows_by_slo = {t.name: _rows(t) for t in traffic}
    rows = [row for name in rows_by_slo for row in rows_by_slo[name]]
    with history.openmetrics_file(raw) as out:
        history.write_family(
            out, METRIC, "counter", rows, range(start + 60, end + 60, 60), len(rows), "accuracy history"
        )
    data, rule_blocks = work / "accuracy-data", work / "accuracy-rule-blocks"
    history.blocks_from_openmetrics(raw, data)
    raw.unlink()
    base = base_rule_file(
        work / "accuracy-base.rules.yml",
        rules_by_record(slogen_file, SLOGEN_BASE) + rules_by_record(sloth_file, [SLOTH_BASE]),
    )
    config = write_yaml(work / "accuracy-prometheus.yml", {"global": {"scrape_interval": "1m"}})
    flags = (history.RETENTION_FLAG,)
    with Prometheus(config, data, None, *flags) as prometheus:
        prometheus.start()
        history.blocks_from_rules([base], prometheus.url, start + 300, end + 60, rule_blocks)
    history.move_blocks(rule_blocks, data)

    results = []
    with Prometheus(config, data, None, *flags) as prometheus:
        prometheus.start()
        started = time.monotonic()
        _wait_for_complete_records(prometheus, base, end)
        complete_after = round(time.monotonic() - started, 1)
        for t in traffic:
            results.append(_compare(prometheus, t, rows_by_slo[t.name], end, slogen_file, sloth_file))
    return {
        "days": DAYS,
        "end": end,
        "gap_minutes": GAP_MINUTES,
        "slos": results,
        "records_complete_after_s": complete_after,
    }


def _wait_for_complete_records(prometheus: Prometheus, base: Path, end: int) -> None:
    """Every backfilled base series must hold one sample per minute of the period before anything is compared.

    The rules backfill writes one block per rule per 2h, all overlapping the raw blocks, which Prometheus merges
    a minute after it starts: never compare on a partial view of them.
    """
    expected = DAYS * 1440
    rules = [rule for group in yaml.safe_load(base.read_text())["groups"] for rule in group["rules"]]
    counts = sorted({f"count_over_time({rule['record']}[{DAYS}d])" for rule in rules})

    def found() -> list[float]:
        return [float(one["value"][1]) for expr in counts for one in prometheus.query(expr, at=end)]

    def complete() -> bool:
        samples = found()
        return len(samples) == len(rules) and all(count == expected for count in samples)

    wait_for(
        complete,
        RECORDS_TIMEOUT,
        f"{len(rules)} backfilled base series with {expected} samples over {DAYS}d",
        interval=5,
        detail=lambda: str(found()),
    )


def _rows(traffic: Traffic) -> list[tuple[str, list[int]]]:
    """Two instances share the traffic 60/40; ok and error requests are separate series."""
    rows = []
    for instance, share in (("i0", 0.6), ("i1", 0.4)):
        ok = [round((r - e) * share) for r, e in zip(traffic.requests, traffic.errors, strict=True)]
        bad = [round(e * share) for e in traffic.errors]
        for code, counts in (("200", ok), ("500", bad)):
            labels = f'{{job="acc",slo_name="{traffic.name}",code="{code}",instance="{instance}"}}'
            rows.append((labels, _running_sum(counts)))
    return rows


def _running_sum(counts: list[int]) -> list[int]:
    total, sums = 0, []
    for count in counts:
        total += count
        sums.append(total)
    return sums


def _compare(
    prometheus: Prometheus,
    traffic: Traffic,
    rows: list[tuple[str, list[int]]],
    end: int,
    slogen_file: Path,
    sloth_file: Path,
) -> dict:
    """Each shape's window ratio against `increase()` at the end of the history and every 10 minutes over the
    last day: one instant can catch a burst at a window's edge, a day of instants shows the spread."""
    _, errors, total = selectors(traffic.name)
    windows = {}
    for window, (slogen_record, sloth_record) in WINDOWS.items():
        reference = _values(prometheus, f"sum(increase({errors}[{window}])) / sum(increase({total}[{window}]))", end)
        exact = _exact(rows, 30 * 1440 if window == "30d" else 3 * 1440)
        row = {"increase": reference[end], "exact_counts": exact}
        for shape, rule_file, record in (("slogen", slogen_file, slogen_record), ("sloth", sloth_file, sloth_record)):
            [rule] = [
                r
                for r in rules_by_record(rule_file, [record])
                if traffic.name in (r["labels"].get("slo"), r["labels"].get("sloth_slo"))
            ]
            values = _values(prometheus, rule["expr"], end)
            errors_over_day = [_relative(values.get(t, math.nan), reference[t]) for t in reference]
            finite = sorted(abs(e) for e in errors_over_day if not math.isnan(e))
            row[shape] = {
                "ratio": values.get(end, math.nan),
                "relative_error": _relative(values.get(end, math.nan), reference[end]),
                "points": len(errors_over_day),
                "nan_points": len(errors_over_day) - len(finite),
                "median_abs_error": statistics.median(finite) if finite else math.nan,
                "max_abs_error": finite[-1] if finite else math.nan,
            }
        windows[window] = row
    return {"slo": traffic.name, "windows": windows}


def _exact(rows: list[tuple[str, list[int]]], span: int) -> float:
    """What the written counters grew by over the last `span` minutes: errors over all requests."""
    growth = {labels: counts[-1] - counts[-1 - span] for labels, counts in rows}
    errors = sum(g for labels, g in growth.items() if 'code="500"' in labels)
    return errors / sum(growth.values())


def _values(prometheus: Prometheus, expr: str, end: int) -> dict[int, float]:
    """expr every SPREAD_STEP seconds over the last day up to `end`: time → value (NaN where it has none)."""
    points = range(end - 86_400, end + 1, SPREAD_STEP)
    result = prometheus.api("query_range", query=expr, start=points[0], end=points[-1], step=SPREAD_STEP)["result"]
    found = {int(t): float(v) for t, v in result[0]["values"]} if result else {}
    return {t: found.get(t, math.nan) for t in points}


def _relative(value: float, reference: float) -> float:
    return (value - reference) / reference if not math.isnan(value) else math.nan


def markdown(result: dict) -> str:
    lines = [
        f"Two SLOs (99.9 %) with {result['days']} days of raw history at 1m: **uneven** has a deep diurnal curve "
        "(the trough is 5 % of the peak) with five times the error ratio at night, and 1 % of minutes are bursts "
        "of 3× traffic at 5 % errors; **gap** is the same traffic plus "
        f"{result['gap_minutes'] // 60} hours with no requests at all, 34 hours before the end (inside both "
        "windows). Each shape's base rules were backfilled over the whole history with `promtool tsdb "
        "create-blocks-from rules`, then the real Prometheus evaluated each shape's own window expression, "
        "taken from its rule file, at the end of the history and every 10 minutes over the day before it "
        "(145 instants). The reference at each instant is `sum(increase(errors[W])) / sum(increase(total[W]))` "
        "over the raw series in the same Prometheus; at the end it equals the generator's exact counts.",
        "",
        "| SLO | window | exact ratio at the end | slogen at the end | slogen: median \\|error\\| over the day | "
        "slogen: max \\|error\\| | Sloth's shape at the end | Sloth: median \\|error\\| | Sloth: max \\|error\\| |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    worst = {"at the end": 0.0, "median over the day": 0.0, "any instant": 0.0}
    worst_window = ""
    for slo in result["slos"]:
        for window, row in slo["windows"].items():
            slogen, sloth = row["slogen"], row["sloth"]
            worst["at the end"] = max(worst["at the end"], abs(slogen["relative_error"]))
            worst["median over the day"] = max(worst["median over the day"], slogen["median_abs_error"])
            if slogen["max_abs_error"] > worst["any instant"]:
                worst["any instant"], worst_window = slogen["max_abs_error"], f"{slo['slo']} {window}"
            lines.append(
                f"| {slo['slo']} | {window} | {row['increase']:.6f} | {_percent(slogen['relative_error'])} | "
                f"{_percent(slogen['median_abs_error'], sign=False)} | "
                f"{_percent(slogen['max_abs_error'], sign=False)} | {_percent(sloth['relative_error'])} | "
                f"{_percent(sloth['median_abs_error'], sign=False)} | "
                f"{_percent(sloth['max_abs_error'], sign=False)} |"
            )
    lines += ["", f"slogen against the goal of ≤ {GOAL:.1%}, largest over both SLOs and windows:", ""]
    lines += [
        f"- {where}: {value:.3%}: "
        + ("met" if value <= GOAL else "**not met**")
        + (f" ({worst_window})" if where == "any instant" else "")
        for where, value in worst.items()
    ]
    lines += [
        "",
        "Why they differ. slogen divides the sum of recorded error rates by the sum of recorded total rates, so "
        "every minute weighs by its traffic, and a minute with no traffic adds 0 to both sums. What is left is "
        "the window's edge: each recorded 5m rate covers the five minutes before its evaluation, so slogen's W "
        "window starts and ends up to five minutes earlier than `increase(raw[W])`, with a ramp at both ends. "
        "Where a burst (3× traffic at 5 % errors, 1.6 % of a 3d window's errors in one minute) sits at an "
        "edge, that shows for up to five minutes; the median column is the usual size of the error. "
        "Sloth's 30d ratio is the "
        "mean of 5m ratios: a quiet night minute counts as much as a busy noon minute, so uneven traffic "
        "biases it by percents, and one 0/0 (NaN) 5m ratio during the gap makes the 30-day ratio NaN for 30 "
        "days. Sloth's 3d ratio is `rate(raw[3d])`: exact, and the most expensive rule in section 1.",
    ]
    return "\n".join(lines)


def summary(result: dict) -> list[tuple[str, str, bool]]:
    rows = [slo["windows"][w]["slogen"] for slo in result["slos"] for w in slo["windows"]]
    at_end = max(abs(r["relative_error"]) for r in rows)
    median = max(r["median_abs_error"] for r in rows)
    anywhere = max(r["max_abs_error"] for r in rows)
    return [
        ("accuracy of the 30d and 3d ratios ≤ 0.5 %, at the end of the history", f"{at_end:.3%}", at_end <= GOAL),
        ("… median over a day of instants", f"{median:.3%}", median <= GOAL),
        ("… at every instant of that day", f"{anywhere:.3%}", anywhere <= GOAL),
    ]


def _percent(value: float, sign: bool = True) -> str:
    return "NaN" if math.isnan(value) else f"{value:+.4%}" if sign else f"{value:.4%}"
