"""Pyrra's rule shape for ratio objectives: the rule groups Pyrra (github.com/pyrra-dev/pyrra) generates for one
`pyrra.dev/v1alpha1` ServiceLevelObjective.

Follows `slo/rules.go` at commit 00b38d088994a16a73835515a34c4af442b68323 (IncreaseRules, Burnrates, Windows,
increaseInterval, commonRuleLabels) and `slo/slo.go` (Exhausts, window-based AbsentDuration) as stored in the
public code index; the controllers put `[<name>-increase, <name>]` in the PrometheusRule and add `<name>-generic`
only with the `--generic-rules` flag (default off), which this module does not model. tests/bench/test_shapes.py
reproduces the "http-ratio" entries of `slo/rules_test.go` (TestObjective_Burnrates and
TestObjective_IncreaseRules, commit 01a3b4ec621b1d29f3711c64730a7b89868fd618).

Not reproduced: latency, native-latency and bool-gauge indicators; the `performanceOverAccuracy` split (5m
increases summed over the window); dynamic burn rates; custom severities and absent-alert names; annotations
propagated from `pyrra.dev/` annotations or an external URL; and `description` as a label. The stored test
table predates the window-based AbsentDuration (it expects `for: 2m` on the absent alert where the stored
slo.go gives 10m for a 28d/99 % objective); the test pins this module's value and says so. PromQL text is
printed as Prometheus's printer does (`sum by (a, b) (...)`, matchers sorted), derived by hand, not by the parser.
"""

import yaml

from generator.durations import parse_duration
from generator.selector import parse_selector

SHAPE_DESCRIPTION = """\
**Pyrra's shape** (ratio objectives; follows `slo/rules.go` and reproduces entries of Pyrra's own test table).
Per SLO with a 30-day window, two groups. `<name>-increase` runs every 2m30s (Pyrra scales this interval with the
window: 2m30s from 28 to 34 days) and records `sum by (<labels the error selector adds>) (increase(<total
selector>[30d]))`, plus a second such rule when errors and total are different metrics: each evaluation reads 30
days of raw samples of every matched series. It also holds `absent(...) == 1` alerts on the raw metric. \
`<name>` runs every 30s and records seven burn
rates, `sum(rate(<errors>[W])) / sum(rate(<total>[W]))` for W = 5m, 32m, 1h4m, 2h9m, 6h26m, 1d1h43m and
4d6h51m (Pyrra derives its windows from the 28-day SRE table, so a 30-day SLO gets stretched windows), all over
raw series; the 4d6h51m rule reads four and a quarter days of raw samples twice a minute. Its four alerts
(14×, 7×, 2×, 1× with `for:` 2m, 16m, 1h4m, 3h13m) read only the recorded burn rates. The optional
`<name>-generic` group is off by default and not loaded."""

DEFAULT_ALERT = "ErrorBudgetBurn"
DEFAULT_ABSENT_ALERT = "SLOMetricAbsent"
PROPAGATION_PREFIX = "pyrra.dev/"
MINUTE_NS = 60 * 10**9
DAY_S = 86400

# Pyrra's window table, as divisors of the SLO window (chosen for 28 days): (severity, for, long, short, factor).
WINDOW_TABLE = (
    ("critical", 28 * 24 * 30, 28 * 24, 28 * 24 * 12, 14),
    ("critical", 28 * 24 * 4, 28 * 4, 28 * 24 * 2, 7),
    ("warning", 28 * 24, 28, 28 * 12, 2),
    ("warning", 28 * 8, 7, 28 * 4, 1),
)


def pyrra_rules(objective: dict, generic: bool = False) -> dict:
    """The rule-file document for one ServiceLevelObjective: `{"groups": [increase, burnrates]}`."""
    if generic:
        raise NotImplementedError("the generic group (pyrra --generic-rules) is not modelled")
    slo = _Objective(objective)
    return {"groups": [increase_group(slo), burnrate_group(slo)]}


