"""Detection and reset time of slogen's default burn-rate alerts, measured with promtool against the SRE
Workbook's theoretical times.

For each error rate, one promtool unit test asserts "no alert is firing" at every minute of a healthy-outage-recovery
timeline. promtool can only assert, so the failures it prints are the measurement: each failing minute lists the
alerts that were firing. A second promtool run then asserts the measured boundaries exactly (not firing the minute
before detection, firing with the measured pairs at detection, firing the minute before reset, quiet at reset), so
every number in the table is proven by a passing promtool test, not only parsed.
"""

import os
import re
import sys
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import click
import yaml

from generator import burnrate, pipeline, promtool
from generator.burnrate import PAGE, TICKET, BurnWindow
from generator.durations import format_duration, parse_duration
from generator.synth import counter_values
from generator.targets import prometheus as prometheus_target
from generator.write import OutputFile, serialise

TITLE = "Detection and reset time"

SPEC = """\
apiVersion: slogen/v1
service: bench
period: 30d
slos:
  - name: availability
    objective: 99.9
    sli:
      ratio:
        errors: http_requests_total{job="bench", code=~"5.."}
        total: http_requests_total{job="bench"}
"""
ERROR_SERIES = 'http_requests_total{job="bench", code="500"}'
GOOD_SERIES = 'http_requests_total{job="bench", code="200"}'
FIRING = 'ALERTS{alertstate="firing"}'

ERROR_RATES = (Decimal("1"), Decimal("0.1"), Decimal("0.02"))
REQUESTS_PER_MINUTE = 600
HEALTHY_ERROR_RATIO = Decimal("0.0001")  # a 0.1× burn: realistic background errors that must never alert
# Minutes. Three days of history fill the 3d window of the slowest ticket pair, so no long window is
# under-filled (a short history overstates every long-window ratio and fires early). Four hours of outage
# let every pair fire at 2 % (the ticket pairs need 3.6 h); 6.5 h of recovery let the 6h short window forget it.
HISTORY = 3 * 24 * 60
OUTAGE = 4 * 60
RECOVERY = 6 * 60 + 30
END = HISTORY + OUTAGE + RECOVERY
TIMELINE_FROM = HISTORY - 30  # also proves the healthy half hour before the outage is quiet
SEVERITIES = (PAGE, TICKET)

_FAILED_CHECK = re.compile(r'^\s*expr: ".*", time: (?P<time>\S+),\s*$')
_GOT = re.compile(r"^\s*got: (?P<samples>.*)$")
_LABEL_SET = re.compile(r"\{(?P<labels>[^{}]*)\}")
_LABEL = re.compile(r'(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?P<value>(?:[^"\\]|\\.)*)"')


# --- pure parts: theory, timeline parsing, episodes (unit-tested in tests/bench/test_detection.py) ---


def pair_name(long: str, short: str) -> str:
    return f"{long}/{short}"


def window_pair(window: BurnWindow) -> str:
    return pair_name(format_duration(window.long), format_duration(window.short))


def theoretical(
    windows: tuple[BurnWindow, ...], period: int, error_budget: Decimal, error_rate: Decimal, background: Decimal
) -> list[dict]:
    """Per pair: the Workbook's detection time (None: this error rate never crosses the pair's threshold), the
    same counting the healthy background errors already in the long window, and the Workbook's reset time,
    which the short window bounds: the pair resolves once the short window no longer holds the outage."""
    return [
        {
            "pair": window_pair(w),
            "severity": w.severity,
            "factor": str(w.factor(period)),
            "threshold_ratio": str(burnrate.threshold_ratio(w, period, error_budget)),
            "detection_seconds": _seconds(burnrate.detection_seconds(w, period, error_budget, error_rate)),
            "detection_with_background_seconds": _seconds(
                detection_with_background(w, period, error_budget, error_rate, background)
            ),
            "reset_seconds": w.short,
        }
        for w in windows
    ]


def detection_with_background(
    window: BurnWindow, period: int, error_budget: Decimal, error_rate: Decimal, background: Decimal
) -> Decimal | None:
    """The Workbook's formula when the long window already holds `background` errors before the outage: after t
    seconds it reads (background × (long − t) + rate × t) / long, which crosses the threshold at
    t = long × (threshold − background) / (rate − background)."""
    needed = burnrate.threshold_ratio(window, period, error_budget)
    if error_rate <= needed:
        return None
    if background >= needed:
        return Decimal(0)
    return window.long * (needed - background) / (error_rate - background)


