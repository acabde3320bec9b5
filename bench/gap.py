"""What a Prometheus outage of 5, 20 and 60 minutes removes from the 1h, 3d and period ratios, and what
`slogen backfill` gives back: testing/gap.py's world (its docstring has the details) for each gap and each kind
of outage, read by a real Prometheus.

Kinds: "prometheus" (down: no rule evaluations, no scrapes), "ruler" (only the rules stop, the raw series stay
complete) and "none" (no outage: the value the rules reach anyway, window edges included). Readings per window:
exact (closed form), recorded (as the outage left it), `increase(raw[W])`, a plain promtool backfill of the
base rules over the outage ± 30 min (what the issue first proposed), and `slogen backfill` over the same range.
"""

import math
from pathlib import Path

from testing.gap import SLOS, WINDOWS, Outage, measure

TITLE = "Prometheus outages and `slogen backfill`"
GAPS = (5, 20, 60)
KINDS = ("prometheus", "ruler", "none")
READINGS = ("exact", "recorded", "increase", "plain", "slogen")
GOAL = 0.01  # after slogen backfill, within 1 % (relative) of the exact ratio
RELOAD_GAP = 20  # the run that also times a running Prometheus picking the blocks up


def run(work: Path) -> dict:
    runs = []
    for gap in GAPS:
        for kind in KINDS:
            found = measure(
                work / f"{kind}-{gap}",
                Outage(gap, kind),
                plain=kind != "none",
                reload=kind == "prometheus" and gap == RELOAD_GAP,
            )
            readings = {
                slo: {
                    window: {name: found[name][(slo, window)] for name in READINGS if name in found}
                    for window in WINDOWS
                }
                for slo in SLOS
            }
            entry = {"gap_minutes": gap, "kind": kind, "readings": readings}
            if "reload_seconds" in found:
                entry["reload_seconds"] = round(found["reload_seconds"], 1)
            runs.append(entry)
    return {"runs": runs}


def _find(result: dict, gap: int, kind: str) -> dict:
    return next(r for r in result["runs"] if r["gap_minutes"] == gap and r["kind"] == kind)


def _relative(value: float | None, exact: float) -> float:
    return math.nan if value is None or math.isnan(value) else (value - exact) / exact


def _percent(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:+.2%}"


def markdown(result: dict) -> str:
    lines = [
        "Synthetic history (testing/gap.py): four days of two routes at 5 requests/s each, scraped every 15 s, "
        "0.2 % errors and 1 % slow requests; route /b fails completely (500, and slow) from 10 minutes before the "
        "outage until 5 minutes after it. The live rules are the generated base rules evaluated by promtool under "
        "the generated group names before and after the outage; the ratios are the generated window expressions, "
        "read by a real Prometheus 10 minutes after it is back. Each cell is the relative error against the exact "
        "ratio (closed form). *no outage*: the same history with Prometheus up throughout; *as left*: after the "
        "outage, nothing repaired; *plain promtool*: `promtool tsdb create-blocks-from rules` with the base rules "
        "over the outage ± 30 min; *slogen backfill*: `slogen backfill` over the same range.",
        "",
    ]
    for kind, heading in (
        ("prometheus", "Prometheus down (no rule evaluations, no scrapes): error-ratio SLO"),
        ("ruler", "Only the rules down (vmalert, a Thanos or Mimir ruler; the raw series complete): error-ratio SLO"),
    ):
        lines += [
            f"**{heading}**",
            "",
            "| gap | window | exact | no outage | as left | `increase(raw[W])` | plain promtool | slogen backfill |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for gap in GAPS:
            baseline = _find(result, gap, "none")["readings"]["availability"]
            readings = _find(result, gap, kind)["readings"]["availability"]
            for window in WINDOWS:
                row = readings[window]
                exact = row["exact"]
                cells = [
                    _percent(_relative(baseline[window]["recorded"], exact)),
                    *(
                        _percent(_relative(row.get(name), exact))
                        for name in ("recorded", "increase", "plain", "slogen")
                    ),
                ]
                lines.append(f"| {gap} min | {window} | {exact:.5f} | " + " | ".join(cells) + " |")
        lines.append("")
    worst = _worst(result)
    reload = next((r["reload_seconds"] for r in result["runs"] if "reload_seconds" in r), None)
    lines += [
        "Both SLOs (the latency SLO's table is alike), every gap and both kinds of outage: after `slogen "
        f"backfill` the largest error of the 3d and period ratios is {worst['long']:.3%}, and every ratio is "
        f"within {worst['baseline']:.3%} of what the rules show when Prometheus never went down.",
        "",
        "Reading the table. A gap removes every event of its minutes from every window and from the budget: "
        "the base rates were not evaluated, and with Prometheus down a `rate(raw[5m])` after the restart sees "
        "only the samples since. `increase(raw[W])` (Pyrra; Sloth's `rate(raw[W])`) sees the counter jump across "
        "the gap, except in a window that starts inside it (the 1h window 10 minutes after a 60-minute gap). A "
        "plain promtool backfill over the range is worse than useless: its samples fall between the recorded "
        "ones, so every minute around the gap counts twice, and with Prometheus down it cannot see across the "
        "gap either. `slogen backfill` fills only the missing minutes, at the live group's second within the "
        "minute, and spreads the counters' jump across a raw gap over them. The 1h ratio after a 60-minute gap "
        "differs from the exact one in every column, even with no outage: its window starts inside the route "
        "outage, and a sum of 5-minute rates starts its window up to five minutes early (docs/rules.md).",
    ]
    if reload is not None:
        lines += [
            "",
            f"A running Prometheus (2.42) answered with the blocks {reload:.0f} s after they were moved into its data "
            "directory, without a restart: it looks for new blocks once a minute.",
        ]
    return "\n".join(lines)


def _worst(result: dict) -> dict[str, float]:
    long = baseline = 0.0
    for gap in GAPS:
        reference = _find(result, gap, "none")["readings"]
        for kind in ("prometheus", "ruler"):
            readings = _find(result, gap, kind)["readings"]
            for slo in SLOS:
                for window in WINDOWS:
                    row = readings[slo][window]
                    if window != "1h":
                        long = max(long, _size(_relative(row["slogen"], row["exact"])))
                    baseline = max(baseline, _size(_relative(row["slogen"], reference[slo][window]["recorded"])))
    return {"long": long, "baseline": baseline}


def _size(error: float) -> float:
    """|error|, with a missing reading as infinitely wrong."""
    return math.inf if math.isnan(error) else abs(error)


def summary(result: dict) -> list[tuple[str, str, bool]]:
    worst = _worst(result)
    return [
        (
            "after `slogen backfill`, 3d and period ratios within 1 % of exact (5, 20, 60-min outages)",
            f"{worst['long']:.3%}",
            worst["long"] <= GOAL,
        ),
        (
            "… and every ratio within 1 % of the rules without an outage",
            f"{worst['baseline']:.3%}",
            worst["baseline"] <= GOAL,
        ),
    ]