class _Objective:
    """The parts of Pyrra's internal Objective that ratio rules read."""

    def __init__(self, document: dict):
        meta, spec = document["metadata"], document["spec"]
        self.name = meta["name"]
        self.labels = {
            key[len(PROPAGATION_PREFIX) :]: str(value)
            for key, value in (meta.get("labels") or {}).items()
            if key.startswith(PROPAGATION_PREFIX)
        }
        self.target = float(spec["target"]) / 100
        self.window_s = parse_duration(spec["window"])
        ratio = spec["indicator"]["ratio"]
        self.errors = parse_selector(ratio["errors"]["metric"])
        self.total = parse_selector(ratio["total"]["metric"])
        self.grouping = list(ratio.get("grouping") or [])
        alerting = spec.get("alerting") or {}
        self.alerting_disabled = bool(alerting.get("disabled", False))
        self.burnrate_alerts = bool(alerting.get("burnrates", True))
        self.absent_alerts = bool(alerting.get("absent", True))
        self.alert_name = alerting.get("name") or DEFAULT_ALERT

    def common_labels(self) -> dict:
        return {"slo": self.name} | self.labels

    def windows(self) -> list[dict]:
        window_ns = self.window_s * 10**9
        return [
            {
                "severity": severity,
                "for_ns": _round_minute(window_ns // for_div),
                "long_ns": _round_minute(window_ns // long_div),
                "short_ns": _round_minute(window_ns // short_div),
                "factor": factor,
            }
            for severity, for_div, long_div, short_div, factor in WINDOW_TABLE
        ]


def increase_group(slo: _Objective) -> dict:
    """`<name>-increase`: increase() over the whole SLO window, plus absent alerts."""
    grouped = (
        set(slo.grouping) | _labels_only_in_errors(slo) | {m.label for m in slo.total.matchers if m.op in ("=~", "!~")}
    )
    labels = {
        key: value for key, value in (slo.common_labels() | slo.total.label_equalities()).items() if key not in grouped
    }
    by = sorted(grouped)
    window = model_duration(slo.window_s * 10**9)
    rules = [_increase_rule(slo.total, by, window, labels)]
    if slo.absent_alerts:
        rules.append(_absent_rule(slo, slo.total, labels))
    if slo.errors.metric != slo.total.metric:
        rules.append(_increase_rule(slo.errors, by, window, labels))
        if slo.absent_alerts:
            rules.append(_absent_rule(slo, slo.errors, labels))
    return {
        "name": f"{slo.name}-increase",
        "interval": model_duration(_increase_interval_s(slo) * 10**9),
        "rules": rules,
    }


def _increase_rule(selector, by: list[str], window: str, labels: dict) -> dict:
    return {
        "record": f"{_trim(selector.metric, ('_total', '_count', '_bucket'))}:increase{window}",
        "expr": _sum(by, f"increase({_selector(selector)}[{window}])"),
        "labels": dict(labels),
    }


def _absent_rule(slo: _Objective, selector, labels: dict) -> dict:
    return {
        "alert": DEFAULT_ABSENT_ALERT,
        "expr": f"absent({_selector(selector)}) == 1",
        "for": model_duration(absent_duration_ns(slo)),
        "labels": labels | {"severity": "critical"},
    }


def burnrate_group(slo: _Objective) -> dict:
    """`<name>`: one burn-rate recording rule per distinct window, then the multi-window alerts."""
    labels = {
        key: value
        for key, value in (slo.common_labels() | slo.total.label_equalities()).items()
        if key not in slo.grouping
    }
    windows = slo.windows()
    durations = sorted({w["short_ns"] for w in windows} | {w["long_ns"] for w in windows})
    by = sorted(set(slo.grouping))
    rules = []
    for duration in durations:
        window = model_duration(duration)
        rules.append(
            {
                "record": _burnrate_name(slo, duration),
                "expr": f"{_sum(by, f'rate({_selector(slo.errors)}[{window}])')} / "
                f"{_sum(by, f'rate({_selector(slo.total)}[{window}])')}",
                "labels": dict(labels),
            }
        )
    if not slo.alerting_disabled and slo.burnrate_alerts:
        rules.extend(_burnrate_alerts(slo, windows))
    return {"name": slo.name, "interval": "30s", "rules": rules}


def _burnrate_alerts(slo: _Objective, windows: list[dict]) -> list[dict]:
    # Regex matchers on labels that are not grouped by are dropped: the recorded series no longer carry them.
    kept = [m for m in slo.total.matchers if m.op in ("=", "!=") or m.label in slo.grouping]
    selector = ",".join(sorted([m.render() for m in kept] + [f'slo="{slo.name}"']))
    target = repr(slo.target)
    alerts = []
    for w in windows:
        threshold = f"({w['factor']:.0f} * (1-{target}))"
        labels = slo.common_labels() | {
            m.label: m.value for m in slo.total.matchers if m.op == "=" and m.label not in slo.grouping
        }
        labels |= {
            "short": model_duration(w["short_ns"]),
            "long": model_duration(w["long_ns"]),
            "severity": w["severity"],
            "exhaustion": model_duration(exhausts_ns(slo, w["factor"])),
        }
        alerts.append(
            {
                "alert": slo.alert_name,
                "expr": f"{_burnrate_name(slo, w['short_ns'])}{{{selector}}} > {threshold} and "
                f"{_burnrate_name(slo, w['long_ns'])}{{{selector}}} > {threshold}",
                "for": go_duration(w["for_ns"]),  # rules.go formats this one with time.Duration: "2m0s"
                "labels": labels,
            }
        )
    return alerts


def _burnrate_name(slo: _Objective, duration_ns: int) -> str:
    return f"{_trim(slo.total.metric, ('_total', '_count'))}:burnrate{model_duration(duration_ns)}"


def _labels_only_in_errors(slo: _Objective) -> set[str]:
    """Labels the error selector constrains and the total selector does not (Pyrra's groupingLabels)."""
    return {m.label for m in slo.errors.matchers} - {m.label for m in slo.total.matchers} - {"le"}


def _increase_interval_s(slo: _Objective) -> int:
    # 30s below 7 days, then 30s more per started week, up to 240s from 49 days on.
    for weeks, seconds in ((1, 30), (2, 60), (3, 90), (4, 120), (5, 150), (6, 180), (7, 210)):
        if slo.window_s < weeks * 7 * DAY_S:
            return seconds
    return 240


def exhausts_ns(slo: _Objective, factor: float) -> int:
    return int(slo.window_s / factor) * 10**9


def absent_duration_ns(slo: _Objective) -> int:
    """Time for the fastest alert's long window to cross its threshold at 100 % errors, plus its `for`."""
    fastest = slo.windows()[0]
    threshold = fastest["factor"] * (1 - slo.target)
    seconds = int(threshold * (fastest["long_ns"] / 10**9))
    return _round_minute(seconds * 10**9 + fastest["for_ns"])


def _round_minute(ns: int) -> int:
    """Go's Duration.Round(time.Minute): halves round away from zero."""
    return (ns + MINUTE_NS // 2) // MINUTE_NS * MINUTE_NS


def model_duration(ns: int) -> str:
    """Prometheus model.Duration text: 28d → '4w', 30d → '30d', 1h4m → '1h4m' (years and weeks only when exact)."""
    ms = ns // 10**6
    if ms == 0:
        return "0s"
    text = ""
    for unit, size, exact in (
        ("y", 365 * DAY_S * 1000, True),
        ("w", 7 * DAY_S * 1000, True),
        ("d", DAY_S * 1000, False),
        ("h", 3600_000, False),
        ("m", 60_000, False),
        ("s", 1000, False),
        ("ms", 1, False),
    ):
        if exact and ms % size:
            continue
        if ms >= size:
            text += f"{ms // size}{unit}"
            ms %= size
    return text


def go_duration(ns: int) -> str:
    """Go's time.Duration.String for whole seconds: '2m0s', '1h4m0s', '45s'."""
    seconds = ns // 10**9
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


def _sum(by: list[str], inner: str) -> str:
    """Prometheus's printing of an aggregation: `sum(x)` or `sum by (a, b) (x)`."""
    return f"sum by ({', '.join(by)}) ({inner})" if by else f"sum({inner})"


def _selector(selector) -> str:
    matchers = sorted(m.render() for m in selector.matchers if m.label != "__name__")
    return f"{selector.metric}{{{','.join(matchers)}}}" if matchers else selector.metric


def _trim(metric: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        metric = metric.removesuffix(suffix)
    return metric


def dump(document: dict) -> str:
    """The document as a Prometheus rule file (one line per expr, as Pyrra's YAML marshalling writes them)."""
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False, width=10_000)