def _seconds(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def parse_firing(output: str) -> dict[int, list[dict[str, str]]]:
    """promtool 2.42's failure report of "no alert firing" checks → {minute: label sets of the firing alerts}.

    Each failing check prints `expr: "...", time: 3d1m,` then `exp: nil` and `got: {labels} 1E+00, {labels} 1E+00`.
    """
    firing, minute = {}, None
    for line in output.splitlines():
        if match := _FAILED_CHECK.match(line):
            if minute is not None:
                raise ValueError(f"promtool reported a failure at minute {minute} without the alerts it got")
            minute = parse_duration(match["time"]) // 60
        elif (match := _GOT.match(line)) and minute is not None:
            firing[minute] = [_labels(m["labels"]) for m in _LABEL_SET.finditer(match["samples"])]
            minute = None
    if minute is not None:
        raise ValueError(f"promtool reported a failure at minute {minute} without the alerts it got")
    return firing


def _labels(text: str) -> dict[str, str]:
    return {m["name"]: m["value"] for m in _LABEL.finditer(text)}


@dataclass(frozen=True)
class Episode:
    """When alerts of one severity (or one pair) fired, in minutes of the timeline."""

    first: int
    last: int
    pairs_first: tuple[str, ...]


def episode(firing: dict[int, list[dict[str, str]]], wanted) -> Episode | None:
    """First and last minute at which an alert matching `wanted(labels)` fired, and the pairs firing first."""
    minutes = sorted(m for m, alerts in firing.items() if any(map(wanted, alerts)))
    if not minutes:
        return None
    first = minutes[0]
    pairs = sorted({pair_name(a["long_window"], a["short_window"]) for a in firing[first] if wanted(a)})
    return Episode(first, minutes[-1], tuple(pairs))


def of_severity(severity: str):
    return lambda labels: labels.get("severity") == severity


def of_pair(pair: str):
    return lambda labels: pair_name(labels.get("long_window", ""), labels.get("short_window", "")) == pair


def measured(firing: dict[int, list[dict[str, str]]], outage_start: int, recovery_start: int, end: int, wanted) -> dict:
    """Detection = first firing minute − outage start; reset = first quiet minute after the last firing one −
    recovery start. Both in seconds; None when it never fired (or never resolved before the timeline ends)."""
    found = episode(firing, wanted)
    if found is None:
        return {"fired": False, "detection_seconds": None, "reset_seconds": None, "pairs_first": []}
    resolved = found.last + 1 if found.last < end else None
    return {
        "fired": True,
        "first_minute": found.first,
        "last_minute": found.last,
        "early": found.first < outage_start,
        "detection_seconds": (found.first - outage_start) * 60,
        "reset_seconds": None if resolved is None else (resolved - recovery_start) * 60,
        "pairs_first": list(found.pairs_first),
    }


# --- promtool inputs ---


def error_phases(error_rate: Decimal) -> list[tuple[int, Decimal]]:
    """(minutes, error ratio) of the timeline: healthy history, outage, healthy recovery."""
    return [(HISTORY, HEALTHY_ERROR_RATIO), (OUTAGE, error_rate), (RECOVERY, HEALTHY_ERROR_RATIO)]


def input_series(error_rate: Decimal) -> list[dict]:
    """Error and success counters; minute i of a phase is the interval (i, i+1] after the phase starts."""
    phases = error_phases(error_rate)
    bad = [(minutes, REQUESTS_PER_MINUTE * ratio) for minutes, ratio in phases]
    good = [(minutes, REQUESTS_PER_MINUTE * (1 - ratio)) for minutes, ratio in phases]
    return [
        {"series": ERROR_SERIES, "values": counter_values(bad)},
        {"series": GOOD_SERIES, "values": counter_values(good)},
    ]


def quiet_check(minute: int, expr: str = FIRING) -> dict:
    return {"expr": expr, "eval_time": f"{minute}m", "exp_samples": []}


def firing_check(minute: int, alerts: list[dict[str, str]], expr: str) -> dict:
    samples = [{"labels": "ALERTS" + _selector(a), "value": 1} for a in alerts]
    return {"expr": expr, "eval_time": f"{minute}m", "exp_samples": samples}


def _selector(labels: dict[str, str]) -> str:
    pairs = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__")
    return "{" + pairs + "}"


def severity_expr(severity: str) -> str:
    return f'ALERTS{{alertstate="firing", severity="{severity}"}}'


def timeline_checks() -> list[dict]:
    return [quiet_check(minute) for minute in range(TIMELINE_FROM, END + 1)]


def boundary_checks(firing: dict[int, list[dict[str, str]]], result: dict) -> list[dict]:
    """Assertions proving one rate's measured minutes: quiet → firing at detection, firing → quiet at reset."""
    checks = []
    for severity in SEVERITIES:
        found = result[severity]
        if not found["fired"]:
            continue
        expr, matches = severity_expr(severity), of_severity(severity)
        first, last = found["first_minute"], found["last_minute"]
        checks += [
            quiet_check(first - 1, expr),
            firing_check(first, [a for a in firing[first] if matches(a)], expr),
            firing_check(last, [a for a in firing[last] if matches(a)], expr),
        ]
        if last < END:
            checks.append(quiet_check(last + 1, expr))
    return checks


def write_test_file(rules: Path, path: Path, checks: list[dict], error_rate: Decimal) -> Path:
    document = {
        "rule_files": [str(rules)],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": input_series(error_rate), "promql_expr_test": checks}],
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000), encoding="utf-8")
    return path


# --- rules and runs ---


def alerting_rules(work: Path) -> tuple[Path, object]:
    """Generates the spec's rules with the real pipeline and keeps what decides when an alert fires.

    promtool evaluates every group at the test's evaluation_interval whatever its `interval`, so the 5m period
    group (its 30d window feeds dashboards, no alert) would be evaluated every minute and cost a third of the run;
    the burn alerts read only rules earlier in their own group, so it goes. Annotations go too: their template
    `query` runs at every evaluation of a firing alert (a sixth of the run) and cannot change when it fires.
    The alerts' `expr`, labels and `for` stay exactly as generated.
    """
    spec = work / "bench.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    outcome = pipeline.generate([spec])
    if not outcome.ok:
        raise RuntimeError("; ".join(f.text() for f in outcome.findings))
    generated = next(f for f in outcome.files if f.path.startswith(prometheus_target.RULES_DIR))
    groups = [
        {**g, "rules": [_without_annotations(r) for r in g["rules"]]}
        for g in generated.data["groups"]
        if any("alert" in rule for rule in g["rules"])
    ]
    rules = work / "bench.rules.yml"
    rules.write_bytes(serialise(OutputFile(generated.path, {**generated.data, "groups": groups}, generated.sources)))
    return rules, outcome.project.services[0].slos[0]


def _without_annotations(rule: dict) -> dict:
    return {key: value for key, value in rule.items() if key != "annotations"}


def measure_rate(firing: dict[int, list[dict[str, str]]], pairs: list[str]) -> dict:
    timeline = (HISTORY, HISTORY + OUTAGE, END)
    result = {severity: measured(firing, *timeline, of_severity(severity)) for severity in SEVERITIES}
    result["pairs"] = {pair: measured(firing, *timeline, of_pair(pair)) for pair in pairs}
    return result


def timeline_firing(passed: bool, output: str) -> dict[int, list[dict[str, str]]]:
    firing = parse_firing(output)
    if not passed and not firing:
        raise RuntimeError(f"promtool failed without reporting firing alerts:\n{output[-4000:]}")
    return firing


@dataclass
class RateRun:
    """One error rate's promtool runs: the timeline, what it measured, then the proof of those numbers."""

    rate: Decimal
    firing: dict[int, list[dict[str, str]]] | None = None
    measured: dict | None = None
    proof: tuple[bool, str] | None = None


def measure_rates(rules: Path, work: Path, pairs: list[str]) -> list[RateRun]:
    """Each rate's timeline run, then its proof run as soon as the timeline is parsed. promtool is single-threaded,
    so runs go in parallel, one per core; starting each proof early keeps both cores busy."""
    runs = [RateRun(rate) for rate in ERROR_RATES]
    with (
        ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool,
        click.progressbar(length=2 * len(runs), label="detection: promtool runs", file=sys.stderr) as bar,
    ):
        pending = {
            pool.submit(
                promtool.test_rules,
                [write_test_file(rules, work / f"timeline-{r.rate}.test.yml", timeline_checks(), r.rate)],
            ): r
            for r in runs
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)  # promtool's own timeout bounds each run
            for future in done:
                rate_run = pending.pop(future)
                bar.update(1)
                if rate_run.firing is None:
                    rate_run.firing = timeline_firing(*future.result())
                    rate_run.measured = measure_rate(rate_run.firing, pairs)
                    proof = write_test_file(
                        rules,
                        work / f"proof-{rate_run.rate}.test.yml",
                        boundary_checks(rate_run.firing, rate_run.measured),
                        rate_run.rate,
                    )
                    pending[pool.submit(promtool.test_rules, [proof])] = rate_run
                else:
                    rate_run.proof = future.result()
    return runs


def run(work: Path) -> dict:
    rules, slo = alerting_rules(work)
    rates = [
        {
            "error_rate": str(r.rate),
            "theory": theoretical(slo.burn_windows, slo.period, slo.error_budget, r.rate, HEALTHY_ERROR_RATIO),
            "measured": r.measured,
            "firing_minutes": len(r.firing),
            "proof_passed": r.proof[0],
            "proof_output": "" if r.proof[0] else r.proof[1][-4000:],
        }
        for r in measure_rates(rules, work, [window_pair(w) for w in slo.burn_windows])
    ]
    return {
        "objective_percent": str(slo.objective_percent),
        "period": format_duration(slo.period),
        "requests_per_minute": REQUESTS_PER_MINUTE,
        "healthy_error_ratio": str(HEALTHY_ERROR_RATIO),
        "history_minutes": HISTORY,
        "outage_minutes": OUTAGE,
        "recovery_minutes": RECOVERY,
        "promtool_version": ".".join(map(str, promtool.version())),
        "rates": rates,
    }


# --- report ---


def duration_text(seconds: float | None) -> str:
    """51.84 → '52 s', 180 → '3 min', 6480 → '1 h 48 min', None → '—'."""
    if seconds is None:
        return "—"
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "", f"{rest} s" if rest else ""]
    return " ".join(part for part in parts if part) or "0 s"


def number_text(value: str | Decimal) -> str:
    """'14.40' → '14.4', '1.00' → '1': Decimal without trailing zeros or exponent."""
    return format(Decimal(value).normalize(), "f")


def percent_text(ratio: str | Decimal) -> str:
    return f"{number_text(Decimal(ratio) * 100)} %"


def _summary_rows(result: dict) -> list[str]:
    rows = [
        "| error rate | first page | pair(s) firing first | page resolved after recovery | first ticket "
        "| pair(s) firing first | ticket resolved after recovery | proven by promtool |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rate in result["rates"]:
        page, ticket = rate["measured"][PAGE], rate["measured"][TICKET]
        rows.append(
            f"| {percent_text(rate['error_rate'])} | {duration_text(page['detection_seconds'])} "
            f"| {', '.join(page['pairs_first']) or '—'} | {duration_text(page['reset_seconds'])} "
            f"| {duration_text(ticket['detection_seconds'])} | {', '.join(ticket['pairs_first']) or '—'} "
            f"| {duration_text(ticket['reset_seconds'])} | {'yes' if rate['proof_passed'] else '**no**'} |"
        )
    return rows


def _pair_rows(result: dict) -> list[str]:
    rows = [
        "| error rate | pair | severity | fires above | detection, Workbook | Workbook + background "
        "| detection, measured | reset, Workbook (short window) | reset, measured |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for rate in result["rates"]:
        for theory in rate["theory"]:
            got = rate["measured"]["pairs"][theory["pair"]]
            never = theory["detection_seconds"] is None
            rows.append(
                f"| {percent_text(rate['error_rate'])} | {theory['pair']} | {theory['severity']} "
                f"| {number_text(theory['factor'])}× = {percent_text(theory['threshold_ratio'])} "
                f"| {'never fires' if never else duration_text(theory['detection_seconds'])} "
                f"| {duration_text(theory['detection_with_background_seconds'])} "
                f"| {duration_text(got['detection_seconds'])} | {duration_text(theory['reset_seconds'])} "
                f"| {duration_text(got['reset_seconds'])} |"
            )
    return rows


def _reachable_text(result: dict) -> str:
    """Which pairs each error rate can fire at all (its rate above the pair's threshold)."""
    parts = []
    for rate in result["rates"]:
        pairs = [t["pair"] for t in rate["theory"] if t["detection_seconds"] is not None]
        parts.append(f"{percent_text(rate['error_rate'])}: {', '.join(pairs) or 'none'}")
    return "Pairs each error rate can fire at all: " + "; ".join(parts) + "."


def _problems(result: dict) -> list[str]:
    problems = []
    for rate in result["rates"]:
        name = percent_text(rate["error_rate"])
        if not rate["proof_passed"]:
            problems.append(f"- **The promtool proof failed at {name}**: its numbers are parsed, not proven.")
        for severity in SEVERITIES:
            found = rate["measured"][severity]
            if not found["fired"]:
                problems.append(
                    f"- **No {severity} fired at {name}** within the {result['outage_minutes']} min outage."
                )
            elif found["early"]:
                problems.append(f"- **A {severity} fired on healthy traffic before the outage at {name}.**")
            elif found["reset_seconds"] is None:
                problems.append(f"- **The {severity} at {name} had not resolved** when the timeline ended.")
    return problems


METHOD = """\
A {objective} % / {period} ratio SLO with slogen's default windows (SRE Workbook table 5-8), its rules generated by the
real pipeline and evaluated by promtool {promtool} every minute on series scraped every minute: {rpm} requests a
minute; {days} days of healthy history at {background} errors, so even the 3d window is full when the outage starts;
{outage} of outage at the given error rate; {recovery} of recovery. The outage starts right after a scrape, so its
first errors reach the scrape one minute later; the measured times include that minute.

**How it is measured.** promtool can only assert. Per error rate, one unit test asserts "no alert firing" at every
minute from half an hour before the outage to the end; every failing minute is a minute an alert fired, and promtool
prints the firing alerts with their labels. Parsing that report gives each pair's first and last firing minute. A
second promtool run per rate then asserts those boundaries and passes only if they are right: no alert of the severity
the minute before detection, exactly the measured alerts at detection and at the last firing minute, none the minute
after. The resolution is one minute, the evaluation interval. The rules' 5m period group is left out of the runs: no
alert reads it, and promtool would evaluate its 30d window every minute. So are the annotations, whose template
query runs at every evaluation of a firing alert; the alerts' expressions and labels are exactly as generated."""

EXPLANATION = """\
**Why measured detection differs from the Workbook's.** The Workbook divides the budget share by the error rate as
if the long window held no errors before the outage and saw each error the instant it happened. Two things move the
measured times:
- *Earlier:* the healthy background errors already in the long window count towards the threshold. At {background}
  they are 10 % of the 3d/6h pair's 0.1 % threshold, so at 10 % and 2 % the ticket pairs fire before the
  Workbook's time. The "Workbook + background" column applies the same formula to that starting point:
  long × (threshold − background) / (rate − background).
- *Later, by {lag_low} to {lag_high} for every pair* (measured − "Workbook + background"): errors first show up
  at the next 1m scrape and the rules run once a minute, so a crossing lands on the next whole minute; and every
  window is a sum of the 5m base rate, which ramps up over five minutes, so after k ≥ 5 minutes of outage a long
  window holds about k − 2 minutes of it. Prometheus 2 ranges are closed, so a 1h window sums 61 one-minute samples,
  not 60 (1.7 % more denominator). The short window is never the bottleneck at these rates, and the alerts \
have no `for:`.

At 100 % errors the Workbook's 52 s for the 1h/5m pair is shorter than the ramp itself, so the relative gap is
largest there; at 2 % the same minutes are a few percent of a 43-minute detection.

**Reset.** The Workbook's reset time for a pair is its short window: the pair stops firing once the short window no
longer holds the outage. After a total outage the measured reset is that window (5m pair) or that window plus up to
five minutes (longer pairs, whose short window is a sum of 5m rates that still hold outage errors for five minutes
after recovery). At lower error rates a pair resolves sooner, because its short window only has to fall below the
threshold, not forget the outage (at 2 % the 5m ratio is under 1.44 % two minutes after recovery). A page resolves
when its slowest firing pair does, so after an outage long enough to fire the 6h/30m pair, the page's reset is about
30 minutes, not the 1h/5m pair's five. Alertmanager's grouping and resolve notifications come on top."""


def lag_range(result: dict) -> tuple[float, float]:
    """Smallest and largest (measured − Workbook with background) detection over every pair that fired."""
    lags = [
        rate["measured"]["pairs"][t["pair"]]["detection_seconds"] - t["detection_with_background_seconds"]
        for rate in result["rates"]
        for t in rate["theory"]
        if t["detection_with_background_seconds"] is not None
        and rate["measured"]["pairs"][t["pair"]]["detection_seconds"] is not None
    ]
    return min(lags), max(lags)


def markdown(result: dict) -> str:
    background = percent_text(result["healthy_error_ratio"])
    method = METHOD.format(
        objective=result["objective_percent"],
        period=result["period"],
        promtool=result["promtool_version"],
        rpm=result["requests_per_minute"],
        days=result["history_minutes"] // 1440,
        background=background,
        outage=duration_text(result["outage_minutes"] * 60),
        recovery=duration_text(result["recovery_minutes"] * 60),
    )
    parts = [
        method,
        "",
        *_summary_rows(result),
        "",
        "Per window pair, next to the SRE Workbook's theoretical detection time "
        "(factor × budget × long window / error rate) and reset time (the short window). " + _reachable_text(result),
        "",
        *_pair_rows(result),
        "",
        EXPLANATION.format(
            background=background,
            **dict(zip(("lag_low", "lag_high"), map(duration_text, lag_range(result)), strict=True)),
        ),
    ]
    problems = _problems(result)
    if problems:
        parts += ["", "**Goals not met:**", *problems]
    return "\n".join(parts)
